/* Source lines from DWARF through libdw, with the relocations of a
 * relocatable object applied (libdwfl does that for ET_REL files). */
#ifndef SC_ELF_LINES_H
#define SC_ELF_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "object.h"
#include "sc_err.h"

struct sc_lines;

/* Opens the line information of obj, from the bytes obj was read from
 * (never the file again).  *out is NULL (and the call succeeds) when the
 * object has no DWARF line table. */
int sc_lines_open(struct sc_lines **out, const struct sc_object *obj,
		  struct sc_err *err);

/* "file:line" of the code at offset off of section shndx into buf;
 * returns 0, or -1 when no line is known there.  The file is resolved
 * against its unit's DW_AT_comp_dir, then shown relative to the current
 * directory when it lies under it, else absolute. */
int sc_lines_lookup(struct sc_lines *l, size_t shndx, uint64_t off,
		    char *buf, size_t len);

void sc_lines_close(struct sc_lines *l);

#endif
