#include "sweep.h"

#include <Zydis/Zydis.h>
#include <string.h>

#include "x86_len.h"

const char *sc_isa_name(enum sc_isa isa)
{
	switch (isa) {
	case SC_ISA_X86_64:
		return "x86-64";
	case SC_ISA_X86_32:
		return "i386";
	case SC_ISA_NONE:
		break;
	}
	return "none";
}

/* Minimal mode decodes lengths, prefixes and immediates only, which is all
 * a sweep needs.  AMD branch semantics: an operand-size prefix gives a near
 * call, jmp or Jcc a 16-bit displacement in 64-bit mode, as gas assembles
 * `data16 call` and as objdump decodes it; Intel CPUs ignore the prefix
 * there and read 32 bits.  The assembler's layout is what a sweep must
 * follow, so the AMD reading is the one that stays on its boundaries (such
 * a branch is prefixed, and never patched either way). */
static int x86_init(struct sc_sweep *s, struct sc_err *err)
{
	bool long_mode = s->isa == SC_ISA_X86_64;

	if (!ZYAN_SUCCESS(ZydisDecoderInit(&s->zydis,
		    long_mode ? ZYDIS_MACHINE_MODE_LONG_64 :
				ZYDIS_MACHINE_MODE_LEGACY_32,
		    long_mode ? ZYDIS_STACK_WIDTH_64 : ZYDIS_STACK_WIDTH_32)) ||
	    !ZYAN_SUCCESS(ZydisDecoderEnableMode(&s->zydis,
		    ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE)) ||
	    !ZYAN_SUCCESS(ZydisDecoderEnableMode(&s->zydis,
		    ZYDIS_DECODER_MODE_AMD_BRANCHES, ZYAN_TRUE)))
		return sc_errf(err, "zydis: cannot set up a decoder for %s",
			       sc_isa_name(s->isa));
	return 0;
}

int sc_sweep_start(struct sc_sweep *s, enum sc_isa isa, const uint8_t *bytes,
		   size_t size, uint64_t from, struct sc_err *err)
{
	memset(s, 0, sizeof(*s));
	s->isa = isa;
	s->bytes = bytes;
	s->size = size;
	s->pos = from;
	switch (isa) {
	case SC_ISA_X86_64:
	case SC_ISA_X86_32:
		return x86_init(s, err);
	case SC_ISA_NONE:
		break;
	}
	return sc_errf(err, "no instruction sweep for %s", sc_isa_name(isa));
}

void sc_sweep_restart(struct sc_sweep *s, uint64_t from)
{
	s->pos = from;
	s->has_last = false;
}

/* The direct relative branches, by their opcode bytes. */
static enum sc_flow x86_flow(const ZydisDecodedInstruction *zi)
{
	if (zi->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY ||
	    !zi->raw.imm[0].is_relative)
		return SC_FLOW_NONE;
	if (zi->opcode_map == ZYDIS_OPCODE_MAP_0F)
		return zi->opcode >= 0x80 && zi->opcode <= 0x8f ?
		       SC_FLOW_JCC : SC_FLOW_NONE;
	if (zi->opcode_map != ZYDIS_OPCODE_MAP_DEFAULT)
		return SC_FLOW_NONE;
	if (zi->opcode == 0xe8)
		return SC_FLOW_CALL;
	if (zi->opcode == 0xe9 || zi->opcode == 0xeb)
		return SC_FLOW_JMP;
	if (zi->opcode >= 0x70 && zi->opcode <= 0x7f)
		return SC_FLOW_JCC;
	if (zi->opcode >= 0xe0 && zi->opcode <= 0xe3)
		return SC_FLOW_LOOP;
	return SC_FLOW_NONE;
}

/* Bytes before the opcode: the prefixes, then any VEX/EVEX/XOP bytes. */
static unsigned x86_opcode_at(const ZydisDecodedInstruction *zi)
{
	switch (zi->encoding) {
	case ZYDIS_INSTRUCTION_ENCODING_VEX:
		return zi->raw.vex.offset + zi->raw.vex.size;
	case ZYDIS_INSTRUCTION_ENCODING_XOP:
		return zi->raw.xop.offset + 3u;
	case ZYDIS_INSTRUCTION_ENCODING_EVEX:
		return zi->raw.evex.offset + 4u;
	case ZYDIS_INSTRUCTION_ENCODING_MVEX:
		return zi->raw.mvex.offset + 4u;
	default:
		return zi->raw.prefix_count;
	}
}

static void x86_fill(const ZydisDecodedInstruction *zi, struct sc_insn *insn)
{
	insn->length = zi->length;
	insn->prefixes = zi->raw.prefix_count;
	insn->opcode_at = x86_opcode_at(zi);
	insn->flow = x86_flow(zi);
	if (insn->flow == SC_FLOW_NONE)
		return;
	insn->disp_at = zi->raw.imm[0].offset;
	insn->disp_size = zi->raw.imm[0].size / 8;
	insn->target = (int64_t)(insn->offset + insn->length) +
		       zi->raw.imm[0].value.s;
}

static enum sc_sweep_status x86_next(struct sc_sweep *s, struct sc_insn *insn)
{
	const uint8_t *code = s->bytes + s->pos;
	size_t left = s->size - s->pos;
	ZydisDecodedInstruction zi;
	struct sc_x86_layout fb;

	if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&s->zydis, NULL, code,
						       left, &zi))) {
		x86_fill(&zi, insn);
		return SC_SWEEP_INSN;
	}
	if (sc_x86_fallback_len(code, left, s->isa == SC_ISA_X86_64, &fb)) {
		insn->length = fb.length;
		insn->opcode_at = fb.opcode_at;
		insn->prefixes = fb.prefixes;
		return SC_SWEEP_INSN;
	}
	return SC_SWEEP_BAD;
}

enum sc_sweep_status sc_sweep_next(struct sc_sweep *s, struct sc_insn *insn)
{
	enum sc_sweep_status st = SC_SWEEP_BAD;

	memset(insn, 0, sizeof(*insn));
	insn->offset = s->pos;
	if (s->pos >= s->size)
		return SC_SWEEP_END;
	if (s->isa == SC_ISA_X86_64 || s->isa == SC_ISA_X86_32)
		st = x86_next(s, insn);
	if (st != SC_SWEEP_INSN) {
		insn->length = 0;
		return st;
	}
	s->pos += insn->length;
	s->last = *insn;
	s->has_last = true;
	return st;
}

enum sc_sweep_status sc_sweep_seek(struct sc_sweep *s, uint64_t target,
				   struct sc_insn *insn)
{
	enum sc_sweep_status st;

	if (s->has_last && target >= s->last.offset &&
	    target < s->last.offset + s->last.length) {
		*insn = s->last;
		return SC_SWEEP_INSN;
	}
	if (target < s->pos) {		/* behind the sweep: not an answer */
		memset(insn, 0, sizeof(*insn));
		insn->offset = s->pos;
		return SC_SWEEP_BAD;
	}
	do
		st = sc_sweep_next(s, insn);
	while (st == SC_SWEEP_INSN && insn->offset + insn->length <= target);
	return st;
}
