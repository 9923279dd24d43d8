#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

/* --- reading an input --- */

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

/* The buffer for a file's bytes: freed with free().  A fresh buffer's
 * pages are faulted in, zeroed and charged one 4 KiB page at a time as
 * pread fills them, which cost more than the copy itself (a third of a
 * check of kvm.ko).  From 2 MiB on, the buffer is aligned so that each
 * whole 2 MiB of it can be one transparent huge page (where the kernel
 * offers them: "madvise" or "always" in
 * /sys/kernel/mm/transparent_hugepage/enabled; elsewhere the advice is
 * ignored); the tail past the last whole 2 MiB stays in small pages, so
 * the buffer holds no more memory than the file.  Measured on kvm.ko
 * (2.7 MB): 13.8 -> 11.8 ms of CPU; amdgpu.ko (28 MB): 70 -> 46 ms. */
#define HUGE_PAGE (2u << 20)

static char *file_buffer(size_t size)
{
	void *buf;

	if (size < HUGE_PAGE)
		return malloc(size + 1);
	if (posix_memalign(&buf, HUGE_PAGE, size + 1))
		return NULL;
	(void)madvise(buf, size & ~(size_t)(HUGE_PAGE - 1), MADV_HUGEPAGE);
	return buf;
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
	if (!ret && !(buf = file_buffer((size_t)st->st_size)))
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

/* --- the temporary files that exist, for the signal handler ---
 *
 * The one piece of global mutable state in scstool: a handler gets no
 * argument, so it can only find the temporary files through a global.
 * Each slot holds a copy of what unlinkat needs, so that the handler
 * never reads a caller's memory; a slot is LIVE from just before its file
 * is created until just after it is renamed or removed, so the handler
 * may try a name that does not exist (harmless), never miss one that
 * does.  Every name it removes starts with ".scstool-". */
/* More than -j's limit of 1024 threads, each with a temporary file and a
 * spare (struct sc_spare). */
#define SC_LIVE_SLOTS 2100
#define TEMP_PREFIX ".scstool-"

enum { SLOT_FREE, SLOT_TAKEN, SLOT_LIVE };

static struct live_temp {
	atomic_int state;
	int dirfd;
	char name[24];
} live_temps[SC_LIVE_SLOTS];

static int take_slot(int dirfd, const char *name, struct sc_err *err)
{
	int i;

	for (i = 0; i < SC_LIVE_SLOTS; i++) {
		int want = SLOT_FREE;

		if (!atomic_compare_exchange_strong(&live_temps[i].state,
						    &want, SLOT_TAKEN))
			continue;
		live_temps[i].dirfd = dirfd;
		memcpy(live_temps[i].name, name, sizeof(live_temps[i].name));
		atomic_store(&live_temps[i].state, SLOT_LIVE);
		return i;
	}
	return sc_errf(err, "too many temporary files at once");
}

static void free_slot(int slot)
{
	if (slot >= 0)
		atomic_store(&live_temps[slot].state, SLOT_FREE);
}

static void on_signal(int sig)
{
	int saved = errno, i;

	for (i = 0; i < SC_LIVE_SLOTS; i++)
		if (atomic_load(&live_temps[i].state) == SLOT_LIVE)
			unlinkat(live_temps[i].dirfd, live_temps[i].name, 0);
	/* SA_RESETHAND restored the default action; the signal stays
	 * blocked until this handler returns, then ends the process. */
	raise(sig);
	errno = saved;
}

void sc_file_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal,
				.sa_flags = SA_RESETHAND };
	struct sigaction old;
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* --- where a write goes --- */

/* dir/name, or name when dir is NULL (malloc'd). */
static char *join(const char *dir, size_t dirlen, const char *name)
{
	size_t n = strlen(name);
	char *p = malloc(dirlen + n + 2);

	if (!p)
		return NULL;
	if (dir) {
		memcpy(p, dir, dirlen);
		p[dirlen] = '/';
		memcpy(p + dirlen + 1, name, n + 1);
	} else {
		memcpy(p, name, n + 1);
	}
	return p;
}

/* A dangling link's text, made relative to the link's folder. */
static char *link_text(const char *path, struct sc_err *err)
{
	char buf[PATH_MAX];
	const char *slash = strrchr(path, '/');
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	char *p;

	if (n < 0) {
		sc_errf(err, "cannot read the link %s: %s", path,
			strerror(errno));
		return NULL;
	}
	buf[n] = 0;
	p = buf[0] == '/' || !slash ? join(NULL, 0, buf)
				    : join(path, (size_t)(slash - path), buf);
	if (!p)
		sc_errf(err, "out of memory");
	return p;
}

