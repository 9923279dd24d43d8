/* The call benchmark's target and the other call forms, each in a
 * function of its own that the optimiser cannot see through. */
__attribute__((noinline)) int bench_target(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

int (*volatile bench_fp)(int) = bench_target;

/* A plain indirect call, in a loop. */
__attribute__((noinline)) int loop_indirect(int n)
{
	int (*f)(int) = bench_fp, acc = 0;

	while (n--)
		acc = f(acc);
	return acc;
}

/* A direct call, in a loop. */
__attribute__((noinline)) int loop_direct(int n)
{
	int acc = 0;

	while (n--)
		acc = bench_target(acc);
	return acc;
}

/* The same loop and dependency chain with no call: what the loop itself
 * costs, to be taken out of each call's figure. */
__attribute__((noinline)) int loop_none(int n)
{
	int acc = 0;

	while (n--) {
		__asm__ volatile("" : "+r"(acc));
		acc = acc + 1;
	}
	return acc;
}
