/* Files in and out.  An input is read whole into memory, so that a change
 * to the file while the tool runs cannot reach it (a mapped file that
 * shrinks raises SIGBUS).  A new version of a file is written to a
 * temporary file beside it and renamed over it, so that a failure at any
 * point leaves the target as it was. */
#ifndef SC_ELF_FILE_H
#define SC_ELF_FILE_H

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>

#include "object.h"
#include "sc_err.h"

/* Holes (bytes a sparse file claims but the file system does not store)
 * are read as zeros, and every later step works on them like any bytes.
 * So that the work stays proportional to what the file really holds, a
 * file may have at most as many bytes of holes as of data, plus this. */
#define SC_SPARSE_SLACK (16u << 20)

/* Reads the regular file at path whole into *data (malloc'd, owned by the
 * caller; *size bytes) and fills *st with what fstat said before reading.
 * Refused, with err saying why (one line, without the path): anything
 * but a regular file (a FIFO, a device, a directory, a socket: none is
 * opened in a way that could block), a file larger than max bytes (when
 * max is not 0), a file mostly made of holes (SC_SPARSE_SLACK), and a
 * file that changed while it was read. */
int sc_file_read(const char *path, size_t max, char **data, size_t *size,
		 struct stat *st, struct sc_err *err);

/* "a FIFO", "a directory", ...: what kind of file st describes. */
const char *sc_file_kind(const struct stat *st);

/* Test hook: with SCSTOOL_TEST_HOOK=POINT:FIFO in the environment, the
 * tool stops at the named point, opens FIFO and reads it to its end
 * before going on, so that a test can change files at that moment
 * (opening FIFO for writing returns once the tool waits there).  Points:
 * "read" (an input is open, not yet read) and "rename" (the new version
 * is written, the target not yet replaced). */
void sc_test_hook(const char *point);

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