char *sc_file_resolve(const char *path, struct sc_err *err)
{
	char *cur = strdup(path), *next;
	struct stat st;
	int hops;

	if (!cur) {
		sc_errf(err, "out of memory");
		return NULL;
	}
	/* As the kernel does, give up after 40 links. */
	for (hops = 0; hops < 40; hops++) {
		next = realpath(cur, NULL);
		if (next || errno != ENOENT || lstat(cur, &st) < 0 ||
		    !S_ISLNK(st.st_mode)) {
			if (next || errno == ENOENT) {
				free(next ? cur : NULL);
				return next ? next : cur;
			}
			sc_errf(err, "cannot resolve %s: %s", cur,
				strerror(errno));
			free(cur);
			return NULL;
		}
		next = link_text(cur, err);
		free(cur);
		if (!(cur = next))
			return NULL;
	}
	sc_errf(err, "cannot resolve %s: %s", path, strerror(ELOOP));
	free(cur);
	return NULL;
}

/* --- replacing a file --- */

static void temp_name(char *name)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[8];
	struct timespec ts;
	size_t i;

	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		for (i = 0; i < sizeof(rnd); i++)
			rnd[i] = (unsigned char)((ts.tv_nsec >> i * 3) ^
						 (getpid() >> i));
	}
	memcpy(name, TEMP_PREFIX, sizeof(TEMP_PREFIX) - 1);
	for (i = 0; i < sizeof(rnd); i++)
		name[sizeof(TEMP_PREFIX) - 1 + i] = digits[rnd[i] % 62];
	name[sizeof(TEMP_PREFIX) - 1 + sizeof(rnd)] = 0;
}

/* Not a regular file where a target is meant to be replaced. */
static int check_target(const struct sc_replace *r, struct sc_err *err)
{
	struct stat st;

	if (fstatat(r->dirfd, r->base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return sc_errf(err, "cannot write %s: %s", r->target,
			       strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return sc_errf(err, "cannot write %s: it is %s, and only a "
			       "regular file is ever replaced", r->target,
			       sc_file_kind(&st));
	return 0;
}

static int open_dir(struct sc_replace *r, struct sc_err *err)
{
	char *slash = strrchr(r->target, '/');

	if (!slash) {
		r->base = r->target;
		r->dirfd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else if (slash == r->target) {
		r->base = slash + 1;
		r->dirfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	} else {
		*slash = 0;
		r->dirfd = open(r->target, O_PATH | O_DIRECTORY | O_CLOEXEC);
		*slash = '/';
		r->base = slash + 1;
	}
	if (r->dirfd < 0)
		return sc_errf(err, "cannot write %s: %s", r->target,
			       strerror(errno));
	if (!*r->base)
		return sc_errf(err, "cannot write %s: %s", r->target,
			       strerror(EISDIR));
	return 0;
}

/* For readers of the temporary file (the writer reads its output back)
 * that want a path. */
static int temp_path(struct sc_replace *r, struct sc_err *err)
{
	size_t dirlen = (size_t)(r->base - r->target);

	r->tmp = dirlen ? join(r->target, dirlen - 1, r->name)
			: join(NULL, 0, r->name);
	if (!r->tmp)
		return sc_errf(err, "out of memory");
	return 0;
}

static int create_temp(struct sc_replace *r, struct sc_err *err)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		temp_name(r->name);
		r->slot = take_slot(r->dirfd, r->name, err);
		if (r->slot < 0)
			return -1;
		r->fd = openat(r->dirfd, r->name, O_WRONLY | O_CREAT | O_EXCL |
			       O_CLOEXEC, 0600);
		if (r->fd >= 0)
			return temp_path(r, err);
		free_slot(r->slot);
		r->slot = -1;
		if (errno != EEXIST)
			break;
	}
	return sc_errf(err, "cannot create a temporary file beside %s: %s",
		       r->target, strerror(errno));
}

/* --- the spare: a replaced file made the next temporary file --- */

void sc_spare_init(struct sc_spare *s)
{
	*s = (struct sc_spare){ .dirfd = -1, .slot = -1 };
}

/* No spare now; whether one is wanted is the caller's to say. */
static void forget_spare(struct sc_spare *s)
{
	s->dirfd = -1;
	s->slot = -1;
}

void sc_spare_drop(struct sc_spare *s)
{
	if (s->dirfd >= 0) {
		unlinkat(s->dirfd, s->name, 0);
		close(s->dirfd);
	}
	free_slot(s->slot);
	forget_spare(s);
}

/* Whether fd is the only open file of its inode: a reader that opened or
 * mapped the file before the rename replaced it must go on reading its
 * old bytes, as with any rename (t0271).  The kernel grants a write lease
 * only to the file's one opener (fcntl(2), F_SETLEASE); where leases are
 * off or refused, the spare is not reused.  The lease is let go at once:
 * holding it would make the next opener's open signal us, and only the
 * temporary name, which no one else knows, reaches the file.  Someone
 * opening it in the two calls between (a file indexer watching the
 * folder) would break the lease, and a broken lease sends SIGIO, which
 * kills a process by default: the lease is taken to send SIGURG instead,
 * which is ignored by default (fcntl(2), F_SETSIG). */
static bool only_opener(int fd)
{
	if (fcntl(fd, F_SETSIG, SIGURG) < 0 ||
	    fcntl(fd, F_SETLEASE, F_WRLCK) < 0)
		return false;
	sc_test_hook("lease");	/* t0274 opens the file here */
	(void)fcntl(fd, F_SETLEASE, F_UNLCK);
	return true;
}

/* Whether a new file in the directory may get an access ACL from its
 * default ACL (acl(5)): a spare, which has none, would not (t0273).
 * dirfd is an O_PATH descriptor, which reads no extended attribute. */
static bool inherits_acl(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool none;

	if (fd < 0)
		return true;
	none = fgetxattr(fd, "system.posix_acl_default", NULL, 0) < 0 &&
	       (errno == ENODATA || errno == ENOTSUP);
	close(fd);
	return !none;
}

/* A spare is taken only when nothing of the file it was can reach the
 * new one: no other name (a hard link of the user's), ours, no extended
 * attribute (ACLs, security labels, user attributes), no inode flag that
 * a user sets (chattr), and no one else holding it open.  A new file gets
 * those from its directory alone; a spare that has any is dropped and a
 * new file made instead, as where a new file would get an ACL.  So with
 * its group: the commit gives the output the target's group only where
 * we may (sc_replace_commit), and keeps the one the file has where we
 * may not, so the spare must have the group a new file gets.  That is
 * our group when the directory has it too, under every rule (setgid
 * directory, grpid mount); elsewhere no spare (t0272). */
static bool fit_for_reuse(int dirfd, int fd)
{
	struct stat st, dir;
	int flags = 0;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid() || flistxattr(fd, NULL, 0) != 0 ||
	    fstat(dirfd, &dir) < 0 || st.st_gid != getegid() ||
	    dir.st_gid != getegid() || inherits_acl(dirfd))
		return false;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0
		    ? errno != ENOTTY && errno != EOPNOTSUPP
		    : (flags & FS_FL_USER_MODIFIABLE) != 0)
		return false;
	return only_opener(fd);
}

