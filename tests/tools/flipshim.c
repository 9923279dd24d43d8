/* flipshim: an LD_PRELOAD library that corrupts one byte of what libelf
 * writes, so that a test can show that an output which is not what the
 * writer meant is caught when it is read back, before it replaces
 * anything.
 *
 *   FLIPSHIM_AT=OFFSET [FLIPSHIM_XOR=MASK] LD_PRELOAD=./flipshim.so \
 *	scstool check ...
 *
 * The byte at file offset OFFSET of the pwrite() that covers it is
 * written XORed with MASK (default 0xff).  libelf writes an object with pwrite, and scstool
 * itself never does, so only the ELF image is touched.  Without
 * FLIPSHIM_AT every write goes through as it is.
 * Build: cc -shared -fPIC -o flipshim.so flipshim.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static ssize_t flip(const char *name, int fd, const void *buf, size_t n,
		    off_t off)
{
	ssize_t (*real)(int, const void *, size_t, off_t) =
		(ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT,
								     name);
	const char *at = getenv("FLIPSHIM_AT"), *mask = getenv("FLIPSHIM_XOR");
	long long a = at ? atoll(at) : -1;
	char *copy;
	ssize_t w;

	if (a < off || a >= off + (long long)n || !(copy = malloc(n)))
		return real(fd, buf, n, off);
	memcpy(copy, buf, n);
	copy[a - off] ^= mask ? (char)strtol(mask, NULL, 0) : (char)0xff;
	w = real(fd, copy, n, off);
	free(copy);
	return w;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return flip("pwrite", fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return flip("pwrite64", fd, buf, n, off);
}
