/* Machine-readable reports: a model of what one run found, built from the
 * check engine's results, and the emitters that print it.  The model owns
 * all its strings, so it outlives the objects it was built from. */
#ifndef SC_REPORT_H
#define SC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../check/policy.h"
#include "sc_err.h"

enum sc_format {
	SC_FORMAT_TEXT,
	SC_FORMAT_YAML,
	SC_FORMAT_SARIF,
	SC_FORMAT_JSON,
};

struct sc_report_site {
	char *section;
	uint64_t offset;	/* of the patched opcode in its section */
	bool has_vaddr;		/* a linked file: addresses are final */
	uint64_t vaddr;		/* the opcode's address */
	char *function;		/* "name+0xoff", or "section+0xoff" */
	char *source;		/* "file:line", or NULL without DWARF */
	const char *kind;	/* "call", "tail", "cond" */
	char *bytes;		/* the instruction, "e8 00 00 00 00" */
	char *insn;		/* its disassembly */
	unsigned length;	/* its length in bytes */
	char *trampoline;	/* NULL when no symbol names it (linked) */
	char *key;		/* NULL when there is none; in a linked file
				 * whose key no symbol names, its address */
	unsigned flags;		/* SC_SITE_TAIL | SC_SITE_INIT bits */
	const char *cacheline;	/* "safe", "maybe", "crosses" */
	const char *null;	/* what a NULL target becomes: "nop5", ... */
	bool in_table;
};

struct sc_report_finding {
	enum sc_rule rule;
	enum sc_severity severity;	/* as judged: never off */
	enum sc_promotion promoted;	/* why it is not the rule's */
	char *message;
	char *section;		/* NULL for findings about the whole file */
	uint64_t offset;
	bool has_vaddr;		/* a linked file, and section is not NULL */
	uint64_t vaddr;		/* the address of offset in section */
	char *function;		/* "name+0xoff" */
	char *source;		/* "file:line", or NULL */
};

struct sc_report_count {
	char *name;
	size_t count;
};

/* --stats: sites by kind and by key, findings by rule (each sorted by
 * name, counts of zero left out). */
struct sc_report_stats {
	struct sc_report_count *by_kind, *by_key, *by_rule;
	size_t nkind, nkey, nrule;
};

struct sc_report_file {
	char *path;
	const char *arch;	/* "x86-64"; NULL when the file was unreadable */
	bool module;
	struct sc_report_site *sites;
	size_t nsites;
	struct sc_report_finding *findings;
	size_t nfindings;
	struct sc_report_stats stats;
	char *error;		/* why the file could not be checked, or NULL */
	int status;		/* the file's exit status */
};

/* --stats over every file of the run: the per-file counts summed. */
struct sc_report_totals {
	size_t files, not_checked;	/* not_checked: those with an error */
	size_t sites, in_table, findings;
	struct sc_report_stats stats;
};

/* One run of one command over many files. */
struct sc_report {
	const char *command;	/* "check", "lint", "dump" */
	const char *version;	/* scstool's */
	bool stats;		/* include per-file stats and the totals */
	bool verbose;		/* -v: notes go into SARIF too */
	/* SARIF's %SRCROOT%: an absolute folder, lexically normal, without
	 * a final '/'; paths under it are given relative to it. */
	const char *source_root;
	struct sc_report_file *files;
	size_t nfiles;
	struct sc_report_totals totals;	/* filled when stats */
};

/* YAML (docs/report.md) through libyaml's emitter. */
int sc_report_yaml(FILE *out, const struct sc_report *r, struct sc_err *err);

/* path made absolute (against the current directory) and lexically
 * normal: no ".", "..", "//" or final '/' (the root stays "/").  The
 * file need not exist: DWARF names sources of other machines.  Returns
 * a string to free, or NULL when memory runs out or the current
 * directory cannot be had (errno says which). */
char *sc_abs_path(const char *path);

/* The YAML report's twin, key for key, as JSON through json-c. */
int sc_report_json(FILE *out, const struct sc_report *r, struct sc_err *err);

/* SARIF 2.1.0 JSON through json-c: one result per finding (notes only
 * with r->verbose); files that could not be read are the invocation's
 * tool execution notifications, not results. */
int sc_report_sarif(FILE *out, const struct sc_report *r,
		    struct sc_err *err);

/* The --stats block of one file, as text. */
void sc_report_stats_text(FILE *out, const struct sc_report_file *f);

/* Fills f->stats from f->sites and f->findings. */
int sc_report_count(struct sc_report_file *f, struct sc_err *err);

/* Fills r->totals from every file (after sc_report_count on each). */
int sc_report_totals(struct sc_report *r, struct sc_err *err);

/* The totals as text: "total: ..." lines. */
void sc_report_totals_text(FILE *out, const struct sc_report *r);

void sc_report_totals_free(struct sc_report_totals *t);

void sc_report_file_free(struct sc_report_file *f);

#endif
