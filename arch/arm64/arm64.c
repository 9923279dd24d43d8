/* arm64: sites are bl (call), b (tail), and b.cond, cbz, cbnz, tbz, tbnz
 * (cond), each one aligned 4-byte word whose relocation names the form. */
#include "../arch.h"

#include <elf.h>
#include <stdlib.h>

#define RELOC(t, role) { t, #t, role, 4 }

/* The AArch64 ELF ABI's control-flow relocations (its section "Control
 * flow instructions"): all four fill a site's branch.  The ABI has no
 * absolute branch and no short form. */
static const struct sc_reloc_info arm64_relocs[] = {
	RELOC(R_AARCH64_CALL26, SC_RELOC_SITE),
	RELOC(R_AARCH64_JUMP26, SC_RELOC_SITE),
	RELOC(R_AARCH64_CONDBR19, SC_RELOC_SITE),
	RELOC(R_AARCH64_TSTBR14, SC_RELOC_SITE),
};

/* Fixed width: any aligned word can be a branch; Capstone decides. */
static unsigned arm64_looks_like_branch(const uint8_t *bytes, size_t size,
				      uint64_t field,
				      const struct sc_reloc_info *info)
{
	(void)bytes;
	(void)info;
	return field % 4 == 0 && field <= size && size - field >= 4 ? 4 : 0;
}

static enum sc_kind arm64_kind_at(const cs_insn *insn)
{
	switch (insn->id) {
	case ARM64_INS_BL:
		return SC_KIND_CALL;
	case ARM64_INS_B:
		/* b.cond is b with a condition code. */
		if (insn->detail &&
		    insn->detail->arm64.cc != ARM64_CC_INVALID &&
		    insn->detail->arm64.cc != ARM64_CC_AL)
			return SC_KIND_COND;
		return SC_KIND_TAIL;
	case ARM64_INS_CBZ: case ARM64_INS_CBNZ:
	case ARM64_INS_TBZ: case ARM64_INS_TBNZ:
		return SC_KIND_COND;
	default:
		return SC_KIND_NONE;
	}
}

/* The relocation must be the one that fills this form's immediate. */
static uint32_t reloc_for(const cs_insn *insn, enum sc_kind kind)
{
	if (kind == SC_KIND_CALL)
		return R_AARCH64_CALL26;
	if (kind == SC_KIND_TAIL)
		return R_AARCH64_JUMP26;
	if (insn->id == ARM64_INS_TBZ || insn->id == ARM64_INS_TBNZ)
		return R_AARCH64_TSTBR14;
	return R_AARCH64_CONDBR19;
}

/* Each branch form has its one relocation; another type on it (even
 * another branch's) is not one the linker and the loader agree on. */
static enum sc_verdict arm64_classify(const cs_insn *insn, uint32_t type,
				      const struct sc_reloc_info *info,
				      int64_t addend, uint64_t start,
				      uint64_t field, struct sc_branch *out)
{
	enum sc_kind kind = arm64_kind_at(insn);

	(void)info;
	(void)addend;
	if (kind == SC_KIND_NONE || field != start)
		return SC_VERDICT_NONE;
	*out = (struct sc_branch){ .kind = kind, .site = start, .addend = 0 };
	return type == reloc_for(insn, kind) ? SC_VERDICT_SITE
					     : SC_VERDICT_RELOC;
}

/* The target is a branch's last immediate operand (b, bl: the only one;
 * cbz: after the register; tbz: after the register and the bit). */
static bool arm64_branch_target(const cs_insn *insn, uint64_t *target)
{
	const cs_arm64 *a = &insn->detail->arm64;

	if (!a->op_count || a->operands[a->op_count - 1].type != ARM64_OP_IMM)
		return false;
	*target = a->operands[a->op_count - 1].imm;
	return true;
}

/* A patched conditional branch keeps its short immediate. */
static int arm64_site_rules(const struct sc_site_view *v)
{
	const char *reach = v->reloc_type == R_AARCH64_TSTBR14 ? "32 KiB"
							       : "1 MiB";

	if (v->kind != SC_KIND_COND)
		return 0;
	return v->report(v->ctx, SC_RULE_BRANCH_RANGE, "`%s` to %s reaches only "
			 "+-%s: a target further away must keep the "
			 "trampoline", v->insn, v->trampoline, reach);
}

