/* writemethods INPUT OUTPUT RUNS: the ways to replace INPUT by OUTPUT's
 * bytes safely (on any failure, SIGKILL included, the target is the old
 * file or the new one, whole), timed on this file system.  Before each
 * run the target is a fresh copy of INPUT (untimed, and written back to
 * disk so that no earlier run's dirty pages are flushed inside a timed
 * one); OUTPUT is held in memory, as scstool holds its image.  Prints
 * "METHOD MIN_US MEDIAN_US NOTE" a line.  Figures only: make bench reads
 * them.
 *
 *   rename      a new file beside the target, rename(2) over it (what
 *               elf/file.c does)
 *   exchange    a new file, renameat2(RENAME_EXCHANGE), unlink the old one;
 *               ext4 flushes a file renamed over another (auto_da_alloc)
 *               but not an exchanged one, so after a crash of the machine
 *               the target may be empty: safe from SIGKILL only
 *   exchange+fdatasync  the same, made crash-safe by hand
 *   tmpfile     O_TMPFILE, linkat to a temporary name, rename over it
 *               (linkat cannot replace a name)
 *   copy+patch  copy_file_range of the input into a new file (a reflink
 *               where the file system shares extents), pwrite only the
 *               bytes that differ, rename over it
 *   ficlone     the same with ioctl(FICLONE): only on file systems that
 *               share extents (btrfs, XFS); elsewhere it says so
 *   in-place    pwrite the changed bytes into the target itself: NOT safe
 *               (a crash leaves a half-written file); the lower bound
 *   spare       rename, where the new file is a spare instead: a file
 *               replaced earlier (here a copy of INPUT made before the
 *               run), moved to the temporary name, cut to one byte and
 *               written; a hard link keeps the replaced file as the next
 *               spare.  What elf/file.c does for every file after the
 *               first in one check of many files (struct sc_spare): it
 *               saves making an inode, which ext4 without a journal makes
 *               costly after many deletions, and deleting one */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct img {
	char *b;
	size_t n;
};

static const char *target = "wm-target", *tmpname = "wm-tmp";
static const char *spare = "wm-spare", *spare2 = "wm-spare2";
static struct img in, out;

static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

static int load(const char *path, struct img *m)
{
	int fd = open(path, O_RDONLY);
	struct stat st;

	if (fd < 0 || fstat(fd, &st))
		return -1;
	m->n = (size_t)st.st_size;
	m->b = malloc(m->n ? m->n : 1);
	if (!m->b || pread(fd, m->b, m->n, 0) != (ssize_t)m->n)
		return -1;
	close(fd);
	return 0;
}

static int write_all(int fd, const char *b, size_t n, off_t at)
{
	while (n) {
		ssize_t w = pwrite(fd, b, n, at);

		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
		at += w;
	}
	return 0;
}

/* The target, a fresh copy of the input, on disk. */
static int fresh(void)
{
	int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write_all(fd, in.b, in.n, 0) || fsync(fd))
		return -1;
	close(fd);
	unlink(tmpname);
	unlink(spare2);
	fd = open(spare, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write_all(fd, in.b, in.n, 0) || fsync(fd))
		return -1;
	close(fd);
	sync();
	return 0;
}

static int new_file(const char *name)
{
	int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);

	if (fd < 0)
		return -1;
	if (write_all(fd, out.b, out.n, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int m_rename(void)
{
	int fd = new_file(tmpname);

	if (fd < 0 || close(fd))
		return -1;
	return rename(tmpname, target);
}

static int exchange(int sync_first)
{
	int fd = new_file(tmpname);

	if (fd < 0 || (sync_first && fdatasync(fd)) || close(fd))
		return -1;
	if (renameat2(AT_FDCWD, tmpname, AT_FDCWD, target, RENAME_EXCHANGE))
		return -1;
	return unlink(tmpname);
}

static int m_exchange(void) { return exchange(0); }
static int m_exchange_sync(void) { return exchange(1); }

static int m_tmpfile(void)
{
	char proc[64];
	int fd = open(".", O_TMPFILE | O_WRONLY, 0644);

	if (fd < 0 || write_all(fd, out.b, out.n, 0))
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, tmpname, AT_SYMLINK_FOLLOW))
		return -1;
	close(fd);
	return rename(tmpname, target);
}

