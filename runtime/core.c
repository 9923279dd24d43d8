/* libscs: start-up, the patch lock, fork, reports and statistics.
 *
 * The runtime keeps its state in one process-wide struct (scs_rt): the
 * SIGTRAP handler gets no context argument, and a single lock must order
 * every writer of the process's text. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct scs_rt scs_rt = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static pthread_once_t scs_once = PTHREAD_ONCE_INIT;

/* fork() while another thread patches: the prepare handler waits for the
 * batch to finish, so the child never inherits int3s, a jump-to-self or
 * writable text (POSIX pthread_atfork). */
static void fork_prepare(void)
{
	pthread_mutex_lock(&scs_rt.lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&scs_rt.lock);
}

static void fork_child(void)
{
	pthread_mutex_unlock(&scs_rt.lock);
}

static void read_env(void)
{
	const char *m = getenv("SCS_MODE");

	if (m && !strcmp(m, "store"))
		scs_rt.mode = SCS_MODE_STORE;
	else if (m && strcmp(m, "int3") && *m)
		scs_report("SCS_MODE=%s is not \"int3\" or \"store\"; using int3",
			   m);
#ifdef SCS_TESTING
	/* Deliberately unsafe writers for the stress test's controls; only in
	 * test builds of the library. */
	m = getenv("SCS_UNSAFE");
	if (m && !strcmp(m, "noint3"))
		scs_rt.testing = 1;
	else if (m && !strcmp(m, "nosync"))
		scs_rt.testing = 2;
	else if (m && !strcmp(m, "storeline"))
		scs_rt.testing = 3;
#endif
}

static void init_once(void)
{
	scs_rt.page = sysconf(_SC_PAGESIZE);
	read_env();
	scs_sync_init();
	scs_trap_install();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

void scs_init(void)
{
	pthread_once(&scs_once, init_once);
}

/* membarrier is registered at start-up, before any thread needs it. */
__attribute__((constructor(150))) static void scs_start(void)
{
	scs_init();
}

/* Synchronous faults stay deliverable (blocking them would turn a fault
 * into a kill). */
void scs_async_signals(sigset_t *set)
{
	sigfillset(set);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGTRAP);
	sigdelset(set, SIGSYS);
}

/* The lock also blocks asynchronous signals on the patching thread: a
 * handler that ran a static call there could hit one of the patcher's own
 * int3s and wait for a batch that cannot finish.  The signal fallback's
 * sync signal stays open: a thread that waits here for the lock must
 * answer the holder's sync, or the holder waits for it for ever (its
 * handler runs no static call and takes no lock). */
void scs_lock(sigset_t *saved)
{
	int sig = __atomic_load_n(&scs_rt.sync_signal, __ATOMIC_ACQUIRE);
	sigset_t all;

	scs_async_signals(&all);
	if (sig)
		sigdelset(&all, sig);
	pthread_sigmask(SIG_BLOCK, &all, saved);
	if (sig) {
		pthread_mutex_lock(&scs_rt.lock);
		return;
	}
	/* With membarrier, the holder may still switch to the signal
	 * fallback (a seccomp filter installed later denies membarrier):
	 * a waiter looks again every 10 ms and opens the new sync signal. */
	for (;;) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000 * 1000;
		if (ts.tv_nsec >= 1000 * 1000 * 1000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000 * 1000 * 1000;
		}
		if (pthread_mutex_timedlock(&scs_rt.lock, &ts) != ETIMEDOUT)
			return;
		sig = __atomic_load_n(&scs_rt.sync_signal, __ATOMIC_ACQUIRE);
		if (sig) {
			sigemptyset(&all);
			if (!sigismember(saved, sig))
				sigaddset(&all, sig);
			pthread_sigmask(SIG_UNBLOCK, &all, NULL);
			pthread_mutex_lock(&scs_rt.lock);
			return;
		}
	}
}

void scs_unlock(const sigset_t *saved)
{
	pthread_mutex_unlock(&scs_rt.lock);
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}

