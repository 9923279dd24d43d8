#include "common.h"

#include <byteswap.h>
#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "../report/escape.h"
#include "cmd.h"

static const char *machine_hint(const GElf_Ehdr *eh)
{
	GElf_Ehdr swapped = *eh;

	swapped.e_machine = bswap_16(eh->e_machine);
	if (sc_arch_for(&swapped))
		return " (byte-swapped it would be supported: does the file "
		       "claim the wrong byte order?)";
	swapped = *eh;
	swapped.e_ident[EI_CLASS] = eh->e_ident[EI_CLASS] == ELFCLASS64 ?
				    ELFCLASS32 : ELFCLASS64;
	if (sc_arch_for(&swapped))
		return " in this ELF class (does the file claim the wrong "
		       "class?)";
	return "";
}

int sc_cmd_open(const char *path, bool need_rel, struct sc_object *obj,
		const struct sc_arch **arch, struct sc_err *err)
{
	if (sc_object_open(obj, path, need_rel, err))
		return -1;
	*arch = sc_arch_for(&obj->ehdr);
	if (!*arch) {
		sc_errf(err, "unsupported machine %u%s", obj->ehdr.e_machine,
			machine_hint(&obj->ehdr));
		sc_object_close(obj);
		return -1;
	}
	return 0;
}

int sc_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	struct sc_line l;
	FILE *m = sc_line_start(&l);

	if (m) {
		fprintf(m, "scstool %s: ", cmd);
		fprintf(m, fmt, arg);
	}
	sc_line_end(&l, stderr);
	fprintf(stderr, "Run 'scstool help %s' for usage.\n", cmd);
	return SC_EXIT_USAGE;
}

/* getopt's own messages would print the option raw: with opterr 0 and a
 * leading ':' in the option string, the problem is named here, escaped.
 * A long option has been stepped over when getopt returns, so it is the
 * argument before optind. */
int sc_option_error(const char *cmd, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	bool is_long = !strncmp(arg, "--", 2);
	char opt[2] = { (char)optopt, 0 }, name[64];

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
	if (c == ':')
		return is_long ? sc_usage_error(cmd, "option '%s' requires an "
						"argument", name)
			       : sc_usage_error(cmd, "option requires an "
						"argument -- '%s'", opt);
	if (!is_long)
		return sc_usage_error(cmd, "invalid option -- '%s'", opt);
	if (optopt)
		return sc_usage_error(cmd, "option '%s' takes no argument",
				      name);
	return sc_usage_error(cmd, "unrecognized option '%s'", arg);
}
