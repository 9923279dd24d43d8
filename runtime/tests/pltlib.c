/* The key and the functions of the PLT test library (pltlib.S holds its
 * trampoline and its site). */
#include <stdint.h>

#include <scs/static_call.h>

__attribute__((noinline)) int plt_a(int x) { return x + 10; }
__attribute__((noinline)) int plt_b(int x) { return x + 20; }

extern int __SCT__plt_op(int);
__attribute__((visibility("hidden"))) struct static_call_key __SCK__plt_op = {
	(void *)plt_a, (void *)plt_a, (void *)__SCT__plt_op, 0
};

int plt_set(int b)
{
	return __scs_update(&__SCK__plt_op, b ? (void *)plt_b : (void *)plt_a);
}

/* The state of the library's one site: SCS_STATE_*, or -1. */
static int seen = -1;
static int state(const struct scs_site_info *i, void *arg)
{
	(void)arg;
	if (i->key == &__SCK__plt_op)
		seen = i->state;
	return 0;
}

int plt_state(void)
{
	seen = -1;
	scs_for_each_site(state, 0);
	return seen;
}
