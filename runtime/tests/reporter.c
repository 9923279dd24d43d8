/* A reporter that makes static calls (tests/t0156-runtime-reporter.sh): a
 * program routes libscs's reports to its own logger, which is a static
 * call.  With SCS_SYNC=signal and a thread that blocks every signal for
 * 1.5 seconds, the fallback reports "waiting for a thread" in the middle
 * of a batch that retargets the logger itself: the report must not reach
 * a site that the batch holds (int3 or jump-to-self), where the patching
 * thread would wait for itself for ever.  Prints "ok" when the update
 * returned and every call went to the right target. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <scs/static_call.h>

static int logged_a, logged_b;

static void log_a(const char *line) { (void)line; logged_a++; }
static void log_b(const char *line) { (void)line; logged_b++; }

DEFINE_STATIC_CALL(logger, log_a);

__attribute__((noinline)) static void log_line(const char *line)
{
	static_call(logger)(line);
}

static void reporter(const char *line, void *arg)
{
	(void)arg;
	log_line(line);
}

static volatile int blocking;

static void *stubborn(void *arg)
{
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	blocking = 1;
	usleep(1500 * 1000);
	pthread_sigmask(SIG_UNBLOCK, &all, NULL);
	return NULL;
}

int main(void)
{
	pthread_t t;
	int err;

	scs_set_reporter(reporter, NULL);
	log_line("before");
	pthread_create(&t, NULL, stubborn, NULL);
	while (!blocking)
		usleep(1000);
	err = static_call_update(logger, log_b);
	pthread_join(t, NULL);
	log_line("after");
	printf("update %d sync %s logged %d %d\n", err, scs_sync_method(),
	       logged_a, logged_b);
	if (err || logged_a != 1 || logged_b != 1)
		return 1;
	printf("ok\n");
	return 0;
}
