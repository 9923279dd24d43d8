/* The example object of `make demo`: static calls written the way the
 * kernel's static_call() expands them, a call through a __SCT__ trampoline
 * whose current target lives in a __SCK__ key. */

struct static_call_key {
	void *func;
};

#define DEFINE_STATIC_CALL_KEY(name) struct static_call_key __SCK__##name

DEFINE_STATIC_CALL_KEY(log_event);
DEFINE_STATIC_CALL_KEY(pick_cpu);

extern void __SCT__log_event(int event);
extern int __SCT__pick_cpu(int hint);

int handle_event(int event);
int choose_cpu(int hint);
void *log_target(void);

/* A call: the loader may turn it into a 5-byte nop. */
int handle_event(int event)
{
	__SCT__log_event(event);
	return event + 1;
}

/* A tail call: the compiler emits `jmp __SCT__pick_cpu`. */
int choose_cpu(int hint)
{
	return __SCT__pick_cpu(hint * 2);
}

/* Taking the trampoline's address is no call site. */
void *log_target(void)
{
	return (void *)__SCT__log_event;
}

/* A conditional tail call, as the kernel's code can contain since 6.2. */
__asm__(".pushsection .text.maybe_pick,\"ax\",@progbits\n"
	".globl maybe_pick\n"
	".type maybe_pick, @function\n"
	"maybe_pick:\n"
	"	test %edi, %edi\n"
	"	jne __SCT__pick_cpu\n"
	"	ret\n"
	".size maybe_pick, .-maybe_pick\n"
	".popsection\n");
