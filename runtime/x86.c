/* libscs: x86-64 and i386 sites and the protocols that write them.
 *
 * The runtime reads and writes only fixed encodings, byte for byte: the
 * three branch forms scstool records (call rel32 E8, jmp rel32 E9, Jcc
 * rel32 0F 8x), the forms it writes for NULL and return-0 targets (the
 * kernel's, arch/x86/kernel/static_call.c: a 5-byte nop 0F 1F 44 00 00,
 * `ret; int3 x4`, `cs cs cs xor %eax,%eax`), its own trampoline, and a
 * linker's PLT entry.  Matching a known pattern is not decoding: the site
 * address comes from the table, and anything that does not match exactly
 * is refused, never interpreted.
 *
 * Protocols (scs_arch_write):
 * - int3 (SCS_MODE_INT3, arch/x86/kernel/alternative.c text_poke_bp_batch):
 *   int3 on every site's first byte; sync; every other byte; sync; every
 *   first byte; sync.  Three syncs per batch, whatever its size.  Old and
 *   new are each one instruction (the bytes after `ret` never run), so no
 *   thread can be inside the bytes being replaced.
 * - jump-to-self (the same batch when a thread blocks SIGTRAP): the first
 *   two bytes become `jmp .` (EB FE) with one 16-bit store, as HotSpot's
 *   NativeCall::replace_mt_safe does; a thread that arrives spins there
 *   until the last store gives it the new instruction.  No signal is
 *   raised.  It relies on a 16-bit store within a cache line reaching
 *   instruction fetch whole, which vendors do not document; so int3
 *   sites whose first two bytes straddle a line never go inline, and every
 *   inline site can take the guard.
 * - store (SCS_MODE_STORE, seeds 001/004): the opcode never changes (NULL
 *   and return-0 become branches to the trampoline's stubs); one 4-byte
 *   store of the displacement, only where it lies within one cache line;
 *   then one sync.  Same undocumented assumption, for 32 bits. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)

#define LINE 64		/* x86 cache line, the unit of the store modes */

static const uint8_t NOP5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const uint8_t RET5[5] = { 0xc3, 0xcc, 0xcc, 0xcc, 0xcc };
static const uint8_t XOR5[5] = { 0x2e, 0x2e, 0x2e, 0x31, 0xc0 };

