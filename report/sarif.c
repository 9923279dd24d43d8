/* The SARIF 2.1.0 report, built as a json-c tree and printed by json-c,
 * so that escaping is json-c's.  One result per finding, and one per file
 * that could not be checked. */
#include "report.h"

#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <json-c/json.h>

#include "../check/rules.h"
#include "escape.h"
#include "jtree.h"
#include "rules.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define INPUT_ERROR "input-error"
#define SRCROOT "%SRCROOT%"

/* The tree is built unchecked call by call (jtree.h): a failure is noted
 * in *ok and the tree is thrown away at the end. */
static struct json_object *obj_with(const char *k, struct json_object *v,
				    bool *ok)
{
	struct json_object *o = json_object_new_object();

	if (!o) {
		json_object_put(v);
		*ok = false;
		return NULL;
	}
	sc_jadd(o, k, v, ok);
	return o;
}

/* SARIF's levels are the same words as our severities, with "none" for
 * off. */
static const char *level(enum sc_severity severity)
{
	return severity == SC_SEV_OFF ? "none" : sc_severity_name(severity);
}

/* text and markdown forms of one of the registry's texts. */
static struct json_object *message(const char *text, const char *markdown,
				   bool *ok)
{
	struct json_object *o = obj_with("text", json_object_new_string(text),
					 ok);

	if (o && markdown)
		sc_jadd(o, "markdown", json_object_new_string(markdown), ok);
	return o;
}

/* A rule's reportingDescriptor, every word from the registry. */
static struct json_object *rule(enum sc_rule id, bool *ok)
{
	const struct sc_rule_info *r = &sc_rules[id];
	struct json_object *o = json_object_new_object();
	char text[1024], arches[64];

	if (!o) {
		*ok = false;
		return NULL;
	}
	sc_jadd(o, "id", json_object_new_string(r->name), ok);
	sc_jadd(o, "shortDescription", message(r->summary, NULL, ok), ok);
	sc_jadd(o, "fullDescription", message(r->description, NULL, ok), ok);
	sc_rule_help_text(id, text, sizeof(text));
	sc_jadd(o, "help", message(text, r->help, ok), ok);
	sc_jadd(o, "defaultConfiguration", obj_with("level",
	    json_object_new_string(level(r->severity)),
	    ok), ok);
	sc_rule_arches(id, arches, sizeof(arches));
	sc_jadd(o, "properties", obj_with("architectures",
	    json_object_new_string(arches), ok), ok);
	return o;
}

/* Every rule of the registry, in its order, so that a result's ruleIndex
 * is its rule's enum value. */
static struct json_object *rules(bool *ok)
{
	struct json_object *a = json_object_new_array();
	int i;

	if (!a) {
		*ok = false;
		return NULL;
	}
	for (i = 0; i < SC_RULE_COUNT; i++)
		sc_jappend(a, rule(i, ok), ok);
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

char *sc_abs_path(const char *path)
{
	char *cwd = path[0] == '/' ? NULL : getcwd(NULL, 0);
	size_t len = strlen(path) + (cwd ? strlen(cwd) + 1 : 0);
	char *in = malloc(len + 1), *out = malloc(len + 2), *tok, *save;
	size_t n = 0;

	if ((!cwd && path[0] != '/') || !in || !out) {
		free(cwd);
		free(in);
		free(out);
		return NULL;
	}
	snprintf(in, len + 1, "%s%s%s", cwd ? cwd : "", cwd ? "/" : "", path);
	free(cwd);
	for (tok = strtok_r(in, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			while (n && out[--n] != '/')
				;
			continue;
		}
		n += sprintf(out + n, "/%s", tok);
	}
	if (!n)
		out[n++] = '/';
	out[n] = 0;
	free(in);
	return out;
}

/* A path as a URI reference: bytes outside RFC 3986's unreserved set and
 * '/' are percent-encoded, and an absolute path gets prefix (file://). */
static struct json_object *uri(const char *prefix, const char *path)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789-._~/";
	size_t len = strlen(path);
	char *buf = malloc(strlen(prefix) + 3 * len + 1), *p = buf;
	struct json_object *o;

