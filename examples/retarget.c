/* examples/retarget.c: static calls in an ordinary program (make demo).
 *
 * A worker thread checksums messages and logs through two static calls.
 * While it runs, the main thread switches the checksum to another
 * function, turns logging on and off (a NULL target), and switches both
 * back in one batch.  Each call site is patched inline: no indirect call,
 * no load of a function pointer.
 *
 * Build (see README, "Static calls in your own program"):
 *   cc -O2 $(pkg-config --cflags scs) -c retarget.c
 *   scstool check retarget.o
 *   cc -o retarget retarget.o $(pkg-config --libs scs)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <scs/static_call.h>

static unsigned sum_bytes(const char *s)
{
	unsigned h = 0;

	while (*s)
		h += (unsigned char)*s++;
	return h;
}

static unsigned sum_fnv1a(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static atomic_ulong logged;

static void log_line(unsigned sum)
{
	if (atomic_fetch_add(&logged, 1) < 3)
		printf("  worker: checksum %08x\n", sum);
}

DEFINE_STATIC_CALL(checksum, sum_bytes);
DEFINE_STATIC_CALL_NULL(log_sum, log_line);

static atomic_int stop;
static atomic_ulong done;

static void *worker(void *arg)
{
	const char *msg = arg;

	while (!atomic_load(&stop)) {
		unsigned h = static_call(checksum)(msg);

		static_call_cond(log_sum)(h);
		atomic_fetch_add(&done, 1);
	}
	return NULL;
}

static int show_site(const struct scs_site_info *i, void *arg)
{
	static const char *state[] = { "on its trampoline", "inline",
				       "refused" };
	const unsigned char *b = i->addr;
	unsigned j;

	(void)arg;
	printf("  site %p: ", i->addr);
	for (j = 0; j < i->len; j++)
		printf("%02x ", b[j]);
	printf("(%s)\n", state[i->state]);
	return 0;
}

static void pause_ms(unsigned ms)
{
	usleep(ms * 1000);
}

int main(void)
{
	static char msg[] = "static calls in an ordinary program";
	struct static_call_update back[] = {
		STATIC_CALL_UPDATE(checksum, sum_bytes),
		STATIC_CALL_UPDATE(log_sum, NULL),
	};
	pthread_t t;
	int err;

	printf("mode %s, sync by %s\n",
	       scs_get_mode() == SCS_MODE_STORE ? "store" : "int3",
	       scs_sync_method());
	scs_for_each_site(show_site, NULL);
	pthread_create(&t, NULL, worker, msg);
	pause_ms(50);

	printf("checksum -> sum_fnv1a, log_sum -> log_line (worker running)\n");
	err = static_call_update(checksum, sum_fnv1a);
	pause_ms(10);
	err = err ? err : static_call_update(log_sum, log_line);
	for (int i = 0; i < 1000 && atomic_load(&logged) < 3; i++)
		pause_ms(1);
	scs_for_each_site(show_site, NULL);

	printf("log_sum -> NULL, checksum -> sum_bytes, in one batch\n");
	err = err ? err : static_call_update_batch(back, 2);
	pause_ms(50);
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	scs_for_each_site(show_site, NULL);
	printf("checksum is %s; %lu calls while retargeting, %lu logged\n",
	       static_call_query(checksum) == sum_bytes ? "sum_bytes" : "?",
	       atomic_load(&done), atomic_load(&logged));
	return err ? 1 : 0;
}
