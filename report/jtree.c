/* The json-c tree helpers shared by the JSON and SARIF reports. */
#include "jtree.h"

#include <stdlib.h>

#include "escape.h"

void sc_jadd(struct json_object *o, const char *k, struct json_object *v,
	     bool *ok)
{
	if (!v || json_object_object_add(o, k, v)) {
		json_object_put(v);
		*ok = false;
	}
}

void sc_jappend(struct json_object *a, struct json_object *v, bool *ok)
{
	if (!v || json_object_array_add(a, v)) {
		json_object_put(v);
		*ok = false;
	}
}

int sc_jprint(FILE *out, struct json_object *root, bool ok, const char *what,
	      struct sc_err *err)
{
	const int style = JSON_C_TO_STRING_PRETTY |
			  JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *s = ok ? json_object_to_json_string_ext(root, style) : NULL;
	int ret = 0;

	if (!s)
		ret = sc_errf(err, "%s: out of memory", what);
	else if (fputs(s, out) == EOF || fputc('\n', out) == EOF)
		ret = sc_errf(err, "%s: write error", what);
	json_object_put(root);
	return ret;
}

struct json_object *sc_jstring(const char *s)
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
