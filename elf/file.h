/* Files in and out: replacing a target atomically.  A new version of a
 * file is written to a temporary file beside it and renamed over it, so
 * that a failure at any point leaves the target as it was. */
#ifndef SC_ELF_FILE_H
#define SC_ELF_FILE_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>

#include "object.h"
#include "sc_err.h"

/* One replacement under way: the temporary file (.NAME.scstool-XXXXXX in
 * the target's directory) and the target it will be renamed over. */
struct sc_replace {
	const char *target;
	char tmp[PATH_MAX + 32];
	int fd;			/* the temporary file, open for writing */
};

/* Creates the temporary file beside target.  target must outlive r. */
int sc_replace_begin(struct sc_replace *r, const char *target,
		     struct sc_err *err);

/* Gives the temporary file like's owner (where allowed) and mode, then
 * renames it over the target and closes it.  On failure the temporary
 * file is removed and the target is untouched. */
int sc_replace_commit(struct sc_replace *r, const struct stat *like,
		      struct sc_err *err);

/* Closes and removes the temporary file; the target is untouched. */
void sc_replace_abort(struct sc_replace *r);

/* Writes len bytes of buf to fd, retrying after EINTR and short writes;
 * err gives strerror(errno). */
int sc_write_all(int fd, const void *buf, size_t len, struct sc_err *err);

/* Writes an exact copy of in to target, the same careful way. */
int sc_write_copy(const struct sc_object *in, const char *target,
		  struct sc_err *err);

#endif
