/* --stats: per-file counts of sites by kind and by key and of findings by
 * rule, and the ownership of the report model. */
#include "report.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void counts_free(struct sc_report_count *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(c[i].name);
	free(c);
}

/* Counts the n names (sorted in place): one entry per distinct name, in
 * name order, so that equal inputs give equal stats whatever the order
 * the sites were found in. */
static int tally(const char **names, size_t n, struct sc_report_count **out,
		 size_t *nout, struct sc_err *err)
{
	struct sc_report_count *c;
	size_t i, k = 0;

	*out = NULL;
	*nout = 0;
	if (!n)
		return 0;
	qsort(names, n, sizeof(*names), by_name);
	c = calloc(n, sizeof(*c));
	if (!c)
		return sc_errf(err, "out of memory");
	for (i = 0; i < n; i++) {
		if (k && !strcmp(c[k - 1].name, names[i])) {
			c[k - 1].count++;
			continue;
		}
		c[k].name = strdup(names[i]);
		c[k++].count = 1;
		if (!c[k - 1].name) {
			counts_free(c, k);
			return sc_errf(err, "out of memory");
		}
	}
	*out = c;
	*nout = k;
	return 0;
}

static void stats_free(struct sc_report_stats *st)
{
	counts_free(st->by_kind, st->nkind);
	counts_free(st->by_key, st->nkey);
	counts_free(st->by_rule, st->nrule);
	memset(st, 0, sizeof(*st));
}

/* Gathers the non-NULL strings at offset off of n elements of size sz. */
static size_t gather(const char **names, const void *base, size_t n,
		     size_t sz, size_t off)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		const char *s = *(const char *const *)
			((const char *)base + i * sz + off);

		/* A site without a key counts under none. */
		if (s)
			names[k++] = s;
	}
	return k;
}

/* One scratch array of name pointers serves all three counts; the names
 * stay owned by the sites and findings until tally copies them. */
int sc_report_count(struct sc_report_file *f, struct sc_err *err)
{
	struct sc_report_stats *st = &f->stats;
	size_t cap = f->nsites > f->nfindings ? f->nsites : f->nfindings;
	const char **names = malloc((cap ? cap : 1) * sizeof(*names));
	size_t n;
	int ret;

	stats_free(st);
	if (!names)
		return sc_errf(err, "out of memory");
	n = gather(names, f->sites, f->nsites, sizeof(*f->sites),
		   offsetof(struct sc_report_site, kind));
	ret = tally(names, n, &st->by_kind, &st->nkind, err);
	n = gather(names, f->sites, f->nsites, sizeof(*f->sites),
		   offsetof(struct sc_report_site, key));
	ret = ret ? ret : tally(names, n, &st->by_key, &st->nkey, err);
	for (n = 0; n < f->nfindings; n++)
		names[n] = sc_rules[f->findings[n].rule].name;
	ret = ret ? ret : tally(names, n, &st->by_rule, &st->nrule, err);
	free(names);
	if (ret)
		stats_free(st);
	return ret;
}

static void print_counts(FILE *out, const struct sc_report_count *c,
			 size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(out, "%s %s %zu", i ? "," : ":", c[i].name,
			c[i].count);
}

/* Up to three lines per file, each led by its path so that the lines of
 * many files can be told apart (and grepped) like diagnostics:
 *   foo.o: 3 sites (2 in table): call 2, tail 1
 *   foo.o:   by key: __SCK__foo 3		(only when a site has a key)
 *   foo.o: 1 finding: not-a-branch 1
 * Names are escaped (report/escape.h), each line as a whole. */
void sc_report_stats_text(FILE *out, const struct sc_report_file *f)
{
	const struct sc_report_stats *st = &f->stats;
	size_t i, in_table = 0;
	struct sc_line l;
	FILE *m;

	if (f->error) {
		sc_print_line(out, "%s: not checked", f->path);
		return;
	}
	for (i = 0; i < f->nsites; i++)
		in_table += f->sites[i].in_table;
	if ((m = sc_line_start(&l))) {
		fprintf(m, "%s: %zu site%s (%zu in table)", f->path, f->nsites,
			f->nsites == 1 ? "" : "s", in_table);
		print_counts(m, st->by_kind, st->nkind);
	}
	sc_line_end(&l, out);
	if (st->nkey) {
		if ((m = sc_line_start(&l))) {
			fprintf(m, "%s:   by key", f->path);
			print_counts(m, st->by_key, st->nkey);
		}
		sc_line_end(&l, out);
	}
	if ((m = sc_line_start(&l))) {
		fprintf(m, "%s: %zu finding%s", f->path, f->nfindings,
			f->nfindings == 1 ? "" : "s");
		print_counts(m, st->by_rule, st->nrule);
	}
	sc_line_end(&l, out);
}

