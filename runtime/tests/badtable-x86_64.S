/* Table entries libscs must refuse (linked without scstool, which would
 * rightly call this table stale): a site in data, a site that is not a
 * branch, a call that does not reach the trampoline, a call whose entry
 * has the tail flag, and a key in text.  Each points at this file's code,
 * which is never run. */
	.text
	.globl bad_fn
	.type bad_fn, @function
bad_fn:
1:	nop
2:	call good
3:	call __SCT__t_op
	ret
	.size bad_fn, .-bad_fn

	.data
bad_data:
	.long 0

	.section .static_call_sites,"aw",@progbits
	.long bad_data - .
	.long __SCK__t_op - .
	.long 1b - .
	.long __SCK__t_op - .
	.long 2b - .
	.long __SCK__t_op - .
	.long 3b - .
	.long __SCK__t_op + 1 - .
	.long 3b - .
	.long bad_fn - .
	.section .note.GNU-stack,"",@progbits
