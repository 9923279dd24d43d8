/* Lookups over an object's symbols: the code symbol that covers an offset
 * (for "function+0xoff" names), where a boundary sweep may start, whether
 * an offset of a code section holds data, and key symbols by name.  Every
 * lookup is O(log n) in the number of symbols, whatever they hold: nested
 * aliases, thousands of labels at one address, equal names. */
#ifndef SC_CHECK_SYMBOLS_H
#define SC_CHECK_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../elf/object.h"

/* A symbol's extent in its section. */
struct sc_func {
	size_t shndx;
	uint64_t start, size;
	size_t sym;
};

/* Extents sorted by section, then start (larger first, then by symbol
 * index), with a max-tree over their ends so that the innermost one
 * covering an offset is found in O(log n). */
struct sc_spans {
	struct sc_func *v;
	size_t n;
	uint64_t *ends;		/* 2 * leaves entries; node 1 is the root */
	size_t leaves;
};

struct sc_symbols {
	const struct sc_object *obj;
	/* Code: sized STT_FUNC symbols (in any section: ELFv1 puts them in
	 * .opd), and sized STT_NOTYPE and STT_GNU_IFUNC ones in executable
	 * sections, as hand-written assembly marks its code. */
	struct sc_spans funcs;
	/* Labels: code symbols of size 0 in executable sections.  Each is
	 * an instruction boundary, but covers nothing. */
	struct sc_func *labels;		/* sorted by section, then start */
	size_t nlabels;
	/* Data in executable sections: sized STT_OBJECT symbols, and the
	 * runs that ELF mapping symbols mark as data ($d, up to the next
	 * mapping symbol). */
	struct sc_spans data;
	/* Where a sweep may start: every code symbol's start and every data
	 * run's end in an executable section, sorted, without repeats. */
	struct sc_func *anchors;
	size_t nanchors;
	size_t *keys;			/* __SCK__ symbols, sorted by name */
	size_t nkeys;
};

#define SC_TRAMP_PREFIX "__SCT__"
#define SC_KEY_PREFIX "__SCK__"

/* Whether name starts with prefix (which holds no NUL).  The scans ask
 * it of every symbol of every file (58 M instructions of strncmp calls
 * over the corpus, half the kernel's names starting with "__"): inline,
 * byte by byte, it stops at the first difference (at the latest at
 * name's NUL). */
static inline bool sc_name_has_prefix(const char *name, const char *prefix)
{
	size_t i;

	for (i = 0; prefix[i]; i++)
		if (name[i] != prefix[i])
			return false;
	return true;
}

/* A trampoline's name, __SCT__<name>. */
static inline bool sc_is_tramp_name(const char *name)
{
	return sc_name_has_prefix(name, SC_TRAMP_PREFIX);
}

/* A key's name, __SCK__<name>. */
static inline bool sc_is_key_name(const char *name)
{
	return sc_name_has_prefix(name, SC_KEY_PREFIX);
}

int sc_symbols_build(struct sc_symbols *s, const struct sc_object *obj,
		     struct sc_err *err);
void sc_symbols_free(struct sc_symbols *s);

/* The innermost sized code symbol covering off in section shndx, or
 * NULL. */
const struct sc_func *sc_symbols_covering(const struct sc_symbols *s,
					  size_t shndx, uint64_t off);

/* The data symbol or data run that holds off in an executable section,
 * or NULL: bytes there are no instruction. */
const struct sc_func *sc_symbols_data_at(const struct sc_symbols *s,
					 size_t shndx, uint64_t off);

/* The nearest known instruction boundary at or before off in section
 * shndx: a code symbol's start or a data run's end, else 0. */
uint64_t sc_symbols_sweep_start(const struct sc_symbols *s, size_t shndx,
				uint64_t off);

/* The key symbol for trampoline name tramp (__SCT__x -> __SCK__x), or 0;
 * of several with that name, the first in the symbol table. */
size_t sc_symbols_key_for(const struct sc_symbols *s, const char *tramp);

/* "symbol+0xoff": the covering code symbol, else the data symbol there,
 * else the nearest label before off with no sized code symbol between
 * (the best anchor of code that no function covers), else
 * "section+0xoff". */
void sc_symbols_where(const struct sc_symbols *s, size_t shndx, uint64_t off,
		      char *buf, size_t len);

#endif
