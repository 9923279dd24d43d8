/* libscs: arm64, ppc64 (ELFv2) and ppc32 sites, one aligned instruction
 * word each.
 *
 * A site is retargeted by one aligned 32-bit store of a new branch word,
 * then cache maintenance (__builtin___clear_cache: dc cvau/ic ivau on
 * arm64, dcbst/icbi on PowerPC), then one membarrier sync for the whole
 * batch, after which no thread runs the old word.  The runtime reads and
 * writes only fixed encodings: the branches scstool records (Arm ARM C6.2:
 * B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ; Power ISA I and B forms: b, bl, bc),
 * the words it writes (nop, ret/blr, li r3,0) and its own trampoline.
 *
 * - arm64 allows a word to change under a running thread only between
 *   B, BL, NOP and a few others (Arm ARM B2.2.5, "Concurrent modification
 *   and execution of instructions").  So a call site takes BL or NOP (NULL;
 *   a return-0 target is a BL to the trampoline's `mov x0, #0; ret` stub),
 *   a tail site takes B (to the target or to a stub), and a conditional
 *   site (B.cond, CBZ, TBZ) is never written: it stays on its trampoline,
 *   which is retargeted with a B.
 * - PowerPC fetches an aligned word whole (Power ISA Book II, 1.4 single-copy
 *   atomicity); the kernel's code patching relies on the same.  Call sites
 *   take bl, nop (NULL) or li r3,0 (return-0); tail sites b or blr; a
 *   conditional bc keeps its condition and gets a new displacement when
 *   the target is within its +-32 KiB.
 * - ppc64 (ELFv2 ABI 2.2.1): r2 holds the module's TOC pointer.  A call site
 *   must be followed by its TOC-restore slot (scstool's toc-restore rule);
 *   a site branches to a target's local entry (past the `addis r2,r12;
 *   addi r2,r2` global-entry pair, as the kernel's ppc_function_entry
 *   finds it) and every target must belong to the key's module, whose TOC
 *   it shares: another module's function would return with its own TOC in
 *   r2, which the caller never restores (seed 002).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#if defined(__aarch64__) || defined(__powerpc__)

enum field { F_B26, F_C19, F_T14, F_L24, F_D14 };

#if defined(__aarch64__)
#define W_NOP	0xd503201fu
#define W_RET	0xd65f03c0u
#else
#define W_NOP	0x60000000u
#define W_RET	0x4e800020u	/* blr */
#define W_LI30	0x38600000u	/* li r3,0 */
#endif

static uint32_t rd(uintptr_t a)
{
	uint32_t w;

	memcpy(&w, (const void *)a, 4);
	return w;
}

/* The form of w's branch field, or *ok = 0 when w is no branch the table
 * can name. */
static enum field field_of(uint32_t w, int *ok)
{
	*ok = 1;
#if defined(__aarch64__)
	if ((w & 0x7c000000u) == 0x14000000u)		/* B, BL */
		return F_B26;
	if ((w & 0xff000010u) == 0x54000000u ||		/* B.cond */
	    (w & 0x7e000000u) == 0x34000000u)		/* CBZ, CBNZ */
		return F_C19;
	if ((w & 0x7e000000u) == 0x36000000u)		/* TBZ, TBNZ */
		return F_T14;
#else
	if ((w & 0xfc000002u) == 0x48000000u)		/* b, bl (not ba) */
		return F_L24;
	if ((w & 0xfc000002u) == 0x40000000u)		/* bc, bcl */
		return F_D14;
#endif
	*ok = 0;
	return F_B26;
}

static void field_geom(enum field f, unsigned *shift, unsigned *bits)
{
	static const unsigned sh[] = { 0, 5, 5, 2, 2 }, nb[] = { 26, 19, 14, 24, 14 };

	*shift = sh[f];
	*bits = nb[f];
}

static uintptr_t branch_dest(uintptr_t a, uint32_t w, enum field f)
{
	unsigned shift, bits;
	int64_t v;

	field_geom(f, &shift, &bits);
	v = (w >> shift) & ((1u << bits) - 1);
	if (v & (1u << (bits - 1)))
		v -= (int64_t)1 << bits;
	return a + (uintptr_t)(v * 4);	/* both count words */
}

