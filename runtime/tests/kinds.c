/* Functional test of every kind of site: a call, a tail call, a
 * conditional tail call (cond.S), a NULL target through static_call_cond,
 * return-0 at a call and at a tail site, and a far target.  The program
 * checks every call's result itself and prints, after each step, every
 * site's address, state and bytes and the addresses of the targets, so
 * that the test script can disassemble the sites with objdump.
 *
 * Output lines:
 *   step NAME
 *   site KEY KIND STATE ADDR HEXBYTES
 *   sym NAME ADDR
 *   FAIL what          (and exit status 1)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <scs/static_call.h>

#define NOINLINE __attribute__((noinline))

static int fails;
static volatile int hits_v;	/* what the void targets saw */

NOINLINE int f1(int x) { return x + 1; }
NOINLINE int f2(int x) { return x + 2; }
NOINLINE void v1(int x) { hits_v = 1000 + x; }
NOINLINE void v2(int x) { hits_v = 2000 + x; }

DEFINE_STATIC_CALL(k_call, f1);
DEFINE_STATIC_CALL(k_tail, f1);
DEFINE_STATIC_CALL(k_cond, v1);
DEFINE_STATIC_CALL_NULL(k_null, v1);
DEFINE_STATIC_CALL_RET0(k_ret0, f1);

volatile int after;	/* keeps null_site's call a call, not a tail */

NOINLINE int call_site(int x) { return static_call(k_call)(x) * 10; }
NOINLINE int tail_site(int x) { return static_call(k_tail)(x); }
void cond_site(int x);	/* cond.S: if (x & 1) static_call(k_cond)(x) */
#ifdef ASM_TAILS
int tail_asm(int x);	/* cond.S: return static_call(k_tail)(x), a b */
void null_tail(int x);	/* cond.S: static_call_cond(k_null)(x), a b */
#endif
NOINLINE void null_site(int x) { static_call_cond(k_null)(x); after++; }
NOINLINE int ret0_site(int x) { return static_call(k_ret0)(x) + 5; }
NOINLINE int ret0_tail(int x) { return static_call(k_ret0)(x); }

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("FAIL " __VA_ARGS__);			\
			printf("\n");					\
			fails++;					\
		}							\
	} while (0)

/* The void target a cond or NULL site reached: 1, 2, or 0 for none. */
static int vcall(void (*site)(int), int x)
{
	hits_v = 0;
	site(x);
	return hits_v ? hits_v / 1000 : 0;
}

/* What the NULL sites (a call, and with ASM_TAILS a tail call) reached:
 * -1 when they disagree. */
static int null_sites(int x)
{
	int r = vcall(null_site, x);

#ifdef ASM_TAILS
	if (vcall(null_tail, x) != r)
		return -1;
#endif
	return r;
}

static const char *key_name(const struct static_call_key *k)
{
	return k == &STATIC_CALL_KEY(k_call) ? "k_call"
	     : k == &STATIC_CALL_KEY(k_tail) ? "k_tail"
	     : k == &STATIC_CALL_KEY(k_cond) ? "k_cond"
	     : k == &STATIC_CALL_KEY(k_null) ? "k_null"
	     : k == &STATIC_CALL_KEY(k_ret0) ? "k_ret0" : "other";
}

static int dump_site(const struct scs_site_info *i, void *arg)
{
	static const char *kinds[] = { "call", "tail", "cond" };
	static const char *states[] = { "tramp", "inline", "refused" };
	const unsigned char *b = i->addr;
	unsigned j;

	(void)arg;
	printf("site %s %s %s %#lx ", key_name(i->key), kinds[i->kind],
	       states[i->state], (unsigned long)(uintptr_t)i->addr);
	for (j = 0; j < i->len; j++)
		printf("%02x", b[j]);
	printf("\n");
	return 0;
}

static void sym(const char *name, const void *a)
{
	printf("sym %s %#lx\n", name, (unsigned long)(uintptr_t)a);
}

