/* Writing an object with a new (or regenerated) static-call table.  Every
 * input section keeps its bytes and offset; the table, its relocations and
 * the grown section name table go after them.  The output replaces the
 * target atomically, through elf/file.h. */
#ifndef SC_ELF_WRITE_H
#define SC_ELF_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "object.h"

struct sc_out_reloc {
	uint64_t offset;
	/* A symbol index of the input; or, with section_sym, a section whose
	 * section symbol is meant, added to the symbol table if missing. */
	size_t sym;
	bool section_sym;
	uint32_t type;
	int64_t addend;
};

struct sc_table_image {
	const char *name;		/* ".static_call_sites" */
	size_t entsize;			/* bytes per entry */
	size_t nwords;			/* 32-bit words of section data */
	const int32_t *words;		/* in host order; libelf converts */
	bool rela;
	const struct sc_out_reloc *relocs;
	size_t nrelocs;
};

/* Writes in plus img to target (which may be in->path). */
int sc_write_table(const struct sc_object *in, const char *target,
		   const struct sc_table_image *img, struct sc_err *err);

#endif