/* Every file's names in one list: a count of the totals is a count of
 * the names over all files, so tally does the summing. */
static int total_of(struct sc_report *r, size_t off, bool findings,
		    struct sc_report_count **out, size_t *nout,
		    struct sc_err *err)
{
	size_t i, j, n = 0, cap = 0;
	const char **names;
	int ret;

	for (i = 0; i < r->nfiles; i++)
		cap += findings ? r->files[i].nfindings : r->files[i].nsites;
	names = malloc((cap ? cap : 1) * sizeof(*names));
	if (!names)
		return sc_errf(err, "out of memory");
	for (i = 0; i < r->nfiles; i++) {
		const struct sc_report_file *f = &r->files[i];

		if (findings)
			for (j = 0; j < f->nfindings; j++)
				names[n++] = sc_rules[f->findings[j].rule].name;
		else
			n += gather(names + n, f->sites, f->nsites,
				    sizeof(*f->sites), off);
	}
	ret = tally(names, n, out, nout, err);
	free(names);
	return ret;
}

int sc_report_totals(struct sc_report *r, struct sc_err *err)
{
	struct sc_report_totals *t = &r->totals;
	size_t i, j;
	int ret;

	sc_report_totals_free(t);
	for (i = 0; i < r->nfiles; i++) {
		const struct sc_report_file *f = &r->files[i];

		t->files++;
		t->not_checked += f->error != NULL;
		t->sites += f->nsites;
		t->findings += f->nfindings;
		for (j = 0; j < f->nsites; j++)
			t->in_table += f->sites[j].in_table;
	}
	ret = total_of(r, offsetof(struct sc_report_site, kind), false,
		       &t->stats.by_kind, &t->stats.nkind, err);
	if (!ret)
		ret = total_of(r, offsetof(struct sc_report_site, key), false,
			       &t->stats.by_key, &t->stats.nkey, err);
	if (!ret)
		ret = total_of(r, 0, true, &t->stats.by_rule,
			       &t->stats.nrule, err);
	if (ret)
		sc_report_totals_free(t);
	return ret;
}

void sc_report_totals_free(struct sc_report_totals *t)
{
	stats_free(&t->stats);
	memset(t, 0, sizeof(*t));
}

/* The lines of sc_report_stats_text, led by "total" and the number of
 * files:
 *   total: 3 files (1 not checked): 5 sites (4 in table): call 3, tail 2
 *   total:   by key: __SCK__foo 5
 *   total: 2 findings: cacheline 2 */
void sc_report_totals_text(FILE *out, const struct sc_report *r)
{
	const struct sc_report_totals *t = &r->totals;
	struct sc_line l;
	FILE *m;

	if ((m = sc_line_start(&l))) {
		fprintf(m, "total: %zu file%s", t->files,
			t->files == 1 ? "" : "s");
		if (t->not_checked)
			fprintf(m, " (%zu not checked)", t->not_checked);
		fprintf(m, ": %zu site%s (%zu in table)", t->sites,
			t->sites == 1 ? "" : "s", t->in_table);
		print_counts(m, t->stats.by_kind, t->stats.nkind);
	}
	sc_line_end(&l, out);
	if (t->stats.nkey) {
		if ((m = sc_line_start(&l))) {
			fprintf(m, "total:   by key");
			print_counts(m, t->stats.by_key, t->stats.nkey);
		}
		sc_line_end(&l, out);
	}
	if ((m = sc_line_start(&l))) {
		fprintf(m, "total: %zu finding%s", t->findings,
			t->findings == 1 ? "" : "s");
		print_counts(m, t->stats.by_rule, t->stats.nrule);
	}
	sc_line_end(&l, out);
}

static void site_free(struct sc_report_site *s)
{
	free(s->section);
	free(s->function);
	free(s->source);
	free(s->bytes);
	free(s->insn);
	free(s->trampoline);
	free(s->key);
}

static void finding_free(struct sc_report_finding *f)
{
	free(f->message);
	free(f->section);
	free(f->function);
	free(f->source);
}

void sc_report_file_free(struct sc_report_file *f)
{
	size_t i;

	for (i = 0; i < f->nsites; i++)
		site_free(&f->sites[i]);
	free(f->sites);
	for (i = 0; i < f->nfindings; i++)
		finding_free(&f->findings[i]);
	free(f->findings);
	stats_free(&f->stats);
	free(f->path);
	free(f->error);
	memset(f, 0, sizeof(*f));
}
