/* Reading back what the writer wrote.  Before an output replaces its
 * target it is opened through the same model as any input and compared
 * with the input it was made from, independently of how the writer made
 * it: a difference is a bug of ours, and the target is left alone. */
#ifndef SC_ELF_VERIFY_H
#define SC_ELF_VERIFY_H

#include <stdbool.h>

#include "object.h"

/* Orders symbols by what they are (name, value, size, type, binding,
 * visibility, section), not by index: 0 when they are the same symbol. */
int sc_symbol_cmp(const struct sc_symbol *a, const struct sc_symbol *b);

/* Checks that out is in with a table added, and nothing else changed:
 * the ELF header but for the section header table's place and count;
 * every input section (but the input's table named table and its
 * relocations, which are replaced) with its header and bytes, at its
 * offset when it has bytes; .shstrtab grown, not changed; the same
 * symbols, plus only new local section symbols, locals first; every
 * relocation, group signature and .llvm_addrsig entry naming the same
 * symbol as before; and the input's unclaimed bytes (elf/extent.h) at
 * their offsets.  New sections are the table's business (check/table.h).
 * Returns -1 with err set on a difference (*differ true) or when either
 * object cannot be read (*differ false: err gives the cause). */
int sc_verify_rewrite(const struct sc_object *in, const struct sc_object *out,
		      const char *table, bool *differ, struct sc_err *err);

#endif
