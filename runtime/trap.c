/* libscs: the SIGTRAP handler of the x86 int3 protocol, and the check for
 * threads that block SIGTRAP.
 *
 * A thread that reaches a site while its first byte is int3 traps.  The
 * handler never emulates the branch: it waits until the patcher has
 * written the site's final first byte, then sends the thread back to the
 * site's address to execute the finished instruction.  Emulating a call
 * would push a return address the CET shadow stack never saw; waiting costs
 * the trapped thread one batch at most.  A trap that arrives after the
 * batch finished (a late trap: the byte is no longer int3) takes the same
 * path.  The patcher blocks asynchronous signals while it holds the patch
 * lock, so it never waits for itself.
 *
 * A trap is ours when its address is a registered site or trampoline (the
 * published table of points) and the trap came from an int3 (si_code
 * SI_KERNEL).  Any other SIGTRAP goes to the handler that was installed
 * before ours (debuggers' and other int3 users' keep working); with no
 * previous handler the default action runs, as if libscs were not there.
 *
 * A thread that blocks SIGTRAP and executes an int3 is killed by the kernel
 * (force_sig_fault: a blocked or ignored synchronous signal resets the
 * handler).  Before each batch the patcher reads every other thread's
 * blocked set (/proc/self/task/TID/stat); if one blocks
 * SIGTRAP, the batch uses no int3 at all (x86.c: the jump-to-self guard). */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "internal.h"

#if defined(__x86_64__) || defined(__i386__)

#if defined(__x86_64__)
#define UC_IP(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#else
#define UC_IP(uc) ((uc)->uc_mcontext.gregs[REG_EIP])
#endif

static int is_point(uintptr_t a)
{
	struct scs_points *p = atomic_load(&scs_rt.points);
	size_t lo = 0, hi = p ? p->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->a[mid] == a)
			return 1;
		if (p->a[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Waits until the int3 at a is gone; 0 when it stays and no batch is in
 * flight (someone else's int3 on our site).  A batch (x86.c) sets
 * in_flight before its int3s and clears it after its last first byte and
 * the gen increment; so "no batch" needs in_flight 0 read after the int3
 * was seen, the int3 still there after that, and gen unchanged: a batch
 * that ended in between (its first byte written just after our first
 * look) would otherwise pass for a foreign int3, and the thread would
 * resume in the middle of the new instruction. */
static int wait_patched(uintptr_t a)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int first = 1;

	for (;;) {
		unsigned g = atomic_load(&scs_rt.gen);

		if (*(volatile uint8_t *)a != 0xcc) {
			if (first)
				atomic_fetch_add(&scs_rt.traps_late, 1);
			return 1;
		}
		if (!atomic_load(&scs_rt.in_flight)) {
			if (*(volatile uint8_t *)a != 0xcc) {
				atomic_fetch_add(&scs_rt.traps_late, 1);
				return 1;
			}
			if (!atomic_load(&scs_rt.in_flight) &&
			    atomic_load(&scs_rt.gen) == g)
				return 0;
			continue;
		}
		first = 0;
		atomic_fetch_add(&scs_rt.waiters, 1);
		syscall(SYS_futex, &scs_rt.gen, FUTEX_WAIT_PRIVATE, g, &ts,
			NULL, 0);
		atomic_fetch_sub(&scs_rt.waiters, 1);
	}
}

static void trap_handler(int sig, siginfo_t *si, void *ucv);

/* Calls the previous handler as the kernel would have: with its sa_mask
 * and, unless it asked for SA_NODEFER, SIGTRAP blocked. */
static void chain_call(const struct sigaction *p, int sig, siginfo_t *si,
		       void *ucv)
{
	sigset_t mask = p->sa_mask, old;

	if (!(p->sa_flags & SA_NODEFER))
		sigaddset(&mask, SIGTRAP);
	pthread_sigmask(SIG_BLOCK, &mask, &old);
	if (p->sa_flags & SA_SIGINFO)
		p->sa_sigaction(sig, si, ucv);
	else
		p->sa_handler(sig);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* How deep this thread is in chain(): a handler that chains back to ours
 * (another copy of libscs, which put itself in front of us as we put
 * ourselves in front of it) must not loop.  Initial-exec: a signal handler
 * must not make the dynamic TLS allocator run. */
static __thread int chain_depth __attribute__((tls_model("initial-exec")));

/* Passes a SIGTRAP that is not ours to the handler installed before ours,
 * or to the default action. */
static void chain(int sig, siginfo_t *si, void *ucv)
{
	const struct sigaction *p =
		&scs_rt.prev_trap[atomic_load(&scs_rt.prev_cur)];
	ucontext_t *uc = ucv;

	atomic_fetch_add(&scs_rt.traps_chained, 1);
	if (!chain_depth &&
	    ((p->sa_flags & SA_SIGINFO) ? p->sa_sigaction != NULL
					: (p->sa_handler != SIG_DFL &&
					   p->sa_handler != SIG_IGN))) {
		chain_depth++;
		chain_call(p, sig, si, ucv);
		chain_depth--;
		return;
	}
	if (p->sa_handler == SIG_IGN && si->si_code != SI_KERNEL)
		return;
	/* The default action: uninstall, and for an int3 re-execute it so
	 * that the kernel reports it at its own address. */
	signal(SIGTRAP, SIG_DFL);
	if (si->si_code == SI_KERNEL)
		UC_IP(uc) -= 1;
	else
		raise(SIGTRAP);
}

static void trap_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uintptr_t a = (uintptr_t)UC_IP(uc) - 1;
	int saved = errno;

	atomic_fetch_add(&scs_rt.handlers, 1);
	if (si->si_code == SI_KERNEL && is_point(a) && wait_patched(a)) {
		atomic_fetch_add(&scs_rt.traps, 1);
		UC_IP(uc) = a;
		atomic_fetch_sub(&scs_rt.handlers, 1);
		errno = saved;
		return;
	}
	atomic_fetch_sub(&scs_rt.handlers, 1);
	chain(sig, si, ucv);
	errno = saved;
}

static int install(void)
{
	int next = !atomic_load(&scs_rt.prev_cur);
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = trap_handler;
	/* SA_NODEFER: a thread waiting in this handler must not look, to the
	 * next batch's check, like a thread that blocks SIGTRAP. */
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTRAP, &sa, &scs_rt.prev_trap[next]))
		return -errno;
	atomic_store(&scs_rt.prev_cur, next);
	return 0;
}

