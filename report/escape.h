/* Names from an object or the command line (paths, section and symbol
 * names, source files) can hold any bytes but NUL.  Printed raw, a file
 * named $'a\nb.o: error: forged' forges a second diagnostic, an escape
 * sequence reaches the terminal, and a byte that is not UTF-8 breaks a
 * YAML or JSON report.  Every text scstool prints or reports that may
 * hold such a name goes through sc_escape first.
 *
 * The escaped form is valid UTF-8 without control characters, and it is
 * reversible:
 *   \\            a backslash
 *   \n \t \r      newline, tab, carriage return
 *   \xHH          any other byte below 0x20, DEL (0x7f), and each byte
 *                 that is not part of valid UTF-8 (overlong forms,
 *                 surrogates and code points past U+10FFFF included)
 *   \uHHHH        a C1 control (U+0080..U+009F) or a character that
 *                 reorders text on display (U+061C, U+200E, U+200F,
 *                 U+202A..U+202E, U+2066..U+2069: "Trojan Source")
 * Everything else, other UTF-8 included, stays as it is. */
#ifndef SC_REPORT_ESCAPE_H
#define SC_REPORT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Does s need escaping at all? */
bool sc_needs_escape(const char *s);

/* The escaped form of s, malloc'd; NULL when memory runs out. */
char *sc_escape(const char *s);

/* Formats one line, escapes it whole (the format's own text has nothing
 * to escape, so only the names in it change) and prints it with a
 * newline.  Returns what fputs returns: EOF on a write error. */
__attribute__((format(printf, 2, 3)))
int sc_print_line(FILE *out, const char *fmt, ...);

/* A line printed piece by piece: the pieces go to a memory stream (no
 * newline among them), which sc_line_end escapes whole and prints with a
 * newline.  sc_line_start returns the stream, or NULL when memory runs
 * out; sc_line_end returns EOF on a write error, or when the line could
 * not be made (then "scstool: out of memory" is printed instead). */
struct sc_line {
	FILE *mem;
	char *buf;
	size_t len;
};

FILE *sc_line_start(struct sc_line *l);
int sc_line_end(struct sc_line *l, FILE *out);

#endif
