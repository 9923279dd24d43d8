/* Sites the runtime must refuse: one whose bytes another writer changed
 * after start-up, and (badtable.S) table entries that point at data, at a
 * non-branch, at a branch elsewhere, or carry the wrong tail flag.  Each is
 * reported once and never written; every other site keeps working.
 * Prints the reports (via scs_set_reporter) as "report ..." lines, then
 * "ok" or FAIL lines. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scs/static_call.h>

static int wrong, reports;
#define CHECK(c, ...) do { if (!(c)) { printf("FAIL " __VA_ARGS__); printf("\n"); wrong++; } } while (0)

__attribute__((noinline)) int good(int x) { return x + 1; }
__attribute__((noinline)) int better(int x) { return x + 2; }
__attribute__((noinline)) int rogue(int x) { return x + 666; }

DEFINE_STATIC_CALL(t_op, good);

__attribute__((noinline)) int site_a(int x) { return static_call(t_op)(x) * 2; }
__attribute__((noinline)) int site_b(int x) { return static_call(t_op)(x) * 3; }

static void report(const char *line, void *arg)
{
	(void)arg;
	printf("report %s\n", line);
	reports++;
}

static const void *site_b_addr;

static int find_b(const struct scs_site_info *i, void *arg)
{
	(void)arg;
	if ((uintptr_t)i->addr > (uintptr_t)site_b &&
	    (uintptr_t)i->addr < (uintptr_t)site_b + 32)
		site_b_addr = i->addr;
	return 0;
}

/* Another writer changes site_b's call to go to rogue(). */
static void tamper(void)
{
	uintptr_t a = (uintptr_t)site_b_addr, pg = a & ~(uintptr_t)4095;
	int32_t rel = (int32_t)((uintptr_t)rogue - (a + 5));

	mprotect((void *)pg, 8192, PROT_READ | PROT_WRITE | PROT_EXEC);
	memcpy((void *)(a + 1), &rel, 4);
	mprotect((void *)pg, 8192, PROT_READ | PROT_EXEC);
}

int main(void)
{
	struct scs_stats st;
	unsigned char before[5];
	int r;

	scs_get_stats(&st);
	printf("registered %lu refused %lu\n", st.sites, st.sites_refused);
	scs_set_reporter(report, NULL);
	scs_for_each_site(find_b, NULL);
	CHECK(site_b_addr, "no site in site_b");
	if (!site_b_addr)
		return 1;
	tamper();
	memcpy(before, site_b_addr, 5);
	CHECK(site_b(1) == 667 * 3, "tampered site_b goes to rogue");
	r = static_call_update(t_op, better);
	CHECK(r == 0, "update returns %d", r);
	CHECK(site_a(1) == 6, "site_a updated");
	CHECK(!memcmp(before, site_b_addr, 5), "tampered site rewritten");
	CHECK(reports == 1, "%d reports after the first update", reports);
	r = static_call_update(t_op, good);
	CHECK(r == 0 && site_a(1) == 4, "second update");
	CHECK(!memcmp(before, site_b_addr, 5), "tampered site rewritten later");
	CHECK(reports == 1, "%d reports after the second update", reports);
	scs_get_stats(&st);
	printf("refused %lu\n", st.sites_refused);
	printf(wrong ? "FAIL\n" : "ok\n");
	return wrong != 0;
}
