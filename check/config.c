/* The per-project policy file, read with libyaml's document loader.
 *
 * Schema decisions worth knowing:
 * - Booleans are YAML 1.2's: true/false (also True/TRUE, False/FALSE).
 *   YAML 1.1's yes/no/on/off are refused: `off` is a severity here, and
 *   a word that means a boolean in one place and a string in another
 *   invites mistakes.
 * - Numbers and booleans must be plain (unquoted) scalars; "64" in
 *   quotes is a string, as in YAML.
 * - `rules:` or `suppress:` with no value (a null) is an empty map or
 *   list, so that commenting out every entry keeps the file valid.
 * - A suppress entry needs at least one field: an empty one would
 *   silence every finding, which is never what a lint file means.
 * - A suppress entry's `rule` is a glob; it must match at least one rule,
 *   so a misspelt name is an error, not a silent no-op. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "../elf/file.h"
#include "sc_util.h"

#define CONFIG_NAME ".scstool.yaml"

/* A policy file is short; these caps keep a hostile one (--config
 * /dev/zero, a file of 100,000 nested brackets) from costing more than a
 * moment.  Both are far above any real config. */
#define CONFIG_MAX_BYTES (1u << 20)
#define CONFIG_MAX_DEPTH 32

/* One load: the file, the document and the config being filled. */
struct loader {
	const char *path;
	const unsigned char *text;
	size_t size;
	yaml_document_t *doc;
	struct sc_config *c;
	size_t cap;			/* of c->suppress */
	struct sc_err *err;
};

void sc_config_defaults(struct sc_config *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < SC_RULE_COUNT; i++)
		c->severity[i] = sc_rules[i].severity;
	c->cacheline = 64;
	c->cond_tail = true;
}

static void free_suppress(struct sc_suppress *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].rule);
		free(s[i].function);
		free(s[i].key);
		free(s[i].file);
	}
	free(s);
}

void sc_config_free(struct sc_config *c)
{
	free_suppress(c->suppress, c->nsuppress);
	free(c->path);
	c->suppress = NULL;
	c->nsuppress = 0;
	c->path = NULL;
}

/* --- errors --- */

/* A user's string as an error shows it: short, and on one line whatever
 * the scalar held (a block scalar may span lines). */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 4 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	if (s[i]) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = 0;
	return buf;
}

__attribute__((format(printf, 4, 5)))
static int fail_at(struct loader *ld, size_t line, size_t col,
		   const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sc_errf(ld->err, "%s:%zu:%zu: error: %s", ld->path, line + 1,
		       col + 1, msg);
}

/* libyaml's marks count from 0; the messages count from 1. */
#define fail_node(ld, n, ...) \
	fail_at(ld, (n)->start_mark.line, (n)->start_mark.column, __VA_ARGS__)

/* Reader errors (bad UTF-8, control characters) carry only a byte
 * offset: work out its line and column from the text. */
static int fail_offset(struct loader *ld, size_t off, const char *problem)
{
	size_t line = 0, col = 0, i;

	for (i = 0; i < off && i < ld->size; i++) {
		if (ld->text[i] == '\n') {
			line++;
			col = 0;
		} else if ((ld->text[i] & 0xc0) != 0x80) {
			col++;
		}
	}
	return fail_at(ld, line, col, "%s", problem);
}

static int yaml_failure(struct loader *ld, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";

	if (p->error == YAML_MEMORY_ERROR)
		return sc_errf(ld->err, "%s: error: out of memory", ld->path);
	if (p->error == YAML_READER_ERROR)
		return fail_offset(ld, p->problem_offset, problem);
	if (p->context)
		return fail_at(ld, p->problem_mark.line, p->problem_mark.column,
			       "%s (%s at line %zu, column %zu)", problem,
			       p->context, p->context_mark.line + 1,
			       p->context_mark.column + 1);
	return fail_at(ld, p->problem_mark.line, p->problem_mark.column, "%s",
		       problem);
}

/* --- nodes --- */

static const char *text_of(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* YAML's null: an empty plain value, ~ or null. */
static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (!is_plain(n))
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp(text_of(n), nulls[i]))
			return true;
	return false;
}

static yaml_node_t *node(struct loader *ld, int id)
{
	return yaml_document_get_node(ld->doc, id);
}

static const char *type_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a map";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

