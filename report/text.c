#include "text.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* GCC's colours (its default GCC_COLORS): the location bold, each
 * severity in its colour, the rule tag plain. */
#define BOLD "\033[01m\033[K"
#define RESET "\033[m\033[K"

static const char *const sev_colour[] = {
	[SC_SEV_OFF] = "",
	[SC_SEV_NOTE] = "\033[01;36m\033[K",
	[SC_SEV_WARNING] = "\033[01;35m\033[K",
	[SC_SEV_ERROR] = "\033[01;31m\033[K",
};

/* "LOCATION: severity: " with the location escaped (report/escape.h):
 * the colours are ours, so they are added around the escaped text,
 * never escaped themselves.  Returns EOF when memory runs out. */
static int lead(FILE *out, const char *where, enum sc_severity sev,
		bool colour)
{
	char *safe = sc_escape(where);

	if (!safe)
		return EOF;
	if (colour)
		fprintf(out, BOLD "%s:" RESET " %s%s: " RESET, safe,
			sev_colour[sev], sc_severity_name(sev));
	else
		fprintf(out, "%s: %s: ", safe, sc_severity_name(sev));
	free(safe);
	return 0;
}

/* The rest of a diagnostic line, escaped as a whole, then "[rule]", or
 * "[rule, -Werror]" when a flag changed the severity. */
static void rest(FILE *out, const char *path, const struct sc_report_finding *d)
{
	char flag[96];
	struct sc_line l;
	FILE *m = sc_line_start(&l);

	if (m) {
		if (path)
			fprintf(m, "%s: ", path);
		fprintf(m, "%s: %s [%s", d->function, d->message,
			sc_rules[d->rule].name);
		if (d->promoted != SC_PROMOTED_NONE)
			fprintf(m, ", %s", sc_promotion_flag(d->promoted,
				d->rule, flag, sizeof(flag)));
		fputc(']', m);
	}
	sc_line_end(&l, out);
}

void sc_report_text_finding(FILE *out, const char *path,
			    const struct sc_report_finding *d, bool colour)
{
	const char *where = d->source ? d->source : path;

	if (lead(out, where, d->severity, colour) == EOF) {
		fprintf(out, "scstool: out of memory\n");
		return;
	}
	rest(out, d->source ? path : NULL, d);
}

void sc_report_text_error(FILE *out, const char *path, const char *msg,
			  bool colour)
{
	if (lead(out, path, SC_SEV_ERROR, colour) == EOF) {
		fprintf(out, "scstool: out of memory\n");
		return;
	}
	sc_print_line(out, "%s", msg);
}

void sc_report_text_file(FILE *out, const struct sc_report_file *f,
			 bool verbose, bool colour)
{
	size_t i;

	if (f->error) {
		sc_report_text_error(out, f->path, f->error, colour);
		return;
	}
	for (i = 0; i < f->nfindings; i++)
		if (verbose || f->findings[i].severity != SC_SEV_NOTE)
			sc_report_text_finding(out, f->path, &f->findings[i],
					       colour);
}

void sc_report_text(FILE *out, const struct sc_report *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		sc_report_text_file(out, &r->files[i], true, false);
	for (i = 0; r->stats && i < r->nfiles; i++)
		sc_report_stats_text(out, &r->files[i]);
	if (r->stats)
		sc_report_totals_text(out, r);
}