int scs_trap_install(void)
{
	return install();
}

/* Before a batch: if someone replaced our handler, put it back in front of
 * theirs (their traps still reach them through chain()). */
int scs_trap_check(void)
{
	struct sigaction cur;

	if (sigaction(SIGTRAP, NULL, &cur))
		return -errno;
	if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == trap_handler)
		return 0;
	return install();
}

/* Wakes the handlers waiting for this batch's first bytes. */
void scs_trap_release(void)
{
	atomic_fetch_add(&scs_rt.gen, 1);
	if (atomic_load(&scs_rt.waiters))
		syscall(SYS_futex, &scs_rt.gen, FUTEX_WAKE_PRIVATE, 0x7fffffff,
			NULL, NULL, 0);
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* 1 when thread tid blocks SIGTRAP (or its state cannot be read).  The
 * blocked set is field 32 of /proc/PID/task/TID/stat (proc(5): decimal,
 * standard signals only, which is all SIGTRAP needs); reading stat costs
 * about two thirds of reading status. */
static int blocks_sigtrap(int dirfd, const char *tid)
{
	char path[64], buf[1024], *p;
	unsigned long long mask;
	ssize_t got;
	int fd, field;

	snprintf(path, sizeof(path), "%s/stat", tid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT;	/* ENOENT: it has exited */
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got <= 0)
		return 1;
	buf[got] = 0;
	p = strrchr(buf, ')');	/* field 2, the name, may hold spaces */
	for (field = 2; p && field < 32; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return 1;
	mask = strtoull(p + 1, NULL, 10);
	return (mask >> (SIGTRAP - 1)) & 1;
}

/* 1 when a thread other than the caller blocks SIGTRAP, or when the
 * threads cannot be listed (then no int3 is safe). */
int scs_sigtrap_blocked_elsewhere(void)
{
	char buf[4096], self[16];
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int found = 0;
	long got, off;

	if (fd < 0)
		return 1;
	snprintf(self, sizeof(self), "%ld", (long)syscall(SYS_gettid));
	while (!found && (got = syscall(SYS_getdents64, fd, buf,
					 sizeof(buf))) > 0)
		for (off = 0; off < got && !found;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			off += d->d_reclen;
			if (d->d_name[0] >= '0' && d->d_name[0] <= '9' &&
			    strcmp(d->d_name, self))
				found = blocks_sigtrap(fd, d->d_name);
		}
	close(fd);
	return found;
}

#else	/* arm64, ppc: no int3, no handler */

int scs_trap_install(void)
{
	return 0;
}

int scs_trap_check(void)
{
	return 0;
}

void scs_trap_release(void)
{
}

int scs_sigtrap_blocked_elsewhere(void)
{
	return 0;
}

#endif
