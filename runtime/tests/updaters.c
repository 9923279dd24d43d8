/* Several threads update at once (tests/t0151-runtime-updaters.sh): one
 * thread per static call retargets it, another retargets all of them in
 * batches, and caller threads check every result.  Waiting for the patch
 * lock must not stop a thread from answering the signal fallback's sync
 * (SCS_SYNC=signal), or the holder waits for it for ever.  With "alarm",
 * a SIGALRM handler also makes the calls, every 200 microseconds in every
 * thread: it may interrupt the sync handler itself, and reach a site that
 * the thread waiting for that sync is patching.
 *
 * Usage: updaters N CALLERS [alarm].  Prints "ok" and exits 0 when every
 * update succeeded and every call returned one of its call's targets. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <scs/static_call.h>

#define T(n) static int t##n(int x) { return x + n; }
T(10) T(11) T(20) T(21) T(30) T(31)

DEFINE_STATIC_CALL(c1, t10);
DEFINE_STATIC_CALL(c2, t20);
DEFINE_STATIC_CALL(c3, t30);

__attribute__((noinline)) static int call1(int x) { return static_call(c1)(x); }
__attribute__((noinline)) static int call2(int x) { return static_call(c2)(x); }
__attribute__((noinline)) static int call3(int x) { return static_call(c3)(x); }

static atomic_int stop;
static atomic_long bad, calls, alarms;

static void check(void)
{
	int r = call1(0);

	if (r != 10 && r != 11)
		atomic_fetch_add(&bad, 1);
	r = call2(0);
	if (r != 20 && r != 21)
		atomic_fetch_add(&bad, 1);
	r = call3(0);
	if (r != 30 && r != 31)
		atomic_fetch_add(&bad, 1);
}

static void on_alarm(int sig)
{
	(void)sig;
	check();
	atomic_fetch_add(&alarms, 1);
}

static void *caller(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		check();
		atomic_fetch_add(&calls, 1);
	}
	return NULL;
}

static void start_alarm(void)
{
	struct itimerval it = { { 0, 200 }, { 0, 200 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

#define UPDATER(k, a, b)						\
static void *upd##k(void *arg)						\
{									\
	long i, n = (long)arg;						\
	for (i = 0; i < n; i++)						\
		if (static_call_update(c##k, i & 1 ? a : b))		\
			atomic_fetch_add(&bad, 1);			\
	return NULL;							\
}
UPDATER(1, t11, t10)
UPDATER(2, t21, t20)

static void *upd_batch(void *arg)
{
	long i, n = (long)arg;

	for (i = 0; i < n; i++) {
		struct static_call_update u[] = {
			STATIC_CALL_UPDATE(c3, i & 1 ? t31 : t30),
			STATIC_CALL_UPDATE(c1, i & 1 ? t10 : t11),
		};
		if (static_call_update_batch(u, 2))
			atomic_fetch_add(&bad, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	int i, ncall = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t c[16], u[3];

	if (ncall < 0 || ncall > 16)
		return 2;
	if (argc > 3 && !strcmp(argv[3], "alarm"))
		start_alarm();
	for (i = 0; i < ncall; i++)
		pthread_create(&c[i], NULL, caller, NULL);
	pthread_create(&u[0], NULL, upd1, (void *)n);
	pthread_create(&u[1], NULL, upd2, (void *)n);
	pthread_create(&u[2], NULL, upd_batch, (void *)n);
	for (i = 0; i < 3; i++)
		pthread_join(u[i], NULL);
	atomic_store(&stop, 1);
	for (i = 0; i < ncall; i++)
		pthread_join(c[i], NULL);
	printf("sync %s bad %ld calls %ld alarms %ld\n", scs_sync_method(),
	       atomic_load(&bad), atomic_load(&calls), atomic_load(&alarms));
	if (atomic_load(&bad))
		return 1;
	printf("ok\n");
	return 0;
}