static int32_t rd32(const uint8_t *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void wr32(uint8_t *p, int32_t v)
{
	memcpy(p, &v, 4);
}

/* The branch at b (len bytes at address a) retargeted to dest, or 0 when
 * dest is beyond rel32. */
static int branch_to(uint8_t *b, uintptr_t a, unsigned len, uintptr_t dest)
{
	int64_t rel = (int64_t)(dest - (a + len));

#if defined(__x86_64__)
	if (rel != (int32_t)rel)
		return 0;
#endif
	wr32(b + len - 4, (int32_t)rel);
	return 1;
}

/* A PLT entry at p that jumps through a slot holding tramp:
 * [endbr64] [bnd] jmp *disp(%rip) (x86-64), jmp *abs32 (i386). */
static int plt_to(const struct scs_module *m, uintptr_t p, uintptr_t tramp)
{
	static const uint8_t endbr[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	const uint8_t *b;
	uintptr_t slot;

	if (!scs_seg_of(m, p, 11))
		return 0;
	b = (const uint8_t *)p;
	if (!memcmp(b, endbr, 4))
		b += 4;
	if (b[0] == 0xf2)
		b++;
	if (b[0] != 0xff || b[1] != 0x25)
		return 0;
#if defined(__x86_64__)
	slot = (uintptr_t)(b + 6) + rd32(b + 2);
#else
	slot = (uint32_t)rd32(b + 2);
#endif
	if (!scs_seg_of(m, slot, sizeof(void *)))
		return 0;
	return *(const uintptr_t *)slot == tramp;
}

const char *scs_arch_parse_site(struct scs_site *s, uintptr_t tramp, int tail)
{
	const struct scs_module *m = s->key->mod;
	const uint8_t *b = (const uint8_t *)s->addr;
	uintptr_t dest;

	if (!scs_seg_of(m, s->addr, 6) && !scs_seg_of(m, s->addr, 5))
		return "the site runs past the end of the text";
	if (b[0] == 0xe8)
		s->kind = SCS_KIND_CALL, s->len = 5;
	else if (b[0] == 0xe9)
		s->kind = SCS_KIND_TAIL, s->len = 5;
	else if (b[0] == 0x0f && (b[1] & 0xf0) == 0x80 && scs_seg_of(m, s->addr, 6))
		s->kind = SCS_KIND_COND, s->len = 6;
	else
		return "not a call, jmp or jcc rel32";
	if ((s->kind != SCS_KIND_CALL) != !!tail)
		return "the table's tail flag does not match the instruction";
	dest = s->addr + s->len + rd32(b + s->len - 4);
#if defined(__i386__)
	dest = (uint32_t)dest;
#endif
	if (dest != tramp && !plt_to(m, dest, tramp))
		return "it does not branch to its key's trampoline";
	memcpy(s->cur, b, s->len);
	memcpy(s->orig, b, s->len);
	branch_to(s->orig, s->addr, s->len, tramp);
	return NULL;
}

/* The trampoline must have the shape of <scs/static_call_arch.h>: its
 * stubs byte for byte, and at +0 a jmp rel32 into its own stubs or
 * indirect path, or to anywhere once the runtime has written it. */
const char *scs_arch_check_tramp(uintptr_t tramp, uint8_t cur[])
{
	static const uint8_t ret[] = { 0xc3 }, ret0[] = { 0x31, 0xc0, 0xc3 };
	const uint8_t *t = (const uint8_t *)tramp;
	unsigned roff = 0, r0off = 0;

#if defined(__x86_64__)
	if (t[8] != 0xff || t[9] != 0x25)
		return "no indirect jump at +8";
	roff = r0off = 4;	/* after endbr64 */
#else
	if (t[8] != 0xe8 || t[13] != 0x50)
		return "no indirect path at +8";
#endif
	if (memcmp(t + SCS_TRAMP_RET + roff, ret, sizeof(ret)) ||
	    memcmp(t + SCS_TRAMP_RET0 + r0off, ret0, sizeof(ret0)))
		return "its return stubs are not libscs's";
	if (t[0] != 0xe9)
		return "no jmp rel32 at +0";
	memcpy(cur, t, 5);
	return NULL;
}

unsigned scs_arch_tramp_len(void)
{
	return 5;
}

int scs_arch_may_inline(const struct scs_site *s, int mode)
{
	if (mode == SCS_MODE_STORE)	/* the displacement within a line */
		return scs_rt.testing == 3 ||
		       (s->addr + s->len - 4) % LINE <= LINE - 4;
	return s->addr % LINE != LINE - 1;	/* room for the 2-byte guard */
}

void scs_arch_site_form(const struct scs_site *s, uintptr_t tramp,
			const struct scs_target *t, int mode, uint8_t out[])
{
	uintptr_t dest = t->func;

	memcpy(out, s->orig, s->len);
	if (!s->may_inline)
		return;
	if (t->kind != SCS_T_FUNC) {
		dest = tramp + (t->kind == SCS_T_NULL ? SCS_TRAMP_RET
						      : SCS_TRAMP_RET0);
		if (mode == SCS_MODE_INT3 && s->kind == SCS_KIND_CALL) {
			memcpy(out, t->kind == SCS_T_NULL ? NOP5 : XOR5, 5);
			return;
		}
		if (mode == SCS_MODE_INT3 && s->kind == SCS_KIND_TAIL &&
		    t->kind == SCS_T_NULL) {
			memcpy(out, RET5, 5);
			return;
		}
	}
	if (!branch_to(out, s->addr, s->len, dest))
		memcpy(out, s->orig, s->len);
}

void scs_arch_tramp_form(uintptr_t tramp, const struct scs_target *t,
			 int mode, uint8_t out[])
{
	uintptr_t dest = tramp + SCS_TRAMP_SLOT;

	(void)mode;
	out[0] = 0xe9;
	if (t->kind == SCS_T_NULL)
		dest = tramp + SCS_TRAMP_RET;
	else if (t->kind == SCS_T_RET0)
		dest = tramp + SCS_TRAMP_RET0;
	else if (t->func)
		dest = t->func;
	if (!branch_to(out, tramp, 5, dest))
		branch_to(out, tramp, 5, tramp + SCS_TRAMP_SLOT);
}

uintptr_t scs_arch_slot(uintptr_t tramp, const struct scs_target *t)
{
	if (t->kind == SCS_T_NULL)
		return tramp + SCS_TRAMP_RET;
	if (t->kind == SCS_T_RET0)
		return tramp + SCS_TRAMP_RET0;
	return t->func;
}

int scs_arch_target_ok(const struct scs_module *m, const struct scs_target *t)
{
	(void)m;
	(void)t;
	return 0;
}

/* Test builds: SCS_TEST_PAUSE=N spins N pause instructions after every
 * store of every writer, standing in for a writer that is preempted or
 * interrupted between its stores.  The protocols must not care; the
 * controls' unsafe writers then tear sites often enough to be caught. */
static void test_pause(void)
{
#ifdef SCS_TESTING
	static long pause = -1;
	long k;

	if (pause < 0) {
		const char *e = getenv("SCS_TEST_PAUSE");

		pause = e ? atol(e) : 0;
	}
	for (k = 0; k < pause; k++)
		__builtin_ia32_pause();
#endif
}

/* Stores that the compiler may neither split, merge nor reorder. */
static void st8(uintptr_t a, uint8_t v)
{
	__atomic_store_n((uint8_t *)a, v, __ATOMIC_RELAXED);
	test_pause();
}

static void st16(uintptr_t a, const uint8_t *v)
{
	uint16_t x;

	memcpy(&x, v, 2);
	__asm__ volatile("movw %1, %0" : "=m"(*(uint16_t *)a) : "r"(x)
			 : "memory");
	test_pause();
}

static void st32(uintptr_t a, const uint8_t *v)
{
	uint32_t x;

	memcpy(&x, v, 4);
	__asm__ volatile("movl %1, %0" : "=m"(*(uint32_t *)a) : "r"(x)
			 : "memory");
	test_pause();
}

static const uint8_t JMPSELF[2] = { 0xeb, 0xfe };

static void write_head(const struct scs_poke *p, int head, const uint8_t *b)
{
	if (head == SCS_HEAD_INT3)
		st8(p->addr, b[0]);
	else
		st16(p->addr, b);
}

/* The guarded protocol: int3 or jump-to-self over the head, the rest, the
 * head.  See the file comment. */
static void write_guarded(struct scs_poke *p, size_t n, int head)
{
	static const uint8_t INT3[1] = { 0xcc };
	unsigned h = head == SCS_HEAD_INT3 ? 1 : 2;
	int rest = 0, nosync = scs_rt.testing == 2;
	size_t i, j;

	atomic_store(&scs_rt.in_flight, 1);
	for (i = 0; i < n; i++)
		write_head(&p[i], head, head == SCS_HEAD_INT3 ? INT3 : JMPSELF);
	if (!nosync)
		scs_sync();
	for (i = 0; i < n; i++)
		for (j = h; j < p[i].len; j++)
			if (p[i].new[j] != p[i].old[j]) {
				st8(p[i].addr + j, p[i].new[j]);
				rest = 1;
			}
	if (rest && !nosync)
		scs_sync();
	for (i = 0; i < n; i++)
		write_head(&p[i], head, p[i].new);
	scs_trap_release();
	if (!nosync)
		scs_sync();
	atomic_store(&scs_rt.in_flight, 0);
}

static void write_store(struct scs_poke *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		st32(p[i].addr + p[i].len - 4, p[i].new + p[i].len - 4);
	scs_sync();
}

/* SCS_TESTING control: every byte in place, in order, with no guard. */
static void write_bare(struct scs_poke *p, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < p[i].len; j++)
			st8(p[i].addr + j, p[i].new[j]);
	scs_sync();
}

void scs_arch_write(struct scs_poke *p, size_t n, int mode)
{
	if (mode == SCS_MODE_STORE) {
		write_store(p, n);
		return;
	}
	if (scs_rt.testing == 1) {
		write_bare(p, n);
		return;
	}
	if (scs_sigtrap_blocked_elsewhere()) {
		scs_rt.st.batches_noint3++;
		write_guarded(p, n, SCS_HEAD_JUMPSELF);
		return;
	}
	scs_trap_check();
	write_guarded(p, n, SCS_HEAD_INT3);
}

/* cpuid is serialising (Intel SDM vol. 3, 9.3). */
void scs_arch_serialize(void)
{
	unsigned a = 0, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)
			 : : "memory");
}

#endif
