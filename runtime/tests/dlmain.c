/* dlopen a library with its own table, update its static calls (one to a
 * function of the executable, which is out of rel32 range of the library
 * on x86-64 and goes through the trampoline's slot), close it, open it
 * again.  The executable has a static call of its own throughout.
 * Prints "ok" or FAIL lines. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

#include <scs/static_call.h>

static int wrong;
#define CHECK(c, ...) do { if (!(c)) { printf("FAIL " __VA_ARGS__); printf("\n"); wrong++; } } while (0)

__attribute__((noinline)) int main_a(int x) { return x - 1; }
__attribute__((noinline)) int main_b(int x) { return x - 2; }
DEFINE_STATIC_CALL(main_op, main_a);
__attribute__((noinline)) int main_site(int x) { return static_call(main_op)(x) * 2; }

struct counts { uintptr_t lo, hi; int in, inl; };

static int count(const struct scs_site_info *i, void *arg)
{
	struct counts *c = arg;

	if ((uintptr_t)i->addr >= c->lo && (uintptr_t)i->addr < c->hi) {
		c->in++;
		c->inl += i->state == SCS_STATE_INLINE;
	}
	return 0;
}

/* Sites of the library (those between its lib_add and the end of its
 * lib_tail): all there, and inline unless their first two bytes straddle
 * a cache line. */
static void lib_sites(void *h, int want, const char *when)
{
	struct counts c = { 0, 0, 0, 0 };

	c.lo = (uintptr_t)dlsym(h, "lib_add");
	c.hi = (uintptr_t)dlsym(h, "lib_set");
	scs_for_each_site(count, &c);
	CHECK(c.in == want && c.inl >= want - 1, "%s: %d lib sites, %d inline", when, c.in, c.inl);
}

static void round_trip(const char *lib, const char *when)
{
	void *h = dlopen(lib, RTLD_NOW);
	int (*call)(int), (*tail)(int), (*set)(int, int (*)(int));
	struct scs_stats st;

	if (!h) {
		printf("FAIL dlopen: %s\n", dlerror());
		wrong++;
		return;
	}
	call = (int (*)(int))dlsym(h, "lib_call");
	tail = (int (*)(int))dlsym(h, "lib_tail");
	set = (int (*)(int, int (*)(int)))dlsym(h, "lib_set");
	scs_get_stats(&st);
	CHECK(st.modules == 2, "%s: %lu modules", when, st.modules);
	lib_sites(h, 2, when);
	CHECK(call(1) == 12 && tail(1) == 11, "%s: initial", when);
	CHECK(set(1, NULL) == 0 && call(2) == 21 && tail(2) == 20, "%s: mul", when);
	CHECK(set(2, main_b) == 0 && call(5) == 4 && tail(5) == 3, "%s: main_b", when);
	CHECK(set(0, NULL) == 0 && call(1) == 12, "%s: back", when);
	lib_sites(h, 2, when);
	CHECK(main_site(5) == 8 || main_site(5) == 6, "%s: main_site", when);
	CHECK(dlclose(h) == 0, "%s: dlclose", when);
	scs_get_stats(&st);
	CHECK(st.modules == 1, "%s: %lu modules after dlclose", when, st.modules);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	CHECK(main_site(5) == 8, "main initial");
	round_trip(argv[1], "first");
	CHECK(static_call_update(main_op, main_b) == 0 && main_site(5) == 6, "main update");
	round_trip(argv[1], "second");
	printf(wrong ? "FAIL\n" : "ok\n");
	return wrong != 0;
}
