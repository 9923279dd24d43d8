// libscs from C++ (tests/t0150-runtime-cxx.sh): the header's macros in a
// C++ translation unit, a static call defined inside a namespace and used
// from a template, every kind of target and the batch form.  Exits 0 when
// every call reached the right target and every site went inline.
#include <cstdio>
#include <scs/static_call.h>

namespace calc {
int add1(int x) { return x + 1; }
int add2(int x) { return x + 2; }
DEFINE_STATIC_CALL(op, add1);
template <typename T> __attribute__((noinline)) T twice(T x)
{
	return static_call(op)(x) + static_call(op)(x);
}
// The macros paste the name: a call defined in a namespace is named from
// inside it.
int retarget(int (*f)(int)) { return static_call_update(op, f); }
bool is(int (*f)(int)) { return static_call_query(op) == f; }
struct static_call_update batch_entry(int (*f)(int))
{
	return STATIC_CALL_UPDATE(op, f);
}
}

struct Obj { int v; };
static int get(const Obj &o) { return o.v; }
static int get2(const Obj &o) { return o.v * 2; }
static int hooked;
static void hook(int x) { hooked += x; }

DEFINE_STATIC_CALL(getter, get);
DEFINE_STATIC_CALL_NULL(notify, hook);
DEFINE_STATIC_CALL_RET0(zero, calc::add1);

__attribute__((noinline)) int use(const Obj &o)
{
	static_call_cond(notify)(1);
	return static_call(getter)(o);
}
__attribute__((noinline)) int use0(int x) { return static_call(zero)(x) + 7; }

static int bad;
static void want(const char *what, int got, int exp)
{
	if (got != exp) {
		std::printf("FAIL %s: %d, want %d\n", what, got, exp);
		bad++;
	}
}

static int count_inline(const struct scs_site_info *i, void *arg)
{
	if (i->state == SCS_STATE_INLINE)
		++*static_cast<int *>(arg);
	return 0;
}

int main()
{
	Obj o{21};
	want("init op", calc::twice(1), 4);
	want("init getter", use(o), 21);
	want("init zero", use0(5), 7);
	want("init notify", hooked, 0);
	if (calc::retarget(calc::add2) ||
	    static_call_update(getter, get2) ||
	    static_call_update(notify, hook) ||
	    static_call_update(zero, calc::add2))
		return 2;
	want("update op", calc::twice(1), 6);
	want("update getter", use(o), 42);
	want("update zero", use0(5), 14);
	want("update notify", hooked, 1);
	struct static_call_update u[] = {
		calc::batch_entry(calc::add1),
		STATIC_CALL_UPDATE(notify, nullptr),
		STATIC_CALL_UPDATE(zero, (int (*)(int))(void *)__static_call_return0),
	};
	if (static_call_update_batch(u, 3))
		return 2;
	want("batch op", calc::twice(1), 4);
	want("batch notify", (use(o), hooked), 1);
	want("batch zero", use0(5), 7);
	want("query", calc::is(calc::add1), 1);
	int n = 0;
	scs_for_each_site(count_inline, &n);
	struct scs_stats st;
	scs_get_stats(&st);
	std::printf("sites %lu inline %d\n", st.sites, n);
	return bad;
}
