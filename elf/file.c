#include "file.h"

#include <errno.h>
#include <fcntl.h>
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
