/* scstool: finds, checks and records static-call sites in ELF objects. */
#include <errno.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>

#include "../elf/file.h"
#include "../report/escape.h"
#include "cmd.h"

#ifndef SC_VERSION
#define SC_VERSION "0.1"
#endif

static int cmd_help(int argc, char **argv);
static void help_help(FILE *out);
static int cmd_version(int argc, char **argv);
static void version_help(FILE *out);

static const struct sc_command commands[] = {
	{ "check", cmd_check, cmd_check_help,
	  "find and classify static-call sites, write .static_call_sites" },
	{ "lint", cmd_lint, cmd_lint_help,
	  "check without writing: every site and finding, for CI" },
	{ "dump", cmd_dump, cmd_dump_help,
	  "print the .static_call_sites table of objects" },
	{ "verify", cmd_verify, cmd_verify_help,
	  "check a linked file's table after the final link" },
	{ "help", cmd_help, help_help, "show help for a command" },
	{ "version", cmd_version, version_help, "print the version" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: scstool COMMAND [OPTIONS] FILE...\n\n"
		"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\nRun 'scstool help COMMAND' for a command's options.\n"
		"Exit status: 0 clean, 1 error findings, 2 usage, I/O or "
		"malformed input.\n");
}

static const struct sc_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void help_help(FILE *out)
{
	fprintf(out, "Usage: scstool help [COMMAND]\n");
}

static int cmd_help(int argc, char **argv)
{
	const struct sc_command *c;

	if (argc < 2) {
		usage(stdout);
		return SC_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		sc_print_line(stderr, "scstool: unknown command '%s'", argv[1]);
		return SC_EXIT_USAGE;
	}
	c->help(stdout);
	return SC_EXIT_OK;
}

static void version_help(FILE *out)
{
	fprintf(out, "Usage: scstool version\n");
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("scstool %s\n", SC_VERSION);
	return SC_EXIT_OK;
}

/* Output still buffered is written now: a failure (a full disk, a closed
 * pipe) is an I/O error, exit 2, with its reason.  A failure to write to
 * stderr cannot be told, but the exit status still says it. */
static int finish(int status)
{
	const char *why = NULL;

	/* Flushing again repeats a failed write, which names its reason. */
	if (fflush(stdout) == EOF)
		why = strerror(errno);
	else if (ferror(stdout))
		why = "an earlier write failed";
	if (fclose(stdout) == EOF && !why)
		why = strerror(errno);
	if (why) {
		fprintf(stderr, "scstool: cannot write to standard output: "
			"%s\n", why);
		status = SC_EXIT_USAGE;
	}
	if (fflush(stderr) == EOF || ferror(stderr))
		status = SC_EXIT_USAGE;
	return status;
}

int main(int argc, char **argv)
{
	const struct sc_command *c;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "scstool: libelf is too old\n");
		return SC_EXIT_USAGE;
	}
	if (argc < 2) {
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	/* Before any thread starts: a signal then finds the handler that
	 * removes the temporary files. */
	sc_file_catch_signals();
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return finish(SC_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version"))
		return finish(cmd_version(0, NULL));
	c = find_command(argv[1]);
	if (!c) {
		sc_print_line(stderr, "scstool: unknown command '%s'", argv[1]);
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	return finish(c->run(argc - 1, argv + 1));
}
