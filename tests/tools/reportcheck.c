/* reportcheck: validates a report of scstool without sharing any of its
 * code, so that the tests check the emitters against an independent view.
 *
 *   reportcheck yaml FILE    parse with libyaml's loader, check the schema
 *                            of docs/report.md (keys, types, vocabularies,
 *                            stats that add up), then print one line per
 *                            scalar: "files.0.sites.1.kind=tail"
 *   reportcheck sarif FILE   parse with json-c, check the SARIF 2.1.0
 *                            subset scstool writes, then print
 *                            "results=N", one "ruleId level uri[:line]"
 *                            line per result and "rules=ID ..." (the
 *                            rules the results use, sorted)
 *
 * FILE may be "-" for stdin.  Exit 0 when valid, 1 with a message naming
 * the first violation, 2 on usage or I/O errors.
 * Build: cc -o reportcheck reportcheck.c \
 *		$(pkg-config --cflags --libs yaml-0.1 json-c) */
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <yaml.h>

static const char *input;

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "reportcheck: %s: ", input);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap + 1);

	if (!f || !buf) {
		fprintf(stderr, "reportcheck: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap && !(buf = realloc(buf, (cap *= 2) + 1)))
			exit(2);
	}
	if (ferror(f))
		exit(2);
	if (f != stdin)
		fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* ------------------------------------------------------------ YAML --- */

/* What a node is to a YAML 1.1 reader (the broadest common resolver:
 * a string that any reader would take for something else is no string). */
enum type { T_STR, T_NULL, T_BOOL, T_INT, T_FLOAT, T_TIME, T_SEQ, T_MAP };

static const char *const type_names[] = {
	"string", "null", "boolean", "integer", "float", "timestamp",
	"sequence", "mapping",
};

static yaml_document_t doc;

static bool matches(const char *s, const char *ere)
{
	regex_t re;
	bool m;

	if (regcomp(&re, ere, REG_EXTENDED | REG_NOSUB))
		abort();
	m = !regexec(&re, s, 0, NULL, 0);
	regfree(&re);
	return m;
}

static enum type plain_type(const char *s)
{
	if (matches(s, "^(|~|null|Null|NULL)$"))
		return T_NULL;
	if (matches(s, "^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false"
		    "|False|FALSE|on|On|ON|off|Off|OFF)$"))
		return T_BOOL;
	if (matches(s, "^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|"
		    "[0-9][0-9_]*(:[0-5]?[0-9])*)$"))
		return T_INT;
	if (matches(s, "^[-+]?(([0-9][0-9_]*)?\\.[0-9._]*([eE][-+]?[0-9]+)?|"
		    "[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|"
		    "[0-9][0-9_]*[eE][-+]?[0-9]+|"
		    "\\.(inf|Inf|INF|nan|NaN|NAN))$"))
		return T_FLOAT;
	if (matches(s, "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"))
		return T_TIME;
	return T_STR;
}

static const char *sval(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static enum type type_of(yaml_node_t *n)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return T_SEQ;
	if (n->type == YAML_MAPPING_NODE)
		return T_MAP;
	if (strcmp((const char *)n->tag, YAML_STR_TAG))
		die("line %lu: unexpected tag %s", n->start_mark.line + 1,
		    n->tag);
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return T_STR;
	return plain_type(sval(n));
}

/* The path of the node being checked, for messages and for printing. */
static char path[512];

static void want(yaml_node_t *n, enum type t, bool or_null)
{
	enum type got = type_of(n);

	if (got != t && !(or_null && got == T_NULL))
		die("line %lu: %s: want %s%s, got %s (%s%s)",
		    n->start_mark.line + 1, path, type_names[t],
		    or_null ? " or null" : "", type_names[got],
		    n->type == YAML_SCALAR_NODE ? "value " : "",
		    n->type == YAML_SCALAR_NODE ? sval(n) : "node");
}

static void want_word(yaml_node_t *n, const char *ere)
{
	want(n, T_STR, false);
	if (!matches(sval(n), ere))
		die("line %lu: %s: '%s' is not one of %s",
		    n->start_mark.line + 1, path, sval(n), ere);
}

static unsigned long long int_of(yaml_node_t *n, bool hex)
{
	const char *s = sval(n);

	want(n, T_INT, false);
	if (hex != !strncmp(s, "0x", 2))
		die("%s: '%s' should be written in %s", path, s,
		    hex ? "hex (0x...)" : "decimal");
	return strtoull(s, NULL, hex ? 16 : 10);
}

/* One expected key of a mapping: its name, what it must be, whether it
 * may be null or left out. */
struct key {
	const char *name;
	void (*check)(yaml_node_t *n);
	bool optional;
};

#define KEY(name, check) { name, check, false }
#define OPTIONAL(name, check) { name, check, true }
#define END { NULL, NULL, false }

static void c_str(yaml_node_t *n) { want(n, T_STR, false); }
static void c_str_null(yaml_node_t *n) { want(n, T_STR, true); }
static void c_bool(yaml_node_t *n) { want(n, T_BOOL, false); }
static void c_hex(yaml_node_t *n) { int_of(n, true); }
static void c_hex_null(yaml_node_t *n)
{
	if (type_of(n) != T_NULL)
		int_of(n, true);
}
static void c_int(yaml_node_t *n) { int_of(n, false); }

static void c_kind(yaml_node_t *n)
{
	want_word(n, "^(call|tail|cond|other)$");
}
static void c_cache(yaml_node_t *n) { want_word(n, "^(safe|maybe|crosses)$"); }
static void c_sev(yaml_node_t *n) { want_word(n, "^(note|warning|error)$"); }
static void c_bytes(yaml_node_t *n)
{
	/* Empty: an entry that points at no decodable instruction. */
	want_word(n, "^([0-9a-f]{2}( [0-9a-f]{2})*)?$");
}

static void c_flags(yaml_node_t *n)
{
	yaml_node_item_t *it;

	want(n, T_SEQ, false);
	for (it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++)
		want_word(yaml_document_get_node(&doc, *it), "^(tail|init)$");
}

/* Checks that the mapping n has each key once, no other key, and runs
 * each key's check with the path extended by the key. */
static void check_map(yaml_node_t *n, const struct key *keys)
{
	size_t len = strlen(path), i, nkeys;
	yaml_node_pair_t *p;
	bool seen[32] = { false };

	want(n, T_MAP, false);
	for (nkeys = 0; keys[nkeys].name; nkeys++)
		;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);

		want(k, T_STR, false);
		for (i = 0; i < nkeys && strcmp(keys[i].name, sval(k)); i++)
			;
		if (i == nkeys)
			die("line %lu: %s: unknown key '%s'",
			    k->start_mark.line + 1, path, sval(k));
		if (seen[i])
			die("line %lu: %s: duplicate key '%s'",
			    k->start_mark.line + 1, path, sval(k));
		seen[i] = true;
		snprintf(path + len, sizeof(path) - len, "%s%s",
			 len ? "." : "", sval(k));
		keys[i].check(yaml_document_get_node(&doc, p->value));
		path[len] = 0;
	}
	for (i = 0; i < nkeys; i++)
		if (!seen[i] && !keys[i].optional)
			die("line %lu: %s: missing key '%s'",
			    n->start_mark.line + 1, path, keys[i].name);
}

