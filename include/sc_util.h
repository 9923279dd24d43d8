/* Small allocation helper: running out of memory is reported, not ignored. */
#ifndef SC_UTIL_H
#define SC_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Grows the array *buf (capacity *cap elements of elem bytes) to hold at
 * least need elements.  Returns -1, leaving *buf intact, when it cannot. */
static inline int sc_grow(void *buf, size_t *cap, size_t need, size_t elem)
{
	void **p = buf;
	size_t ncap = *cap ? *cap : 16;
	void *nbuf;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return -1;
		ncap *= 2;
	}
	nbuf = realloc(*p, ncap * elem);
	if (!nbuf)
		return -1;
	*p = nbuf;
	*cap = ncap;
	return 0;
}

#endif
