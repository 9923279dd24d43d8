/* The stress test: caller threads run static calls of every kind (call,
 * tail, cond, NULL through static_call_cond, return-0) in tight loops
 * while the main thread retargets them, one key at a time or in batches
 * of 1,000 sites.
 *
 * Every target records its identity; each call is checked against the
 * targets that could legally run it.  The updater bumps a per-schedule
 * sequence number to odd before an update and to even after it returns, so
 * a call that began after reading sequence 2u (u updates done) may only
 * reach the target of update u or of later updates.  A call bracketed by
 * the readings s1 and s2 may reach the targets of updates floor(s1/2) ..
 * ceil(s2/2); with three targets in rotation, a window of fewer than three
 * updates leaves at least one target forbidden, which catches a site that
 * still reaches an old target after its update returned.
 *
 *   stress [-t THREADS] [-n UPDATES] [-b BATCHES] [-s SECONDS] [-B]
 *   -t  caller threads (default 4)
 *   -n  single updates (default 100000); -b batches of 1,000 sites
 *   -B  one caller thread blocks SIGTRAP (the int3-free path)
 * Prints one summary line; exits 0 when every checked call was legal. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <scs/static_call.h>

#define NOINLINE __attribute__((noinline))
static __thread unsigned seen;	/* bit i: target i ran */

__attribute__((used)) static int t0_impl(int x) { seen |= 1; return x + 100; }
__attribute__((used)) static int t1_impl(int x) { seen |= 2; return x + 200; }
__attribute__((used)) static int t2_impl(int x) { seen |= 4; return x + 300; }
__attribute__((used)) static void v0_impl(int x) { seen |= 1; (void)x; }
__attribute__((used)) static void v1_impl(int x) { seen |= 2; (void)x; }
__attribute__((used)) static void v2_impl(int x) { seen |= 4; (void)x; }

/* The targets are jumps to the functions above, placed 0x11100 and more
 * apart, so that their displacements from any site differ in at least
 * three bytes: a torn write (the controls' unsafe writers) sends a call
 * into int3 padding or elsewhere, never quietly to another target. */
int t0(int), t1(int), t2(int);
void v0(int), v1(int), v2(int);
#define TARGET(name, skip)						\
	".p2align 16\n.skip " #skip ",0xcc\n"				\
	".type " #name ",@function\n" #name ":\njmp " #name "_impl\n"
__asm__(".pushsection .text.stress_targets,\"ax\",@progbits\n"
	TARGET(t0, 0x100) TARGET(v0, 0x1300) TARGET(t1, 0x2500)
	TARGET(v1, 0x3700) TARGET(t2, 0x4900) TARGET(v2, 0x5b00)
	".popsection");

DEFINE_STATIC_CALL(k_call, t0);
DEFINE_STATIC_CALL(k_tail, t0);
DEFINE_STATIC_CALL(k_cond, v0);
DEFINE_STATIC_CALL(k_null, v0);
DEFINE_STATIC_CALL(k_ret0, t0);

static atomic_int sink;

NOINLINE int site_call(int x) { return static_call(k_call)(x) * 3; }
NOINLINE int site_tail(int x) { return static_call(k_tail)(x); }
void site_cond(int x);	/* cond.S: if (x & 1) static_call(k_cond)(x) */
NOINLINE void site_null(int x)
{
	static_call_cond(k_null)(x);
	atomic_fetch_add_explicit(&sink, 1, memory_order_relaxed);
}
NOINLINE int site_ret0(int x) { return static_call(k_ret0)(x) + 7; }

/* Batch keys: 10 keys of 100 call sites each. */
DEFINE_STATIC_CALL(b0, t0); DEFINE_STATIC_CALL(b1, t0);
DEFINE_STATIC_CALL(b2, t0); DEFINE_STATIC_CALL(b3, t0);
DEFINE_STATIC_CALL(b4, t0); DEFINE_STATIC_CALL(b5, t0);
DEFINE_STATIC_CALL(b6, t0); DEFINE_STATIC_CALL(b7, t0);
DEFINE_STATIC_CALL(b8, t0); DEFINE_STATIC_CALL(b9, t0);
#define R10(s) s s s s s s s s s s
#define MANY(k) NOINLINE static int many_##k(int x) \
	{ int r = 0; R10(R10(r += static_call(k)(x);)) return r; }