static yaml_node_t *get(yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++)
		if (!strcmp(sval(yaml_document_get_node(&doc, p->key)), key))
			return yaml_document_get_node(&doc, p->value);
	return NULL;
}

static size_t seq_len(yaml_node_t *n)
{
	return n->data.sequence.items.top - n->data.sequence.items.start;
}

static void each(yaml_node_t *n, void (*check)(yaml_node_t *))
{
	size_t len = strlen(path), i;

	want(n, T_SEQ, false);
	for (i = 0; i < seq_len(n); i++) {
		snprintf(path + len, sizeof(path) - len, ".%zu", i);
		check(yaml_document_get_node(&doc,
					     n->data.sequence.items.start[i]));
	}
	path[len] = 0;
}

static void c_site(yaml_node_t *n)
{
	static const struct key keys[] = {
		KEY("section", c_str), KEY("offset", c_hex),
		KEY("vaddr", c_hex_null),
		KEY("function", c_str), KEY("source", c_str_null),
		KEY("kind", c_kind), KEY("bytes", c_bytes), KEY("insn", c_str),
		KEY("length", c_int), KEY("trampoline", c_str_null),
		KEY("key", c_str_null), KEY("flags", c_flags),
		KEY("cacheline", c_cache), KEY("null", c_str_null),
		KEY("in_table", c_bool), END,
	};
	yaml_node_t *len, *bytes;

	check_map(n, keys);
	len = get(n, "length");
	bytes = get(n, "bytes");
	if ((strlen(sval(bytes)) + 1) / 3 != int_of(len, false))
		die("line %lu: %s: length %s, but %s",
		    n->start_mark.line + 1, path, sval(len), sval(bytes));
}