	if (!buf)
		return NULL;
	p += sprintf(p, "%s", prefix);
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

/* An artifactLocation: relative to %SRCROOT% when the path is under the
 * source root, else an absolute file: URI (GitHub takes both). */
static struct json_object *artifact(const struct sc_report *r,
				    const char *path, bool *ok)
{
	struct json_object *o = json_object_new_object();
	char *abs = sc_abs_path(path);
	size_t n = r->source_root ? strlen(r->source_root) : 0;
	bool under;

	if (!o || !abs) {
		json_object_put(o);
		free(abs);
		*ok = false;
		return NULL;
	}
	/* The root "/" has n == 1: everything is under it. */
	under = n && !strncmp(abs, r->source_root, n) &&
		(abs[n] == '/' || n == 1) && abs[n == 1 ? 1 : n + 1];
	if (under) {
		sc_jadd(o, "uri", uri("", abs + (n == 1 ? 1 : n + 1)), ok);
		sc_jadd(o, "uriBaseId", json_object_new_string(SRCROOT), ok);
	} else {
		sc_jadd(o, "uri", uri("file://", abs), ok);
	}
	free(abs);
	return o;
}

/* Where a finding is: its source line when DWARF gave one, else the
 * object itself. */
static struct json_object *physical(const struct sc_report *r,
				    const char *object, const char *src,
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
		sc_jadd(o, "artifactLocation", artifact(r, file, ok), ok);
		sc_jadd(o, "region", obj_with("startLine",
			json_object_new_int64(line), ok), ok);
	} else {
		sc_jadd(o, "artifactLocation", artifact(r, object, ok), ok);
	}
	free(file);
	return o;
}

static struct json_object *location(const struct sc_report *r,
				    const char *object, const char *src,
				    const char *function, bool *ok)
{
	struct json_object *o, *logical, *a;

	o = obj_with("physicalLocation", physical(r, object, src, ok), ok);
	if (!o || !function)
		return o;
	logical = obj_with("name", sc_jstring(function), ok);
	if (logical)
		sc_jadd(logical, "kind", json_object_new_string("function"), ok);
	a = json_object_new_array_ext(1);
	if (a)
		sc_jappend(a, logical, ok);
	else
		json_object_put(logical);
	sc_jadd(o, "logicalLocations", a, ok);
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
	sc_jappend(locs, loc, ok);
	sc_jadd(o, "ruleId", json_object_new_string(id), ok);
	sc_jadd(o, "level", json_object_new_string(lvl), ok);
	sc_jadd(o, "message", obj_with("text",
		sc_jstring(msg ? msg : ""), ok), ok);
	sc_jadd(o, "locations", locs, ok);
	return o;
}

static struct json_object *finding(const struct sc_report *r,
				   const struct sc_report_file *f,
				   const struct sc_report_finding *fd,
				   bool *ok)
{
	struct json_object *loc, *o, *props;

	loc = location(r, f->path, fd->source, fd->function, ok);
	o = result(sc_rules[fd->rule].name, level(fd->severity), fd->message,
		   loc, ok);
	if (!o)
		return NULL;
	/* The driver lists the rules in registry order. */
	sc_jadd(o, "ruleIndex", json_object_new_int(fd->rule), ok);
	props = obj_with("object", sc_jstring(f->path), ok);
	/* Findings about the whole file have no section or offset. */
	if (props && fd->section) {
		sc_jadd(props, "section", sc_jstring(fd->section), ok);
		sc_jadd(props, "offset", json_object_new_uint64(fd->offset), ok);
		if (fd->has_vaddr)
			sc_jadd(props, "vaddr", json_object_new_uint64(fd->vaddr),
			    ok);
	}
	sc_jadd(o, "properties", props, ok);
	return o;
}

/* Notes are for people who asked for them (-v), in SARIF as on the
 * terminal: a code-scanning service shows every result it gets. */
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

		for (j = 0; j < f->nfindings; j++)
			if (r->verbose ||
			    f->findings[j].severity != SC_SEV_NOTE)
				sc_jappend(a, finding(r, f, &f->findings[j], ok),
				       ok);
	}
	return a;
}

/* A file that could not be read is no finding about code: it is a
 * notification of the tool's run (SARIF 3.58), as code scanning wants. */
static struct json_object *input_error(const struct sc_report *r,
				       const struct sc_report_file *f,
				       bool *ok)
{
	struct json_object *o = json_object_new_object();
	struct json_object *locs = json_object_new_array_ext(1);

	if (!o || !locs) {
		json_object_put(o);
		json_object_put(locs);
		*ok = false;
		return NULL;
	}
	sc_jappend(locs, obj_with("physicalLocation", obj_with("artifactLocation",
		artifact(r, f->path, ok), ok), ok), ok);
	sc_jadd(o, "level", json_object_new_string("error"), ok);
	sc_jadd(o, "message", obj_with("text", sc_jstring(f->error), ok), ok);
	sc_jadd(o, "locations", locs, ok);
	sc_jadd(o, "descriptor", obj_with("id",
	    json_object_new_string(INPUT_ERROR), ok), ok);
	return o;
}

