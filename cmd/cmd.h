/* The command-line layer: one table of commands (cmd/main.c) whose
 * options, parsing and help come from cmd/options.h. */
#ifndef SC_CMD_H
#define SC_CMD_H

#include <stdio.h>

#include "../check/policy.h"	/* enum sc_exit */
#include "../decode/decode.h"
#include "../elf/file.h"	/* struct sc_spare */
#include "inputs.h"

/* The commands (cmd/main.c lists them with their options). */
int cmd_check(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);

/* "unknown command 'NAME'", with a did-you-mean when one is near;
 * returns the usage exit status. */
int sc_unknown_command(const char *name);

/* What one worker thread keeps from file to file and never shares: what
 * costs more to build again for each file than to keep (decoders). */
struct sc_worker {
	struct sc_decoders decoders;
	struct sc_spare spare;		/* elf/file.h: for check's writes */
};

/* Runs fn on each of n inputs (cmd/inputs.h: files and archive members)
 * on up to jobs threads; each call writes its messages to its own
 * streams, printed in input order, and may leave a record in records[i]
 * (when records is not NULL).  Each call gets its thread's worker, which
 * sc_run_files frees when the thread is done.  Returns the worst exit
 * status. */
typedef int (*sc_file_fn)(const void *ctx, struct sc_worker *worker,
			  const struct sc_input *in, FILE *out, FILE *err,
			  void **record);
int sc_run_files(sc_file_fn fn, const void *ctx,
		 const struct sc_input *inputs, int n, int jobs,
		 void **records);

/* Parses a positive job count; -1 when it is not one. */
int sc_parse_jobs(const char *s);

#endif