static void c_finding(yaml_node_t *n)
{
	static const struct key keys[] = {
		KEY("rule", c_str), KEY("severity", c_sev),
		KEY("message", c_str), KEY("section", c_str_null),
		KEY("offset", c_hex), KEY("vaddr", c_hex_null),
		KEY("function", c_str_null),
		KEY("source", c_str_null), END,
	};

	check_map(n, keys);
}

/* A stats mapping: names in strictly increasing order, positive counts. */
static void c_counts(yaml_node_t *n)
{
	yaml_node_pair_t *p;
	const char *last = NULL;

	want(n, T_MAP, false);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);

		want(k, T_STR, false);
		if (last && strcmp(last, sval(k)) >= 0)
			die("%s: '%s' after '%s': not sorted", path, sval(k),
			    last);
		if (!int_of(yaml_document_get_node(&doc, p->value), false))
			die("%s: zero count for '%s'", path, sval(k));
		last = sval(k);
	}
}

static void c_stats(yaml_node_t *n)
{
	static const struct key keys[] = {
		KEY("sites_by_kind", c_counts), KEY("sites_by_key", c_counts),
		KEY("findings_by_rule", c_counts), END,
	};

	check_map(n, keys);
}

static void c_sites(yaml_node_t *n) { each(n, c_site); }
static void c_findings(yaml_node_t *n) { each(n, c_finding); }

static unsigned long long sum(yaml_node_t *map)
{
	yaml_node_pair_t *p;
	unsigned long long s = 0;

	for (p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++)
		s += strtoull(sval(yaml_document_get_node(&doc, p->value)),
			      NULL, 10);
	return s;
}

/* The stats must add up to what the file lists. */
static void stats_add_up(yaml_node_t *f)
{
	yaml_node_t *st = get(f, "stats");

	if (!st)
		return;
	if (sum(get(st, "sites_by_kind")) != seq_len(get(f, "sites")))
		die("%s: sites_by_kind does not add up to the sites", path);
	if (sum(get(st, "findings_by_rule")) != seq_len(get(f, "findings")))
		die("%s: findings_by_rule does not add up to the findings",
		    path);
}

static void c_file(yaml_node_t *n)
{
	static const struct key keys[] = {
		KEY("path", c_str), KEY("arch", c_str_null),
		KEY("module", c_bool), KEY("status", c_int),
		OPTIONAL("error", c_str), KEY("sites", c_sites),
		KEY("findings", c_findings), OPTIONAL("stats", c_stats),
		END,
	};

	check_map(n, keys);
	if (int_of(get(n, "status"), false) > 2)
		die("%s: status above 2", path);
	stats_add_up(n);
}

static void c_version(yaml_node_t *n)
{
	if (int_of(n, false) != 1)
		die("version: want 1, got %s", sval(n));
}

static void c_tool(yaml_node_t *n)
{
	want_word(n, "^scstool [^ ]+$");
}

static void c_files(yaml_node_t *n) { each(n, c_file); }

static void c_totals(yaml_node_t *n)
{
	static const struct key keys[] = {
		KEY("files", c_int), KEY("not_checked", c_int),
		KEY("sites", c_int), KEY("in_table", c_int),
		KEY("findings", c_int), KEY("sites_by_kind", c_counts),
		KEY("sites_by_key", c_counts),
		KEY("findings_by_rule", c_counts), END,
	};

	check_map(n, keys);
}