MANY(b0) MANY(b1) MANY(b2) MANY(b3) MANY(b4)
MANY(b5) MANY(b6) MANY(b7) MANY(b8) MANY(b9)
static int (*const many[10])(int) = { many_b0, many_b1, many_b2, many_b3,
	many_b4, many_b5, many_b6, many_b7, many_b8, many_b9 };

/* One schedule: the sequence number of its updates. */
enum { S_CALL, S_TAIL, S_COND, S_NULL, S_RET0, S_BATCH, NSCHED };
static atomic_ulong seq[NSCHED];
static atomic_int stop;
static atomic_ulong calls, checked, bad;
static int block_trap;
static atomic_int trap_blocked;	/* -B: the thread has blocked SIGTRAP */

/* Target index (0, 1, 2) after u updates; index 2 is NULL for the void
 * schedules and return-0 for S_RET0 (both record nothing). */
static unsigned allowed(unsigned long s1, unsigned long s2)
{
	unsigned long u, lo = s1 / 2, hi = (s2 + 1) / 2;
	unsigned m = 0;

	if (hi - lo >= 2)
		return 7;
	for (u = lo; u <= hi; u++)
		m |= 1u << (u % 3);
	return m;
}

static void check(int s, unsigned long s1, unsigned got_mask)
{
	unsigned long s2 = atomic_load(&seq[s]);
	unsigned ok = allowed(s1, s2);

	atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
	if (ok != 7)
		atomic_fetch_add_explicit(&checked, 1, memory_order_relaxed);
	if (got_mask & ~ok) {	/* 8 (an impossible value) is never allowed */
		if (atomic_fetch_add(&bad, 1) < 5)
			fprintf(stderr, "stress: schedule %d: reached targets "
				"%#x, allowed %#x (seq %lu..%lu)\n", s, got_mask,
				ok, s1, s2);
	}
}

/* The identity of the target that returned v for argument x: bit 0..2
 * for t0..t2, 8 for a value no target gives. */
static unsigned ident(int v, int x)
{
	switch (v - x) {
	case 100: return 1;
	case 200: return 2;
	case 300: return 4;
	default: return 8;
	}
}

/* A batch function sums 100 calls of 100, 200 or 300 (plus x). */
static unsigned ident_many(int r, int x)
{
	int v = r - 100 * x;

	return v >= 10000 && v <= 30000 && v % 100 == 0 ? 0 : 8;
}

/* The callers run the sites of the phase in progress: the single updates'
 * five kinds, or the batch's 1,000 sites. */
static atomic_int batch_phase;

static void one_round(int x)
{
	unsigned long s1;
	int r, i;

	if (atomic_load_explicit(&batch_phase, memory_order_relaxed))
		goto batch;

	s1 = atomic_load(&seq[S_CALL]);
	seen = 0;
	r = site_call(x);
	check(S_CALL, s1, seen | (r % 3 ? 8 : ident(r / 3, x)));
	s1 = atomic_load(&seq[S_TAIL]);
	seen = 0;
	r = site_tail(x);
	check(S_TAIL, s1, seen | ident(r, x));
	s1 = atomic_load(&seq[S_COND]);
	seen = 0;
	site_cond(x | 1);
	check(S_COND, s1, seen ? seen : 4);
	s1 = atomic_load(&seq[S_NULL]);
	seen = 0;
	site_null(x);
	check(S_NULL, s1, seen ? seen : 4);
	s1 = atomic_load(&seq[S_RET0]);
	seen = 0;
	r = site_ret0(x) - 7;
	check(S_RET0, s1, (seen & 3) | (r ? ident(r, x) : 4));
	return;
batch:
	for (i = 0; i < 10; i++) {
		s1 = atomic_load(&seq[S_BATCH]);
		seen = 0;
		r = many[i](x);
		check(S_BATCH, s1, seen | ident_many(r, x));
	}
}