/* What an error says it found: a scalar's text in quotes, else its type. */
static const char *found(const yaml_node_t *n, char *buf, size_t len)
{
	char text[80];

	if (n->type != YAML_SCALAR_NODE)
		return type_name(n);
	/* A quoted "64" is a string: say so, or '64' would look valid. */
	snprintf(buf, len, "%s'%s'", is_plain(n) ? "" : "the quoted string ",
		 shown(text_of(n), text, sizeof(text)));
	return buf;
}

/* Every key of map n is a scalar and appears once: libyaml's loader
 * keeps duplicates, and the last one silently winning would hide a
 * mistake.  The keys are sorted (by text, then position), so that a map
 * of n keys costs O(n log n); the duplicate reported is the one that
 * comes first in the file, as a walk from the top would find it. */
struct key_at {
	const char *text;
	size_t pos;
	const yaml_node_t *node;
};

static int key_cmp(const void *a, const void *b)
{
	const struct key_at *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int first_duplicate(struct loader *ld, struct key_at *keys, size_t n)
{
	const struct key_at *dup = NULL, *first = NULL;
	char buf[112];
	size_t i;

	qsort(keys, n, sizeof(*keys), key_cmp);
	/* Within a run of equal keys, positions rise: only a run's second
	 * key can be the earliest duplicate, and the key before it is the
	 * run's first. */
	for (i = 1; i < n; i++)
		if (!strcmp(keys[i].text, keys[i - 1].text) &&
		    (!dup || keys[i].pos < dup->pos)) {
			dup = &keys[i];
			first = &keys[i - 1];
		}
	if (!dup)
		return 0;
	return fail_node(ld, dup->node, "duplicate key '%s' (first at line "
			 "%zu)", shown(dup->text, buf, sizeof(buf)),
			 first->node->start_mark.line + 1);
}

static int check_keys(struct loader *ld, const yaml_node_t *map)
{
	yaml_node_pair_t *start = map->data.mapping.pairs.start;
	size_t n = (size_t)(map->data.mapping.pairs.top - start), i;
	struct key_at *keys = calloc(n ? n : 1, sizeof(*keys));
	int ret;

	if (!keys)
		return sc_errf(ld->err, "%s: error: out of memory", ld->path);
	for (i = 0; i < n; i++) {
		yaml_node_t *k = node(ld, start[i].key);

		if (k->type != YAML_SCALAR_NODE) {
			free(keys);
			return fail_node(ld, k, "expected a name as key, "
					 "found %s", type_name(k));
		}
		keys[i] = (struct key_at){ text_of(k), i, k };
	}
	ret = first_duplicate(ld, keys, n);
	free(keys);
	return ret;
}

/* --- rules --- */

/* "unknown rule 'X'", with the registry's nearest name when one is near
 * enough to be a typo. */
static int unknown_rule(struct loader *ld, const yaml_node_t *n)
{
	const char *near = sc_rule_suggest(text_of(n));
	char buf[112];

	if (near)
		return fail_node(ld, n, "unknown rule '%s'; did you mean "
				 "'%s'?", shown(text_of(n), buf, sizeof(buf)),
				 near);
	return fail_node(ld, n, "unknown rule '%s'",
			 shown(text_of(n), buf, sizeof(buf)));
}

static int rule_severity(struct loader *ld, const yaml_node_t *k,
			 const yaml_node_t *v)
{
	enum sc_rule rule;
	enum sc_severity sev;
	char buf[112];

	if (sc_rule_parse(text_of(k), &rule))
		return unknown_rule(ld, k);
	if (v->type != YAML_SCALAR_NODE || sc_severity_parse(text_of(v), &sev))
		return fail_node(ld, v, "bad severity %s for rule '%s' "
				 "(expected off, note, warning or error)",
				 found(v, buf, sizeof(buf)),
				 sc_rules[rule].name);
	ld->c->severity[rule] = sev;
	ld->c->set[rule] = true;
	return 0;
}

static int load_rules(struct loader *ld, const yaml_node_t *n)
{
	yaml_node_pair_t *p;

	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return fail_node(ld, n, "'rules' must be a map of rule names "
				 "to severities, found %s", type_name(n));
	if (check_keys(ld, n))
		return -1;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++)
		if (rule_severity(ld, node(ld, p->key), node(ld, p->value)))
			return -1;
	return 0;
}

/* --- suppress --- */

