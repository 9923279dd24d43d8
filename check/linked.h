/* The static-call table of a linked file (ET_EXEC or ET_DYN: executables,
 * PIE, shared libraries, vmlinux).  The linker has resolved the table's
 * relocations: each 32-bit field holds a PC-relative value, in the file's
 * byte order (include/linux/static_call_types.h, struct static_call_site):
 *     site = &entry->addr + entry->addr
 *     key  = &entry->key + entry->key, with the flag bits in the low two
 *            bits (STATIC_CALL_SITE_TAIL 1, STATIC_CALL_SITE_INIT 2) */
#ifndef SC_CHECK_LINKED_H
#define SC_CHECK_LINKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../elf/object.h"
#include "check.h"
#include "table.h"

/* The flag bits of a linked key field (the kernel's
 * STATIC_CALL_SITE_FLAGS). */
#define SC_SITE_FLAGS 3u

/* Where a linked file keeps its table. */
struct sc_linked_table {
	size_t section;		/* the section that holds it */
	uint64_t offset;	/* its first byte in that section */
	uint64_t vaddr;		/* and its address */
	size_t n;		/* entries */
	char found_by[128];	/* "section .static_call_sites", or the
				 * start and stop symbols' names */
};

/* Finds the table, in this order: a section named .static_call_sites;
 * the kernel's __start_static_call_sites/__stop_static_call_sites
 * (vmlinux keeps the table inside .data, see include/asm-generic/
 * vmlinux.lds.h); libscs's __scs_sites_start/__scs_sites_stop (runtime/
 * scs.ld).  Returns 1 when found, 0 when the file has none, -1 when the
 * bounds are unusable (err says why). */
int sc_linked_find(const struct sc_object *obj, struct sc_linked_table *t,
		   struct sc_err *err);

/* Symbols by address, for naming what a resolved field points at. */
struct sc_addr_index {
	const struct sc_object *obj;
	size_t *sym;		/* symbol indices, sorted by address */
	size_t n;
};

int sc_addr_index_build(struct sc_addr_index *ix, const struct sc_object *obj,
			struct sc_err *err);
void sc_addr_index_free(struct sc_addr_index *ix);

/* The symbol at exactly addr whose name starts with prefix (any name
 * with prefix ""), preferring a global, then the lowest index; 0 when
 * there is none. */
size_t sc_addr_index_at(const struct sc_addr_index *ix, uint64_t addr,
			const char *prefix);

/* The entries of table t, in table order: each with its addresses, the
 * site's section and offset (section 0 when no section holds it; an
 * executable section is preferred) and the symbol that names its key
 * (0 when none does). */
int sc_linked_read(const struct sc_object *obj,
		   const struct sc_addr_index *ix,
		   const struct sc_linked_table *t, struct sc_entry **out,
		   size_t *n, struct sc_err *err);

/* Cache lines in a linked file are exact: whether the len bytes at vaddr
 * cross a line of line bytes. */
enum sc_cacheline sc_linked_cacheline(uint64_t vaddr, unsigned len,
				      unsigned line);

#endif
