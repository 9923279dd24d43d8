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

/* Builds the object in plus img into fd: a new, empty file open for
 * reading and writing (a temporary file, a memfd).  Input sections keep
 * their offsets, and so do the input's bytes that no header or section
 * claims (gaps, trailing data); new and grown sections go after them.
 * Fails, writing nothing useful, on an input it cannot place safely: a
 * section with bytes over the ELF or program headers, overlapping
 * sections. */
int sc_write_image(const struct sc_object *in, int fd,
		   const struct sc_table_image *img, struct sc_err *err);

/* Checks the output at path (complete, not yet in place) before it
 * replaces the target; returns -1 with err set to refuse it. */
typedef int (*sc_write_verify_fn)(void *ctx, const char *path,
				  struct sc_err *err);

/* Writes in plus img to target (a new name or a regular file, replaced),
 * or with target NULL in place, over in->path, which must then still be
 * the file that was read (elf/file.h's sc_replace_commit).  It goes
 * through a temporary file beside the target, which verify (when not
 * NULL) sees first; with spare (not NULL), the file replaced before in
 * a run of files serves as that temporary file, and the one replaced now
 * is kept for the next (elf/file.h's sc_replace_begin_spare). */
struct sc_spare;
int sc_write_table(const struct sc_object *in, const char *target,
		   const struct sc_table_image *img, struct sc_spare *spare,
		   sc_write_verify_fn verify, void *ctx, struct sc_err *err);

#endif