/* Moves the spare beside the target under a new temporary name and
 * empties it, all but its first byte, which the ELF header is written
 * over: ext4 marks a file truncated to 0 bytes to have its new blocks
 * written out when it is closed (auto_da_alloc, for programs that
 * rewrite a file in place), in the closing thread, which cost 7% of the
 * CPU time of a check of many files; a new file's bytes are written out
 * later by the kernel's flusher, and so are these.  Fails (the spare is
 * then gone) when the target is on another file system or the spare is
 * unfit. */
static int use_spare(struct sc_replace *r)
{
	struct sc_spare *s = r->spare;
	struct sc_err ignored;

	temp_name(r->name);
	r->slot = take_slot(r->dirfd, r->name, &ignored);
	if (r->slot >= 0 && renameat2(s->dirfd, s->name, r->dirfd, r->name,
				      RENAME_NOREPLACE) == 0) {
		free_slot(s->slot);
		close(s->dirfd);
		forget_spare(s);
		r->fd = openat(r->dirfd, r->name, O_WRONLY | O_NOFOLLOW |
			       O_NONBLOCK | O_CLOEXEC);
		if (r->fd >= 0 && fit_for_reuse(r->dirfd, r->fd) &&
		    fchmod(r->fd, 0600) == 0 && ftruncate(r->fd, 1) == 0 &&
		    !temp_path(r, &ignored))
			return 0;
		if (r->fd >= 0)
			close(r->fd);
		r->fd = -1;
		unlinkat(r->dirfd, r->name, 0);
	}
	free_slot(r->slot);
	r->slot = -1;
	sc_spare_drop(s);
	return -1;
}

/* Before the rename: a second name for the file about to be replaced,
 * so that the rename leaves it alive, as the spare for the next file.
 * Without a spare (no target yet, a file system without hard links) the
 * rename deletes it, as it would anyway. */
static void keep_spare(struct sc_replace *r)
{
	struct sc_spare *s = r->spare;
	struct sc_err ignored;

	if (!s || !s->wanted || s->dirfd >= 0)
		return;
	s->dirfd = fcntl(r->dirfd, F_DUPFD_CLOEXEC, 0);
	if (s->dirfd < 0) {
		forget_spare(s);
		return;
	}
	temp_name(s->name);
	s->slot = take_slot(s->dirfd, s->name, &ignored);
	if (s->slot < 0 || linkat(r->dirfd, r->base, s->dirfd, s->name, 0)) {
		free_slot(s->slot);
		close(s->dirfd);
		forget_spare(s);
	}
}

