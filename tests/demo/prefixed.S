/* A site the loader cannot patch: a prefix byte before the call opcode
 * (gas drops a `cs` prefix on call, so it is written out). */
	.text
	.globl	bad_call
	.type	bad_call, @function
bad_call:
	.byte	0x2e
	call	__SCT__log_event
	ret
	.size	bad_call, .-bad_call

	.data
	.globl	__SCK__log_event
__SCK__log_event:
	.quad	0