/* pwrite each run of bytes where out differs from in (and out's tail). */
static int patch(int fd)
{
	size_t i = 0, common = in.n < out.n ? in.n : out.n, j;

	while (i < common) {
		if (in.b[i] == out.b[i]) {
			/* Whole equal blocks at once. */
			if (!(i % 4096) && i + 4096 <= common &&
			    !memcmp(in.b + i, out.b + i, 4096))
				i += 4096;
			else
				i++;
			continue;
		}
		for (j = i; j < common && in.b[j] != out.b[j]; j++)
			;
		if (write_all(fd, out.b + i, j - i, (off_t)i))
			return -1;
		i = j;
	}
	if (out.n > common && write_all(fd, out.b + common, out.n - common,
					(off_t)common))
		return -1;
	return ftruncate(fd, (off_t)out.n);
}

static int copy_patch(int clone)
{
	int src = open(target, O_RDONLY), fd;
	loff_t left = (loff_t)in.n;

	fd = open(tmpname, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (src < 0 || fd < 0)
		return -1;
	if (clone) {
		if (ioctl(fd, FICLONE, src))
			return -1;
	} else {
		while (left > 0) {
			ssize_t c = copy_file_range(src, NULL, fd, NULL,
						    (size_t)left, 0);
			if (c <= 0)
				return -1;
			left -= c;
		}
	}
	close(src);
	if (patch(fd) || close(fd))
		return -1;
	return rename(tmpname, target);
}

static int m_copy(void) { return copy_patch(0); }
static int m_clone(void) { return copy_patch(1); }

static int m_inplace(void)
{
	int fd = open(target, O_WRONLY);

	if (fd < 0 || patch(fd))
		return -1;
	return close(fd);
}

static int m_spare(void)
{
	int fd;

	if (rename(spare, tmpname))
		return -1;
	fd = open(tmpname, O_WRONLY);
	if (fd < 0 || ftruncate(fd, 1) || write_all(fd, out.b, out.n, 0) ||
	    ftruncate(fd, (off_t)out.n) || close(fd))
		return -1;
	if (link(target, spare2))
		return -1;
	return rename(tmpname, target);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The target must now hold OUTPUT's bytes, and no temporary file stay. */
static int check_result(void)
{
	struct img got;
	int ok;

	if (load(target, &got))
		return -1;
	ok = got.n == out.n && !memcmp(got.b, out.b, out.n) &&
	     access(tmpname, F_OK) != 0;
	free(got.b);
	return ok ? 0 : -1;
}

static void bench(const char *name, int (*fn)(void), int runs,
		  const char *note)
{
	long long *t = calloc((size_t)runs, sizeof(*t)), t0;
	int i;

	for (i = 0; i < runs; i++) {
		if (fresh()) {
			printf("%s - - cannot make the target: %s\n", name,
			       strerror(errno));
			return;
		}
		t0 = now_us();
		if (fn()) {
			printf("%s - - unsupported here: %s\n", name,
			       strerror(errno));
			unlink(tmpname);
			return;
		}
		t[i] = now_us() - t0;
		if (check_result()) {
			printf("%s - - WRONG RESULT\n", name);
			return;
		}
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_ll);
	printf("%s %lld %lld %s\n", name, t[0],
	       runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2,
	       note);
	free(t);
}

int main(int argc, char **argv)
{
	int runs;

	if (argc != 4 || load(argv[1], &in) || load(argv[2], &out)) {
		fprintf(stderr, "usage: writemethods INPUT OUTPUT RUNS "
			"(in the folder to test)\n");
		return 2;
	}
	runs = atoi(argv[3]);
	if (runs < 1)
		return 2;
	bench("rename", m_rename, runs, "safe");
	bench("exchange", m_exchange, runs, "safe-from-SIGKILL,not-crash");
	bench("exchange+fdatasync", m_exchange_sync, runs, "safe");
	bench("tmpfile", m_tmpfile, runs, "safe");
	bench("copy+patch", m_copy, runs, "safe");
	bench("ficlone", m_clone, runs, "safe");
	bench("in-place", m_inplace, runs, "UNSAFE(lower-bound)");
	bench("spare", m_spare, runs, "safe(check-of-many-files,after-the-first)");
	unlink(target);
	unlink(tmpname);
	unlink(spare);
	unlink(spare2);
	return 0;
}
