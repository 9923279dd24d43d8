/* Linear sweeps: the instructions of a byte range, one after another, from
 * a known instruction boundary.  A sweep answers, for each instruction, where
 * it starts, how long it is, where its opcode is, and, for a direct relative
 * branch, what kind it is and which offset it reaches.
 *
 * Users: check/boundary.c (which instruction holds a relocated field), and
 * any code that must find branches in whole sections, such as branches the
 * assembler resolved with no relocation, or branches in linked code that no
 * table entry covers.
 *
 * Only lengths and relative branches are decoded, which is what makes a
 * sweep fast (Zydis' minimal mode on x86: roughly 3-6 times Capstone 4's
 * speed).  Mnemonics, operands and disassembly text come from the detailed
 * decoder in decode.h.
 *
 * Offsets are byte offsets into the swept range (for a section: offsets in
 * the section); a caller that wants addresses adds the section's address.
 * A sweep keeps pointers into the bytes and owns nothing: it needs no close.
 * Different sweeps may run on different threads at once.
 *
 * Where lengths come from (x86): Zydis 4 in minimal mode, with AMD branch
 * semantics, plus a fallback for the few encodings Zydis 4.0 does not know
 * (see decode/sweep_x86.c for the rule and how it was measured).  They equal
 * `objdump -d`'s (binutils 2.40) on every instruction of
 * tests/fixtures/lengths-64.S and lengths-32.S (tests/t0040-lengths.sh). */
#ifndef SC_DECODE_SWEEP_H
#define SC_DECODE_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Private to the implementation: the x86 decoder state a sweep carries. */
#include <Zydis/Decoder.h>

#include "sc_err.h"

/* The instruction sets a sweep can decode.  Fixed-width architectures
 * (arm64, PowerPC) need no sweep: every aligned word is an instruction. */
enum sc_isa {
	SC_ISA_NONE,
	SC_ISA_X86_64,		/* 64-bit mode (ELFCLASS64, EM_X86_64) */
	SC_ISA_X86_32,		/* 32-bit protected mode (EM_386) */
};

/* What a direct relative branch does.  Indirect branches, returns and far
 * branches are SC_FLOW_NONE: their target is not in the bytes. */
enum sc_flow {
	SC_FLOW_NONE,
	SC_FLOW_CALL,		/* x86: E8 rel32 (rel16 with 66) */
	SC_FLOW_JMP,		/* x86: EB rel8, E9 rel32 (rel16 with 66) */
	SC_FLOW_JCC,		/* x86: 70..7F rel8, 0F 80..8F rel32 */
	SC_FLOW_LOOP,		/* x86: loop, loope, loopne, jcxz/jecxz/jrcxz
				 * (E0..E3 rel8): conditional on a count
				 * register, never patchable as a Jcc */
};

/* One decoded instruction. */
struct sc_insn {
	uint64_t offset;	/* its first byte, in the range */
	unsigned length;	/* in bytes, 1..15 on x86 */
	/* Bytes before the opcode, the opcode's escape bytes (0F, 0F 38,
	 * 0F 3A) counting as opcode: legacy prefixes and REX, and VEX, EVEX
	 * or XOP bytes.  The opcode starts at offset + opcode_at. */
	unsigned opcode_at;
	/* How many of those bytes are legacy or REX prefixes.  A branch with
	 * prefixes != 0 is not the plain form a loader patches. */
	unsigned prefixes;
	enum sc_flow flow;
	/* flow != SC_FLOW_NONE: offset + length + the signed displacement.
	 * It may lie outside the range (a branch to another section in a
	 * linked image, or garbage).  Computed at full width: the IP
	 * truncation that an operand-size prefix causes on some CPUs is not
	 * applied; such a branch has prefixes != 0. */
	int64_t target;
	/* flow != SC_FLOW_NONE: where the displacement lies, from offset,
	 * and its size in bytes (1, 2 or 4). */
	unsigned disp_at, disp_size;
};

/* The result of one step. */
enum sc_sweep_status {
	SC_SWEEP_BAD = -1,	/* the bytes at the position are no instruction
				 * the decoder knows, or one that runs past the
				 * end of the range; the sweep stays there */
	SC_SWEEP_END = 0,	/* the position is at or past the end */
	SC_SWEEP_INSN = 1,	/* an instruction was decoded */
};

/* A sweep over bytes[0..size) from a known boundary.  Fields are private;
 * read the position through sc_sweep_pos(). */
struct sc_sweep {
	enum sc_isa isa;
	const uint8_t *bytes;
	size_t size;
	uint64_t pos;		/* where the next instruction starts */
	struct sc_insn last;	/* the last one decoded, for seeks */
	bool has_last;
	ZydisDecoder zydis;
};

/* Starts a sweep at offset from, which must be an instruction boundary
 * (a function's start, a section's start).  Fails only for SC_ISA_NONE or
 * an ISA this build does not know ("no sweep for ..."). */
int sc_sweep_start(struct sc_sweep *s, enum sc_isa isa, const uint8_t *bytes,
		   size_t size, uint64_t from, struct sc_err *err);

/* Moves the sweep to another known boundary, such as the next symbol after
 * bytes that are not code. */
void sc_sweep_restart(struct sc_sweep *s, uint64_t from);

/* Where the next instruction starts (or where the sweep is stuck). */
static inline uint64_t sc_sweep_pos(const struct sc_sweep *s)
{
	return s->pos;
}

/* Decodes the instruction at the position into *insn and steps past it.
 * On SC_SWEEP_BAD, insn->offset is the position, insn->length 0, and the
 * sweep does not move. */
enum sc_sweep_status sc_sweep_next(struct sc_sweep *s, struct sc_insn *insn);

/* Steps forward to the instruction that contains byte target and copies it
 * to *insn.  target must not lie before the last instruction decoded (seeks
 * go forward; start a new sweep to go back).  SC_SWEEP_BAD: decoding stopped
 * before target, insn->offset says where.  SC_SWEEP_END: target lies past
 * the last whole instruction of the range. */
enum sc_sweep_status sc_sweep_seek(struct sc_sweep *s, uint64_t target,
				   struct sc_insn *insn);

/* The ISA's name for messages: "x86-64", "i386", "none". */
const char *sc_isa_name(enum sc_isa isa);

#endif
