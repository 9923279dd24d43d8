/* The YAML report (docs/report.md), emitted event by event through
 * libyaml, so that quoting and escaping are libyaml's, never ours. */
#include "report.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "escape.h"

/* The emitter and whether it has failed: once one event fails, the rest
 * are dropped, and the first problem is what gets reported. */
struct ye {
	yaml_emitter_t em;
	bool failed;
};

/* Takes an initialised event (made != 0) and hands it to the emitter. */
static void emit(struct ye *y, yaml_event_t *ev, int made)
{
	if (!made) {
		y->failed = true;
		return;
	}
	if (y->failed) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&y->em, ev))	/* it owns ev either way */
		y->failed = true;
}

static bool is_word(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return true;
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Would a YAML 1.1 or 1.2 reader take the plain scalar s for a number or
 * a timestamp?  Anything that starts like a number counts; a space can
 * only occur in a timestamp, which starts with a four-digit year. */
static bool looks_numeric(const char *s)
{
	static const char *const special[] = {
		".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", NULL
	};
	const char *p = s + (*s == '-' || *s == '+');

	if (is_word(p, special))
		return true;
	/* ".5" is a float, and YAML 1.1 even takes "." and ".." for one */
	if (*p == '.')
		return !p[1] || p[1] == '.' || is_digit(p[1]);
	if (!is_digit(*p))
		return false;
	if (!strchr(s, ' '))
		return true;
	return strspn(s, "0123456789") == 4 && s[4] == '-';
}

/* Would a reader resolve the plain scalar s to anything but a string?
 * Such strings must be quoted to come back as strings. */
static bool resolves_untyped(const char *s)
{
	static const char *const words[] = {
		"", "~", "null", "Null", "NULL", "true", "True", "TRUE",
		"false", "False", "FALSE", "yes", "Yes", "YES", "no", "No",
		"NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n",
		"N", "<<", "=", NULL
	};

	return is_word(s, words) || looks_numeric(s);
}

/* Names can hold any bytes; libyaml refuses a scalar that is not UTF-8,
 * so every string goes in escaped (report/escape.h: valid UTF-8, no
 * control characters), and no name can make the report fail. */
static void scalar(struct ye *y, const char *s, int plain_implicit,
		   yaml_scalar_style_t style)
{
	bool needs = sc_needs_escape(s);
	char *safe = needs ? sc_escape(s) : NULL;
	const char *v = safe ? safe : s;
	yaml_event_t ev;
	int made;

	if (needs && !safe) {
		y->failed = true;
		return;
	}
	made = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)v,
					    strlen(v), plain_implicit, 1,
					    style);
	free(safe);
	emit(y, &ev, made);
}

/* A string (NULL: the null scalar ~).  libyaml picks plain style when the
 * syntax allows it; we forbid it when the string would change type. */
static void str(struct ye *y, const char *s)
{
	if (!s)
		scalar(y, "~", 1, YAML_PLAIN_SCALAR_STYLE);
	else
		scalar(y, s, !resolves_untyped(s), YAML_ANY_SCALAR_STYLE);
}

/* Free text (messages, errors): always double-quoted, so that colons,
 * hashes and leading symbols never need thought, and readers see at a
 * glance where the text ends. */
static void text(struct ye *y, const char *s)
{
	scalar(y, s ? s : "", 0, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

/* Numbers and booleans: plain, so that they resolve to their type. */
static void plain(struct ye *y, const char *s)
{
	scalar(y, s, 1, YAML_PLAIN_SCALAR_STYLE);
}

static void kv_hex(struct ye *y, const char *k, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	str(y, k);
	plain(y, buf);
}

static void kv_int(struct ye *y, const char *k, long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", v);
	str(y, k);
	plain(y, buf);
}

static void kv_bool(struct ye *y, const char *k, bool v)
{
	str(y, k);
	plain(y, v ? "true" : "false");
}

/* key: "free text" */
static void kv_text(struct ye *y, const char *k, const char *v)
{
	str(y, k);
	text(y, v);
}

static void map_start(struct ye *y, bool flow)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

static void map_end(struct ye *y)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void seq_start(struct ye *y, bool flow)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

static void seq_end(struct ye *y)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_sequence_end_event_initialize(&ev));
}

/* key: string (or ~) */
static void kv(struct ye *y, const char *k, const char *v)
{
	str(y, k);
	str(y, v);
}

/* The flag bits by name; a bit without a name is shown as its value, so
 * that no bit is silently lost. */
static void kv_flags(struct ye *y, unsigned v)
{
	static const char *const names[] = { "tail", "init" };
	char buf[16];
	unsigned bit;

	str(y, "flags");
	seq_start(y, true);
	for (bit = 0; bit < 32; bit++) {
		if (!(v & (1u << bit)))
			continue;
		if (bit < sizeof(names) / sizeof(names[0])) {
			str(y, names[bit]);
		} else {
			snprintf(buf, sizeof(buf), "0x%x", 1u << bit);
			str(y, buf);
		}
	}
	seq_end(y);
}

/* An address in a linked file; ~ in a relocatable object, whose
 * addresses the linker has yet to choose. */
