/* A small program for the link tests: two static calls, a call site and a
 * tail site, an update.  Prints "ok SITES INLINE MODULES" when every call
 * went to the right target and every site that the int3 mode's placement
 * rule allows is inline; "FAIL ..." and exit status 1 otherwise. */
#include <stdint.h>
#include <stdio.h>

#include <scs/static_call.h>

__attribute__((noinline)) int one(int x) { return x + 1; }
__attribute__((noinline)) int two(int x) { return x + 2; }

DEFINE_STATIC_CALL(mini_call, one);
DEFINE_STATIC_CALL(mini_tail, one);

__attribute__((noinline)) int call_site(int x) { return static_call(mini_call)(x) * 2; }
__attribute__((noinline)) int tail_site(int x) { return static_call(mini_tail)(x); }

static int wrong;

static int check_site(const struct scs_site_info *i, void *arg)
{
	/* int3 mode: only a site whose first two bytes straddle a line stays
	 * on its trampoline (x86); elsewhere every site goes inline. */
	int want = SCS_STATE_INLINE;

#if defined(__x86_64__) || defined(__i386__)
	if ((uintptr_t)i->addr % 64 == 63)
		want = SCS_STATE_TRAMP;
#endif
	(void)arg;
	if (i->state != want) {
		printf("FAIL site %p state %d\n", i->addr, i->state);
		wrong++;
	}
	return 0;
}

int main(void)
{
	struct scs_stats st;

	if (call_site(1) != 4 || tail_site(1) != 2)
		printf("FAIL initial\n"), wrong++;
	if (static_call_update(mini_call, two) || static_call_update(mini_tail, two))
		printf("FAIL update\n"), wrong++;
	if (call_site(1) != 6 || tail_site(1) != 3)
		printf("FAIL updated\n"), wrong++;
	scs_for_each_site(check_site, NULL);
	scs_get_stats(&st);
	printf("%s %lu %lu %lu\n", wrong ? "FAIL" : "ok", st.sites,
	       st.sites_inline, st.modules);
	return wrong != 0;
}