/* The totals must add up to the files (and to their own counts). */
static void totals_add_up(yaml_node_t *root)
{
	yaml_node_t *t = get(root, "totals"), *files = get(root, "files");
	yaml_node_item_t *it;
	unsigned long long sites = 0, findings = 0, bad = 0;

	if (!t)
		return;
	for (it = files->data.sequence.items.start;
	     it < files->data.sequence.items.top; it++) {
		yaml_node_t *f = yaml_document_get_node(&doc, *it);

		sites += seq_len(get(f, "sites"));
		findings += seq_len(get(f, "findings"));
		bad += get(f, "error") != NULL;
	}
	if (int_of(get(t, "files"), false) != seq_len(files) ||
	    int_of(get(t, "sites"), false) != sites ||
	    int_of(get(t, "findings"), false) != findings ||
	    int_of(get(t, "not_checked"), false) != bad ||
	    sum(get(t, "sites_by_kind")) != sites ||
	    sum(get(t, "findings_by_rule")) != findings ||
	    int_of(get(t, "in_table"), false) > sites)
		die("totals: do not add up to the files");
}

static void check_root(yaml_node_t *root)
{
	static const struct key keys[] = {
		KEY("version", c_version), KEY("tool", c_tool),
		KEY("command", c_str), KEY("files", c_files),
		OPTIONAL("totals", c_totals), END,
	};

	check_map(root, keys);
	totals_add_up(root);
}

/* One line per scalar, newlines shown as \n so that a value stays on its
 * line; empty collections show as [] and {}. */
static void flatten(yaml_node_t *n, size_t len)
{
	size_t i;

	if (n->type == YAML_SCALAR_NODE) {
		const char *s = type_of(n) == T_NULL ? "~" : sval(n);

		printf("%s=", path);
		for (; *s; s++)
			if (*s == '\n')
				fputs("\\n", stdout);
			else
				putchar(*s);
		putchar('\n');
	} else if (n->type == YAML_SEQUENCE_NODE) {
		if (!seq_len(n))
			printf("%s=[]\n", path);
		for (i = 0; i < seq_len(n); i++) {
			snprintf(path + len, sizeof(path) - len, ".%zu", i);
			flatten(yaml_document_get_node(&doc,
				n->data.sequence.items.start[i]),
				strlen(path));
		}
	} else {
		yaml_node_pair_t *p = n->data.mapping.pairs.start;

		if (p == n->data.mapping.pairs.top)
			printf("%s={}\n", path);
		for (; p < n->data.mapping.pairs.top; p++) {
			snprintf(path + len, sizeof(path) - len, "%s%s",
				 len ? "." : "",
				 sval(yaml_document_get_node(&doc, p->key)));
			flatten(yaml_document_get_node(&doc, p->value),
				strlen(path));
		}
	}
	path[len] = 0;
}

static void load(yaml_parser_t *p, yaml_document_t *d)
{
	if (!yaml_parser_load(p, d))
		die("line %lu: YAML error: %s %s", p->problem_mark.line + 1,
		    p->problem, p->context ? p->context : "");
}

static int check_yaml(const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_document_t extra;
	yaml_node_t *root;

	if (!yaml_parser_initialize(&p))
		return 2;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	load(&p, &doc);
	root = yaml_document_get_root_node(&doc);
	if (!root)
		die("no YAML document");
	load(&p, &extra);
	if (yaml_document_get_root_node(&extra))
		die("more than one YAML document");
	yaml_document_delete(&extra);
	check_root(root);
	flatten(root, 0);
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return 0;
}

/* ----------------------------------------------------------- SARIF --- */

static struct json_object *member(struct json_object *o, const char *where,
				  const char *key, json_type t)
{
	struct json_object *v;

	if (!json_object_is_type(o, json_type_object))
		die("%s: not an object", where);
	if (!json_object_object_get_ex(o, key, &v))
		die("%s: no '%s'", where, key);
	if (!json_object_is_type(v, t))
		die("%s.%s: want a %s", where, key, json_type_to_name(t));
	return v;
}

static const char *string(struct json_object *o, const char *where,
			  const char *key)
{
	return json_object_get_string(member(o, where, key,
					     json_type_string));
}

