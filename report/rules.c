/* The rule registry rendered: text, YAML, JSON, Markdown and roff. */
#include "rules.h"

#include <string.h>
#include <json-c/json.h>
#include <yaml.h>

void sc_rule_arches(enum sc_rule rule, char *buf, size_t len)
{
	unsigned bits = sc_rules[rule].arches, i;
	size_t used = 0;

	buf[0] = 0;
	if (bits == SC_ON_ALL) {
		snprintf(buf, len, "all");
		return;
	}
	for (i = 0; i < SC_NARCH_BITS; i++)
		if (bits & (1u << i) && used < len)
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", sc_arch_bit_name(i));
}

/* The commands of each SC_BY_* bit, in help's order. */
static const struct {
	unsigned bit;
	const char *name;
} rule_commands[] = {
	{ SC_BY_CHECK, "check" },
	{ SC_BY_CHECK, "lint" },
	{ SC_BY_VERIFY, "verify" },
};
#define NRULE_COMMANDS (sizeof(rule_commands) / sizeof(rule_commands[0]))

void sc_rule_commands(enum sc_rule rule, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < NRULE_COMMANDS; i++)
		if (sc_rules[rule].commands & rule_commands[i].bit &&
		    used < len)
			used += snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "",
					 rule_commands[i].name);
}

static void drop_backticks(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 1 < len; s++)
		if (*s != '`')
			buf[n++] = *s;
	buf[n] = 0;
}

void sc_rule_help_text(enum sc_rule rule, char *buf, size_t len)
{
	drop_backticks(sc_rules[rule].help, buf, len);
}

void sc_rules_text(FILE *out, unsigned commands)
{
	char arches[64];
	int i, width = 0;

	/* The widest list of architectures sets the column, so that every
	 * summary starts in the same place. */
	for (i = 0; i < SC_RULE_COUNT; i++) {
		if (!(sc_rules[i].commands & commands))
			continue;
		sc_rule_arches(i, arches, sizeof(arches));
		if ((int)strlen(arches) > width)
			width = (int)strlen(arches);
	}
	for (i = 0; i < SC_RULE_COUNT; i++) {
		if (!(sc_rules[i].commands & commands))
			continue;
		sc_rule_arches(i, arches, sizeof(arches));
		fprintf(out, "  %-21s %-7s %-*s %s\n", sc_rules[i].name,
			sc_severity_name(sc_rules[i].severity), width, arches,
			sc_rules[i].summary);
	}
}

void sc_rule_text(FILE *out, enum sc_rule rule)
{
	const struct sc_rule_info *r = &sc_rules[rule];
	char arches[64], commands[64], text[1024];

	sc_rule_arches(rule, arches, sizeof(arches));
	sc_rule_commands(rule, commands, sizeof(commands));
	fprintf(out, "%s\n  default severity: %s\n  architectures: %s\n"
		"  commands: %s\n"
		"  keeps its site out of the table: %s\n\n",
		r->name, sc_severity_name(r->severity), arches, commands,
		r->unpatchable ? "yes, whatever its severity" : "no");
	drop_backticks(r->description, text, sizeof(text));
	fprintf(out, "  %s\n\n", text);
	sc_rule_help_text(rule, text, sizeof(text));
	fprintf(out, "  What to do: %s\n", text);
}

/* ------------------------------------------------------------ JSON --- */

static struct json_object *rule_json(enum sc_rule rule)
{
	const struct sc_rule_info *r = &sc_rules[rule];
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	struct json_object *c = json_object_new_array();
	unsigned i;

	if (!o || !a || !c) {
		json_object_put(o);
		json_object_put(a);
		json_object_put(c);
		return NULL;
	}
	for (i = 0; i < SC_NARCH_BITS; i++)
		if (r->arches & (1u << i))
			json_object_array_add(a, json_object_new_string(
				sc_arch_bit_name(i)));
	for (i = 0; i < NRULE_COMMANDS; i++)
		if (r->commands & rule_commands[i].bit)
			json_object_array_add(c, json_object_new_string(
				rule_commands[i].name));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "severity", json_object_new_string(
		sc_severity_name(r->severity)));
	json_object_object_add(o, "architectures", a);
	json_object_object_add(o, "commands", c);
	json_object_object_add(o, "keeps_site_out",
			       json_object_new_boolean(r->unpatchable));
	json_object_object_add(o, "summary",
			       json_object_new_string(r->summary));
	json_object_object_add(o, "description",
			       json_object_new_string(r->description));
	json_object_object_add(o, "help", json_object_new_string(r->help));
	return o;
}

int sc_rules_json(FILE *out, struct sc_err *err)
{
	struct json_object *a = json_object_new_array(), *r;
	const char *s = NULL;
	int i, ret = 0;

	for (i = 0; a && i < SC_RULE_COUNT; i++) {
		r = rule_json(i);
		if (!r || json_object_array_add(a, r)) {
			json_object_put(r);
			json_object_put(a);
			a = NULL;
		}
	}
	if (a)
		s = json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		ret = sc_errf(err, "rules: out of memory");
	else if (fputs(s, out) == EOF || fputc('\n', out) == EOF)
		ret = sc_errf(err, "rules: write error");
	json_object_put(a);
	return ret;
}

