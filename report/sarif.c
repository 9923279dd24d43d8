/* The SARIF 2.1.0 report, built as a json-c tree and printed by json-c,
 * so that escaping is json-c's.  One result per finding, and one per file
 * that could not be checked. */
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "../check/rules.h"
#include "escape.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define INPUT_ERROR "input-error"

/* Building stops being checked call by call: every constructor may
 * return NULL when memory runs out, so adders note it in *ok and go on,
 * and the tree is thrown away at the end if anything failed. */
static void add(struct json_object *o, const char *k, struct json_object *v,
		bool *ok)
{
	if (!v || json_object_object_add(o, k, v)) {
		json_object_put(v);
		*ok = false;
	}
}

static void append(struct json_object *a, struct json_object *v, bool *ok)
{
	if (!v || json_object_array_add(a, v)) {
		json_object_put(v);
		*ok = false;
	}
}

static struct json_object *obj_with(const char *k, struct json_object *v,
				    bool *ok)
{
	struct json_object *o = json_object_new_object();

	if (!o) {
		json_object_put(v);
		*ok = false;
		return NULL;
	}
	add(o, k, v, ok);
	return o;
}

/* A string that may hold a name: escaped (report/escape.h), since json-c
 * passes bytes that are not UTF-8 through, and JSON must be UTF-8. */
static struct json_object *text_string(const char *s)
{
	char *safe;
	struct json_object *o;

	if (!sc_needs_escape(s))
		return json_object_new_string(s);
	safe = sc_escape(s);
	if (!safe)
		return NULL;
	o = json_object_new_string(safe);
	free(safe);
	return o;
}

/* SARIF's levels are the same words as our severities, plus "none". */
static const char *level(const char *severity)
{
	if (severity && (!strcmp(severity, "error") ||
			 !strcmp(severity, "warning") ||
			 !strcmp(severity, "note")))
		return severity;
	return "none";
}

/* A rule's one-line description and default level, from the rule table;
 * ids that are no rule (input-error) get fixed ones. */
static void rule_info(const char *id, const char **what, const char **lvl)
{
	enum sc_rule rule;

	if (!sc_rule_parse(id, &rule)) {
		*what = sc_rules[rule].what;
		*lvl = level(sc_severity_name(sc_rules[rule].severity));
	} else if (!strcmp(id, INPUT_ERROR)) {
		*what = "the file could not be read, or is no object scstool "
			"can check";
		*lvl = "error";
	} else {
		*what = "a finding of scstool";
		*lvl = "warning";
	}
}

static struct json_object *rule(const char *id, bool *ok)
{
	struct json_object *o = json_object_new_object();
	const char *what, *lvl;

	if (!o) {
		*ok = false;
		return NULL;
	}
	rule_info(id, &what, &lvl);
	add(o, "id", json_object_new_string(id), ok);
	add(o, "shortDescription",
	    obj_with("text", json_object_new_string(what), ok), ok);
	add(o, "defaultConfiguration",
	    obj_with("level", json_object_new_string(lvl), ok), ok);
	return o;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t count_ids(const struct sc_report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfiles; i++)
		n += r->files[i].nfindings + !!r->files[i].error;
	return n;
}

/* Every rule id that occurs in a result, sorted, once. */
static struct json_object *rules(const struct sc_report *r, bool *ok)
{
	struct json_object *a = json_object_new_array();
	size_t n = count_ids(r), i, j, k = 0;
	const char **ids = malloc((n ? n : 1) * sizeof(*ids));

	if (!a || !ids) {
		free(ids);
		*ok = false;
		return a;
	}
	for (i = 0; i < r->nfiles; i++) {
		for (j = 0; j < r->files[i].nfindings; j++)
			ids[k++] = r->files[i].findings[j].rule;
		if (r->files[i].error)
			ids[k++] = INPUT_ERROR;
	}
	qsort(ids, n, sizeof(*ids), by_id);
	for (i = 0; i < n; i++)
		if (!i || strcmp(ids[i - 1], ids[i]))
			append(a, rule(ids[i], ok), ok);
	free(ids);
	return a;
}

/* Splits "file:line" at its last colon; false when there is no line. */
static bool split_source(const char *src, char **file, long *line)
{
	const char *colon = src ? strrchr(src, ':') : NULL;
	char *end;

	if (!colon || colon == src)
		return false;
	*line = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || *line < 1)
		return false;
	*file = strndup(src, colon - src);
	return *file != NULL;
}

/* A path as a URI reference: bytes outside RFC 3986's unreserved set and
 * '/' are percent-encoded, and an absolute path becomes a file: URI. */
static struct json_object *uri(const char *path)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789-._~/";
	size_t len = strlen(path);
	char *buf = malloc(7 + 3 * len + 1), *p = buf;
	struct json_object *o;

	if (!buf)
		return NULL;
	if (path[0] == '/')
		p += sprintf(p, "file://");
	for (; *path; path++) {
		if (strchr(safe, *path))
			*p++ = *path;
		else
			p += sprintf(p, "%%%02X", (unsigned char)*path);
	}
	*p = 0;
	o = json_object_new_string(buf);
	free(buf);
	return o;
}

/* Where a finding is: its source line when DWARF gave one, else the
 * object itself. */
