/* The JSON report: the YAML report's twin (docs/report.md), key for key
 * and in the same order, built as a json-c tree and printed by json-c.
 * Where YAML writes a number in hex (offset: 0x1f), JSON has the same
 * number; YAML's ~ is JSON's null. */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "escape.h"
#include "jtree.h"

/* Adders note a failure in *ok, as jtree.h's do. */
static void add_null(struct json_object *o, const char *k, bool *ok)
{
	if (json_object_object_add(o, k, NULL))
		*ok = false;
}

/* A string, or null for NULL (YAML's ~). */
static void add_str(struct json_object *o, const char *k, const char *v,
		    bool *ok)
{
	if (v)
		sc_jadd(o, k, sc_jstring(v), ok);
	else
		add_null(o, k, ok);
}

static struct json_object *new_object(bool *ok)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		*ok = false;
	return o;
}

static void add_vaddr(struct json_object *o, bool has, uint64_t v, bool *ok)
{
	if (has)
		sc_jadd(o, "vaddr", json_object_new_uint64(v), ok);
	else
		add_null(o, "vaddr", ok);
}

/* The flag bits by name, a bit without one as its value ("0x4"). */
static struct json_object *flags(unsigned v, bool *ok)
{
	static const char *const names[] = { "tail", "init" };
	struct json_object *a = json_object_new_array();
	char buf[16];
	unsigned bit;

	for (bit = 0; a && bit < 32; bit++) {
		if (!(v & (1u << bit)))
			continue;
		if (bit < 2) {
			sc_jappend(a, json_object_new_string(names[bit]), ok);
		} else {
			snprintf(buf, sizeof(buf), "0x%x", 1u << bit);
			sc_jappend(a, json_object_new_string(buf), ok);
		}
	}
	if (!a)
		*ok = false;
	return a;
}

static struct json_object *site(const struct sc_report_site *s, bool *ok)
{
	struct json_object *o = new_object(ok);

	if (!o)
		return NULL;
	add_str(o, "section", s->section, ok);
	sc_jadd(o, "offset", json_object_new_uint64(s->offset), ok);
	add_vaddr(o, s->has_vaddr, s->vaddr, ok);
	add_str(o, "function", s->function, ok);
	add_str(o, "source", s->source, ok);
	add_str(o, "kind", s->kind, ok);
	add_str(o, "bytes", s->bytes, ok);
	add_str(o, "insn", s->insn, ok);
	sc_jadd(o, "length", json_object_new_int64(s->length), ok);
	add_str(o, "trampoline", s->trampoline, ok);
	add_str(o, "key", s->key, ok);
	sc_jadd(o, "flags", flags(s->flags, ok), ok);
	add_str(o, "cacheline", s->cacheline, ok);
	add_str(o, "null", s->null, ok);
	sc_jadd(o, "in_table", json_object_new_boolean(s->in_table), ok);
	return o;
}

static struct json_object *finding(const struct sc_report_finding *f,
				   bool *ok)
{
	struct json_object *o = new_object(ok);

	if (!o)
		return NULL;
	add_str(o, "rule", sc_rules[f->rule].name, ok);
	add_str(o, "severity", sc_severity_name(f->severity), ok);
	add_str(o, "message", f->message ? f->message : "", ok);
	add_str(o, "section", f->section, ok);
	sc_jadd(o, "offset", json_object_new_uint64(f->offset), ok);
	add_vaddr(o, f->has_vaddr, f->vaddr, ok);
	add_str(o, "function", f->function, ok);
	add_str(o, "source", f->source, ok);
	return o;
}

static struct json_object *counts(const struct sc_report_count *c, size_t n,
				  bool *ok)
{
	struct json_object *o = new_object(ok);
	size_t i;
	char *safe;

	for (i = 0; o && i < n; i++) {
		/* A key is a name too (a key symbol's). */
		safe = sc_escape(c[i].name);
		if (!safe) {
			*ok = false;
			break;
		}
		sc_jadd(o, safe, json_object_new_int64((int64_t)c[i].count), ok);
		free(safe);
	}
	return o;
}

