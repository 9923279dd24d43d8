/* libscs: the trampoline of each architecture (included by
 * <scs/static_call.h>; the runtime reads the same offsets).
 *
 * Every trampoline has the same shape:
 *   +0                 the patched branch: to the target when it is in
 *                      range, else to the indirect path; initially to the
 *                      indirect path, so that calls work before the runtime
 *                      has registered the module (or when it never can);
 *   SCS_TRAMP_SLOT     the indirect path: jumps to key->slot, which always
 *                      holds a valid target;
 *   SCS_TRAMP_RET      a return stub: the NULL target;
 *   SCS_TRAMP_RET0     a stub that returns 0: the return-0 target.
 * The indirect path and the stubs are never written; only the branch at +0
 * is.  Each trampoline is aligned so that the branch never crosses a cache
 * line.  The indirect path clobbers only registers the ABI leaves free at a
 * call: none on x86 (it uses the stack), x16 on arm64 (IP0, AAPCS64 6.4.1),
 * r0 and r12 on PowerPC (volatile at calls, ELFv2 2.2.1.1 and SysV ppc32).
 */
#ifndef SCS_STATIC_CALL_ARCH_H
#define SCS_STATIC_CALL_ARCH_H

#define SCS_KEY_SLOT	__SIZEOF_POINTER__	/* offsetof(key, slot) */

#if defined(__x86_64__)

#define SCS_TRAMP_SLOT	8
#define SCS_TRAMP_RET	16
#define SCS_TRAMP_RET0	24
#define SCS_TRAMP_SIZE	32
/* +0 jmp rel32 (e9); +8 jmp *slot(%rip); +16 endbr64; ret; +24 endbr64;
 * xor %eax,%eax; ret.  The stubs start with endbr64 because the indirect
 * path may jump to them (a nop without IBT).  Raw bytes, so that the
 * assembler neither relaxes the jump nor depends on -masm. */
#define __SCS_TRAMPOLINE(name)						\
	__asm__(".pushsection .text.__SCT__" #name ",\"ax\",@progbits\n\t" \
		".balign 32\n\t"					\
		".globl __SCT__" #name "\n\t"				\
		".hidden __SCT__" #name "\n\t"				\
		".type __SCT__" #name ",@function\n"			\
		"__SCT__" #name ":\n\t"					\
		".byte 0xe9\n\t.long 3\n\t"				\
		".byte 0xcc,0xcc,0xcc\n\t"				\
		".byte 0xff,0x25\n\t.long __SCK__" #name "+4-.\n\t"	\
		".byte 0xcc,0xcc\n\t"					\
		".byte 0xf3,0x0f,0x1e,0xfa,0xc3,0xcc,0xcc,0xcc\n\t"	\
		".byte 0xf3,0x0f,0x1e,0xfa,0x31,0xc0,0xc3,0xcc\n\t"	\
		".size __SCT__" #name ",32\n\t"				\
		".popsection")

#elif defined(__i386__)

#define SCS_TRAMP_SLOT	8
#define SCS_TRAMP_RET	32
#define SCS_TRAMP_RET0	36
#define SCS_TRAMP_SIZE	48
/* +0 jmp rel32.  +8: the indirect path without a text relocation and
 * without a scratch register (i386 has no %eip-relative load):
 *   call 1f; 1: push %eax; mov 4(%esp),%eax; mov slot-1b(%eax),%eax;
 *   mov %eax,4(%esp); pop %eax; ret
 * +32 ret; +36 xor %eax,%eax; ret.  Every target is in rel32 range on
 * i386, so the indirect path runs only before registration. */
#define __SCS_TRAMPOLINE(name)						\
	__asm__(".pushsection .text.__SCT__" #name ",\"ax\",@progbits\n\t" \
		".balign 16\n\t"					\
		".globl __SCT__" #name "\n\t"				\
		".hidden __SCT__" #name "\n\t"				\
		".type __SCT__" #name ",@function\n"			\
		"__SCT__" #name ":\n\t"					\
		".byte 0xe9\n\t.long 3\n\t"				\
		".byte 0xcc,0xcc,0xcc\n\t"				\
		".byte 0xe8\n\t.long 0\n"				\
		"1:\n\t"						\
		".byte 0x50,0x8b,0x44,0x24,0x04,0x8b,0x80\n\t"		\
		".long __SCK__" #name "+4-1b\n\t"			\
		".byte 0x89,0x44,0x24,0x04,0x58,0xc3,0xcc,0xcc\n\t"	\
		".byte 0xc3,0xcc,0xcc,0xcc,0x31,0xc0,0xc3,0xcc\n\t"	\
		".fill 8,1,0xcc\n\t"					\
		".size __SCT__" #name ",48\n\t"				\
		".popsection")

