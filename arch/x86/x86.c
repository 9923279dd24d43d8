/* x86-64 and i386: sites are E8 (call), E9 (jmp) and 0F 80..8F (Jcc) with
 * a rel32 displacement filled by a PC-relative or PLT relocation.  The two
 * differ only in their ELF class, relocation numbers and Capstone mode. */
#include "../arch.h"

#include <elf.h>
#include <string.h>

static bool x86_64_branch_reloc(uint32_t type)
{
	return type == R_X86_64_PC32 || type == R_X86_64_PLT32;
}

static bool is_jcc_opcode(const uint8_t *op)
{
	return op[0] == 0x0f && op[1] >= 0x80 && op[1] <= 0x8f;
}

static bool x86_looks_like_branch(const uint8_t *bytes, size_t size,
				     uint64_t field)
{
	if (field + 4 > size)
		return false;
	if (field >= 1 &&
	    (bytes[field - 1] == 0xe8 || bytes[field - 1] == 0xe9))
		return true;
	return field >= 2 && is_jcc_opcode(bytes + field - 2);
}

static enum sc_kind kind_of_id(unsigned int id)
{
	switch (id) {
	case X86_INS_CALL:
		return SC_KIND_CALL;
	case X86_INS_JMP:
		return SC_KIND_TAIL;
	case X86_INS_JAE: case X86_INS_JA: case X86_INS_JBE: case X86_INS_JB:
	case X86_INS_JE: case X86_INS_JGE: case X86_INS_JG: case X86_INS_JLE:
	case X86_INS_JL: case X86_INS_JNE: case X86_INS_JNO: case X86_INS_JNP:
	case X86_INS_JNS: case X86_INS_JO: case X86_INS_JP: case X86_INS_JS:
		return SC_KIND_COND;
	default:
		return SC_KIND_NONE;
	}
}

/* The opcode bytes that start a rel32 branch of this kind, and where they
 * sit relative to the displacement. */
static unsigned opcode_len(enum sc_kind kind)
{
	return kind == SC_KIND_COND ? 2 : 1;
}

static bool opcode_at(enum sc_kind kind, const uint8_t *op)
{
	switch (kind) {
	case SC_KIND_CALL:
		return op[0] == 0xe8;
	case SC_KIND_TAIL:
		return op[0] == 0xe9;
	case SC_KIND_COND:
		return is_jcc_opcode(op);
	case SC_KIND_NONE:
		break;
	}
	return false;
}

/* A branch whose displacement holds field: its opcode sits just before
 * the field.  Anything between the instruction's start and the opcode is
 * a prefix (an operand-size prefix even shrinks the displacement, which
 * a patch of five bytes would then overrun). */
static bool x86_classify(const cs_insn *insn, uint32_t type, int64_t addend,
			 uint64_t start, uint64_t field, struct sc_branch *out)
{
	enum sc_kind kind = kind_of_id(insn->id);
	uint64_t end = start + insn->size;
	uint64_t op;

	(void)type;
	(void)addend;
	if (kind == SC_KIND_NONE || field >= end ||
	    field - start < opcode_len(kind))
		return false;
	op = field - opcode_len(kind);
	if (!opcode_at(kind, insn->bytes + (op - start)))
		return false;
	out->kind = kind;
	out->site = op;
	out->addend = end - field >= 4 ? -(int64_t)(end - field) : -4;
	return true;
}

/* Capstone 4 lacks many register forms of opcode group 7 (0F 01 with
 * ModRM.mod == 3: rdpkru, wrpkru, serialize, clui, ...).  In that form
 * the ModRM byte ends the instruction, so its length is the legacy
 * prefixes plus three, whatever the instruction. */
static size_t x86_gap_len(const uint8_t *code, size_t size)
{
	size_t n = 0;

	while (n < size && n < 4 &&
	       (code[n] == 0x66 || code[n] == 0xf2 || code[n] == 0xf3))
		n++;
	if (n + 3 <= size && code[n] == 0x0f && code[n + 1] == 0x01 &&
	    code[n + 2] >= 0xc0)
		return n + 3;
	return 0;
}

/* Capstone 4 decodes ud1 (0F B9 /r) as a two-byte "ud2b", without its
 * ModRM operand, and a sweep that trusts it loses step.  ud1 has the
 * operand form of imul r, r/m (0F AF /r), which Capstone measures right:
 * the same bytes with that opcode have ud1's true length. */
