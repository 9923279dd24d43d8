/* make bench, libscs part: ns per call for a direct call, a patched
 * static call, a static call through its trampoline, a plain indirect
 * call, a retpoline and the loop alone; then the latency of
 * static_call_update for 1, 100 and 1,000 sites, batched against one at a
 * time, with and without a thread calling.  Prints the figures and the ratios the targets are read
 * from; it never judges them. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scs/static_call.h>

int bench_target(int x);
int loop_direct(int n), loop_indirect(int n), loop_retpoline(int n);
int loop_tramp(int n), loop_none(int n);

DEFINE_STATIC_CALL(bench_call, bench_target);

__attribute__((noinline)) static int loop_static(int n)
{
	int acc = 0;

	while (n--)
		acc = static_call(bench_call)(acc);
	return acc;
}

/* The update benchmark's 1,000 keys of one site each (keys.c, made by
 * bench/runtime.sh). */
extern struct static_call_key *const upd_keys[1000];
extern int (*const upd_sites[1000])(int);
int upd_a(int), upd_b(int);

static double clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Wall time, for updates: they wait for other threads and the kernel. */
static double now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One run of loop(n), in ns per iteration of this thread's CPU time: on a
 * shared machine, wall time also counts the time the thread waited for a
 * CPU, which made the figures two to three times too high and noisy. */
static double per_call(int (*loop)(int), int n)
{
	double t = clock_ns(CLOCK_THREAD_CPUTIME_ID);

	if (loop(n) != n)
		fprintf(stderr, "bench: wrong result\n"), exit(1);
	return (clock_ns(CLOCK_THREAD_CPUTIME_ID) - t) / n;
}

static int state_of(const struct scs_site_info *i, void *arg)
{
	if (i->key == &STATIC_CALL_KEY(bench_call))
		*(int *)arg = i->state;
	return 0;
}

/* The call forms, measured in rounds that run each form once, so that
 * every form sees the same share of a busy machine; each form's best run
 * counts. */
static void calls(void)
{
	static const char *names[] = {
		"direct call", "static call, patched inline",
		"static call through its trampoline", "plain indirect call",
		"indirect call, -mindirect-branch=thunk", "the loop alone, no call",
	};
	int (*loops[])(int) = { loop_direct, loop_static, loop_tramp,
				loop_indirect, loop_retpoline, loop_none };
	double best[6] = { 1e30, 1e30, 1e30, 1e30, 1e30, 1e30 }, d, s, rp;
	int n = 20 * 1000 * 1000, rounds = 15, st = -1, r, i;

	static_call_update(bench_call, bench_target);
	scs_for_each_site(state_of, &st);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < 6; i++) {
			double t = per_call(loops[i], n);

			if (t < best[i])
				best[i] = t;
		}
	printf("\nns per call (thread CPU time, best of %d runs of %d calls; "
	       "loop included)\n", rounds, n);
	for (i = 0; i < 6; i++)
		printf("  %-44s %8.2f ns   %5.2fx direct%s\n", names[i], best[i],
		       best[i] / best[0],
		       i == 1 && st != SCS_STATE_INLINE ? "  (NOT INLINE)" : "");
	/* Each figure holds the loop's own cost once; a call's cost is what
	 * is left.  Both are printed: the loop-included ratio understates. */
	d = best[0] - best[5];
	s = best[1] - best[5];
	rp = best[4] - best[5];
	printf("  net of the loop: direct %.2f, patched static %.2f, "
	       "retpoline %.2f ns\n", d, s, rp);
	printf("  retpoline / patched static call: %.1fx net of the loop, "
	       "%.1fx loop included (target: at least 5x)\n",
	       rp / s, best[4] / best[1]);
	printf("  patched static call / direct:    %+.1f%% net of the loop, "
	       "%+.1f%% loop included (target: within 10%%)\n",
	       (s / d - 1) * 100, (best[1] / best[0] - 1) * 100);
}

static atomic_int stop;

static void *caller(void *arg)
{
	int i = 0, acc = 0;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		acc += upd_sites[i](acc);
		i = (i + 1) % 1000;
	}
	return NULL;
}

/* Median time (us) of reps rounds that retarget n of the keys, in one
 * batch or one key at a time. */
static double update_us(int n, int batched, int reps)
{
	struct static_call_update *u = calloc(n, sizeof(*u));
	double *t = calloc(reps, sizeof(*t)), med;
	int r, i;

	for (r = 0; r < reps; r++) {
		void *f = r & 1 ? (void *)upd_a : (void *)upd_b;
		double t0 = now_ns();

		for (i = 0; i < n; i++)
			u[i] = (struct static_call_update){ upd_keys[i], f };
		if (batched) {
			if (static_call_update_batch(u, n))
				fprintf(stderr, "bench: update failed\n"), exit(1);
		} else {
			for (i = 0; i < n; i++)
				if (static_call_update_batch(&u[i], 1))
					fprintf(stderr, "bench: update failed\n"), exit(1);
		}
		t[r] = (now_ns() - t0) / 1000;
	}
	qsort(t, reps, sizeof(*t), by_double);
	med = t[reps / 2];
	free(u);
	free(t);
	return med;
}

static void updates(int threaded)
{
	static const int sizes[] = { 1, 100, 1000 };
	pthread_t th;
	int i;

	if (threaded)
		pthread_create(&th, NULL, caller, NULL);
	printf("\nupdate latency, %s (median, us)\n",
	       threaded ? "a thread calling the sites" : "no other thread");
	printf("  %-8s %14s %16s %10s\n", "sites", "batched", "one at a time", "ratio");
	for (i = 0; i < 3; i++) {
		int n = sizes[i], reps = n == 1 ? 2001 : n == 100 ? 101 : 11;
		double b = update_us(n, 1, reps), o = update_us(n, 0, reps);

		printf("  %-8d %14.1f %16.1f %9.1fx\n", n, b, o, o / b);
	}
	if (threaded) {
		atomic_store(&stop, 1);
		pthread_join(th, NULL);
		atomic_store(&stop, 0);
	}
}

int main(void)
{
	struct scs_stats st;

	printf("libscs: mode %s, sync by %s\n",
	       scs_get_mode() == SCS_MODE_STORE ? "store" : "int3",
	       scs_sync_method());
	calls();
	updates(0);
	updates(1);
	scs_get_stats(&st);
	printf("  (target: a batch of 1,000 sites at least 20x faster than one at a time)\n");
	printf("\n%lu sites, %lu inline; %lu batches, %lu syncs, %lu mprotect calls, %lu traps\n",
	       st.sites, st.sites_inline, st.batches, st.syncs, st.mprotects, st.traps);
	return 0;
}
