/* Building a json-c tree without checking every call: constructors return
 * NULL when memory runs out, the adders below note it in *ok and go on, and
 * the caller drops the whole tree at the end if anything failed.  Shared by
 * the JSON report (json.c) and SARIF (sarif.c).
 *
 * Ownership: sc_jadd and sc_jappend take V (also when they fail: V is put);
 * sc_jprint takes ROOT and puts it. */
#ifndef SC_REPORT_JTREE_H
#define SC_REPORT_JTREE_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "sc_err.h"

void sc_jadd(struct json_object *o, const char *k, struct json_object *v,
	     bool *ok);
void sc_jappend(struct json_object *a, struct json_object *v, bool *ok);

/* A JSON string of s in the escaped form the YAML report uses
 * (report/escape.h): json-c passes bytes that are not UTF-8 through, and
 * JSON must be UTF-8.  NULL when memory runs out. */
struct json_object *sc_jstring(const char *s);

/* Prints ROOT (pretty, slashes unescaped, a final newline) to OUT when OK;
 * WHAT names the report in the error ("sarif report: write error"). */
int sc_jprint(FILE *out, struct json_object *root, bool ok, const char *what,
	      struct sc_err *err);

#endif
