/* Where an object's bytes belong: the ELF header, the program and section
 * header tables, the sections' contents, and what none of them claims
 * (alignment padding, gaps, data appended after the ELF contents such as a
 * kernel module's signature).  The writer keeps unclaimed bytes at their
 * offsets; nothing in the ELF format says what they mean, so no byte of
 * them may be lost. */
#ifndef SC_ELF_EXTENT_H
#define SC_ELF_EXTENT_H

#include <stddef.h>
#include <stdint.h>

#include "object.h"

/* A range of file offsets, [off, off + len). */
struct sc_extent {
	uint64_t off, len;
};

/* The ranges of obj's file that no header and no section claims, in file
 * order, merged.  *out is malloc'ed (the caller frees it) and may be empty.
 * Work is O(n log n) in the number of sections. */
int sc_unclaimed(const struct sc_object *obj, struct sc_extent **out,
		 size_t *n, struct sc_err *err);

/* The end of the ELF header and of the program header table, whichever
 * is later: no section may lie below it. */
uint64_t sc_headers_end(const struct sc_object *obj);

/* The kernel's marker after an appended module signature
 * (include/linux/module_signature.h, scripts/sign-file.c). */
#define SC_MODSIG_MARKER "~Module signature appended~\n"

/* Is obj a kernel module with an appended signature?  The kernel's
 * loader recognises one by the marker that ends the file, after a 12-byte
 * struct module_signature whose last field is the length of the signature
 * before it (big-endian).  On 1, [*start, end of file) is the signature,
 * its descriptor and the marker (only the last two when the length does
 * not fit in the file). */
int sc_module_signature(const struct sc_object *obj, uint64_t *start);

#endif
