/* x86-64 and i386: sites are E8 (call), E9 (jmp) and 0F 80..8F (Jcc) with
 * a rel32 displacement filled by a PC-relative or PLT relocation.  The two
 * differ only in their ELF class, relocation numbers, Capstone mode and
 * sweep mode. */
#include "../arch.h"

#include <elf.h>
#include <string.h>

#define RELOC(t, role, width) { t, #t, role, width }

/* The x86-64 psABI's branch relocations (PC32, PLT32, and the GNU
 * extensions PC16 and PC8), its GOT forms, and the absolute ones that a
 * branch must never carry. */
static const struct sc_reloc_info x86_64_relocs[] = {
	RELOC(R_X86_64_PC32, SC_RELOC_SITE, 4),
	RELOC(R_X86_64_PLT32, SC_RELOC_SITE, 4),
	RELOC(R_X86_64_PC16, SC_RELOC_SHORT, 2),
	RELOC(R_X86_64_PC8, SC_RELOC_SHORT, 1),
	RELOC(R_X86_64_GOTPCREL, SC_RELOC_GOT, 4),
	RELOC(R_X86_64_GOTPCRELX, SC_RELOC_GOT, 4),
	RELOC(R_X86_64_REX_GOTPCRELX, SC_RELOC_GOT, 4),
	RELOC(R_X86_64_64, SC_RELOC_OTHER, 8),
	RELOC(R_X86_64_PC64, SC_RELOC_OTHER, 8),
	RELOC(R_X86_64_32, SC_RELOC_OTHER, 4),
	RELOC(R_X86_64_32S, SC_RELOC_OTHER, 4),
	RELOC(R_X86_64_16, SC_RELOC_OTHER, 2),
	RELOC(R_X86_64_8, SC_RELOC_OTHER, 1),
};

/* The i386 psABI's: the same roles under other numbers. */
static const struct sc_reloc_info i386_relocs[] = {
	RELOC(R_386_PC32, SC_RELOC_SITE, 4),
	RELOC(R_386_PLT32, SC_RELOC_SITE, 4),
	RELOC(R_386_PC16, SC_RELOC_SHORT, 2),
	RELOC(R_386_PC8, SC_RELOC_SHORT, 1),
	RELOC(R_386_GOT32, SC_RELOC_GOT, 4),
	RELOC(R_386_GOT32X, SC_RELOC_GOT, 4),
	RELOC(R_386_32, SC_RELOC_OTHER, 4),
	RELOC(R_386_16, SC_RELOC_OTHER, 2),
	RELOC(R_386_8, SC_RELOC_OTHER, 1),
};

static bool is_jcc_opcode(const uint8_t *op)
{
	return op[0] == 0x0f && op[1] >= 0x80 && op[1] <= 0x8f;
}

/* Opcodes of the direct branches with an 8-bit displacement: jmp, Jcc,
 * loop, loope, loopne and jcxz/jecxz/jrcxz. */
static bool is_rel8_opcode(uint8_t op)
{
	return op == 0xeb || (op >= 0x70 && op <= 0x7f) ||
	       (op >= 0xe0 && op <= 0xe3);
}

/* Length of the direct-branch opcode that ends just before field, for a
 * displacement of disp bytes (rel16 and rel32 share their opcodes), or 0
 * when the bytes there are no such opcode.  bytes[0] is at offset base. */
static unsigned branch_opcode_len(const uint8_t *bytes, uint64_t base,
				  uint64_t field, unsigned disp)
{
	uint64_t at = field - base;

	if (disp == 1)
		return at >= 1 && is_rel8_opcode(bytes[at - 1]);
	if (disp != 2 && disp != 4)
		return 0;
	if (at >= 1 && (bytes[at - 1] == 0xe8 || bytes[at - 1] == 0xe9))
		return 1;
	return at >= 2 && is_jcc_opcode(bytes + at - 2) ? 2 : 0;
}

/* A relocation of a known width is looked at as that width's branch (a
 * wider one as a rel32's), then as a rel8 one, which a wider relocation
 * would overrun; one of an unknown type as a rel32 or a rel8 one. */
static unsigned x86_looks_like_branch(const uint8_t *bytes, size_t size,
				      uint64_t field,
				      const struct sc_reloc_info *info)
{
	unsigned w = info && info->width < 4 ? info->width : 4;

	if (field >= size)
		return 0;
	if (size - field >= w && branch_opcode_len(bytes, 0, field, w))
		return w;
	return branch_opcode_len(bytes, 0, field, 1) ? 1 : 0;
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
	case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE:
	case X86_INS_JCXZ: case X86_INS_JECXZ: case X86_INS_JRCXZ:
		return SC_KIND_COND;
	default:
		return SC_KIND_NONE;
	}
}