/* A trampoline's patched branch, as a pseudo-site of kind "tramp". */
static void dump_tramp(const char *name, const struct static_call_key *k)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned len = 5, j;
#else
	unsigned len = 4, j;
#endif
	const unsigned char *b = k->tramp;

	printf("site %s tramp tramp %#lx ", name, (unsigned long)(uintptr_t)b);
	for (j = 0; j < len; j++)
		printf("%02x", b[j]);
	printf("\n");
}

static void dump(const char *step)
{
	printf("step %s\n", step);
	scs_for_each_site(dump_site, NULL);
	dump_tramp("k_call", &STATIC_CALL_KEY(k_call));
	dump_tramp("k_tail", &STATIC_CALL_KEY(k_tail));
	dump_tramp("k_cond", &STATIC_CALL_KEY(k_cond));
	dump_tramp("k_null", &STATIC_CALL_KEY(k_null));
	dump_tramp("k_ret0", &STATIC_CALL_KEY(k_ret0));
	fflush(stdout);
}

/* Expected results of the value sites for target f (NULL: return-0). */
static void check_values(const char *step, int (*f)(int), int (*r)(int))
{
	CHECK(call_site(3) == f(3) * 10, "%s: call_site", step);
	CHECK(tail_site(4) == f(4), "%s: tail_site", step);
	CHECK(ret0_site(5) == (r ? r(5) : 0) + 5, "%s: ret0_site", step);
	CHECK(ret0_tail(6) == (r ? r(6) : 0), "%s: ret0_tail", step);
#ifdef ASM_TAILS
	CHECK(tail_asm(7) == f(7), "%s: tail_asm", step);
#endif
}

/* A function far from every module (a page mapped well away from the
 * program; "return 42"), to show that an out-of-range target goes through
 * the trampoline's indirect slot.  NULL when no such page can be had. */
static void *far_function(void)
{
#if defined(__x86_64__)
	static const uint32_t code[] = { 0x00002ab8, 0x9090c300 };
	uintptr_t hint = ((uintptr_t)&far_function + (16ul << 30)) & ~0xffffful;
#elif defined(__i386__)
	static const uint32_t code[] = { 0x00002ab8, 0x9090c300 };
	uintptr_t hint = ((uintptr_t)&far_function + (1ul << 30)) & ~0xffffful;
#elif defined(__aarch64__)
	static const uint32_t code[] = { 0x52800540, 0xd65f03c0 };
	uintptr_t hint = ((uintptr_t)&far_function + (1ul << 30)) & ~0xffffful;
#else
	static const uint32_t code[] = { 0x3860002a, 0x4e800020 };
	uintptr_t hint = ((uintptr_t)&far_function + (256ul << 20)) & ~0xffffful;
#endif
	void *p = mmap((void *)hint, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, code, sizeof(code));
	__builtin___clear_cache((char *)p, (char *)p + sizeof(code));
	if (mprotect(p, 4096, PROT_READ | PROT_EXEC))
		return NULL;
	return p;
}

static void syms(void *far)
{
	sym("f1", (void *)f1);
	sym("f2", (void *)f2);
	sym("v1", (void *)v1);
	sym("v2", (void *)v2);
	sym("far", far);
	sym("k_call", STATIC_CALL_KEY(k_call).tramp);
	sym("k_tail", STATIC_CALL_KEY(k_tail).tramp);
	sym("k_cond", STATIC_CALL_KEY(k_cond).tramp);
	sym("k_null", STATIC_CALL_KEY(k_null).tramp);
	sym("k_ret0", STATIC_CALL_KEY(k_ret0).tramp);
}

