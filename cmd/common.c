#include "common.h"

#include <byteswap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../report/build.h"
#include "../report/escape.h"
#include "../report/text.h"
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

int sc_cmd_open(const struct sc_input *in, unsigned flags,
		struct sc_object *obj, const struct sc_arch **arch,
		struct sc_err *err)
{
	if (in->error) {
		sc_errf(err, "%s", in->error);
		return -1;
	}
	if (in->path ? sc_input_open(obj, in->path, flags, err) :
	    sc_input_open_image(obj, in->name, in->image, in->size, flags,
				err))
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
	fprintf(stderr, "Run 'scstool %s --help' for usage.\n", cmd);
	return SC_EXIT_USAGE;
}

bool sc_colour_auto(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (no && *no)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(STDERR_FILENO);
}

int sc_parse_colour(const char *cmd, const char *arg, bool *colour)
{
	if (!strcmp(arg, "always"))
		*colour = true;
	else if (!strcmp(arg, "never"))
		*colour = false;
	else if (!strcmp(arg, "auto"))
		*colour = sc_colour_auto();
	else
		return sc_usage_error(cmd, "bad --color '%s': want auto, "
				      "always or never", arg);
	return -1;
}

/* -W is checked now and applied after the config file, which it beats. */
int sc_cmd_add_wflag(const char *cmd, struct sc_run_policy *p,
		     const char *arg)
{
	struct sc_wflag *w;
	struct sc_err e;

	w = realloc(p->wflags, (p->nwflags + 1) * sizeof(*w));
	if (!w)
		return sc_usage_error(cmd, "%s", "out of memory");
	p->wflags = w;
	if (sc_wflag_parse(arg, &p->wflags[p->nwflags], &e))
		return sc_usage_error(cmd, "%s", e.msg);
	p->nwflags++;
	return -1;
}

int sc_cmd_load_policy(struct sc_run_policy *p)
{
	struct sc_err e;
	size_t i;

	sc_policy_defaults(&p->policy);
	if (sc_policy_load(&p->policy, p->config_path, &e)) {
		sc_print_line(stderr, "%s", e.msg);
		return -1;
	}
	for (i = 0; i < p->nwflags; i++)
		sc_policy_apply(&p->policy, &p->wflags[i]);
	return 0;
}

void sc_cmd_policy_free(struct sc_run_policy *p)
{
	free(p->wflags);
	p->wflags = NULL;
	p->nwflags = 0;
	sc_policy_free(&p->policy);
}

int sc_cmd_file_failed(FILE *err, const char *path, bool colour,
		       struct sc_report_file *record, const struct sc_err *e)
{
	struct sc_err oom;

	sc_report_text_error(err, path, e->msg, colour);
	sc_report_file_free(record);
	if (sc_report_failed(record, path, e->msg, &oom))
		sc_report_text_error(err, path, oom.msg, colour);
	return SC_EXIT_USAGE;
}