static const struct {
	const char *name;
	size_t offset;
} suppress_fields[] = {
	{ "rule", offsetof(struct sc_suppress, rule) },
	{ "function", offsetof(struct sc_suppress, function) },
	{ "key", offsetof(struct sc_suppress, key) },
	{ "file", offsetof(struct sc_suppress, file) },
};

#define NFIELDS (sizeof(suppress_fields) / sizeof(suppress_fields[0]))

static bool matches_a_rule(const char *pattern)
{
	int i;

	for (i = 0; i < SC_RULE_COUNT; i++)
		if (!fnmatch(pattern, sc_rules[i].name, 0))
			return true;
	return false;
}

static int field_value(struct loader *ld, const char *field,
		       const yaml_node_t *v)
{
	if (v->type != YAML_SCALAR_NODE)
		return fail_node(ld, v, "suppress '%s' must be a glob "
				 "pattern, found %s", field, type_name(v));
	if (is_null(v) || !*text_of(v))
		return fail_node(ld, v, "suppress '%s' is empty", field);
	if (!strcmp(field, "rule") && !matches_a_rule(text_of(v)))
		return unknown_rule(ld, v);
	return 0;
}

static int entry_field(struct loader *ld, struct sc_suppress *s,
		       const yaml_node_t *k, const yaml_node_t *v)
{
	char buf[112], **slot;
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (!strcmp(text_of(k), suppress_fields[i].name))
			break;
	if (i == NFIELDS)
		return fail_node(ld, k, "unknown key '%s' in a suppress entry "
				 "(expected rule, function, key or file)",
				 shown(text_of(k), buf, sizeof(buf)));
	if (field_value(ld, suppress_fields[i].name, v))
		return -1;
	slot = (char **)((char *)s + suppress_fields[i].offset);
	*slot = strdup(text_of(v));
	if (!*slot)
		return sc_errf(ld->err, "%s: error: out of memory", ld->path);
	return 0;
}

static int load_entry(struct loader *ld, const yaml_node_t *n)
{
	struct sc_config *c = ld->c;
	struct sc_suppress *s;
	yaml_node_pair_t *p;

	if (n->type != YAML_MAPPING_NODE)
		return fail_node(ld, n, "a suppress entry must be a map of "
				 "rule, function, key and file patterns, "
				 "found %s", is_null(n) ? "nothing" :
				 type_name(n));
	if (check_keys(ld, n))
		return -1;
	if (n->data.mapping.pairs.top == n->data.mapping.pairs.start)
		return fail_node(ld, n, "an empty suppress entry would "
				 "suppress everything");
	if (sc_grow(&c->suppress, &ld->cap, c->nsuppress + 1, sizeof(*s)))
		return sc_errf(ld->err, "%s: error: out of memory", ld->path);
	s = &c->suppress[c->nsuppress++];
	memset(s, 0, sizeof(*s));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++)
		if (entry_field(ld, s, node(ld, p->key), node(ld, p->value)))
			return -1;
	return 0;
}

static int load_suppress(struct loader *ld, const yaml_node_t *n)
{
	yaml_node_item_t *i;

	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_node(ld, n, "'suppress' must be a list of maps, "
				 "found %s", type_name(n));
	for (i = n->data.sequence.items.start; i < n->data.sequence.items.top;
	     i++)
		if (load_entry(ld, node(ld, *i)))
			return -1;
	return 0;
}

/* --- scalars --- */

static int load_cacheline(struct loader *ld, const yaml_node_t *n)
{
	const char *s = n->type == YAML_SCALAR_NODE ? text_of(n) : "";
	unsigned long long v = 0;
	char buf[112];
	size_t i;

	/* Digits only: strtoul would take a sign, spaces and 0x. */
	for (i = 0; is_plain(n) && s[i] >= '0' && s[i] <= '9'; i++)
		if (v <= UINT_MAX)
			v = v * 10 + (unsigned)(s[i] - '0');
	if (!is_plain(n) || !i || s[i] || !v || v > UINT_MAX || (v & (v - 1)))
		return fail_node(ld, n, "'cacheline' must be a positive power "
				 "of two (bytes), found %s",
				 found(n, buf, sizeof(buf)));
	ld->c->cacheline = (unsigned)v;
	return 0;
}