#elif defined(__aarch64__)

#define SCS_TRAMP_SLOT	8
#define SCS_TRAMP_RET	20
#define SCS_TRAMP_RET0	28
#define SCS_TRAMP_SIZE	48
/* +0 b; +4 brk; +8 adrp x16, key; ldr x16, [x16, :lo12:key+8]; br x16;
 * +20 bti c; ret; +28 bti c; mov x0, #0; ret.  `bti c` (hint #34) is a
 * nop without BTI; the indirect path reaches the stubs with br x16. */
#define __SCS_TRAMPOLINE(name)						\
	__asm__(".pushsection .text.__SCT__" #name ",\"ax\",%progbits\n\t" \
		".balign 16\n\t"					\
		".globl __SCT__" #name "\n\t"				\
		".hidden __SCT__" #name "\n\t"				\
		".type __SCT__" #name ",%function\n"			\
		"__SCT__" #name ":\n\t"					\
		"b 1f\n\t"						\
		"brk #0x5c5\n"						\
		"1:\n\t"						\
		"adrp x16, __SCK__" #name "\n\t"			\
		"ldr x16, [x16, #:lo12:__SCK__" #name "+8]\n\t"	\
		"br x16\n\t"						\
		"hint #34\n\tret\n\t"					\
		"hint #34\n\tmov x0, #0\n\tret\n\t"			\
		"brk #0x5c5\n\tbrk #0x5c5\n\tbrk #0x5c5\n\t"		\
		".size __SCT__" #name ",48\n\t"				\
		".popsection")

#elif defined(__powerpc__)

#if defined(__powerpc64__)
#if !defined(_CALL_ELF) || _CALL_ELF != 2
#error "libscs supports ppc64 ELFv2 only (ELFv1 calls go through descriptors)"
#endif
#define __SCS_PPC_LOAD "ld"
#define __SCS_PPC_SLOT "8"
#else
#define __SCS_PPC_LOAD "lwz"
#define __SCS_PPC_SLOT "4"
#endif
#define SCS_TRAMP_SLOT	8
#define SCS_TRAMP_RET	44
#define SCS_TRAMP_RET0	48
#define SCS_TRAMP_SIZE	64
/* +0 b; +4 trap; +8 the indirect path, position-independent through
 * bcl 20,31 (which does not disturb the return-address predictor):
 *   mflr 0; bcl 20,31,2f; 2: mflr 12; mtlr 0;
 *   addis 12,12,(slot-2b)@ha; addi 12,12,(slot-2b)@l; ld/lwz 12,0(12);
 *   mtctr 12; bctr
 * It enters the target at its global entry with r12 = its address, as
 * ELFv2 requires.  +44 blr; +48 li 3,0; blr. */
#define __SCS_TRAMPOLINE(name)						\
	__asm__(".pushsection .text.__SCT__" #name ",\"ax\",@progbits\n\t" \
		".balign 16\n\t"					\
		".globl __SCT__" #name "\n\t"				\
		".hidden __SCT__" #name "\n\t"				\
		".type __SCT__" #name ",@function\n"			\
		"__SCT__" #name ":\n\t"					\
		"b 1f\n\t"						\
		"trap\n"						\
		"1:\n\t"						\
		"mflr 0\n\t"						\
		"bcl 20,31,2f\n"					\
		"2:\n\t"						\
		"mflr 12\n\t"						\
		"mtlr 0\n\t"						\
		"addis 12,12,(__SCK__" #name "+" __SCS_PPC_SLOT	\
			"-2b)@ha\n\t"					\
		"addi 12,12,(__SCK__" #name "+" __SCS_PPC_SLOT		\
			"-2b)@l\n\t"					\
		__SCS_PPC_LOAD " 12,0(12)\n\t"			\
		"mtctr 12\n\t"						\
		"bctr\n\t"						\
		"blr\n\t"						\
		"li 3,0\n\tblr\n\t"					\
		"trap\n\ttrap\n\n\t"				\
		".size __SCT__" #name ",64\n\t"				\
		".popsection")

#else
#error "libscs: unsupported architecture (x86-64, i386, arm64, ppc64le, ppc32)"
#endif

#endif