static struct json_object *physical(const char *object, const char *src,
				    bool *ok)
{
	struct json_object *o = json_object_new_object();
	char *file = NULL;
	long line = 0;

	if (!o) {
		*ok = false;
		return NULL;
	}
	if (split_source(src, &file, &line)) {
		add(o, "artifactLocation", obj_with("uri", uri(file), ok), ok);
		add(o, "region", obj_with("startLine",
			json_object_new_int64(line), ok), ok);
	} else {
		add(o, "artifactLocation", obj_with("uri", uri(object), ok),
		    ok);
	}
	free(file);
	return o;
}

static struct json_object *location(const char *object, const char *src,
				    const char *function, bool *ok)
{
	struct json_object *o, *logical, *a;

	o = obj_with("physicalLocation", physical(object, src, ok), ok);
	if (!o || !function)
		return o;
	logical = obj_with("name", text_string(function), ok);
	if (logical)
		add(logical, "kind", json_object_new_string("function"), ok);
	a = json_object_new_array_ext(1);
	if (a)
		append(a, logical, ok);
	else
		json_object_put(logical);
	add(o, "logicalLocations", a, ok);
	return o;
}

/* The fields of a result that every result has. */
static struct json_object *result(const char *id, const char *lvl,
				  const char *msg, struct json_object *loc,
				  bool *ok)
{
	struct json_object *o = json_object_new_object();
	struct json_object *locs = json_object_new_array_ext(1);

	if (!o || !locs) {
		json_object_put(o);
		json_object_put(locs);
		json_object_put(loc);
		*ok = false;
		return NULL;
	}
	append(locs, loc, ok);
	add(o, "ruleId", json_object_new_string(id), ok);
	add(o, "level", json_object_new_string(lvl), ok);
	add(o, "message", obj_with("text",
		text_string(msg ? msg : ""), ok), ok);
	add(o, "locations", locs, ok);
	return o;
}

static struct json_object *finding(const struct sc_report_file *f,
				   const struct sc_report_finding *fd,
				   bool *ok)
{
	struct json_object *loc, *o, *props;

	loc = location(f->path, fd->source, fd->function, ok);
	o = result(fd->rule, level(fd->severity), fd->message, loc, ok);
	if (!o)
		return NULL;
	props = obj_with("object", text_string(f->path), ok);
	/* Findings about the whole file have no section or offset. */
	if (props && fd->section) {
		add(props, "section", text_string(fd->section), ok);
		add(props, "offset", json_object_new_uint64(fd->offset), ok);
		if (fd->has_vaddr)
			add(props, "vaddr", json_object_new_uint64(fd->vaddr),
			    ok);
	}
	add(o, "properties", props, ok);
	return o;
}

static struct json_object *input_error(const struct sc_report_file *f,
				       bool *ok)
{
	struct json_object *o;

	o = result(INPUT_ERROR, "error", f->error,
		   location(f->path, NULL, NULL, ok), ok);
	if (o)
		add(o, "properties",
		    obj_with("object", text_string(f->path), ok),
		    ok);
	return o;
}

static struct json_object *results(const struct sc_report *r, bool *ok)
{
	struct json_object *a = json_object_new_array();
	size_t i, j;

	if (!a) {
		*ok = false;
		return NULL;
	}
	for (i = 0; i < r->nfiles; i++) {
		const struct sc_report_file *f = &r->files[i];

		if (f->error)
			append(a, input_error(f, ok), ok);
		for (j = 0; j < f->nfindings; j++)
			append(a, finding(f, &f->findings[j], ok), ok);
	}
	return a;
}

static struct json_object *run(const struct sc_report *r, bool *ok)
{
	struct json_object *driver = json_object_new_object(), *o;

	if (!driver) {
		*ok = false;
		return NULL;
	}
	add(driver, "name", json_object_new_string("scstool"), ok);
	add(driver, "version",
	    json_object_new_string(r->version ? r->version : ""), ok);
	add(driver, "rules", rules(r, ok), ok);
	o = obj_with("tool", obj_with("driver", driver, ok), ok);
	if (o)
		add(o, "results", results(r, ok), ok);
	return o;
}

static struct json_object *sarif(const struct sc_report *r, bool *ok)
{
	struct json_object *root = json_object_new_object();
	struct json_object *runs = json_object_new_array_ext(1);

	if (!root || !runs) {
		json_object_put(root);
		json_object_put(runs);
		*ok = false;
		return NULL;
	}
	append(runs, run(r, ok), ok);
	add(root, "$schema", json_object_new_string(SARIF_SCHEMA), ok);
	add(root, "version", json_object_new_string("2.1.0"), ok);
	add(root, "runs", runs, ok);
	return root;
}

int sc_report_sarif(FILE *out, const struct sc_report *r, struct sc_err *err)
{
	const int style = JSON_C_TO_STRING_PRETTY |
			  JSON_C_TO_STRING_NOSLASHESCAPE;
	bool ok = true;
	struct json_object *root = sarif(r, &ok);
	const char *s = NULL;
	int ret = 0;

	if (ok)
		s = json_object_to_json_string_ext(root, style);
	if (!s)
		ret = sc_errf(err, "sarif report: out of memory");
	else if (fputs(s, out) == EOF || fputc('\n', out) == EOF)
		ret = sc_errf(err, "sarif report: write error");
	json_object_put(root);
	return ret;
}
