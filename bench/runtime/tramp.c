/* Static calls from an object that scstool never checked: its sites are
 * not in any table, so they keep calling the trampoline, which libscs
 * retargets (an out-of-line static call). */
#include <scs/static_call.h>

int bench_target(int x);
DECLARE_STATIC_CALL(bench_call, bench_target);

__attribute__((noinline)) int loop_tramp(int n)
{
	int acc = 0;

	while (n--)
		acc = static_call(bench_call)(acc);
	return acc;
}