static void step_two(void)
{
	struct static_call_update u[] = {
		STATIC_CALL_UPDATE(k_call, f2), STATIC_CALL_UPDATE(k_tail, f2),
		STATIC_CALL_UPDATE(k_cond, v2), STATIC_CALL_UPDATE(k_null, v2),
		STATIC_CALL_UPDATE(k_ret0, f2),
	};

	struct static_call_update dup[] = {
		STATIC_CALL_UPDATE(k_call, f2), STATIC_CALL_UPDATE(k_call, f1),
	};

	CHECK(static_call_update_batch(dup, 2) == -EINVAL,
	      "two: a key twice in a batch");
	CHECK(call_site(3) == f1(3) * 10, "two: the refused batch wrote");
	CHECK(static_call_update_batch(u, 5) == 0, "two: batch update");
	check_values("two", f2, f2);
	CHECK(vcall(cond_site, 3) == 2, "two: cond_site");
	CHECK(vcall(cond_site, 2) == 0, "two: cond_site not taken");
	CHECK(null_sites(3) == 2, "two: null_site");
	CHECK(static_call_query(k_call) == f2, "two: query");
	dump("two");
}

static void step_null(void)
{
	CHECK(static_call_update(k_cond, NULL) == 0, "null: k_cond");
	CHECK(static_call_update(k_null, NULL) == 0, "null: k_null");
	CHECK(static_call_update(k_ret0, (void *)__static_call_return0) == 0,
	      "null: k_ret0");
	check_values("null", f2, NULL);
	CHECK(vcall(cond_site, 3) == 0, "null: cond_site");
	CHECK(null_sites(3) == 0, "null: null_site");
	CHECK(static_call_query(k_null) == NULL, "null: query NULL");
	CHECK(static_call_query(k_ret0) == (void *)__static_call_return0,
	      "null: query ret0");
	dump("null");
}

static void step_far(void *far)
{
	int err;

	if (!far) {
		CHECK(0, "far: cannot map a far page");
		return;
	}
	err = static_call_update(k_call, (int (*)(int))far);
#if defined(__powerpc64__)
	/* Another module's function would return with its TOC in r2. */
	CHECK(err == -EXDEV, "far: ppc64 refuses (%d)", err);
	CHECK(call_site(1) == f2(1) * 10, "far: unchanged");
#else
	CHECK(err == 0, "far: update (%d)", err);
	CHECK(call_site(1) == 420, "far: call_site");
#endif
	dump("far");
}

#ifdef SET_MODE_STORE
/* Chooses the store-only mode before the program registers (priority 200)
 * with scs_set_mode(), instead of SCS_MODE. */
__attribute__((constructor(150))) static void choose_mode(void)
{
	if (scs_set_mode(SCS_MODE_STORE))
		printf("FAIL scs_set_mode in a constructor\n"), fails++;
}
#endif

/* After the first write the mode is fixed: -EBUSY for the other mode, 0
 * for the same one, -EINVAL for no mode at all. */
static void check_mode_fixed(void)
{
	enum scs_mode m = scs_get_mode();
	enum scs_mode other = m == SCS_MODE_INT3 ? SCS_MODE_STORE : SCS_MODE_INT3;

	CHECK(scs_set_mode(other) == -EBUSY, "mode: change after start-up");
	CHECK(scs_set_mode(m) == 0, "mode: same mode");
	CHECK(scs_set_mode((enum scs_mode)7) == -EINVAL, "mode: no such mode");
	CHECK(scs_get_mode() == m, "mode: changed");
}

int main(void)
{
	void *far = far_function();

	printf("mode %s sync %s\n", scs_get_mode() == SCS_MODE_STORE ? "store"
	       : "int3", scs_sync_method());
	syms(far);
	check_mode_fixed();
	check_values("initial", f1, NULL);
	CHECK(vcall(cond_site, 3) == 1, "initial: cond_site");
	CHECK(null_sites(3) == 0, "initial: null_site");
	dump("initial");
	step_two();
	step_null();
	step_far(far);
	CHECK(static_call_update(k_call, f1) == 0, "back: k_call");
	CHECK(static_call_update(k_null, v1) == 0, "back: k_null");
	CHECK(call_site(2) == 30, "back: call_site");
	CHECK(null_sites(3) == 1, "back: null_site");
	dump("back");
	{
		struct scs_stats st;

		scs_get_stats(&st);
		printf("stats batches %lu syncs %lu mprotects %lu\n",
		       st.batches, st.syncs, st.mprotects);
	}
	printf("done %d\n", fails);
	return fails != 0;
}
