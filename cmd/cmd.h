/* The command-line layer: one table of subcommands, each with its own
 * option parsing and help. */
#ifndef SC_CMD_H
#define SC_CMD_H

#include <stdio.h>

#define SC_EXIT_OK 0
#define SC_EXIT_FINDINGS 1
#define SC_EXIT_USAGE 2		/* also I/O and malformed input */

struct sc_command {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *out);
	const char *summary;
};

int cmd_check(int argc, char **argv);
void cmd_check_help(FILE *out);
int cmd_lint(int argc, char **argv);
void cmd_lint_help(FILE *out);
int cmd_dump(int argc, char **argv);
void cmd_dump_help(FILE *out);
int cmd_verify(int argc, char **argv);
void cmd_verify_help(FILE *out);

/* Runs fn on each of n files on up to jobs threads; each call writes its
 * messages to its own streams, printed in file order, and may leave a
 * record in records[i] (when records is not NULL).  Returns the worst
 * exit status. */
typedef int (*sc_file_fn)(const void *ctx, const char *path, FILE *out,
			  FILE *err, void **record);
int sc_run_files(sc_file_fn fn, const void *ctx, char **files, int n,
		 int jobs, void **records);

/* Parses a positive job count; -1 when it is not one. */
int sc_parse_jobs(const char *s);

#endif
