/* An indirect call built with -mindirect-branch=thunk (gcc's retpoline):
 * the call goes through __x86_indirect_thunk_rax. */
extern int (*volatile bench_fp)(int);

__attribute__((noinline)) int loop_retpoline(int n)
{
	int (*f)(int) = bench_fp, acc = 0;

	while (n--)
		acc = f(acc);
	return acc;
}