int sc_replace_begin_spare(struct sc_replace *r, const char *path,
			   struct sc_spare *spare, struct sc_err *err)
{
	*r = (struct sc_replace){ .dirfd = -1, .fd = -1, .slot = -1,
				  .spare = spare };
	r->target = sc_file_resolve(path, err);
	if (!r->target)
		return -1;
	if (open_dir(r, err) || check_target(r, err) ||
	    ((!spare || spare->dirfd < 0 || use_spare(r)) &&
	     create_temp(r, err))) {
		sc_replace_abort(r);
		return -1;
	}
	return 0;
}

int sc_replace_begin(struct sc_replace *r, const char *path,
		     struct sc_err *err)
{
	return sc_replace_begin_spare(r, path, NULL, err);
}

void sc_replace_abort(struct sc_replace *r)
{
	if (r->fd >= 0) {
		close(r->fd);
		unlinkat(r->dirfd, r->name, 0);
	}
	free_slot(r->slot);
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->target);
	free(r->tmp);
	*r = (struct sc_replace){ .dirfd = -1, .fd = -1, .slot = -1 };
}

/* The mode a new file gets from open(2): 0666 less the umask, which can
 * only be read by setting it (once, single-threaded at that moment). */
static mode_t new_file_mode(void)
{
	mode_t mask = umask(022);

	umask(mask);
	return 0666 & ~mask;
}

/* Keep the owner where we may (as root); otherwise the file simply
 * becomes the caller's, as with any editor. */
static int set_owner_mode(const struct sc_replace *r, const struct stat *like,
			  struct sc_err *err)
{
	struct stat old;

	if (!like && fstatat(r->dirfd, r->base, &old, AT_SYMLINK_NOFOLLOW) == 0)
		like = &old;
	if (!like) {
		if (fchmod(r->fd, new_file_mode()) < 0)
			return sc_errf(err, "cannot set the mode of %s: %s",
				       r->name, strerror(errno));
		return 0;
	}
	if (fchown(r->fd, like->st_uid, like->st_gid) < 0 && errno != EPERM)
		return sc_errf(err, "cannot set the owner of %s: %s", r->name,
			       strerror(errno));
	if (fchmod(r->fd, like->st_mode & 07777) < 0)
		return sc_errf(err, "cannot set the mode of %s: %s", r->name,
			       strerror(errno));
	return 0;
}

/* The last look before the rename.  It cannot close the window between
 * it and rename(2), which nothing can, but it narrows it to two calls. */
static int still_expected(const struct sc_replace *r,
			  const struct stat *expect, struct sc_err *err)
{
	struct stat now;

	if (!expect)
		return check_target(r, err);
	if (fstatat(r->dirfd, r->base, &now, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !same_version(expect, &now))
		return sc_errf(err, "%s changed while scstool ran, so the "
			       "new version was not written: the file is "
			       "left as it is", r->target);
	return 0;
}

/* No fsync: the rename already keeps the target whole on any failure of
 * ours, which is the promise; crash safety is the file system's, as for
 * compilers and linkers. */
int sc_replace_commit(struct sc_replace *r, const struct stat *like,
		      const struct stat *expect, struct sc_err *err)
{
	int ret = set_owner_mode(r, like, err);

	if (!ret)
		sc_test_hook("rename");
	if (!ret)
		ret = still_expected(r, expect, err);
	if (!ret)
		keep_spare(r);
	if (!ret && renameat(r->dirfd, r->name, r->dirfd, r->base) < 0) {
		ret = sc_errf(err, "cannot replace %s: %s", r->target,
			      strerror(errno));
		if (r->spare)
			sc_spare_drop(r->spare);
	}
	if (ret) {
		sc_replace_abort(r);
		return -1;
	}
	close(r->fd);
	r->fd = -1;
	sc_replace_abort(r);
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

int sc_write_copy(const struct sc_object *in, const char *path,
		  struct sc_err *err)
{
	struct sc_replace r;
	size_t size;
	const char *raw = elf_rawfile(in->elf, &size);

	if (!raw)
		return sc_errf(err, "cannot read the input: %s",
			       elf_errmsg(-1));
	if (sc_replace_begin(&r, path, err))
		return -1;
	if (sc_write_all(r.fd, raw, size, err)) {
		sc_replace_abort(&r);
		return -1;
	}
	return sc_replace_commit(&r, &in->st, NULL, err);
}