static bool is_level(const char *s)
{
	return !strcmp(s, "none") || !strcmp(s, "note") ||
	       !strcmp(s, "warning") || !strcmp(s, "error");
}

/* Rules: each once, each with the descriptions and help that GitHub's
 * code scanning requires, and a level. */
static void check_rules(struct json_object *rules)
{
	size_t i, j, n = json_object_array_length(rules);

	for (i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(rules, i);
		const char *id = string(r, "rule", "id");

		for (j = 0; j < i; j++)
			if (!strcmp(id, string(json_object_array_get_idx(
					rules, j), "rule", "id")))
				die("rules: '%s' listed twice", id);
		string(member(r, id, "shortDescription", json_type_object),
		       id, "text");
		string(member(r, id, "fullDescription", json_type_object),
		       id, "text");
		string(member(r, id, "help", json_type_object), id, "text");
		if (!is_level(string(member(r, id, "defaultConfiguration",
					    json_type_object), id, "level")))
			die("rule %s: bad default level", id);
	}
}

static bool has_rule(struct json_object *rules, const char *id)
{
	size_t i;

	for (i = 0; i < json_object_array_length(rules); i++)
		if (!strcmp(string(json_object_array_get_idx(rules, i), "rule",
				   "id"), id))
			return true;
	return false;
}

static void check_logical(struct json_object *loc)
{
	struct json_object *a, *l;

	if (!json_object_object_get_ex(loc, "logicalLocations", &a))
		return;
	if (json_object_array_length(a) != 1)
		die("logicalLocations: want one");
	l = json_object_array_get_idx(a, 0);
	string(l, "logicalLocation", "name");
	if (strcmp(string(l, "logicalLocation", "kind"), "function"))
		die("logicalLocation: kind is not function");
}

/* Prints "uri" or "uri:line" for the only location of a result. */
static void print_location(struct json_object *res)
{
	struct json_object *locs, *loc, *phys, *region;
	int64_t line;

	locs = member(res, "result", "locations", json_type_array);
	if (json_object_array_length(locs) != 1)
		die("result: want exactly one location");
	loc = json_object_array_get_idx(locs, 0);
	phys = member(loc, "location", "physicalLocation", json_type_object);
	printf(" %s", string(member(phys, "physicalLocation",
		"artifactLocation", json_type_object), "artifactLocation",
		"uri"));
	if (json_object_object_get_ex(phys, "region", &region)) {
		line = json_object_get_int64(member(region, "region",
					     "startLine", json_type_int));
		if (line < 1)
			die("region: startLine %lld", (long long)line);
		printf(":%lld", (long long)line);
	}
	check_logical(loc);
}

static void check_properties(struct json_object *res)
{
	struct json_object *p, *off;

	p = member(res, "result", "properties", json_type_object);
	string(p, "properties", "object");
	if (!json_object_object_get_ex(p, "section", NULL))
		return;
	string(p, "properties", "section");
	off = member(p, "properties", "offset", json_type_int);
	if (json_object_get_int64(off) < 0)
		die("properties: negative offset");
	/* Only in linked files; json-c reads an address above INT64_MAX
	 * back as an unsigned integer, still of type int. */
	if (json_object_object_get_ex(p, "vaddr", NULL))
		member(p, "properties", "vaddr", json_type_int);
}

