/* membarrier denied after start-up (tests/t0151-runtime-updaters.sh): a
 * seccomp filter installed once libscs has registered membarrier makes it
 * fail with EPERM, and the lock holder switches to the signal fallback
 * while another updater already waits for the lock (both are started
 * while the main thread holds the lock).  That waiter must
 * answer the new sync signal.  Prints "ok" when both updaters finished
 * and each call reaches its last target. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <scs/static_call.h>

static int t1(int x) { return x + 1; }
static int t2(int x) { return x + 2; }

DEFINE_STATIC_CALL(c1, t1);
DEFINE_STATIC_CALL(c2, t1);

__attribute__((noinline)) static int call1(int x) { return static_call(c1)(x); }
__attribute__((noinline)) static int call2(int x) { return static_call(c2)(x); }

static int bad;

/* A thread created under the patch lock inherits its blocked signals. */
static void unblock_all(void)
{
	sigset_t none;

	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
}

static void *upd1(void *arg)
{
	long i, n = (long)arg;

	unblock_all();
	for (i = 0; i < n; i++)
		if (static_call_update(c1, i & 1 ? t2 : t1))
			__atomic_fetch_add(&bad, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void *upd2(void *arg)
{
	long i, n = (long)arg;

	unblock_all();
	for (i = 0; i < n; i++)
		if (static_call_update(c2, i & 1 ? t2 : t1))
			__atomic_fetch_add(&bad, 1, __ATOMIC_RELAXED);
	return NULL;
}

static int deny_membarrier(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_membarrier, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_TSYNC, &prog)) {
		perror("seccomp");
		return -1;
	}
	return 0;
}

static pthread_t u[2];

/* Runs under the patch lock (scs_for_each_site): both updaters start and
 * wait for the lock, so the first to get it finds the other waiting. */
static int start_updaters(const struct scs_site_info *i, void *arg)
{
	(void)i;
	(void)arg;
	pthread_create(&u[0], NULL, upd1, (void *)400L);
	pthread_create(&u[1], NULL, upd2, (void *)400L);
	usleep(200 * 1000);
	return 1;
}

int main(void)
{
	if (strcmp(scs_sync_method(), "membarrier"))
		return printf("FAIL starts with %s\n", scs_sync_method()), 1;
	if (deny_membarrier())
		return 1;
	if (scs_for_each_site(start_updaters, NULL) != 1)
		return printf("FAIL no site\n"), 1;
	pthread_join(u[0], NULL);
	pthread_join(u[1], NULL);
	printf("sync %s bad %d calls %d %d\n", scs_sync_method(), bad,
	       call1(0), call2(0));
	if (bad || call1(0) != 2 || call2(0) != 2 ||
	    strcmp(scs_sync_method(), "signal"))
		return 1;
	printf("ok\n");
	return 0;
}
