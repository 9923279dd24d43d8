/* Lookups over an object's symbols: the function that covers an offset
 * (for sweeps and for "function+0xoff" names) and key symbols by name. */
#ifndef SC_CHECK_SYMBOLS_H
#define SC_CHECK_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "../elf/object.h"

struct sc_func {
	size_t shndx;
	uint64_t start, size;
	size_t sym;
};

struct sc_symbols {
	const struct sc_object *obj;
	struct sc_func *funcs;		/* sorted by section, then start */
	size_t nfuncs;
	size_t *keys;			/* __SCK__ symbols, sorted by name */
	size_t nkeys;
};

#define SC_TRAMP_PREFIX "__SCT__"
#define SC_KEY_PREFIX "__SCK__"

int sc_symbols_build(struct sc_symbols *s, const struct sc_object *obj,
		     struct sc_err *err);
void sc_symbols_free(struct sc_symbols *s);

/* The innermost function symbol covering off in section shndx, or NULL. */
const struct sc_func *sc_symbols_covering(const struct sc_symbols *s,
					  size_t shndx, uint64_t off);

/* The key symbol for trampoline name tramp (__SCT__x -> __SCK__x), or 0. */
size_t sc_symbols_key_for(const struct sc_symbols *s, const char *tramp);

/* "function+0xoff" when a function covers off, else "section+0xoff". */
void sc_symbols_where(const struct sc_symbols *s, size_t shndx, uint64_t off,
		      char *buf, size_t len);

#endif
