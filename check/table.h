/* The .static_call_sites table: built from sites, read back from an
 * object (ours, objtool's, a distribution's module), and compared. */
#ifndef SC_CHECK_TABLE_H
#define SC_CHECK_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "../elf/write.h"
#include "check.h"

#define SC_TABLE_SECTION ".static_call_sites"
#define SC_TABLE_ENTSIZE 8

struct sc_entry {
	size_t section;		/* 0: a linked entry that points at no section */
	uint64_t offset;
	size_t key;		/* symbol index; 0 for a linked entry whose key
				 * address no symbol names */
	unsigned flags;		/* SC_SITE_TAIL, SC_SITE_INIT */
	/* In a linked file (check/linked.h): the addresses the two fields
	 * resolve to, the key's without its flag bits.  0 otherwise. */
	uint64_t vaddr, key_vaddr;
};

/* Entries for the sites that belong in the table, in site order. */
int sc_table_from_sites(const struct sc_result *res, struct sc_entry **out,
			size_t *n, struct sc_err *err);

/* Entries of obj's existing table (none when it has none).  Returns -1
 * when the table is malformed. */
int sc_table_read(const struct sc_object *obj, const struct sc_arch *arch,
		  struct sc_entry **out, size_t *n, struct sc_err *err);

/* 0 when a and b hold the same entries in any order; else 1, with the
 * first difference described in diff and its entry index (in sorted
 * order) in *at. */
int sc_table_compare(const struct sc_object *obj, const struct sc_symbols *syms,
		     struct sc_entry *a, size_t na, struct sc_entry *b,
		     size_t nb, char *diff, size_t len, size_t *at);

/* The table section and relocations for entries.  Frees with
 * sc_table_image_free. */
int sc_table_image(const struct sc_object *obj, const struct sc_arch *arch,
		   const struct sc_entry *e, size_t n,
		   struct sc_table_image *img, struct sc_err *err);
void sc_table_image_free(struct sc_table_image *img);

/* Reads back the object written at path (not yet in place) through the
 * same model as any input, and checks that it is in with the table of
 * want[0..n) and nothing else changed (elf/verify.h): the same entries,
 * their keys the same symbols.  -1 on any difference, with err saying
 * which and *differ true: a bug of the writer's, so the output must not
 * replace anything; -1 with *differ false when it cannot be read back. */
int sc_table_check_output(const struct sc_object *in,
			  const struct sc_arch *arch, const char *path,
			  const struct sc_entry *want, size_t n, bool *differ,
			  struct sc_err *err);

#endif