void scs_report(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* In the middle of a batch (the signal fallback waiting for a
	 * thread), the program's reporter could make a static call whose
	 * site holds int3 or a jump-to-self: this thread would wait for
	 * itself for ever.  Such a line goes to stderr. */
	if (scs_rt.report && !atomic_load(&scs_rt.in_flight)) {
		scs_rt.report(line, scs_rt.report_arg);
		return;
	}
	fprintf(stderr, "libscs: %s\n", line);
}

void scs_set_reporter(scs_report_fn *fn, void *arg)
{
	sigset_t s;

	scs_init();
	scs_lock(&s);
	scs_rt.report = fn;
	scs_rt.report_arg = arg;
	scs_unlock(&s);
}

int scs_set_mode(enum scs_mode mode)
{
	sigset_t s;
	int err = 0;

	if (mode != SCS_MODE_INT3 && mode != SCS_MODE_STORE)
		return -EINVAL;
	scs_init();
	scs_lock(&s);
	if (scs_rt.mode_fixed && scs_rt.mode != (int)mode)
		err = -EBUSY;
	else
		scs_rt.mode = mode;
	scs_unlock(&s);
	return err;
}

enum scs_mode scs_get_mode(void)
{
	scs_init();
	return scs_rt.mode;
}

const char *scs_sync_method(void)
{
	scs_init();
	return scs_rt.sync_signal ? "signal" : "membarrier";
}

struct scs_module *scs_module_of(uintptr_t addr)
{
	struct scs_module *m;

	for (m = scs_rt.mods; m; m = m->next)
		if (scs_seg_of(m, addr, 1))
			return m;
	return NULL;
}

/* The segment of m that holds [a, a + len), or NULL. */
const struct scs_seg *scs_seg_of(const struct scs_module *m, uintptr_t a,
				 size_t len)
{
	size_t i;

	for (i = 0; i < m->nsegs; i++)
		if (a >= m->segs[i].lo && a < m->segs[i].hi &&
		    len <= m->segs[i].hi - a)
			return &m->segs[i];
	return NULL;
}

static int site_state(const struct scs_site *s)
{
	if (s->state == SCS_STATE_REFUSED)
		return SCS_STATE_REFUSED;
	return memcmp(s->cur, s->orig, s->len) ? SCS_STATE_INLINE
					       : SCS_STATE_TRAMP;
}

int scs_for_each_site(int (*fn)(const struct scs_site_info *, void *),
		      void *arg)
{
	struct scs_module *m;
	struct scs_site_info info;
	sigset_t s;
	size_t i;
	int r = 0;

	scs_init();
	scs_lock(&s);
	for (m = scs_rt.mods; m && !r; m = m->next)
		for (i = 0; i < m->nsites && !r; i++) {
			info.addr = (const void *)m->sites[i].addr;
			info.key = m->sites[i].key ? m->sites[i].key->key : NULL;
			info.kind = m->sites[i].kind;
			info.state = site_state(&m->sites[i]);
			info.len = m->sites[i].len;
			r = fn(&info, arg);
		}
	scs_unlock(&s);
	return r;
}

void scs_get_stats(struct scs_stats *st)
{
	struct scs_module *m;
	sigset_t s;
	size_t i;

	scs_init();
	scs_lock(&s);
	*st = scs_rt.st;
	st->modules = st->sites = st->sites_inline = st->sites_refused = 0;
	for (m = scs_rt.mods; m; m = m->next) {
		st->modules++;
		for (i = 0; i < m->nsites; i++) {
			int state = site_state(&m->sites[i]);

			st->sites++;
			st->sites_inline += state == SCS_STATE_INLINE;
			st->sites_refused += state == SCS_STATE_REFUSED;
		}
	}
	st->traps = atomic_load(&scs_rt.traps);
	st->traps_late = atomic_load(&scs_rt.traps_late);
	st->traps_chained = atomic_load(&scs_rt.traps_chained);
	scs_unlock(&s);
}

long __static_call_return0(void)
{
	return 0;
}