/* One invocation: it succeeded when every file could be checked (error
 * findings are results of a successful run). */
static struct json_object *invocation(const struct sc_report *r, bool *ok)
{
	struct json_object *o = json_object_new_object();
	struct json_object *n = json_object_new_array();
	int worst = 0;
	size_t i;

	if (!o || !n) {
		json_object_put(o);
		json_object_put(n);
		*ok = false;
		return NULL;
	}
	for (i = 0; i < r->nfiles; i++) {
		if (r->files[i].status > worst)
			worst = r->files[i].status;
		if (r->files[i].error)
			sc_jappend(n, input_error(r, &r->files[i], ok), ok);
	}
	sc_jadd(o, "executionSuccessful", json_object_new_boolean(
	    worst < SC_EXIT_USAGE), ok);
	sc_jadd(o, "exitCode", json_object_new_int(worst), ok);
	sc_jadd(o, "toolExecutionNotifications", n, ok);
	return o;
}

/* The descriptor of the one notification scstool makes. */
static struct json_object *notifications(bool *ok)
{
	const char *what = "A file could not be read, or is no object "
			   "scstool can check.";
	const char *full = "The file is missing, unreadable, not a regular "
			   "file, not ELF, truncated or malformed, or for a "
			   "machine scstool does not support; the message "
			   "says which. Its sites were not checked.";
	const char *help = "Fix the input (the message names the problem) "
			   "and run scstool again; the other files of the "
			   "run were checked.";
	struct json_object *a = json_object_new_array_ext(1);
	struct json_object *o = json_object_new_object();

	if (!a || !o) {
		json_object_put(a);
		json_object_put(o);
		*ok = false;
		return NULL;
	}
	sc_jadd(o, "id", json_object_new_string(INPUT_ERROR), ok);
	sc_jadd(o, "shortDescription", message(what, NULL, ok), ok);
	sc_jadd(o, "fullDescription", message(full, NULL, ok), ok);
	sc_jadd(o, "help", message(help, help, ok), ok);
	sc_jappend(a, o, ok);
	return a;
}

static struct json_object *base_ids(const struct sc_report *r, bool *ok)
{
	struct json_object *o = json_object_new_object();
	char *root = malloc(strlen(r->source_root) + 2);

	if (!o || !root) {
		json_object_put(o);
		free(root);
		*ok = false;
		return NULL;
	}
	/* A base URI must end in '/' to be one (SARIF 3.14.14). */
	sprintf(root, "%s%s", r->source_root,
		strcmp(r->source_root, "/") ? "/" : "");
	sc_jadd(o, SRCROOT, obj_with("uri", uri("file://", root), ok), ok);
	free(root);
	return o;
}

static struct json_object *run(const struct sc_report *r, bool *ok)
{
	struct json_object *driver = json_object_new_object(), *o;
	struct json_object *invocations = json_object_new_array_ext(1);

	if (!driver || !invocations) {
		json_object_put(driver);
		json_object_put(invocations);
		*ok = false;
		return NULL;
	}
	sc_jadd(driver, "name", json_object_new_string("scstool"), ok);
	sc_jadd(driver, "version",
	    json_object_new_string(r->version ? r->version : ""), ok);
	sc_jadd(driver, "rules", rules(ok), ok);
	sc_jadd(driver, "notifications", notifications(ok), ok);
	sc_jappend(invocations, invocation(r, ok), ok);
	o = obj_with("tool", obj_with("driver", driver, ok), ok);
	if (o && r->source_root)
		sc_jadd(o, "originalUriBaseIds", base_ids(r, ok), ok);
	if (o)
		sc_jadd(o, "invocations", invocations, ok);
	else
		json_object_put(invocations);
	if (o)
		sc_jadd(o, "results", results(r, ok), ok);
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
	sc_jappend(runs, run(r, ok), ok);
	sc_jadd(root, "$schema", json_object_new_string(SARIF_SCHEMA), ok);
	sc_jadd(root, "version", json_object_new_string("2.1.0"), ok);
	sc_jadd(root, "runs", runs, ok);
	return root;
}

int sc_report_sarif(FILE *out, const struct sc_report *r, struct sc_err *err)
{
	bool ok = true;
	struct json_object *root = sarif(r, &ok);

	return sc_jprint(out, root, ok, "sarif report", err);
}