static size_t x86_fix_len(csh h, const cs_insn *insn, const uint8_t *code,
			     size_t size)
{
	uint8_t copy[16];
	const uint8_t *p = copy;
	size_t n = size < sizeof(copy) ? size : sizeof(copy), i, left;
	uint64_t addr = 0;
	cs_insn *probe;

	if (insn->id != X86_INS_UD2B)
		return 0;
	memcpy(copy, code, n);
	for (i = 0; i + 1 < insn->size && !(copy[i] == 0x0f &&
					    copy[i + 1] == 0xb9); i++)
		;
	if (i + 1 >= insn->size)
		return 0;
	copy[i + 1] = 0xaf;
	probe = cs_malloc(h);
	left = n;
	n = probe && cs_disasm_iter(h, &p, &left, &addr, probe) ?
	    probe->size : 0;
	if (probe)
		cs_free(probe, 1);
	return n;
}

static bool x86_64_got_reloc(uint32_t type)
{
	return type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
	       type == R_X86_64_REX_GOTPCRELX;
}

/* call *sym@GOTPCREL(%rip) is ff 15 disp32, jmp * is ff 25 disp32, as
 * -fno-plt and PIC code emit them. */
static enum sc_kind x86_64_got_branch(uint32_t type, const uint8_t *bytes,
				      size_t size, uint64_t field,
				      uint64_t *start)
{
	if (!x86_64_got_reloc(type))
		return SC_KIND_NONE;
	if (field < 2 || field + 4 > size || bytes[field - 2] != 0xff)
		return SC_KIND_NONE;
	*start = field - 2;
	if (bytes[field - 1] == 0x15)
		return SC_KIND_CALL;
	return bytes[field - 1] == 0x25 ? SC_KIND_TAIL : SC_KIND_NONE;
}

static enum sc_kind x86_kind_at(const cs_insn *insn)
{
	return kind_of_id(insn->id);
}

static bool i386_branch_reloc(uint32_t type)
{
	return type == R_386_PC32 || type == R_386_PLT32;
}

static bool i386_got_reloc(uint32_t type)
{
	return type == R_386_GOT32 || type == R_386_GOT32X;
}

/* call *sym@GOT(%reg) is ff /2 and jmp * is ff /4, with a disp32 off a
 * base register (ModRM mod 10, no SIB), as -fno-plt PIC code emits. */
static enum sc_kind i386_got_branch(uint32_t type, const uint8_t *bytes,
				    size_t size, uint64_t field,
				    uint64_t *start)
{
	uint8_t modrm;

	if (!i386_got_reloc(type) || field < 2 || field + 4 > size ||
	    bytes[field - 2] != 0xff)
		return SC_KIND_NONE;
	modrm = bytes[field - 1];
	if ((modrm & 0xc0) != 0x80 || (modrm & 7) == 4)
		return SC_KIND_NONE;
	*start = field - 2;
	if ((modrm & 0x38) == 0x10)
		return SC_KIND_CALL;
	return (modrm & 0x38) == 0x20 ? SC_KIND_TAIL : SC_KIND_NONE;
}

#define X86_COMMON \
	.cs_arch = CS_ARCH_X86, \
	.insn_width = 0, \
	.max_insn = 15, \
	.looks_like_branch = x86_looks_like_branch, \
	.classify = x86_classify, \
	.gap_len = x86_gap_len, \
	.fix_len = x86_fix_len, \
	.null_form = { \
		[SC_KIND_CALL] = "nop5",	/* 5-byte nop */ \
		[SC_KIND_TAIL] = "ret",		/* ret; int3 padding */ \
		[SC_KIND_COND] = "jcc-to-ret",	/* Jcc to a ret stub */ \
	}, \
	.kind_at = x86_kind_at

/* i386 objects are REL: addends live in the relocated bytes. */
const struct sc_arch sc_arch_i386 = {
	X86_COMMON,
	.name = "i386",
	.machine = EM_386,
	.elfclass = ELFCLASS32,
	.cs_mode_le = CS_MODE_32,
	.cs_mode_be = CS_MODE_32,
	.table_reloc = R_386_PC32,
	.rela = false,
	.branch_reloc = i386_branch_reloc,
	.got_branch = i386_got_branch,
	.got_reloc = i386_got_reloc,
};

const struct sc_arch sc_arch_x86_64 = {
	X86_COMMON,
	.name = "x86-64",
	.machine = EM_X86_64,
	.elfclass = ELFCLASS64,
	.cs_mode_le = CS_MODE_64,
	.cs_mode_be = CS_MODE_64,
	.table_reloc = R_X86_64_PC32,
	.rela = true,
	.branch_reloc = x86_64_branch_reloc,
	.got_branch = x86_64_got_branch,
	.got_reloc = x86_64_got_reloc,
};