/* w with its branch field set to reach dest from a; 0 when out of range. */
static int retarget(uint32_t *w, uintptr_t a, uintptr_t dest)
{
	int ok;
	enum field f = field_of(*w, &ok);
	unsigned shift, bits;
	int64_t off = (int64_t)(intptr_t)(dest - a) / 4;
	uint32_t mask;

	if (!ok || (dest - a) % 4)
		return 0;
	field_geom(f, &shift, &bits);
	if (off < -((int64_t)1 << (bits - 1)) || off >= ((int64_t)1 << (bits - 1)))
		return 0;
	mask = ((1u << bits) - 1) << shift;
	*w = (*w & ~mask) | (((uint32_t)off << shift) & mask);
	return 1;
}

/* Where a site branches to reach func: on ppc64 its local entry. */
static uintptr_t entry_of(const struct scs_module *m, uintptr_t func)
{
#if defined(__powerpc64__)
	if (m && scs_seg_of(m, func, 8)) {
		uint32_t a = rd(func), b = rd(func + 4);

		if (((a & 0xffff0000u) == 0x3c4c0000u &&	/* addis r2,r12 */
		     (b & 0xffff0000u) == 0x38420000u) ||	/* addi r2,r2 */
		    (a == 0xe84cfff8u && b == 0x7c426214u))	/* ld r2,-8(r12); add */
			return func + 8;
	}
#else
	(void)m;
#endif
	return func;
}

const char *scs_arch_parse_site(struct scs_site *s, uintptr_t tramp, int tail)
{
	const struct scs_module *m = s->key->mod;
	uint32_t w;
	int ok;
	enum field f;

	if (s->addr % 4 || !scs_seg_of(m, s->addr, 4))
		return "the site is not an aligned word of the text";
	w = rd(s->addr);
	f = field_of(w, &ok);
	if (!ok)
		return "not a branch the table can name";
#if defined(__aarch64__)
	s->kind = f != F_B26 ? SCS_KIND_COND : (w >> 31) ? SCS_KIND_CALL
							 : SCS_KIND_TAIL;
#else
	s->kind = f == F_D14 ? SCS_KIND_COND : (w & 1) ? SCS_KIND_CALL
						       : SCS_KIND_TAIL;
#endif
	if ((s->kind != SCS_KIND_CALL) != !!tail)
		return "the table's tail flag does not match the instruction";
	if (branch_dest(s->addr, w, f) != tramp)
		return "it does not branch to its key's trampoline";
#if defined(__powerpc64__)
	if (s->kind == SCS_KIND_CALL &&
	    (!scs_seg_of(m, s->addr + 4, 4) ||
	     (rd(s->addr + 4) != W_NOP && rd(s->addr + 4) != 0xe8410018u)))
		return "no TOC-restore slot after the bl (toc-restore)";
#endif
	s->len = 4;
	memcpy(s->cur, &w, 4);
	memcpy(s->orig, &w, 4);
	return NULL;
}

/* The trampoline must have the shape of <scs/static_call_arch.h>: its
 * indirect path's last words and its stubs word for word, and a branch at
 * +0 (to its own paths, or anywhere once the runtime has written it). */
const char *scs_arch_check_tramp(uintptr_t tramp, uint8_t cur[])
{
#if defined(__aarch64__)
	static const uint32_t path[] = { 0xd61f0200u, 0xd503245fu, W_RET,
					 0xd503245fu, 0xd2800000u, W_RET };
	const unsigned at = 16;		/* br x16; the stubs */
	const uint32_t trap = 0xd420b8a0u, bmask = 0xfc000000u, b = 0x14000000u;
#else
	static const uint32_t path[] = { 0x7d8903a6u, 0x4e800420u, W_RET,
					 W_LI30, W_RET };
	const unsigned at = 36;		/* mtctr 12; bctr; the stubs */
	const uint32_t trap = 0x7fe00008u, bmask = 0xfc000003u, b = 0x48000000u;
#endif
	uint32_t w = rd(tramp);

	if (rd(tramp + 4) != trap)
		return "no trap at +4";
	if (memcmp((const void *)(tramp + at), path, sizeof(path)))
		return "its indirect path and stubs are not libscs's";
	if ((w & bmask) != b)
		return "no branch at +0";
	memcpy(cur, &w, 4);
	return NULL;
}

