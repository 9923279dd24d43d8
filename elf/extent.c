#include "extent.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

static int extent_cmp(const void *a, const void *b)
{
	const struct sc_extent *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* The program header table, clamped to the file: its fields are not
 * otherwise checked in a relocatable object. */
static struct sc_extent phdrs(const struct sc_object *obj)
{
	const GElf_Ehdr *eh = &obj->ehdr;
	uint64_t size = (uint64_t)obj->size;
	uint64_t len = (uint64_t)eh->e_phnum * eh->e_phentsize;

	if (!eh->e_phnum || eh->e_phoff >= size)
		return (struct sc_extent){ 0, 0 };
	return (struct sc_extent){ eh->e_phoff,
		len < size - eh->e_phoff ? len : size - eh->e_phoff };
}

uint64_t sc_headers_end(const struct sc_object *obj)
{
	struct sc_extent ph = phdrs(obj);
	uint64_t end = obj->ehdr.e_ehsize;

	return ph.off + ph.len > end ? ph.off + ph.len : end;
}

/* Every claimed range: the ELF header, the two header tables, and each
 * section's bytes in the file (SHT_NOBITS has none). */
static size_t claimed(const struct sc_object *obj, struct sc_extent *c)
{
	const GElf_Ehdr *eh = &obj->ehdr;
	size_t i, n = 0;

	c[n++] = (struct sc_extent){ 0, eh->e_ehsize };
	c[n++] = phdrs(obj);
	if (eh->e_shoff)
		c[n++] = (struct sc_extent){ eh->e_shoff,
			(uint64_t)obj->nsections * eh->e_shentsize };
	for (i = 1; i < obj->nsections; i++) {
		const GElf_Shdr *sh = &obj->sections[i].shdr;

		if (sh->sh_type != SHT_NOBITS && sh->sh_size)
			c[n++] = (struct sc_extent){ sh->sh_offset,
						     sh->sh_size };
	}
	return n;
}

int sc_unclaimed(const struct sc_object *obj, struct sc_extent **out,
		 size_t *n, struct sc_err *err)
{
	uint64_t size = (uint64_t)obj->size, at = 0;
	struct sc_extent *c = calloc(obj->nsections + 3, sizeof(*c));
	struct sc_extent *u = calloc(obj->nsections + 4, sizeof(*u));
	size_t nc, i;

	*out = NULL;
	*n = 0;
	if (!c || !u) {
		free(c);
		free(u);
		return sc_errf(err, "out of memory");
	}
	nc = claimed(obj, c);
	qsort(c, nc, sizeof(*c), extent_cmp);
	/* Between consecutive claims, and after the last one. */
	for (i = 0; i <= nc && at < size; i++) {
		uint64_t start = i < nc && c[i].off < size ? c[i].off : size;

		if (i < nc && !c[i].len)
			continue;

		if (start > at)
			u[(*n)++] = (struct sc_extent){ at, start - at };
		if (i < nc && c[i].off + c[i].len > at)
			at = c[i].off + c[i].len;
	}
	free(c);
	*out = u;
	return 0;
}

/* struct module_signature: algo, hash, id_type, signer_len, key_id_len,
 * three pad bytes, then sig_len as a big-endian 32-bit word. */
#define MODSIG_INFO 12

int sc_module_signature(const struct sc_object *obj, uint64_t *start)
{
	size_t size = obj->size, mlen = sizeof(SC_MODSIG_MARKER) - 1;
	const unsigned char *raw = (const unsigned char *)obj->image;
	uint32_t sig;

	if (!raw || size < mlen ||
	    memcmp(raw + size - mlen, SC_MODSIG_MARKER, mlen))
		return 0;
	*start = size - mlen;
	if (size - mlen < MODSIG_INFO)
		return 1;
	memcpy(&sig, raw + size - mlen - sizeof(sig), sizeof(sig));
	sig = be32toh(sig);
	if (sig <= size - mlen - MODSIG_INFO)
		*start = size - mlen - MODSIG_INFO - sig;
	return 1;
}
