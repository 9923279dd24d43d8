#include "escape.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (1..4), or 0 when s does
 * not start one.  *cp gets its code point. */
static size_t utf8_len(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;
	uint32_t c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static bool reorders(uint32_t c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Writes the escaped form of the sequence at s into out (at most 6
 * bytes, or the sequence itself) and returns how many bytes of s it
 * took. */
static size_t escape_one(const unsigned char *s, char *out, size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t c;
	size_t n = utf8_len(s, &c);

	if (n == 1 && c >= 0x20 && c != 0x7f && c != '\\') {
		out[0] = (char)c;
		*len = 1;
	} else if (n == 1 && (c == '\\' || c == '\n' || c == '\t' ||
			      c == '\r')) {
		out[0] = '\\';
		out[1] = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\t' ? 't'
								    : 'r';
		*len = 2;
	} else if (n > 1 && (c < 0xa0 || reorders(c))) {
		*len = (size_t)sprintf(out, "\\u%04x", (unsigned)c);
	} else if (n > 1) {
		memcpy(out, s, n);
		*len = n;
	} else {
		/* A control byte, or one that starts no valid sequence: it
		 * alone is escaped, and the next byte is looked at anew. */
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex[s[0] >> 4];
		out[3] = hex[s[0] & 15];
		*len = 4;
		n = 1;
	}
	return n;
}

bool sc_needs_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char buf[8];
	size_t len;

	while (*p) {
		size_t n = escape_one(p, buf, &len);

		if (len != n || memcmp(buf, p, n))
			return true;
		p += n;
	}
	return false;
}

char *sc_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), used = 0, len;
	char *out;

	/* The most any byte becomes is four (\xHH); \uHHHH takes 6 for at
	 * least 2. */
	if (n > (SIZE_MAX - 1) / 4)
		return NULL;
	out = malloc(4 * n + 1);
	if (!out)
		return NULL;
	while (*p) {
		p += escape_one(p, out + used, &len);
		used += len;
	}
	out[used] = 0;
	return out;
}

int sc_print_line(FILE *out, const char *fmt, ...)
{
	char *line = NULL, *safe;
	va_list ap;
	int n, ret;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return fputs("scstool: out of memory\n", out);
	safe = sc_escape(line);
	free(line);
	if (!safe)
		return fputs("scstool: out of memory\n", out);
	ret = fputs(safe, out);
	free(safe);
	if (ret != EOF)
		ret = fputc('\n', out);
	return ret;
}

FILE *sc_line_start(struct sc_line *l)
{
	l->buf = NULL;
	l->len = 0;
	l->mem = open_memstream(&l->buf, &l->len);
	return l->mem;
}

int sc_line_end(struct sc_line *l, FILE *out)
{
	int ret;

	if (!l->mem)
		return fputs("scstool: out of memory\n", out);
	if (fclose(l->mem)) {
		free(l->buf);
		return fputs("scstool: out of memory\n", out);
	}
	ret = sc_print_line(out, "%s", l->buf);
	free(l->buf);
	return ret;
}
