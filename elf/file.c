#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sc_replace_begin(struct sc_replace *r, const char *target,
		     struct sc_err *err)
{
	const char *base = strrchr(target, '/');

	r->target = target;
	if (base)
		snprintf(r->tmp, sizeof(r->tmp), "%.*s/.%s.scstool-XXXXXX",
			 (int)(base - target), target, base + 1);
	else
		snprintf(r->tmp, sizeof(r->tmp), ".%s.scstool-XXXXXX", target);
	r->fd = mkostemp(r->tmp, O_CLOEXEC);
	if (r->fd < 0)
		return sc_errf(err, "cannot create a temporary file beside %s: "
			       "%s", target, strerror(errno));
	return 0;
}

void sc_replace_abort(struct sc_replace *r)
{
	if (r->fd < 0)
		return;
	close(r->fd);
	r->fd = -1;
	unlink(r->tmp);
}

/* No fsync: the rename already keeps the target whole on any failure of
 * ours, which is the promise; crash safety is the file system's, as for
 * compilers and linkers. */
static int finish(struct sc_replace *r, const struct stat *st,
		  struct sc_err *err)
{
	/* Keep the owner where we may (as root); otherwise the file simply
	 * becomes the caller's, as with any editor. */
	if (fchown(r->fd, st->st_uid, st->st_gid) < 0 && errno != EPERM)
		return sc_errf(err, "cannot set the owner of %s: %s", r->tmp,
			       strerror(errno));
	if (fchmod(r->fd, st->st_mode & 07777) < 0)
		return sc_errf(err, "cannot set the mode of %s: %s", r->tmp,
			       strerror(errno));
	if (rename(r->tmp, r->target) < 0)
		return sc_errf(err, "cannot replace %s: %s", r->target,
			       strerror(errno));
	return 0;
}

int sc_replace_commit(struct sc_replace *r, const struct stat *like,
		      struct sc_err *err)
{
	if (finish(r, like, err)) {
		sc_replace_abort(r);
		return -1;
	}
	close(r->fd);
	r->fd = -1;
	return 0;
}

int sc_write_all(int fd, const void *buf, size_t len, struct sc_err *err)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return sc_errf(err, "cannot write: %s",
				       w < 0 ? strerror(errno) : "no progress");
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int sc_write_copy(const struct sc_object *in, const char *target,
		  struct sc_err *err)
{
	struct sc_replace r;
	size_t size;
	const char *raw = elf_rawfile(in->elf, &size);

	if (!raw)
		return sc_errf(err, "cannot read the input: %s",
			       elf_errmsg(-1));
	if (sc_replace_begin(&r, target, err))
		return -1;
	if (sc_write_all(r.fd, raw, size, err)) {
		sc_replace_abort(&r);
		return -1;
	}
	return sc_replace_commit(&r, &in->st, err);
}

const char *sc_file_kind(const struct stat *st)
{
	switch (st->st_mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	default: return "not a regular file";
	}
}

static int not_regular(const struct stat *st, struct sc_err *err)
{
	if (S_ISDIR(st->st_mode))
		return sc_errf(err, "is a directory, not a regular file");
	return sc_errf(err, "not a regular file (%s)", sc_file_kind(st));
}

/* The bytes in data extents, found with SEEK_DATA and SEEK_HOLE; a file
 * system that cannot tell holes has none.  Each step moves past one
 * extent, so the loop is bounded by the file's size. */
static off_t stored_bytes(int fd, off_t size)
{
	off_t off = 0, data, hole, stored = 0;

	while (off < size) {
		data = lseek(fd, off, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? stored : size;
		if (data >= size)
			break;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0 || hole > size)
			hole = size;
		if (hole <= data)
			return size;
		stored += hole - data;
		off = hole;
	}
	return stored;
}

static int check_size(int fd, const struct stat *st, size_t max,
		      struct sc_err *err)
{
	off_t stored;

	if (max && (uintmax_t)st->st_size > max)
		return sc_errf(err, "%lld bytes, more than the limit of %zu",
			       (long long)st->st_size, max);
	if ((uintmax_t)st->st_size > SIZE_MAX / 2)
		return sc_errf(err, "%lld bytes: too large to read",
			       (long long)st->st_size);
	if (st->st_size <= (off_t)SC_SPARSE_SLACK)
		return 0;
	stored = stored_bytes(fd, st->st_size);
	if (st->st_size - stored > stored + (off_t)SC_SPARSE_SLACK)
		return sc_errf(err, "a sparse file of %lld bytes that stores "
			       "only %lld: holes may exceed the data by at "
			       "most %u MiB", (long long)st->st_size,
			       (long long)stored, SC_SPARSE_SLACK >> 20);
	return 0;
}

static bool same_version(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static int read_exactly(int fd, char *buf, size_t size, struct sc_err *err)
{
	size_t got = 0;

	while (got < size) {
		ssize_t r = pread(fd, buf + got, size - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sc_errf(err, "cannot read: %s", strerror(errno));
		if (r == 0)
			return sc_errf(err, "changed while being read: %zu of "
				       "%zu bytes left", got, size);
		got += (size_t)r;
	}
	return 0;
}

/* The file is checked by name first, so that nothing but a regular file
 * is ever opened (opening a device can have effects of its own), then
 * again on the open descriptor, which is what counts. */
static int open_regular(const char *path, struct stat *st,
			struct sc_err *err)
{
	int fd;

	if (stat(path, st) < 0)
		return sc_errf(err, "cannot open: %s", strerror(errno));
	if (!S_ISREG(st->st_mode))
		return not_regular(st, err);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return sc_errf(err, "cannot open: %s", strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		if (S_ISREG(st->st_mode))
			sc_errf(err, "cannot stat: %s", strerror(errno));
		else
			not_regular(st, err);
		close(fd);
		return -1;
	}
	return fd;
}

int sc_file_read(const char *path, size_t max, char **data, size_t *size,
		 struct stat *st, struct sc_err *err)
{
	struct stat after;
	char *buf = NULL;
	int fd = open_regular(path, st, err), ret;

	if (fd < 0)
		return -1;
	ret = check_size(fd, st, max, err);
	if (!ret && !(buf = malloc((size_t)st->st_size + 1)))
		ret = sc_errf(err, "out of memory");
	if (!ret) {
		sc_test_hook("read");
		ret = read_exactly(fd, buf, (size_t)st->st_size, err);
	}
	if (!ret && fstat(fd, &after) == 0 && !same_version(st, &after))
		ret = sc_errf(err, "changed while being read");
	close(fd);
	if (ret) {
		free(buf);
		return -1;
	}
	*data = buf;
	*size = (size_t)st->st_size;
	return 0;
}

void sc_test_hook(const char *point)
{
	const char *spec = getenv("SCSTOOL_TEST_HOOK");
	size_t len = strlen(point);
	char buf[64];
	int fd;

	if (!spec || strncmp(spec, point, len) || spec[len] != ':')
		return;
	fd = open(spec + len + 1, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r == 0 || (r < 0 && errno != EINTR))
			break;
	}
	close(fd);
}
