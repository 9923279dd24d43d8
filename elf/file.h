/* Files in and out.  An input is read whole into memory, so that a change
 * to the file while the tool runs cannot reach it (a mapped file that
 * shrinks raises SIGBUS).  A new version of a file is written to a
 * temporary file beside it and renamed over it, so that a failure at any
 * point leaves the target as it was. */
#ifndef SC_ELF_FILE_H
#define SC_ELF_FILE_H

#include <stdbool.h>
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

/* The target a write to path goes to: symbolic links are followed, also
 * a dangling one (to the name it points at), so that writing through a
 * link writes its target, never the link.  A path that does not exist
 * stays itself.  Returns a malloc'd path, or NULL with err set. */
char *sc_file_resolve(const char *path, struct sc_err *err);

/* Installs the handler of SIGINT, SIGTERM and SIGHUP (unless the signal
 * is ignored, as for a background job): it removes every temporary file
 * that exists at that moment, then re-raises the signal, so that the
 * process still dies of it.  Call once, before any thread starts. */
void sc_file_catch_signals(void);

/* A file that a replacement left alive, to be the next one's temporary
 * file: named .scstool-XXXXXXXX like one, and in the signal handler's
 * list like one.  Making a file costs more than emptying one: ext4
 * without a journal looks at every inode freed in the last seconds
 * before it takes one (fs/ext4/ialloc.c, recently_deleted), and one
 * check of many files frees one for each file it replaces. */
struct sc_spare {
	int dirfd;		/* its directory, or -1: no spare */
	char name[24];
	int slot;
	bool wanted;		/* set by the caller: keep the next replaced file */
};

/* No spare yet, none wanted. */
void sc_spare_init(struct sc_spare *s);

/* Removes the spare, if any (at the end of a run of files). */
void sc_spare_drop(struct sc_spare *s);

/* One replacement under way: the temporary file, named .scstool-XXXXXXXX
 * (a fixed length: any target name the file system takes still works) in
 * the target's directory, and the target it will be renamed over. */
struct sc_replace {
	char *target;		/* sc_file_resolve's answer, owned */
	int dirfd;		/* the target's directory */
	const char *base;	/* the target's name in it */
	char name[24];		/* the temporary file's name in it */
	char *tmp;		/* its path: the target's folder, name */
	int fd;			/* the temporary file, open for writing */
	int slot;		/* in the signal handler's list */
	struct sc_spare *spare;	/* see sc_replace_begin_spare, or NULL */
};

/* Resolves path (sc_file_resolve) and creates the temporary file beside
 * its target.  Refused when the target exists and is not a regular file:
 * a device, a FIFO or a directory is never replaced. */
int sc_replace_begin(struct sc_replace *r, const char *path,
		     struct sc_err *err);

/* The same, for one of many files written in turn: the temporary file
 * is spare's file when there is one on the same file system that is fit
 * (its only name, ours, no extended attribute, no chattr flag: nothing
 * of what it was reaches the new file), moved beside the target and
 * emptied; otherwise a new one, and spare is dropped.  The commit then
 * keeps the replaced file as the new spare (a hard link made just before
 * the rename) when spare->wanted and the file system allows. */
int sc_replace_begin_spare(struct sc_replace *r, const char *path,
			   struct sc_spare *spare, struct sc_err *err);

/* Renames the temporary file over the target and closes it.  The new
 * file gets like's owner (where allowed) and mode; with like NULL, those
 * of the file it replaces, or for a new file 0666 less the umask.  With
 * expect, the target must still be that very file, unchanged since it was
 * read (device, inode, size, modification time); without, the target
 * must still be absent or a regular file.  On failure the temporary file
 * is removed and the target is left as it is. */
int sc_replace_commit(struct sc_replace *r, const struct stat *like,
		      const struct stat *expect, struct sc_err *err);

/* Closes and removes the temporary file; the target is untouched. */
void sc_replace_abort(struct sc_replace *r);

/* Writes len bytes of buf to fd, retrying after EINTR and short writes;
 * err gives strerror(errno). */
int sc_write_all(int fd, const void *buf, size_t len, struct sc_err *err);

/* Writes an exact copy of in to path (a new name or a regular file, as
 * sc_replace_begin), the same careful way. */
int sc_write_copy(const struct sc_object *in, const char *path,
		  struct sc_err *err);

#endif