static struct json_object *stats(const struct sc_report_stats *st, bool *ok)
{
	struct json_object *o = new_object(ok);

	if (!o)
		return NULL;
	sc_jadd(o, "sites_by_kind", counts(st->by_kind, st->nkind, ok), ok);
	sc_jadd(o, "sites_by_key", counts(st->by_key, st->nkey, ok), ok);
	sc_jadd(o, "findings_by_rule", counts(st->by_rule, st->nrule, ok), ok);
	return o;
}

static struct json_object *list(size_t n, bool *ok)
{
	struct json_object *a = json_object_new_array_ext((int)(n ? n : 1));

	if (!a)
		*ok = false;
	return a;
}

static struct json_object *file(const struct sc_report_file *f,
				bool with_stats, bool *ok)
{
	struct json_object *o = new_object(ok), *a;
	size_t i;

	if (!o)
		return NULL;
	add_str(o, "path", f->path, ok);
	add_str(o, "arch", f->arch, ok);
	sc_jadd(o, "module", json_object_new_boolean(f->module), ok);
	sc_jadd(o, "status", json_object_new_int(f->status), ok);
	if (f->error)
		add_str(o, "error", f->error, ok);
	if ((a = list(f->nsites, ok)))
		for (i = 0; i < f->nsites; i++)
			sc_jappend(a, site(&f->sites[i], ok), ok);
	sc_jadd(o, "sites", a, ok);
	if ((a = list(f->nfindings, ok)))
		for (i = 0; i < f->nfindings; i++)
			sc_jappend(a, finding(&f->findings[i], ok), ok);
	sc_jadd(o, "findings", a, ok);
	if (with_stats)
		sc_jadd(o, "stats", stats(&f->stats, ok), ok);
	return o;
}

static struct json_object *totals(const struct sc_report_totals *t, bool *ok)
{
	struct json_object *o = new_object(ok);

	if (!o)
		return NULL;
	sc_jadd(o, "files", json_object_new_uint64(t->files), ok);
	sc_jadd(o, "not_checked", json_object_new_uint64(t->not_checked), ok);
	sc_jadd(o, "sites", json_object_new_uint64(t->sites), ok);
	sc_jadd(o, "in_table", json_object_new_uint64(t->in_table), ok);
	sc_jadd(o, "findings", json_object_new_uint64(t->findings), ok);
	sc_jadd(o, "sites_by_kind",
	    counts(t->stats.by_kind, t->stats.nkind, ok), ok);
	sc_jadd(o, "sites_by_key", counts(t->stats.by_key, t->stats.nkey, ok), ok);
	sc_jadd(o, "findings_by_rule",
	    counts(t->stats.by_rule, t->stats.nrule, ok), ok);
	return o;
}

static struct json_object *document(const struct sc_report *r, bool *ok)
{
	struct json_object *o = new_object(ok), *a;
	char tool[64];
	size_t i;

	if (!o)
		return NULL;
	snprintf(tool, sizeof(tool), "scstool %s",
		 r->version ? r->version : "");
	sc_jadd(o, "version", json_object_new_int(1), ok);
	add_str(o, "tool", tool, ok);
	add_str(o, "command", r->command, ok);
	if ((a = list(r->nfiles, ok)))
		for (i = 0; i < r->nfiles; i++)
			sc_jappend(a, file(&r->files[i], r->stats, ok), ok);
	sc_jadd(o, "files", a, ok);
	if (r->stats)
		sc_jadd(o, "totals", totals(&r->totals, ok), ok);
	return o;
}

int sc_report_json(FILE *out, const struct sc_report *r, struct sc_err *err)
{
	bool ok = true;
	struct json_object *root = document(r, &ok);

	return sc_jprint(out, root, ok, "json report", err);
}
