/* Sites the compilers do not emit from C, for the tests: conditional tail
 * calls (Jcc rel32, tbnz, bc; gcc 12 and clang 14 never emit them), and
 * tail calls on PowerPC (clang never tail-calls a function outside the
 * file there).  COND_SITES (-D on the command line) lists
 *   COND_SITE(fn, key): void fn(int x) { if (x & 1) static_call(key)(x); }
 *   TAIL_SITE(fn, key): int fn(int x) { return static_call(key)(x); }
 * Each names its key in .discard.scs_keyref for scstool, as static_call()
 * does in C. */
#if defined(__aarch64__)
#define PROGBITS %progbits
#define FUNC %function
#else
#define PROGBITS @progbits
#define FUNC @function
#endif
#define KEYREF(key) \
	.pushsection .discard.scs_keyref,"",PROGBITS; .long __SCK__##key; .popsection

#if defined(__x86_64__)
#define BODY(key) test $1, %dil; jne __SCT__##key; ret
#define TAIL(key) jmp __SCT__##key
#elif defined(__i386__)
#define BODY(key) testl $1, 4(%esp); jne __SCT__##key; ret
#define TAIL(key) jmp __SCT__##key
#elif defined(__aarch64__)
#define BODY(key) tbnz w0, #0, __SCT__##key; ret
#define TAIL(key) b __SCT__##key
#elif defined(__powerpc__)
#define BODY(key) andi. 4, 3, 1; bne 0, __SCT__##key; blr
#define TAIL(key) b __SCT__##key
#endif

#define COND_SITE(fn, key) \
	.globl fn; .type fn, FUNC; .p2align 4; fn: BODY(key); \
	.size fn, .-fn; KEYREF(key)
#define TAIL_SITE(fn, key) \
	.globl fn; .type fn, FUNC; .p2align 4; fn: TAIL(key); \
	.size fn, .-fn; KEYREF(key)

	.text
#ifdef COND_SITES
	COND_SITES
#endif
	.section .note.GNU-stack,"",PROGBITS
