/* Symbols from a System.map: what a kernel build writes beside vmlinux
 * (scripts/mksysmap, `nm -n` output), one symbol a line:
 *     ADDR TYPE NAME
 * ADDR in hex, TYPE one of nm's letters (T/t text, D/d data, B/b bss,
 * R/r read-only, W/w weak, A absolute, ...).  A stripped vmlinux keeps
 * its section headers but loses .symtab; these symbols stand in. */
#ifndef SC_ELF_SYSMAP_H
#define SC_ELF_SYSMAP_H

#include "object.h"
#include "sc_err.h"

/* Replaces obj's symbols with those of the System.map at path: each in
 * the section that holds its address (SHN_ABS when none does), STT_FUNC
 * for a text symbol in an executable section, else STT_OBJECT (STT_NOTYPE
 * for absolute ones), STB_GLOBAL for an upper-case letter, else
 * STB_LOCAL.  A map has no sizes: a function extends to the next symbol
 * of its section (or the section's end).  obj must be linked.  A line
 * that is not "ADDR TYPE NAME" fails with "PATH:LINE: ..." in err; obj
 * is then unchanged. */
int sc_sysmap_load(struct sc_object *obj, const char *path,
		   struct sc_err *err);

#endif
