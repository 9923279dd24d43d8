/* The inputs of a run: the operands, with directories walked (-r) and ar
 * archives opened into their members (lint and dump), in a deterministic
 * order.  A problem found while expanding (an unreadable directory or
 * archive) becomes an input that carries its error, so that it is
 * reported in its place, like a file that cannot be read, and the rest
 * goes on. */
#ifndef SC_CMD_INPUTS_H
#define SC_CMD_INPUTS_H

#include <stddef.h>

struct sc_input {
	const char *name;	/* for messages: the path, or
				 * "lib.a(member.o)" */
	const char *path;	/* the file to read, or NULL: image holds
				 * the bytes (an archive member) */
	const char *image;	/* in the archive's bytes, which the
				 * sc_inputs keep */
	size_t size;
	const char *error;	/* set: the input could not be expanded,
				 * for this reason (no file name) */
};

struct sc_inputs {
	struct sc_input *v;
	size_t n, cap;
	void **owned;		/* names, messages and archive images */
	size_t nowned, capowned;
};

enum {
	SC_EXPAND_RECURSIVE = 1,	/* walk directory operands */
	SC_EXPAND_MEMBERS = 2,		/* an archive is its members */
	SC_EXPAND_REL = 4,		/* the walk takes relocatable
					 * objects only (lint) */
	SC_EXPAND_LINKED = 8,		/* ... linked files only (verify) */
};

/* Fills in from the n operands.  A walked directory gives, in byte
 * order of the names, every regular file that holds an ELF object, a
 * compressed one (told by magic bytes; the unpacked start must be ELF)
 * or, with SC_EXPAND_MEMBERS, an ar archive; with SC_EXPAND_REL or
 * SC_EXPAND_LINKED, only objects of those ELF types (the command's: a
 * kernel build tree holds host programs and vmlinux beside its objects,
 * and an archive's members are objects); symbolic links inside are
 * not followed (as grep -r), so that a loop cannot trap the walk.  An
 * operand is taken as given (a symbolic link to a directory is walked);
 * one under which nothing is found becomes an input with that error.
 * Returns -1 only when memory ran out (in is then freed). */
int sc_inputs_expand(struct sc_inputs *in, char **operands, int n,
		     unsigned how);

void sc_inputs_free(struct sc_inputs *in);

#endif