unsigned scs_arch_tramp_len(void)
{
	return 4;
}

/* arm64 never writes a conditional branch that a thread may be running
 * (Arm ARM B2.2.5); every other site may go inline. */
int scs_arch_may_inline(const struct scs_site *s, int mode)
{
	(void)mode;
#if defined(__aarch64__)
	return s->kind != SCS_KIND_COND;
#else
	(void)s;
	return 1;
#endif
}

static uintptr_t stub(uintptr_t tramp, const struct scs_target *t)
{
	return tramp + (t->kind == SCS_T_NULL ? SCS_TRAMP_RET : SCS_TRAMP_RET0);
}

/* The word a site takes for a NULL or return-0 target. */
static uint32_t special_form(const struct scs_site *s, uintptr_t tramp,
			     const struct scs_target *t, uint32_t w)
{
	if (s->kind == SCS_KIND_CALL && t->kind == SCS_T_NULL)
		return W_NOP;
#if defined(__powerpc__)
	if (s->kind == SCS_KIND_CALL)
		return W_LI30;
	if (s->kind == SCS_KIND_TAIL && t->kind == SCS_T_NULL)
		return W_RET;
#endif
	/* A branch to the trampoline's stub (BL, B or a bc). */
	return retarget(&w, s->addr, stub(tramp, t)) ? w : 0;
}

void scs_arch_site_form(const struct scs_site *s, uintptr_t tramp,
			const struct scs_target *t, int mode, uint8_t out[])
{
	uint32_t w;

	(void)mode;
	memcpy(&w, s->orig, 4);
	if (s->may_inline) {
		uint32_t n = w;

		if (t->kind != SCS_T_FUNC)
			n = special_form(s, tramp, t, w);
		else if (!retarget(&n, s->addr, entry_of(s->key->mod, t->func)))
			n = 0;
		if (n)
			w = n;
	}
	memcpy(out, &w, 4);
}

void scs_arch_tramp_form(uintptr_t tramp, const struct scs_target *t,
			 int mode, uint8_t out[])
{
	const struct scs_module *m = scs_module_of(tramp);
	uint32_t w = rd(tramp);

	(void)mode;
	if (t->kind != SCS_T_FUNC)
		retarget(&w, tramp, stub(tramp, t));
	else if (!retarget(&w, tramp, entry_of(m, t->func)))
		retarget(&w, tramp, tramp + SCS_TRAMP_SLOT);
	memcpy(out, &w, 4);
}

uintptr_t scs_arch_slot(uintptr_t tramp, const struct scs_target *t)
{
	return t->kind == SCS_T_FUNC ? t->func : stub(tramp, t);
}

/* ppc64: a target must share the module's TOC (see the file comment). */
int scs_arch_target_ok(const struct scs_module *m, const struct scs_target *t)
{
#if defined(__powerpc64__)
	const struct scs_seg *seg;

	if (t->kind != SCS_T_FUNC)
		return 0;
	seg = m ? scs_seg_of(m, t->func, 4) : NULL;
	return seg && (seg->prot & PROT_EXEC) ? 0 : -EXDEV;
#else
	(void)m;
	(void)t;
	return 0;
#endif
}

void scs_arch_write(struct scs_poke *p, size_t n, int mode)
{
	size_t i;

	(void)mode;
	for (i = 0; i < n; i++) {
		uint32_t w;

		memcpy(&w, p[i].new, 4);
		__atomic_store_n((uint32_t *)p[i].addr, w, __ATOMIC_RELAXED);
		__builtin___clear_cache((char *)p[i].addr,
					(char *)p[i].addr + 4);
	}
	scs_sync();
}

/* isb / isync: the context synchronisation the signal fallback needs. */
void scs_arch_serialize(void)
{
#if defined(__aarch64__)
	__asm__ volatile("dsb ish\n\tisb" : : : "memory");
#else
	__asm__ volatile("sync\n\tisync" : : : "memory");
#endif
}

#endif
