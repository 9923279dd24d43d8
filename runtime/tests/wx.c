/* A W^X policy, simulated with a seccomp filter that makes mprotect()
 * fail with EACCES whenever it asks for PROT_WRITE and PROT_EXEC together
 * (what SELinux's execmem denial does).
 *   wx late:  the policy starts after the sites were patched: an update
 *             that must write text fails with -EACCES and changes nothing.
 *   wx early: the policy starts before libscs registers the program (a
 *             constructor of priority 101): the sites stay on their
 *             trampolines, reported once, and updates go through the slot.
 * Prints "ok" or FAIL lines. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <scs/static_call.h>

static int wrong;
#define CHECK(c, ...) do { if (!(c)) { printf("FAIL " __VA_ARGS__); printf("\n"); wrong++; } } while (0)

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define ARCH AUDIT_ARCH_I386
#endif

static void deny_wx(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 0, 6),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, PROT_WRITE | PROT_EXEC),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROT_WRITE | PROT_EXEC, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("seccomp");
		exit(2);
	}
}

__attribute__((noinline)) int one(int x) { return x + 1; }
__attribute__((noinline)) int two(int x) { return x + 2; }
DEFINE_STATIC_CALL(w_op, one);
__attribute__((noinline)) int site(int x) { return static_call(w_op)(x) * 2; }

static int first_state = -1;
static unsigned char first_bytes[5];

static int record(const struct scs_site_info *i, void *arg)
{
	(void)arg;
	first_state = i->state;
	memcpy(first_bytes, i->addr, 5);
	return 1;
}

__attribute__((constructor(101))) static void early(void)
{
	const char *m = getenv("WX");

	if (m && !strcmp(m, "early"))
		deny_wx();
}

int main(void)
{
	const char *m = getenv("WX");
	unsigned char before[5];
	int r;

	scs_for_each_site(record, NULL);
	if (m && !strcmp(m, "late")) {
		CHECK(first_state == SCS_STATE_INLINE, "late: site inline at start");
		memcpy(before, first_bytes, 5);
		deny_wx();
		r = static_call_update(w_op, two);
		CHECK(r == -EACCES, "late: update returned %d", r);
		CHECK(static_call_query(w_op) == one, "late: key changed");
		CHECK(site(1) == 4, "late: call went elsewhere");
		scs_for_each_site(record, NULL);
		CHECK(!memcmp(before, first_bytes, 5), "late: site bytes changed");
		CHECK(first_state == SCS_STATE_INLINE, "late: site state changed");
	} else {
		CHECK(first_state == SCS_STATE_TRAMP, "early: site not on its trampoline");
		r = static_call_update(w_op, two);
		CHECK(r == 0, "early: update returned %d", r);
		CHECK(site(1) == 6, "early: call not through the slot");
		CHECK(static_call_update(w_op, NULL) == 0, "early: NULL");
		CHECK(static_call_update(w_op, one) == 0 && site(1) == 4, "early: back");
	}
	printf(wrong ? "FAIL\n" : "ok\n");
	return wrong != 0;
}