/* Legacy prefixes, and REX (which only 64-bit code decodes as one). */
static bool is_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return b >= 0x40 && b <= 0x4f;
	}
}

/* Are the n bytes before the opcode all prefixes, and is one of them the
 * operand-size prefix? */
static bool only_prefixes(const uint8_t *b, size_t n, bool *opsize)
{
	size_t i;

	*opsize = false;
	for (i = 0; i < n; i++) {
		if (!is_prefix(b[i]))
			return false;
		*opsize |= b[i] == 0x66;
	}
	return true;
}

/* The relocation fills a direct branch when its field is the branch's
 * displacement: it follows the opcode and ends the instruction, and
 * whatever precedes the opcode is prefix bytes (a prefix keeps the
 * opcode from the site address the loader checks).  An operand-size
 * prefix shrinks a rel32 to a rel16 for Capstone (as on AMD; Intel
 * ignores it in 64-bit code): its rel32 relocation still fills the
 * branch, a prefixed one. */
static enum sc_verdict x86_classify(const cs_insn *insn, uint32_t type,
				    const struct sc_reloc_info *info,
				    int64_t addend, uint64_t start,
				    uint64_t field, struct sc_branch *out)
{
	enum sc_kind kind = kind_of_id(insn->id);
	uint64_t end = start + insn->size;
	unsigned disp, oplen;
	bool opsize;

	(void)type;
	(void)addend;
	if (kind == SC_KIND_NONE || field <= start || field >= end)
		return SC_VERDICT_NONE;
	disp = end - field;
	oplen = branch_opcode_len(insn->bytes, start, field, disp);
	if (!oplen || !only_prefixes(insn->bytes, field - oplen - start,
				     &opsize))
		return SC_VERDICT_NONE;
	*out = (struct sc_branch){ .kind = kind, .site = field - oplen,
				   .addend = -(int64_t)disp };
	if (info && info->role == SC_RELOC_SITE &&
	    (disp == info->width || (disp == 2 && opsize))) {
		out->addend = -(int64_t)info->width;
		return SC_VERDICT_SITE;
	}
	if (info && info->role == SC_RELOC_SHORT && disp == info->width)
		return SC_VERDICT_SHORT;
	return SC_VERDICT_RELOC;
}

/* call *sym@GOTPCREL(%rip) is ff 15 disp32, jmp * is ff 25 disp32, as
 * -fno-plt and PIC code emit them. */