static void kv_vaddr(struct ye *y, bool has, uint64_t v)
{
	if (has) {
		kv_hex(y, "vaddr", v);
	} else {
		str(y, "vaddr");
		str(y, NULL);
	}
}

static void site(struct ye *y, const struct sc_report_site *s)
{
	map_start(y, false);
	kv(y, "section", s->section);
	kv_hex(y, "offset", s->offset);
	kv_vaddr(y, s->has_vaddr, s->vaddr);
	kv(y, "function", s->function);
	kv(y, "source", s->source);
	kv(y, "kind", s->kind);
	kv(y, "bytes", s->bytes);
	kv(y, "insn", s->insn);
	kv_int(y, "length", s->length);
	kv(y, "trampoline", s->trampoline);
	kv(y, "key", s->key);
	kv_flags(y, s->flags);
	kv(y, "cacheline", s->cacheline);
	kv(y, "null", s->null);
	kv_bool(y, "in_table", s->in_table);
	map_end(y);
}

static void finding(struct ye *y, const struct sc_report_finding *f)
{
	map_start(y, false);
	kv(y, "rule", sc_rules[f->rule].name);
	kv(y, "severity", sc_severity_name(f->severity));
	kv_text(y, "message", f->message);
	kv(y, "section", f->section);
	kv_hex(y, "offset", f->offset);
	kv_vaddr(y, f->has_vaddr, f->vaddr);
	kv(y, "function", f->function);
	kv(y, "source", f->source);
	map_end(y);
}

/* name: {a: 1, b: 2}, in the order the counts are kept (sorted). */
static void counts(struct ye *y, const char *name,
		   const struct sc_report_count *c, size_t n)
{
	size_t i;

	str(y, name);
	map_start(y, true);
	for (i = 0; i < n; i++)
		kv_int(y, c[i].name, (long long)c[i].count);
	map_end(y);
}

static void stats(struct ye *y, const struct sc_report_stats *st)
{
	str(y, "stats");
	map_start(y, false);
	counts(y, "sites_by_kind", st->by_kind, st->nkind);
	counts(y, "sites_by_key", st->by_key, st->nkey);
	counts(y, "findings_by_rule", st->by_rule, st->nrule);
	map_end(y);
}

static void totals(struct ye *y, const struct sc_report_totals *t)
{
	str(y, "totals");
	map_start(y, false);
	kv_int(y, "files", (long long)t->files);
	kv_int(y, "not_checked", (long long)t->not_checked);
	kv_int(y, "sites", (long long)t->sites);
	kv_int(y, "in_table", (long long)t->in_table);
	kv_int(y, "findings", (long long)t->findings);
	counts(y, "sites_by_kind", t->stats.by_kind, t->stats.nkind);
	counts(y, "sites_by_key", t->stats.by_key, t->stats.nkey);
	counts(y, "findings_by_rule", t->stats.by_rule, t->stats.nrule);
	map_end(y);
}

static void file(struct ye *y, const struct sc_report_file *f, bool with_stats)
{
	size_t i;

	map_start(y, false);
	kv(y, "path", f->path);
	kv(y, "arch", f->arch);
	kv_bool(y, "module", f->module);
	kv_int(y, "status", f->status);
	if (f->error)
		kv_text(y, "error", f->error);
	str(y, "sites");
	seq_start(y, false);
	for (i = 0; i < f->nsites; i++)
		site(y, &f->sites[i]);
	seq_end(y);
	str(y, "findings");
	seq_start(y, false);
	for (i = 0; i < f->nfindings; i++)
		finding(y, &f->findings[i]);
	seq_end(y);
	if (with_stats)
		stats(y, &f->stats);
	map_end(y);
}

static void document(struct ye *y, const struct sc_report *r)
{
	yaml_event_t ev;
	char tool[64];
	size_t i;

	emit(y, &ev, yaml_stream_start_event_initialize(&ev,
							YAML_UTF8_ENCODING));
	emit(y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL,
							  NULL, 1));
	map_start(y, false);
	kv_int(y, "version", 1);
	snprintf(tool, sizeof(tool), "scstool %s",
		 r->version ? r->version : "");
	kv(y, "tool", tool);
	kv(y, "command", r->command);
	str(y, "files");
	seq_start(y, false);
	for (i = 0; i < r->nfiles; i++)
		file(y, &r->files[i], r->stats);
	seq_end(y);
	if (r->stats)
		totals(y, &r->totals);
	map_end(y);
	emit(y, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(y, &ev, yaml_stream_end_event_initialize(&ev));
}

int sc_report_yaml(FILE *out, const struct sc_report *r, struct sc_err *err)
{
	struct ye y = { .failed = false };
	int ret = 0;

	if (!yaml_emitter_initialize(&y.em))
		return sc_errf(err, "yaml: out of memory");
	yaml_emitter_set_output_file(&y.em, out);
	yaml_emitter_set_unicode(&y.em, 1);
	yaml_emitter_set_width(&y.em, -1);	/* one line per scalar */
	document(&y, r);
	if (!y.failed && !yaml_emitter_flush(&y.em))
		y.failed = true;
	if (y.failed)
		ret = sc_errf(err, "yaml report: %s", y.em.problem ?
			      y.em.problem : "out of memory");
	yaml_emitter_delete(&y.em);
	return ret;
}
