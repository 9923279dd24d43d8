/* scstool: finds, checks and records static-call sites in ELF objects.
 * The command table; each command's options are listed here, and
 * described once in cmd/options.c. */
#include <errno.h>
#include <libelf.h>
#include <libiberty/libiberty.h>
#include <stdio.h>
#include <string.h>

#include "../elf/file.h"
#include "../report/escape.h"
#include "cmd.h"
#include "options.h"

#define END SC_OPT_COUNT

static const enum sc_opt_id check_opts[] = {
	SC_OPT_OUTPUT, SC_OPT_DRY_RUN, SC_OPT_MODULE, SC_OPT_FORCE,
	SC_OPT_JOBS, SC_OPT_WARN, SC_OPT_WERROR, SC_OPT_CONFIG, SC_OPT_FORMAT,
	SC_OPT_REPORT, SC_OPT_SOURCE_ROOT, SC_OPT_STATS, SC_OPT_VERBOSE,
	SC_OPT_COLOR, SC_OPT_HELP, END
};

/* lint writes nothing, so -o, -n and -f are not its options. */
static const enum sc_opt_id lint_opts[] = {
	SC_OPT_MODULE, SC_OPT_JOBS, SC_OPT_RECURSIVE, SC_OPT_WARN,
	SC_OPT_WERROR, SC_OPT_CONFIG, SC_OPT_FORMAT, SC_OPT_REPORT, SC_OPT_SOURCE_ROOT, SC_OPT_STATS,
	SC_OPT_VERBOSE, SC_OPT_COLOR, SC_OPT_HELP, END
};

static const enum sc_opt_id dump_opts[] = {
	SC_OPT_JOBS, SC_OPT_RECURSIVE, SC_OPT_SYSTEM_MAP, SC_OPT_FORMAT,
	SC_OPT_REPORT,
	SC_OPT_SOURCE_ROOT, SC_OPT_STATS, SC_OPT_COLOR, SC_OPT_HELP, END
};

/* verify reads linked files and writes nothing. */
static const enum sc_opt_id verify_opts[] = {
	SC_OPT_JOBS, SC_OPT_RECURSIVE, SC_OPT_SYSTEM_MAP, SC_OPT_WARN,
	SC_OPT_WERROR,
	SC_OPT_CONFIG, SC_OPT_FORMAT, SC_OPT_REPORT, SC_OPT_SOURCE_ROOT,
	SC_OPT_STATS, SC_OPT_VERBOSE, SC_OPT_COLOR, SC_OPT_HELP, END
};

static const enum sc_opt_id rules_opts[] = {
	SC_OPT_RULES_FORMAT, SC_OPT_HELP, END
};

static const enum sc_opt_id help_opts[] = {
	SC_OPT_MAN, SC_OPT_COMPLETION, SC_OPT_HELP, END
};

static const enum sc_opt_id version_opts[] = { SC_OPT_HELP, END };

const struct sc_command sc_commands[] = {
	{ "check", cmd_check, "[OPTIONS] FILE...",
	  "find and classify static-call sites, write .static_call_sites",
	  "Finds every static-call site (a direct call, jump or conditional "
	  "jump to a __SCT__ trampoline), checks it, and writes the "
	  ".static_call_sites table in place (or to -o OUT).",
	  check_opts, "FILE", false, SC_BY_CHECK },
	{ "lint", cmd_lint, "[OPTIONS] FILE...",
	  "check without writing: every site and finding, for CI",
	  "check --dry-run: reports every site and finding, writes "
	  "nothing.",
	  lint_opts, "FILE", false, SC_BY_CHECK },
	{ "dump", cmd_dump, "[OPTIONS] FILE...",
	  "print the .static_call_sites table of objects",
	  "Prints each object's .static_call_sites table, one line per "
	  "entry: SECTION+0xOFF FUNCTION+0xOFF KIND KEY FLAGS.  In a linked "
	  "file (executable, PIE, shared library, vmlinux) the first column "
	  "is the site's address, 0xADDR.  KIND is "
	  "decoded from the bytes at the site (call, tail, cond, or the "
	  "instruction found there); FLAGS is tail, init, both or -.",
	  dump_opts, "FILE", false, 0 },
	{ "verify", cmd_verify, "[OPTIONS] FILE...",
	  "check a linked file's table after the final link",
	  "Checks the static-call table of linked files (executables, PIE, "
	  "shared libraries, vmlinux) after the final link: every entry "
	  "must point at an instruction the loader accepts for its flags, "
	  "its branch must go to its key's trampoline, no two entries may "
	  "name one site, and every direct branch to a trampoline must "
	  "have an entry.  Writes nothing.",
	  verify_opts, "FILE", false, SC_BY_VERIFY },
	{ "rules", cmd_rules, "[OPTIONS] [RULE...]",
	  "list the rules, or describe the named ones",
	  "Lists every rule with its default severity and the architectures "
	  "it applies to, or describes the named rules in full.  "
	  "'scstool help rules' is the same.",
	  rules_opts, NULL, false, 0 },
	{ "help", cmd_help, "[OPTIONS] [COMMAND]",
	  "show help for a command",
	  "Shows the commands, or a command's options.  --man and "
	  "--completion print the man page and the shell completion, for "
	  "packagers.",
	  help_opts, NULL, true, 0 },
	{ "version", cmd_version, "",
	  "print the version",
	  "Prints the version.",
	  version_opts, NULL, false, 0 },
};

const size_t sc_ncommands = sizeof(sc_commands) / sizeof(sc_commands[0]);

/* @FILE arguments are replaced by FILE's words, with GCC's own code
 * (libiberty's expandargv): quotes, backslashes and nesting as GCC's
 * response files have them.  A FILE that cannot be read stays as the
 * argument it was, as in GCC, and is then reported as a missing input. */
static int dispatch(int argc, char **argv)
{
	const struct sc_command *c;

	if (argc < 2) {
		sc_usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		sc_usage(stdout);
		return SC_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, (char *[]){ "version", NULL });
	c = sc_find_command(argv[1]);
	if (!c) {
		sc_unknown_command(argv[1]);
		fprintf(stderr, "Run 'scstool help' for the commands.\n");
		return SC_EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
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
	char **given = argv;
	int status;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "scstool: libelf is too old\n");
		return SC_EXIT_USAGE;
	}
	/* Before any thread starts: a signal then finds the handler that
	 * removes the temporary files. */
	sc_file_catch_signals();
	expandargv(&argc, &argv);
	status = dispatch(argc, argv);
	if (argv != given)
		freeargv(argv);
	return finish(status);
}