static enum sc_kind x86_64_got_branch(uint32_t type, const uint8_t *bytes,
				      size_t size, uint64_t field,
				      uint64_t *start)
{
	if (type != R_X86_64_GOTPCREL && type != R_X86_64_GOTPCRELX &&
	    type != R_X86_64_REX_GOTPCRELX)
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

/* call *sym@GOT(%reg) is ff /2 and jmp * is ff /4, with a disp32 off a
 * base register (ModRM mod 10, no SIB), as -fno-plt PIC code emits. */
static enum sc_kind i386_got_branch(uint32_t type, const uint8_t *bytes,
				    size_t size, uint64_t field,
				    uint64_t *start)
{
	uint8_t modrm;

	if ((type != R_386_GOT32 && type != R_386_GOT32X) || field < 2 || field + 4 > size ||
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

/* What the kernel's loader accepts at a site, byte for byte
 * (arch/x86/kernel/static_call.c, __static_call_validate): E8 for a
 * call entry, or the 5-byte nop (BYTES_NOP5) or `cs cs cs xor %eax,%eax`
 * it writes for a NULL or return-0 target; E9, C3 or 0F 8x for a tail
 * entry. */
static enum sc_form x86_site_form(const uint8_t *bytes, size_t size,
				  uint64_t off, const cs_insn *insn)
{
	static const uint8_t nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	static const uint8_t xor5[] = { 0x2e, 0x2e, 0x2e, 0x31, 0xc0 };
	const uint8_t *p = bytes + off;
	size_t left = off < size ? size - off : 0;

	(void)insn;
	if (left >= 5 && (!memcmp(p, nop5, 5) || !memcmp(p, xor5, 5)))
		return SC_FORM_NOP;
	if (left >= 5 && p[0] == 0xe8)
		return SC_FORM_CALL;
	if (left >= 5 && p[0] == 0xe9)
		return SC_FORM_JUMP;
	if (left >= 6 && is_jcc_opcode(p))
		return SC_FORM_COND;
	if (left >= 1 && p[0] == 0xc3)
		return SC_FORM_RET;
	return SC_FORM_OTHER;
}

static bool x86_branch_target(const cs_insn *insn, uint64_t *target)
{
	const cs_x86 *x;

	if (!insn->detail)
		return false;
	x = &insn->detail->x86;
	if (x->op_count != 1 || x->operands[0].type != X86_OP_IMM)
		return false;
	*target = (uint64_t)x->operands[0].imm;
	return true;
}

/* A little-endian signed 32-bit displacement at p (x86 is little-endian
 * whatever the host: libelf's conversions serve ELF structures, not
 * instruction fields). */
static int64_t disp32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
			 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* A trampoline's own shape, by the bytes that follow its patched 5-byte
 * branch:
 * - the kernel's (arch/x86/include/asm/static_call.h, since Linux 5.19):
 *   `ud1 %esp,%ecx` (0f b9 cc), which the loader checks before it patches
 *   a trampoline; it names no key;
 * - libscs's on x86-64 (runtime/include/scs/static_call_arch.h): three
 *   int3, then `jmp *slot(%rip)` (ff 25 disp32) through the key's slot at
 *   key + 8, so the code names its key;
 * - libscs's on i386: three int3, `call 1f` (e8 00 00 00 00), then at 1:
 *   push %eax; mov 4(%esp),%eax; mov disp32(%eax),%eax, where 1: + disp32
 *   is the slot at key + 4. */
static const char *x86_trampoline_code(const struct sc_code_view *c,
				       uint64_t *key)
{
	static const uint8_t ud1[] = { 0x0f, 0xb9, 0xcc };
	static const uint8_t scs64[] = { 0xcc, 0xcc, 0xcc, 0xff, 0x25 };
	static const uint8_t scs32[] = { 0xcc, 0xcc, 0xcc, 0xe8, 0, 0, 0, 0,
					 0x50, 0x8b, 0x44, 0x24, 0x04, 0x8b,
					 0x80 };
	const uint8_t *p = c->bytes + c->off;
	size_t left = c->off < c->size ? c->size - c->off : 0;
	bool is64 = c->ehdr->e_ident[EI_CLASS] == ELFCLASS64;
	uint64_t addr = c->addr;

	*key = 0;
	if (left >= 8 && !memcmp(p + 5, ud1, sizeof(ud1)))
		return sc_shape_kernel;
	if (is64 && left >= 14 && !memcmp(p + 5, scs64, sizeof(scs64))) {
		*key = addr + 14 + disp32(p + 10) - 8;
		return sc_shape_libscs;
	}
	if (!is64 && left >= 24 && !memcmp(p + 5, scs32, sizeof(scs32))) {
		*key = (uint32_t)(addr + 13 + disp32(p + 20) - 4);
		return sc_shape_libscs;
	}
	return NULL;
}

#define X86_COMMON \
	.cs_arch = CS_ARCH_X86, \
	.insn_width = 0, \
	.max_insn = 15, \
	.looks_like_branch = x86_looks_like_branch, \
	.classify = x86_classify, \
	.null_form = { \
		[SC_KIND_CALL] = "nop5",	/* 5-byte nop */ \
		[SC_KIND_TAIL] = "ret",		/* ret; int3 padding */ \
		[SC_KIND_COND] = "jcc-to-ret",	/* Jcc to a ret stub */ \
	}, \
	.kind_at = x86_kind_at, \
	.site_form = x86_site_form, \
	.accepted = { "call, the 5-byte nop (0f 1f 44 00 00) or " \
		      "cs cs cs xor %eax,%eax (2e 2e 2e 31 c0)", \
		      "jmp (e9), ret (c3) or Jcc (0f 8x)" }, \
	.branch_target = x86_branch_target, \
	.trampoline_code = x86_trampoline_code

/* i386 objects are REL: addends live in the relocated bytes. */
const struct sc_arch sc_arch_i386 = {
	X86_COMMON,
	.name = "i386",
	.machine = EM_386,
	.elfclass = ELFCLASS32,
	.cs_mode_le = CS_MODE_32,
	.cs_mode_be = CS_MODE_32,
	.sweep_isa = SC_ISA_X86_32,
	.table_reloc = R_386_PC32,
	.rela = false,
	.relocs = i386_relocs,
	.nrelocs = sizeof(i386_relocs) / sizeof(i386_relocs[0]),
	.got_branch = i386_got_branch,
};

const struct sc_arch sc_arch_x86_64 = {
	X86_COMMON,
	.name = "x86-64",
	.machine = EM_X86_64,
	.elfclass = ELFCLASS64,
	.cs_mode_le = CS_MODE_64,
	.cs_mode_be = CS_MODE_64,
	.sweep_isa = SC_ISA_X86_64,
	.table_reloc = R_X86_64_PC32,
	.rela = true,
	.relocs = x86_64_relocs,
	.nrelocs = sizeof(x86_64_relocs) / sizeof(x86_64_relocs[0]),
	.got_branch = x86_64_got_branch,
};