static void *caller(void *arg)
{
	int x = 2 * (int)(long)arg;

	/* The callers yield the CPU to the updater whenever it is runnable: on
	 * a machine with fewer cores than threads the test then measures the
	 * protocol, not the scheduler's time slices. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);

	if (block_trap && !arg) {
		sigset_t s;

		sigemptyset(&s);
		sigaddset(&s, SIGTRAP);
		pthread_sigmask(SIG_BLOCK, &s, NULL);
		atomic_store(&trap_blocked, 1);
	}
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		one_round(x);
	return NULL;
}

static void *int_target(unsigned i)
{
	return i == 0 ? (void *)t0 : i == 1 ? (void *)t1 : (void *)t2;
}

static int update_single(unsigned long u)
{
	static const int sched[] = { S_CALL, S_TAIL, S_COND, S_NULL, S_RET0 };
	int s = sched[u % 5], err;
	unsigned long n = atomic_load(&seq[s]) / 2 + 1;
	unsigned i = n % 3;

	atomic_fetch_add(&seq[s], 1);
	switch (s) {
	case S_CALL: err = static_call_update(k_call, int_target(i)); break;
	case S_TAIL: err = static_call_update(k_tail, int_target(i)); break;
	case S_COND:
		err = static_call_update(k_cond, i == 0 ? v0 : i == 1 ? v1 : NULL);
		break;
	case S_NULL:
		err = static_call_update(k_null, i == 0 ? v0 : i == 1 ? v1 : NULL);
		break;
	default:
		err = static_call_update(k_ret0, i == 2
				? (void *)__static_call_return0 : int_target(i));
	}
	atomic_fetch_add(&seq[s], 1);
	return err;
}

static int update_batch(void)
{
	unsigned long n = atomic_load(&seq[S_BATCH]) / 2 + 1;
	void *f = int_target(n % 3);
	struct static_call_update u[10] = {
		STATIC_CALL_UPDATE(b0, f), STATIC_CALL_UPDATE(b1, f),
		STATIC_CALL_UPDATE(b2, f), STATIC_CALL_UPDATE(b3, f),
		STATIC_CALL_UPDATE(b4, f), STATIC_CALL_UPDATE(b5, f),
		STATIC_CALL_UPDATE(b6, f), STATIC_CALL_UPDATE(b7, f),
		STATIC_CALL_UPDATE(b8, f), STATIC_CALL_UPDATE(b9, f),
	};
	int err;

	atomic_fetch_add(&seq[S_BATCH], 1);
	err = static_call_update_batch(u, 10);
	atomic_fetch_add(&seq[S_BATCH], 1);
	return err;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long nupd = 100000, nbatch = 0, u;
	int nthr = 4, opt, err = 0, i;
	pthread_t th[64];
	struct scs_stats st;
	double t0s;

	while ((opt = getopt(argc, argv, "t:n:b:B")) != -1)
		switch (opt) {
		case 't': nthr = atoi(optarg); break;
		case 'n': nupd = strtoul(optarg, NULL, 0); break;
		case 'b': nbatch = strtoul(optarg, NULL, 0); break;
		case 'B': block_trap = 1; break;
		default: return 2;
		}
	if (nthr < 1 || nthr > 64)
		return 2;
	for (i = 0; i < nthr; i++)
		pthread_create(&th[i], NULL, caller, (void *)(long)i);
	t0s = now();
	atomic_store(&batch_phase, !nupd);
	while (atomic_load(&calls) < 1000 ||
	       (block_trap && !atomic_load(&trap_blocked)))
		usleep(100);
	for (u = 0; u < nupd && !err; u++)
		err = update_single(u);
	atomic_store(&batch_phase, 1);
	for (u = 0; u < nbatch && !err; u++)
		err = update_batch();
	atomic_store(&stop, 1);
	for (i = 0; i < nthr; i++)
		pthread_join(th[i], NULL);
	scs_get_stats(&st);
	printf("stress: threads %d updates %lu batches %lu calls %lu checked %lu "
	       "bad %lu err %d | inline %lu/%lu traps %lu late %lu noint3 %lu "
	       "sync %s mode %d | %.2fs\n", nthr, nupd, nbatch,
	       atomic_load(&calls), atomic_load(&checked), atomic_load(&bad),
	       err, st.sites_inline, st.sites, st.traps, st.traps_late,
	       st.batches_noint3, scs_sync_method(), scs_get_mode(),
	       now() - t0s);
	return err || atomic_load(&bad) || !atomic_load(&checked) ? 1 : 0;
}