/* A site holds bl (call entry), b or a conditional branch (tail entry),
 * or what a NULL target leaves: nop for a call, ret for a tail call. */
static enum sc_form arm64_site_form(const uint8_t *bytes, size_t size,
				    uint64_t off, const cs_insn *insn)
{
	(void)bytes;
	(void)size;
	if (!insn || off % 4)
		return SC_FORM_OTHER;
	switch (arm64_kind_at(insn)) {
	case SC_KIND_CALL: return SC_FORM_CALL;
	case SC_KIND_TAIL: return SC_FORM_JUMP;
	case SC_KIND_COND: return SC_FORM_COND;
	case SC_KIND_NONE: break;
	}
	if (insn->id == ARM64_INS_NOP)
		return SC_FORM_NOP;
	return insn->id == ARM64_INS_RET ? SC_FORM_RET : SC_FORM_OTHER;
}

/* libscs's trampoline (runtime/include/scs/static_call_arch.h): the
 * patched b, then brk #0x5c5, then adrp x16 and ldr x16, [x16, #lo] that
 * load the key's slot at key + 8, and br x16.  Capstone decodes each word
 * at its address, so adrp gives the page and ldr the offset in it. */
static const char *arm64_trampoline_code(const struct sc_code_view *c,
					 uint64_t *key)
{
	cs_insn *in = cs_malloc(c->detail);
	const cs_insn *i;
	const char *shape = NULL;
	uint64_t page;

	*key = 0;
	if (!in)
		return NULL;
	i = sc_arch_decode_addr(c->detail, in, c->bytes, c->size, c->off + 4,
				c->addr + 4);
	if (i && i->id == ARM64_INS_BRK && i->detail->arm64.op_count == 1 &&
	    i->detail->arm64.operands[0].imm == 0x5c5) {
		shape = sc_shape_libscs;
		i = sc_arch_decode_addr(c->detail, in, c->bytes, c->size,
					c->off + 8, c->addr + 8);
		if (i && i->id == ARM64_INS_ADRP &&
		    i->detail->arm64.op_count == 2) {
			page = (uint64_t)i->detail->arm64.operands[1].imm;
			i = sc_arch_decode_addr(c->detail, in, c->bytes,
						c->size, c->off + 12,
						c->addr + 12);
			if (i && i->id == ARM64_INS_LDR &&
			    i->detail->arm64.op_count == 2 &&
			    i->detail->arm64.operands[1].type == ARM64_OP_MEM)
				*key = page + (uint64_t)(int64_t)
				       i->detail->arm64.operands[1].mem.disp
				       - 8;
		}
	}
	cs_free(in, 1);
	return shape;
}

const struct sc_arch sc_arch_arm64 = {
	.name = "arm64",
	.machine = EM_AARCH64,
	.elfclass = ELFCLASS64,
	.cs_arch = CS_ARCH_ARM64,
	/* Instructions are little-endian even in big-endian objects. */
	.cs_mode_le = CS_MODE_ARM,
	.cs_mode_be = CS_MODE_ARM,
	.insn_width = 4,
	.max_insn = 4,
	.table_reloc = R_AARCH64_PREL32,
	.rela = true,
	.relocs = arm64_relocs,
	.nrelocs = sizeof(arm64_relocs) / sizeof(arm64_relocs[0]),
	.looks_like_branch = arm64_looks_like_branch,
	.classify = arm64_classify,
	.null_form = {
		[SC_KIND_CALL] = "nop",
		[SC_KIND_TAIL] = "ret",
		[SC_KIND_COND] = "branch-to-ret",	/* to a ret stub */
	},
	.kind_at = arm64_kind_at,
	.branch_target = arm64_branch_target,
	.site_rules = arm64_site_rules,
	.site_form = arm64_site_form,
	.trampoline_code = arm64_trampoline_code,
	.accepted = { "bl or nop",
		      "b, b.cond, cbz, cbnz, tbz, tbnz or ret" },
};
