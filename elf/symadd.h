/* Adding section symbols to a relocatable object's symbol table.  Local
 * symbols must come before global ones, so each new local takes the slot
 * of a global that moves to the end of the table; the few relocations that
 * name a moved global are renumbered, and every other index stays. */
#ifndef SC_ELF_SYMADD_H
#define SC_ELF_SYMADD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "object.h"

struct sc_symmap {
	size_t nold;		/* symbols in the input */
	size_t first_global;	/* the input's sh_info */
	size_t nnew;		/* section symbols added */
	size_t moved;		/* globals moved to the end */
	size_t *sections;	/* the section of each added symbol */
	size_t *existing;	/* per section: its STT_SECTION symbol or 0 */
	bool xindex;		/* an added symbol needs SHT_SYMTAB_SHNDX */
};

/* Plans a section symbol for each section in want[0..n) that lacks one.
 * Fails when symbols are to be added but .symtab's sh_info contradicts
 * its symbols (0, or not the first non-local one): the new locals would
 * land in the wrong place. */
int sc_symmap_plan(struct sc_symmap *m, const struct sc_object *obj,
		   const size_t *want, size_t n, struct sc_err *err);
void sc_symmap_free(struct sc_symmap *m);

/* Do input symbols change index (globals moving to the end)?  Then every
 * section that names symbols by index must be renumbered. */
bool sc_symmap_renumbers(const struct sc_symmap *m);

/* The output index of input symbol old. */
size_t sc_symmap_index(const struct sc_symmap *m, size_t old);

/* The output index of section sec's section symbol (planned or found). */
size_t sc_symmap_section_symbol(const struct sc_symmap *m, size_t sec);

/* Symbols in the output's symbol table. */
size_t sc_symmap_count(const struct sc_symmap *m);

/* Fills d (created by the caller with elf_newdata, of type ELF_T_SYM and
 * sc_symmap_count() entries) with the new symbol table. */
int sc_symmap_fill_symtab(const struct sc_symmap *m,
			  const struct sc_object *obj, Elf_Data *d,
			  struct sc_err *err);

/* Fills d (ELF_T_WORD, one word per output symbol) with the extended
 * section indices of the input's SHT_SYMTAB_SHNDX section shndx_sec, or
 * (shndx_sec 0) of a new one: the input had none, so its symbols had no
 * extended index. */
int sc_symmap_fill_shndx(const struct sc_symmap *m,
			 const struct sc_object *obj, size_t shndx_sec,
			 Elf_Data *d, struct sc_err *err);

/* Does relocation section relsec name a symbol that moves? */
int sc_symmap_touches(const struct sc_symmap *m, const struct sc_object *obj,
		      size_t relsec, bool *touches, struct sc_err *err);

/* Fills d (ELF_T_RELA or ELF_T_REL, as many entries as relsec) with
 * relsec's relocations, renumbered. */
int sc_symmap_fill_relocs(const struct sc_symmap *m,
			  const struct sc_object *obj, size_t relsec,
			  Elf_Data *d, struct sc_err *err);

/* The symbol indices that LLVM's .llvm_addrsig section sec lists, in
 * order, in *syms (malloc'ed, *n of them).  Fails on an index that is
 * malformed or out of range. */
int sc_addrsig_read(const struct sc_object *obj, size_t sec, size_t **syms,
		    size_t *n, struct sc_err *err);

/* The contents of LLVM's .llvm_addrsig section sec (SHT_LLVM_ADDRSIG:
 * the ULEB128 indices of the symbols whose address is significant, which
 * lld's --icf=safe must not fold), renumbered.  *buf is malloc'ed, of
 * *size bytes (indices only grow, so it may be longer than the input's).
 * Fails on an index that is malformed or out of range. */
int sc_symmap_addrsig(const struct sc_symmap *m, const struct sc_object *obj,
		      size_t sec, uint8_t **buf, size_t *size,
		      struct sc_err *err);

#endif