/* ------------------------------------------------------------ YAML --- */

struct ye {
	yaml_emitter_t em;
	bool failed;
};

static void emit(struct ye *y, yaml_event_t *ev, int made)
{
	if (!made || y->failed) {
		if (made)
			yaml_event_delete(ev);
		y->failed = true;
		return;
	}
	if (!yaml_emitter_emit(&y->em, ev))
		y->failed = true;
}

/* Every string of the registry is plain text that no YAML reader takes
 * for another type (a test reads them back), so libyaml picks styles. */
static void str(struct ye *y, const char *s, bool plain)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
		(yaml_char_t *)s, strlen(s), 1, 1,
		plain ? YAML_PLAIN_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE));
}

static void collection(struct ye *y, bool map, bool start, bool flow)
{
	yaml_event_t ev;
	int made;

	if (map && start)
		made = yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
			flow ? YAML_FLOW_MAPPING_STYLE :
			       YAML_BLOCK_MAPPING_STYLE);
	else if (start)
		made = yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
			flow ? YAML_FLOW_SEQUENCE_STYLE :
			       YAML_BLOCK_SEQUENCE_STYLE);
	else if (map)
		made = yaml_mapping_end_event_initialize(&ev);
	else
		made = yaml_sequence_end_event_initialize(&ev);
	emit(y, &ev, made);
}

static void kv(struct ye *y, const char *k, const char *v)
{
	str(y, k, false);
	str(y, v, false);
}

static void rule_yaml(struct ye *y, enum sc_rule rule)
{
	const struct sc_rule_info *r = &sc_rules[rule];
	unsigned i;

	collection(y, true, true, false);
	kv(y, "name", r->name);
	kv(y, "severity", sc_severity_name(r->severity));
	str(y, "architectures", false);
	collection(y, false, true, true);
	for (i = 0; i < SC_NARCH_BITS; i++)
		if (r->arches & (1u << i))
			str(y, sc_arch_bit_name(i), false);
	collection(y, false, false, true);
	str(y, "commands", false);
	collection(y, false, true, true);
	for (i = 0; i < NRULE_COMMANDS; i++)
		if (r->commands & rule_commands[i].bit)
			str(y, rule_commands[i].name, false);
	collection(y, false, false, true);
	str(y, "keeps_site_out", false);
	str(y, r->unpatchable ? "true" : "false", true);
	kv(y, "summary", r->summary);
	kv(y, "description", r->description);
	kv(y, "help", r->help);
	collection(y, true, false, false);
}

int sc_rules_yaml(FILE *out, struct sc_err *err)
{
	struct ye y = { .failed = false };
	yaml_event_t ev;
	int i;

	if (!yaml_emitter_initialize(&y.em))
		return sc_errf(err, "yaml: out of memory");
	yaml_emitter_set_output_file(&y.em, out);
	yaml_emitter_set_unicode(&y.em, 1);
	yaml_emitter_set_width(&y.em, -1);
	emit(&y, &ev, yaml_stream_start_event_initialize(&ev,
		YAML_UTF8_ENCODING));
	emit(&y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL,
		NULL, 1));
	collection(&y, false, true, false);
	for (i = 0; i < SC_RULE_COUNT; i++)
		rule_yaml(&y, i);
	collection(&y, false, false, false);
	emit(&y, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(&y, &ev, yaml_stream_end_event_initialize(&ev));
	if (!y.failed && !yaml_emitter_flush(&y.em))
		y.failed = true;
	yaml_emitter_delete(&y.em);
	return y.failed ? sc_errf(err, "rules: cannot write the YAML") : 0;
}

/* -------------------------------------------------------- Markdown --- */

void sc_rules_markdown(FILE *out)
{
	char arches[64], commands[64];
	int i;

	fprintf(out, "| rule | default | arch | commands | kept out | what it "
		"protects against |\n|---|---|---|---|---|---|\n");
	for (i = 0; i < SC_RULE_COUNT; i++) {
		sc_rule_arches(i, arches, sizeof(arches));
		sc_rule_commands(i, commands, sizeof(commands));
		fprintf(out, "| `%s` | %s | %s | %s | %s | %s |\n",
			sc_rules[i].name,
			sc_severity_name(sc_rules[i].severity), arches, commands,
			sc_rules[i].unpatchable ? "yes" : "",
			sc_rules[i].description);
	}
}

/* ------------------------------------------------------------ roff --- */

void sc_roff_text(FILE *out, const char *s)
{
	bool code = false, line_start = true;

	for (; *s; s++) {
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", out);
		line_start = *s == '\n';
		if (*s == '`') {
			fputs(code ? "\\fR" : "\\fB", out);
			code = !code;
		} else if (*s == '\\') {
			fputs("\\e", out);
		} else if (*s == '-') {
			/* roff's '-' is a hyphen; options and names need the
			 * ASCII minus that a reader can copy. */
			fputs("\\-", out);
		} else {
			fputc(*s, out);
		}
	}
	if (code)
		fputs("\\fR", out);
}
