/* libscs and signals.
 *   signals chain    a SIGTRAP handler of the program's own (installed after
 *                    libscs, which then puts its handler in front at the
 *                    next update) still gets every SIGTRAP that is not
 *                    libscs's: an int3 of its own and a raise(SIGTRAP);
 *                    libscs's own traps never reach it.
 *   signals default  with no handler of the program's, a foreign int3
 *                    still kills the process with SIGTRAP.
 *   signals fork     a thread updates static calls without pause while
 *                    the main thread forks: each child finds every site
 *                    whole (no int3, no jump-to-self), its text read-only,
 *                    its calls right, and can update static calls itself.
 *   signals stuck    (with SCS_SYNC=signal) a thread blocks every signal,
 *                    the fallback's too, so an update waits for it for ever;
 *                    SIGTERM must still end the process.
 * Prints "ok" or FAIL lines. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scs/static_call.h>

static int wrong;
#define CHECK(c, ...) do { if (!(c)) { printf("FAIL " __VA_ARGS__); printf("\n"); fflush(stdout); wrong++; } } while (0)

__attribute__((noinline)) int one(int x) { return x + 1; }
__attribute__((noinline)) int two(int x) { return x + 2; }
DEFINE_STATIC_CALL(s_op, one);
__attribute__((noinline)) int site(int x) { return static_call(s_op)(x) * 2; }
__attribute__((noinline)) int tail(int x) { return static_call(s_op)(x); }

static volatile sig_atomic_t user_traps;

static void user_handler(int sig)
{
	(void)sig;
	user_traps++;
}

static void int3(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("int3");
#endif
}

static atomic_int stop;

static void *updater(void *arg)
{
	unsigned long n = 0;

	(void)arg;
	while (!atomic_load(&stop))
		static_call_update(s_op, n++ & 1 ? one : two);
	return NULL;
}

static void *caller(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		int r = site(1);

		if (r != 4 && r != 6)
			atomic_store(&stop, 2);
	}
	return NULL;
}

static int chain(void)
{
	pthread_t u, c;
	int i;

	signal(SIGTRAP, user_handler);	/* replaces libscs's handler */
	int3();
	CHECK(user_traps == 1, "own int3 before any update: %d", user_traps);
	CHECK(static_call_update(s_op, two) == 0, "update");
	int3();
	CHECK(user_traps == 2, "own int3 after libscs reinstalled: %d", user_traps);
	raise(SIGTRAP);
	CHECK(user_traps == 3, "raise(SIGTRAP): %d", user_traps);
	pthread_create(&c, NULL, caller, NULL);
	pthread_create(&u, NULL, updater, NULL);
	for (i = 0; i < 200; i++)
		usleep(1000);
	atomic_fetch_add(&stop, 1);
	pthread_join(u, NULL);
	pthread_join(c, NULL);
	CHECK(stop == 1, "a call went astray");
	CHECK(user_traps == 3, "libscs's traps reached the program: %d", user_traps);
	return 0;
}

/* In a child: no site is being patched, the text is read-only. */
static int whole(const struct scs_site_info *i, void *arg)
{
	const unsigned char *b = i->addr;

	(void)arg;
	if (b[0] == 0xcc || (b[0] == 0xeb && b[1] == 0xfe))
		return 1;
	return 0;
}

static int text_writable(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi, a = (unsigned long)(uintptr_t)site;
	char perm[8];
	int w = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) == 3 &&
		    a >= lo && a < hi)
			w = perm[1] == 'w';
	if (f)
		fclose(f);
	return w;
}

static int child(void)
{
	int bad = 0;

	alarm(20);	/* a child stuck on a half-done batch fails, not hangs */
	if (scs_for_each_site(whole, NULL))
		bad |= 1;
	if (text_writable() != 0)
		bad |= 2;
	if ((site(1) != 4 && site(1) != 6) || (tail(1) != 2 && tail(1) != 3))
		bad |= 4;
	if (static_call_update(s_op, one) || site(1) != 4)
		bad |= 8;
	_exit(bad);
}

static int forks(void)
{
	pthread_t u;
	int i, st, bad = 0;

	pthread_create(&u, NULL, updater, NULL);
	for (i = 0; i < 300; i++) {
		pid_t p = fork();

		if (p == 0)
			child();
		if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) ||
		    WEXITSTATUS(st)) {
			if (bad++ < 5)
				printf("FAIL child %d: status %#x\n", i, st);
		}
	}
	atomic_store(&stop, 1);
	pthread_join(u, NULL);
	CHECK(!bad, "%d children of 300 saw a half-done update", bad);
	return 0;
}

/* A worker that blocks every signal, the fallback's included: SIGTERM can
 * then only reach the updating thread, which holds the patch lock. */
static void *blocker(void *arg)
{
	sigset_t s;

	(void)arg;
	sigfillset(&s);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	atomic_store(&stop, 1);
	for (;;)
		pause();
	return NULL;
}

static int stuck(void)
{
	pthread_t t;

	pthread_create(&t, NULL, blocker, NULL);
	while (!atomic_load(&stop))
		usleep(1000);
	printf("updating\n");
	fflush(stdout);
	static_call_update(s_op, two);	/* waits for the blocker for ever */
	printf("FAIL the update returned\n");
	return 1;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	if (!strcmp(m, "chain"))
		chain();
	else if (!strcmp(m, "default")) {
		static_call_update(s_op, two);
		int3();
		printf("FAIL survived a foreign int3\n");
		return 1;
	} else if (!strcmp(m, "fork"))
		forks();
	else if (!strcmp(m, "stuck"))
		return stuck();
	else
		return 2;
	printf(wrong ? "FAIL\n" : "ok\n");
	return wrong != 0;
}
