/* A shared library with static calls of its own, for the dlopen test.  Its
 * keys are hidden: the library updates them itself, behind exported
 * functions (a static call is defined and used within one module). */
#include <scs/static_call.h>

__attribute__((noinline)) int lib_add(int x) { return x + 10; }
__attribute__((noinline)) int lib_mul(int x) { return x * 10; }

DEFINE_STATIC_CALL(lib_op, lib_add);

__attribute__((noinline)) int lib_call(int x) { return static_call(lib_op)(x) + 1; }
__attribute__((noinline)) int lib_tail(int x) { return static_call(lib_op)(x); }

/* 0: lib_add, 1: lib_mul, else the function f (of any module). */
int lib_set(int which, int (*f)(int))
{
	return static_call_update(lib_op, which == 0 ? lib_add
					  : which == 1 ? lib_mul : f);
}
