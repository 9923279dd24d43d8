#include "common.h"

#include <byteswap.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
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

/* -W is checked now and applied after the config file, which it beats. */
int sc_cmd_add_wopt(const char *cmd, struct sc_run_policy *p, char *spec)
{
	struct sc_policy scratch;
	char **w;

	sc_policy_defaults(&scratch);
	if (sc_policy_set(&scratch, spec))
		return sc_usage_error(cmd, "bad -W '%s': want "
				      "RULE=off|note|warning|error", spec);
	w = realloc(p->wopts, (p->nwopts + 1) * sizeof(*w));
	if (!w)
		return sc_usage_error(cmd, "%s", "out of memory");
	p->wopts = w;
	p->wopts[p->nwopts++] = spec;
	return -1;
}

static int load_config(struct sc_run_policy *p)
{
	char found[4096];
	const char *path = p->config_path;
	struct sc_err e;
	int r = 0;

	sc_config_defaults(&p->config);
	if (!path) {
		r = sc_config_find(found, sizeof(found), &e);
		path = r == 1 ? found : NULL;
	}
	if (r >= 0 && path && sc_config_load(&p->config, path, &e) == 0)
		return 0;
	if (r >= 0 && !path)
		return 0;
	sc_print_line(stderr, "%s", e.msg);
	return -1;
}

int sc_cmd_load_policy(struct sc_run_policy *p)
{
	size_t i;

	if (load_config(p))
		return -1;
	sc_policy_defaults(&p->policy);
	if (!p->config.cond_tail)
		p->policy.severity[SC_RULE_COND_TAIL] = SC_SEV_ERROR;
	for (i = 0; i < SC_RULE_COUNT; i++)
		if (p->config.set[i])
			p->policy.severity[i] = p->config.severity[i];
	for (i = 0; i < p->nwopts; i++)
		sc_policy_set(&p->policy, p->wopts[i]);
	return 0;
}

void sc_cmd_policy_free(struct sc_run_policy *p)
{
	free(p->wopts);
	p->wopts = NULL;
	p->nwopts = 0;
	sc_config_free(&p->config);
}