static void check_result(struct json_object *res, struct json_object *rules)
{
	const char *id = string(res, "result", "ruleId");
	const char *level = string(res, "result", "level");

	struct json_object *idx;

	if (!has_rule(rules, id))
		die("result %s: rule not in tool.driver.rules", id);
	/* A ruleIndex must name the same rule as the ruleId. */
	if (json_object_object_get_ex(res, "ruleIndex", &idx) &&
	    (!json_object_is_type(idx, json_type_int) ||
	     json_object_get_int64(idx) < 0 ||
	     (size_t)json_object_get_int64(idx) >=
	     json_object_array_length(rules) ||
	     strcmp(string(json_object_array_get_idx(rules,
		json_object_get_int64(idx)), "rule", "id"), id)))
		die("result %s: ruleIndex names another rule", id);
	if (!is_level(level))
		die("result %s: bad level %s", id, level);
	string(member(res, "result", "message", json_type_object), "message",
	       "text");
	printf("%s %s", id, level);
	print_location(res);
	putchar('\n');
	check_properties(res);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints "rules=" and the rule ids the results use, sorted, each once. */
static void rules_used(struct json_object *results)
{
	size_t i, k = 0, n = json_object_array_length(results);
	const char **ids = calloc(n + 1, sizeof(*ids));

	if (!ids)
		exit(2);
	for (i = 0; i < n; i++)
		ids[i] = string(json_object_array_get_idx(results, i),
				"result", "ruleId");
	qsort(ids, n, sizeof(*ids), by_string);
	printf("rules=");
	for (i = 0; i < n; i++)
		if (!i || strcmp(ids[i - 1], ids[i]))
			printf("%s%s", k++ ? " " : "", ids[i]);
	putchar('\n');
	free(ids);
}

static struct json_object *parse_json(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	size_t end;

	if (!tok)
		exit(2);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	if (!root)
		die("JSON error at byte %zu: %s",
		    json_tokener_get_parse_end(tok),
		    json_tokener_error_desc(json_tokener_get_error(tok)));
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (end + strspn(buf + end, " \t\r\n") != len)
		die("trailing bytes after the JSON value (byte %zu)", end);
	return root;
}

/* One invocation; each notification (a file that could not be read)
 * printed as "notification LEVEL URI", then "invocation=successful" or
 * "invocation=failed". */
static void check_invocations(struct json_object *run)
{
	struct json_object *a, *inv, *n, *x;
	size_t i;

	a = member(run, "run", "invocations", json_type_array);
	if (json_object_array_length(a) != 1)
		die("invocations: want exactly one");
	inv = json_object_array_get_idx(a, 0);
	x = member(inv, "invocation", "executionSuccessful",
		   json_type_boolean);
	n = member(inv, "invocation", "toolExecutionNotifications",
		   json_type_array);
	for (i = 0; i < json_object_array_length(n); i++) {
		struct json_object *no = json_object_array_get_idx(n, i);
		const char *lvl = string(no, "notification", "level");

		if (!is_level(lvl))
			die("notification: bad level %s", lvl);
		string(member(no, "notification", "message",
			      json_type_object), "message", "text");
		printf("notification %s", lvl);
		print_location(no);
		putchar('\n');
	}
	printf("invocation=%s\n", json_object_get_boolean(x) ? "successful"
							     : "failed");
}

static int check_sarif(const char *buf, size_t len)
{
	struct json_object *root = parse_json(buf, len), *runs, *run, *drv;
	struct json_object *rules, *results;
	size_t i, n;

	if (strcmp(string(root, "sarif", "version"), "2.1.0"))
		die("version: want 2.1.0");
	string(root, "sarif", "$schema");
	runs = member(root, "sarif", "runs", json_type_array);
	if (json_object_array_length(runs) != 1)
		die("runs: want exactly one run");
	run = json_object_array_get_idx(runs, 0);
	drv = member(member(run, "run", "tool", json_type_object), "tool",
		     "driver", json_type_object);
	if (strcmp(string(drv, "driver", "name"), "scstool"))
		die("tool.driver.name: want scstool");
	string(drv, "driver", "version");
	rules = member(drv, "driver", "rules", json_type_array);
	check_rules(rules);
	check_invocations(run);
	results = member(run, "run", "results", json_type_array);
	n = json_object_array_length(results);
	printf("results=%zu\n", n);
	for (i = 0; i < n; i++)
		check_result(json_object_array_get_idx(results, i), rules);
	rules_used(results);
	json_object_put(root);
	return 0;
}

int main(int argc, char **argv)
{
	size_t len;
	char *buf;
	int ret;

	if (argc != 3 ||
	    (strcmp(argv[1], "yaml") && strcmp(argv[1], "sarif"))) {
		fprintf(stderr, "usage: reportcheck yaml|sarif FILE\n");
		return 2;
	}
	input = argv[2];
	buf = read_all(argv[2], &len);
	ret = !strcmp(argv[1], "yaml") ? check_yaml(buf, len)
				       : check_sarif(buf, len);
	free(buf);
	return ret;
}
