/* Site discovery and classification: from an ELF model to sites and
 * findings.  Nothing here knows an architecture by name. */
#ifndef SC_CHECK_H
#define SC_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arch/arch.h"
#include "../decode/decode.h"
#include "../elf/object.h"
#include "policy.h"
#include "rules.h"
#include "symbols.h"

#define SC_SITE_TAIL 1u
#define SC_SITE_INIT 2u

/* Can a one-store patch of the site's bytes tear across a cache line? */
enum sc_cacheline {
	SC_LINE_SAFE,		/* no: they stay within one aligned block */
	SC_LINE_MAYBE,		/* it depends on where the linker puts it */
	SC_LINE_CROSSES,	/* yes, wherever the section lands */
};

struct sc_site {
	size_t section;
	uint64_t offset;	/* the address the loader patches */
	uint64_t insn_start;	/* the instruction's first byte (prefixes) */
	unsigned insn_len;
	uint64_t reloc_offset;
	uint32_t reloc_type;
	int64_t addend;
	size_t tramp;		/* symbol indices */
	size_t key;		/* 0 when no key could be found */
	enum sc_kind kind;
	bool in_table;
	bool got;		/* through the GOT: never patchable */
	/* verify: the site is a linked table's entry, with these flag bits
	 * (otherwise the flags follow from the kind) */
	bool from_table;
	unsigned flags;
	enum sc_cacheline cacheline;
	uint8_t bytes[16];	/* the instruction's */
	char insn[64];		/* disassembly, for messages and reports */
};

struct sc_finding {
	enum sc_rule rule;
	/* The rule's severity when found; sc_policy_judge then makes it the
	 * one printed and counted, and says why it changed. */
	enum sc_severity severity;
	enum sc_promotion promoted;
	bool suppressed;		/* by the config: never shown */
	size_t section;		/* 0 for findings about the whole file */
	uint64_t offset;
	size_t tramp;		/* the trampoline it is about, or 0 */
	char where[160];	/* function+0xoff */
	char message[320];
};

struct sc_result {
	const struct sc_arch *arch;
	bool module;
	struct sc_site *sites;		/* sorted by section, then offset */
	size_t nsites, sites_cap;
	struct sc_finding *findings;	/* in discovery order */
	size_t nfindings, findings_cap;
};

struct sc_check_opts {
	bool module;			/* force module mode */
	int threads;			/* for instruction sweeps */
	unsigned cacheline;		/* line size in bytes */
	bool cond_tail;			/* the loader patches Jcc sites */
	const struct sc_policy *policy;
};

/* Finds and classifies every reference to a trampoline in obj.  The
 * decoder comes from decoders (opened there on first use, kept there):
 * the caller's thread's set, reused from object to object. */
int sc_check_object(const struct sc_object *obj, const struct sc_symbols *syms,
		    const struct sc_check_opts *opts,
		    struct sc_decoders *decoders, struct sc_result *res,
		    struct sc_err *err);
void sc_result_free(struct sc_result *res);

/* Adds a finding unless its rule is off; -1 only when memory runs out. */
int sc_result_add(struct sc_result *res, const struct sc_policy *policy,
		  enum sc_rule rule, size_t section, uint64_t offset,
		  size_t tramp, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* True when obj is a kernel module by its sections. */
bool sc_object_is_module(const struct sc_object *obj);

/* The highest severity among res's findings. */
enum sc_severity sc_result_worst(const struct sc_result *res);

const char *sc_cacheline_name(enum sc_cacheline c);

/* Where the bytes [start, start+len) of a section aligned to align stand
 * with respect to lines of line bytes. */
enum sc_cacheline sc_cacheline_of(uint64_t start, unsigned len,
				  uint64_t align, unsigned line);

/* The alignment a site's bytes are sure of: the section's, or the
 * instruction width of a fixed-width ISA, whichever is larger. */
uint64_t sc_site_align(const struct sc_arch *arch, const GElf_Shdr *sh);

#endif