static int load_cond_tail(struct loader *ld, const yaml_node_t *n)
{
	static const struct {
		const char *word;
		bool value;
	} words[] = {
		{ "true", true }, { "True", true }, { "TRUE", true },
		{ "false", false }, { "False", false }, { "FALSE", false },
	};
	char buf[112];
	size_t i;

	for (i = 0; is_plain(n) && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(text_of(n), words[i].word)) {
			ld->c->cond_tail = words[i].value;
			return 0;
		}
	return fail_node(ld, n, "'cond-tail' must be true or false, found %s",
			 found(n, buf, sizeof(buf)));
}

/* --- the document --- */

static const struct {
	const char *name;
	int (*load)(struct loader *ld, const yaml_node_t *n);
} top_keys[] = {
	{ "rules", load_rules },
	{ "suppress", load_suppress },
	{ "cacheline", load_cacheline },
	{ "cond-tail", load_cond_tail },
};

static int load_top(struct loader *ld, const yaml_node_t *k,
		    const yaml_node_t *v)
{
	char buf[112];
	size_t i;

	for (i = 0; i < sizeof(top_keys) / sizeof(top_keys[0]); i++)
		if (!strcmp(text_of(k), top_keys[i].name))
			return top_keys[i].load(ld, v);
	return fail_node(ld, k, "unknown key '%s' (expected rules, suppress, "
			 "cacheline or cond-tail)",
			 shown(text_of(k), buf, sizeof(buf)));
}

static int load_root(struct loader *ld)
{
	yaml_node_t *root = yaml_document_get_root_node(ld->doc);
	yaml_node_pair_t *p;

	/* An empty file, or one of comments only, is an empty config. */
	if (!root || is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return fail_node(ld, root, "the top level must be a map "
				 "(rules, suppress, cacheline, cond-tail), "
				 "found %s", type_name(root));
	if (check_keys(ld, root))
		return -1;
	for (p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++)
		if (load_top(ld, node(ld, p->key), node(ld, p->value)))
			return -1;
	return 0;
}

/* A second document after the first is refused rather than ignored:
 * settings in it would never apply. */
static int no_second_document(struct loader *ld, yaml_parser_t *parser)
{
	yaml_document_t next;
	yaml_node_t *root;
	int ret = 0;

	if (!yaml_parser_load(parser, &next))
		return yaml_failure(ld, parser);
	root = yaml_document_get_root_node(&next);
	if (root)
		ret = fail_node(ld, root, "more than one YAML document");
	yaml_document_delete(&next);
	return ret;
}

/* Walks the events alone first: nesting deeper than CONFIG_MAX_DEPTH is
 * refused before libyaml's loader builds anything (its cost grows with
 * depth times length: 100,000 brackets took a minute). */
static int check_depth(struct loader *ld)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, ret = 0;
	bool done = false;

	if (!yaml_parser_initialize(&parser))
		return sc_errf(ld->err, "%s: error: out of memory", ld->path);
	yaml_parser_set_input_string(&parser, ld->text, ld->size);
	while (!done && !ret) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ret = yaml_failure(ld, &parser);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			 ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		if (depth > CONFIG_MAX_DEPTH)
			ret = fail_at(ld, ev.start_mark.line,
				      ev.start_mark.column, "nested deeper "
				      "than %d levels", CONFIG_MAX_DEPTH);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ret;
}

static int parse(struct loader *ld)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int ret;

	if (check_depth(ld))
		return -1;
	if (!yaml_parser_initialize(&parser))
		return sc_errf(ld->err, "%s: error: out of memory", ld->path);
	yaml_parser_set_input_string(&parser, ld->text, ld->size);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = yaml_failure(ld, &parser);
		yaml_parser_delete(&parser);
		return ret;
	}
	ld->doc = &doc;
	ret = load_root(ld);
	if (!ret)
		ret = no_second_document(ld, &parser);
	ld->doc = NULL;
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

/* --- files --- */

static int read_file(const char *path, unsigned char **text, size_t *size,
		     struct sc_err *err)
{
	struct stat st;
	char *data;
	struct sc_err why;

	if (sc_file_read(path, CONFIG_MAX_BYTES, &data, size, &st, &why))
		return sc_errf(err, "%s: error: %s", path, why.msg);
	*text = (unsigned char *)data;
	return 0;
}

/* The file's settings go on top of what c holds; on an error c is left
 * as it was. */
