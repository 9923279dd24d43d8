/* A trampoline with default visibility in a shared library, so that the
 * library's own call to it goes through the PLT (the form a linker makes
 * for a symbol another module could replace).  libscs recognises a call to
 * a PLT entry whose GOT slot holds the trampoline.  The trampoline copies
 * the shape of <scs/static_call_arch.h> (x86-64), which libscs checks. */
	.text
	.globl __SCT__plt_op
	.type __SCT__plt_op, @function
	.p2align 5
__SCT__plt_op:
	.byte 0xe9
	.long 3
	.byte 0xcc, 0xcc, 0xcc
	.byte 0xff, 0x25
	.long __SCK__plt_op + 4 - .
	.byte 0xcc, 0xcc
	.byte 0xf3, 0x0f, 0x1e, 0xfa, 0xc3, 0xcc, 0xcc, 0xcc
	.byte 0xf3, 0x0f, 0x1e, 0xfa, 0x31, 0xc0, 0xc3, 0xcc
	.size __SCT__plt_op, 32

	.globl plt_call
	.type plt_call, @function
	.p2align 4
plt_call:
	call __SCT__plt_op@PLT
	addl $1, %eax
	ret
	.size plt_call, .-plt_call

	.pushsection .discard.scs_keyref, "", @progbits
	.long __SCK__plt_op
	.popsection
	.section .note.GNU-stack, "", @progbits
