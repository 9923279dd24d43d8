/* Error reporting shared by every layer: a function that can fail fills a
 * struct sc_err and returns -1, and its caller decides what to print. */
#ifndef SC_ERR_H
#define SC_ERR_H

#include <stdarg.h>
#include <stdio.h>

struct sc_err {
	char msg[512];
};

__attribute__((format(printf, 2, 3)))
static inline int sc_errf(struct sc_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

#endif
