/* libscs: making every thread's core see the new text.
 *
 * The method is membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE)
 * (Linux 4.16; man 2 membarrier): it interrupts every CPU that runs a
 * thread of this process and returns after each has executed a
 * core-serialising instruction.  It must be registered first, which
 * scs_sync_init does at start-up.
 *
 * When the kernel lacks it (or SCS_SYNC=signal asks for it), the fallback
 * sends a real-time signal (SIGRTMIN+6 unless SCS_SYNC_SIGNAL names another)
 * to every other thread of the process, listed from /proc/self/task, and
 * waits until each handler has run a serialising instruction (cpuid, isb,
 * isync) and acknowledged.  A thread that exits is counted as done.  Costs
 * of the fallback: a blocking system call in another thread may return
 * EINTR if it does not restart (SA_RESTART is set), and a thread that
 * blocks the signal delays every update until it unblocks it (reported
 * after one second; meanwhile SIGTERM, SIGINT, SIGHUP and SIGQUIT with their
 * default action still end the process).
 *
 * Nothing here allocates: the fallback runs while int3s are in the text,
 * and a thread stopped at one may hold the allocator's lock. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define ROUND_MAX 256	/* threads signalled at once */

/* The round of signals in progress, read by the handler. */
static struct {
	atomic_int n;
	pid_t tid[ROUND_MAX];
	atomic_int acked[ROUND_MAX];
	atomic_int pending;
} round_;

static int membarrier(int cmd)
{
	return (int)syscall(__NR_membarrier, cmd, 0, 0);
}

static long futex(atomic_int *a, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, a, op, val, ts, NULL, 0);
}

static void sync_handler(int sig, siginfo_t *si, void *uc)
{
	pid_t self = (pid_t)syscall(SYS_gettid);
	int saved = errno, i, n = atomic_load(&round_.n);

	(void)sig;
	(void)si;
	(void)uc;
	scs_arch_serialize();
	for (i = 0; i < n; i++)
		if (round_.tid[i] == self &&
		    !atomic_exchange(&round_.acked[i], 1)) {
			atomic_fetch_sub(&round_.pending, 1);
			futex(&round_.pending, FUTEX_WAKE_PRIVATE, 1, NULL);
		}
	errno = saved;
}

static int fallback_init(void)
{
	const char *e = getenv("SCS_SYNC_SIGNAL");
	struct sigaction sa;
	int sig = e ? atoi(e) : SIGRTMIN + 6;

	if (sig < 1 || sig >= NSIG)
		sig = SIGRTMIN + 6;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sync_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
	/* No other handler may interrupt this one before it acknowledges:
	 * one that reached a site being patched would wait for the patcher,
	 * which waits for this acknowledgement.  SIGTRAP and the faults stay
	 * open, as under the patch lock (a thread that blocks SIGTRAP would
	 * make the batch give up int3). */
	scs_async_signals(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		return -errno;
	__atomic_store_n(&scs_rt.sync_signal, sig, __ATOMIC_RELEASE);
	return 0;
}

int scs_sync_init(void)
{
	const char *e = getenv("SCS_SYNC");
	int q;

	if (!(e && !strcmp(e, "signal"))) {
		q = membarrier(MEMBARRIER_CMD_QUERY);
		if (q >= 0 &&
		    (q & MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) &&
		    !membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE))
			return 0;
	}
	return fallback_init();
}

/* Marks as done the threads of the round that no longer exist. */
static void round_reap(pid_t pid, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!atomic_load(&round_.acked[i]) &&
		    syscall(SYS_tgkill, pid, round_.tid[i], 0) && errno == ESRCH &&
		    !atomic_exchange(&round_.acked[i], 1))
			atomic_fetch_sub(&round_.pending, 1);
}

/* The patch lock blocks asynchronous signals.  While the fallback waits a
 * long time for a thread that does not answer, a pending signal whose
 * action is to end the process must still end it: nothing is lost by
 * dying, and the program could not be stopped with SIGTERM otherwise. */
static void let_fatal_signals_through(void)
{
	static const int fatal[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
	struct sigaction sa;
	sigset_t pend, un;
	size_t i;

	if (sigpending(&pend))
		return;
	sigemptyset(&un);
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		if (sigismember(&pend, fatal[i]) &&
		    !sigaction(fatal[i], NULL, &sa) &&
		    !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL)
			sigaddset(&un, fatal[i]);
	pthread_sigmask(SIG_UNBLOCK, &un, NULL);
}

/* Signals the n threads in round_.tid and waits for them. */
static void round_run(int n)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	pid_t pid = getpid();
	int i, p, waited = 0;

	atomic_store(&round_.pending, n);
	for (i = 0; i < n; i++)
		atomic_store(&round_.acked[i], 0);
	atomic_store(&round_.n, n);
	for (i = 0; i < n; i++)
		if (syscall(SYS_tgkill, pid, round_.tid[i], scs_rt.sync_signal) &&
		    !atomic_exchange(&round_.acked[i], 1))
			atomic_fetch_sub(&round_.pending, 1);
	while ((p = atomic_load(&round_.pending)) > 0) {
		if (futex(&round_.pending, FUTEX_WAIT_PRIVATE, p, &ts) &&
		    errno == ETIMEDOUT) {
			round_reap(pid, n);
			if (++waited == 100)
				scs_report("waiting for a thread that does not "
					   "take signal %d", scs_rt.sync_signal);
			if (waited >= 100)
				let_fatal_signals_through();
		}
	}
	atomic_store(&round_.n, 0);
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void sync_by_signal(void)
{
	char buf[4096];
	pid_t self = (pid_t)syscall(SYS_gettid);
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int n = 0;
	long got, off;

	if (fd < 0) {
		scs_report("cannot list threads (/proc/self/task): %s",
			   strerror(errno));
		return;
	}
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < got;) {
			struct linux_dirent64 *d = (void *)(buf + off);
			pid_t tid = (pid_t)atoi(d->d_name);

			off += d->d_reclen;
			if (tid <= 0 || tid == self)
				continue;
			round_.tid[n++] = tid;
			if (n == ROUND_MAX) {
				round_run(n);
				n = 0;
			}
		}
	if (n)
		round_run(n);
	close(fd);
}

void scs_sync(void)
{
	scs_rt.st.syncs++;
	if (!scs_rt.sync_signal &&
	    !membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE))
		return;
	if (!scs_rt.sync_signal && fallback_init())
		return;
	sync_by_signal();
}
