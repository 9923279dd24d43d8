/* Loads the PLT test library: its site, a call through a PLT entry to its
 * trampoline, goes inline when the GOT slot holds the trampoline (bound
 * now), and is refused (left working through the PLT) when it does not
 * (lazy binding, not yet resolved when the library registers).
 * Usage: pltmain LIB inline|refused.  Prints ok or FAIL. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <scs/static_call.h>

int main(int argc, char **argv)
{
	void *h;
	int (*call)(int), (*set)(int), (*state)(void);
	int want, wrong = 0;

	if (argc != 3)
		return 2;
	want = !strcmp(argv[2], "inline") ? SCS_STATE_INLINE : SCS_STATE_REFUSED;
	/* RTLD_NOW fills the GOT slot before the library's constructor runs;
	 * RTLD_LAZY leaves it pointing back into the PLT. */
	h = dlopen(argv[1], want == SCS_STATE_INLINE ? RTLD_NOW : RTLD_LAZY);
	if (!h) {
		printf("FAIL %s\n", dlerror());
		return 1;
	}
	call = (int (*)(int))dlsym(h, "plt_call");
	set = (int (*)(int))dlsym(h, "plt_set");
	state = (int (*)(void))dlsym(h, "plt_state");
	if (state() != want)
		printf("FAIL state %d, want %d\n", state(), want), wrong++;
	if (call(1) != 12 || set(1) || call(1) != 22 || set(0) || call(1) != 12)
		printf("FAIL calls\n"), wrong++;
	if (state() != want)
		printf("FAIL state after updates %d\n", state()), wrong++;
	printf(wrong ? "FAIL\n" : "ok\n");
	return wrong != 0;
}