static int adopt(struct sc_config *c, struct sc_config *tmp)
{
	struct sc_suppress *all = c->suppress;
	size_t n = c->nsuppress + tmp->nsuppress;

	if (tmp->nsuppress) {
		all = realloc(c->suppress, n * sizeof(*all));
		if (!all)
			return -1;
		memcpy(all + c->nsuppress, tmp->suppress,
		       tmp->nsuppress * sizeof(*all));
		free(tmp->suppress);
	}
	c->suppress = all;
	c->nsuppress = n;
	memcpy(c->severity, tmp->severity, sizeof(c->severity));
	memcpy(c->set, tmp->set, sizeof(c->set));
	c->cacheline = tmp->cacheline;
	c->cond_tail = tmp->cond_tail;
	free(c->path);
	c->path = tmp->path;
	return 0;
}

int sc_config_parse(struct sc_config *c, const char *path,
		    const unsigned char *text, size_t size, struct sc_err *err)
{
	struct sc_config tmp = *c;
	struct loader ld = { .path = path, .c = &tmp, .err = err,
			     .text = text, .size = size };
	int ret;

	tmp.suppress = NULL;
	tmp.nsuppress = 0;
	tmp.path = strdup(path);
	if (!tmp.path)
		return sc_errf(err, "%s: error: out of memory", path);
	ret = parse(&ld);
	if (!ret && adopt(c, &tmp))
		ret = sc_errf(err, "%s: error: out of memory", path);
	if (ret)
		sc_config_free(&tmp);
	return ret;
}

int sc_config_load(struct sc_config *c, const char *path, struct sc_err *err)
{
	unsigned char *text = NULL;
	size_t size;
	int ret;

	if (read_file(path, &text, &size, err))
		return -1;
	ret = sc_config_parse(c, path, text, size, err);
	free(text);
	return ret;
}

/* --- lookup --- */

/* dir/.scstool.yaml into buf; 1 when it exists. */
static int probe(const char *dir, char *buf, size_t len, struct sc_err *err)
{
	struct stat st;
	int n;

	n = snprintf(buf, len, "%s%s" CONFIG_NAME, dir,
		     strcmp(dir, "/") ? "/" : "");
	if (n < 0 || (size_t)n >= len)
		return sc_errf(err, "%s/" CONFIG_NAME ": error: path too long", dir);
	if (stat(buf, &st) == 0)
		return 1;
	/* A directory we may not search hides nothing we could read. */
	if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
		return 0;
	return sc_errf(err, "%s: error: %s", buf, strerror(errno));
}

int sc_config_find(char *buf, size_t len, struct sc_err *err)
{
	char *dir = getcwd(NULL, 0), *slash;
	int ret;

	if (!dir)
		return sc_errf(err, "cannot get the current directory: %s",
			       strerror(errno));
	for (;;) {
		ret = probe(dir, buf, len, err);
		if (ret || !strcmp(dir, "/"))
			break;
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = 0;
		else
			*slash = 0;
	}
	free(dir);
	return ret;
}

/* --- matching --- */

/* A given pattern must match a given name; a missing name (NULL)
 * matches no pattern. */
static bool field_matches(const char *pattern, const char *name)
{
	if (!pattern)
		return true;
	return name && !fnmatch(pattern, name, 0);
}

/* The source may come as "file:line", as diagnostics print it: a file
 * pattern is about the file, so it is also tried without the line. */
static bool source_matches(const char *pattern, const char *src)
{
	const char *colon = src ? strrchr(src, ':') : NULL;
	char file[4096];
	size_t len;

	if (field_matches(pattern, src))
		return true;
	if (!colon || !colon[1] || strspn(colon + 1, "0123456789") !=
				  strlen(colon + 1))
		return false;
	len = (size_t)(colon - src);
	if (len >= sizeof(file))
		return false;
	memcpy(file, src, len);
	file[len] = 0;
	return field_matches(pattern, file);
}

static bool entry_matches(const struct sc_suppress *s, const char *rule,
			  const char *function, const char *key,
			  const char *file, const char *src)
{
	if (!field_matches(s->rule, rule) ||
	    !field_matches(s->function, function) ||
	    !field_matches(s->key, key))
		return false;
	return !s->file || field_matches(s->file, file) ||
	       source_matches(s->file, src);
}

bool sc_config_suppressed(const struct sc_config *c, enum sc_rule rule,
			  const char *function, const char *key,
			  const char *file, const char *src)
{
	size_t i;

	if ((unsigned)rule >= SC_RULE_COUNT)
		return false;
	for (i = 0; i < c->nsuppress; i++)
		if (entry_matches(&c->suppress[i], sc_rules[rule].name,
				  function, key, file, src))
			return true;
	return false;
}
