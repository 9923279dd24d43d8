#include "text.h"

#include <string.h>

#include "escape.h"

void sc_report_text_finding(FILE *out, const char *path,
			    const struct sc_report_finding *d)
{
	if (d->source)
		sc_print_line(out, "%s: %s: %s: %s: %s [%s]", d->source,
			      d->severity, path, d->function, d->message,
			      d->rule);
	else
		sc_print_line(out, "%s: %s: %s: %s [%s]", path, d->severity,
			      d->function, d->message, d->rule);
}

void sc_report_text_file(FILE *out, const struct sc_report_file *f,
			 bool verbose)
{
	size_t i;

	if (f->error) {
		sc_print_line(out, "%s: error: %s", f->path, f->error);
		return;
	}
	for (i = 0; i < f->nfindings; i++)
		if (verbose || strcmp(f->findings[i].severity, "note"))
			sc_report_text_finding(out, f->path, &f->findings[i]);
}

void sc_report_text(FILE *out, const struct sc_report *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		sc_report_text_file(out, &r->files[i], true);
	for (i = 0; r->stats && i < r->nfiles; i++)
		sc_report_stats_text(out, &r->files[i]);
}
