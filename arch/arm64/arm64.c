/* arm64: sites are bl (call), b (tail), and b.cond, cbz, cbnz, tbz, tbnz
 * (cond), each one aligned 4-byte word whose relocation names the form. */
#include "../arch.h"

#include <elf.h>
#include <stdlib.h>

static bool arm64_branch_reloc(uint32_t type)
{
	return type == R_AARCH64_CALL26 || type == R_AARCH64_JUMP26 ||
	       type == R_AARCH64_CONDBR19 || type == R_AARCH64_TSTBR14;
}

/* Fixed width: any aligned word can be a branch; Capstone decides. */
static bool arm64_looks_like_branch(const uint8_t *bytes, size_t size,
				    uint64_t field)
{
	(void)bytes;
	return field % 4 == 0 && field <= size && size - field >= 4;
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

static bool arm64_classify(const cs_insn *insn, uint32_t type, int64_t addend,
			   uint64_t start, uint64_t field,
			   struct sc_branch *out)
{
	enum sc_kind kind = arm64_kind_at(insn);

	(void)addend;
	if (kind == SC_KIND_NONE || field != start ||
	    type != reloc_for(insn, kind))
		return false;
	out->kind = kind;
	out->site = start;
	out->addend = 0;
	return true;
}

/* A patched conditional branch keeps its short immediate. */
static int arm64_site_rules(const struct sc_site_view *v)
{
	const char *reach = v->reloc_type == R_AARCH64_TSTBR14 ? "32 KiB"
							       : "1 MiB";

	if (v->kind != SC_KIND_COND)
		return 0;
	return v->report(v->ctx, "branch-range", "`%s` to %s reaches only "
			 "+-%s: a target further away must keep the "
			 "trampoline", v->insn, v->trampoline, reach);
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
	.branch_reloc = arm64_branch_reloc,
	.looks_like_branch = arm64_looks_like_branch,
	.classify = arm64_classify,
	.null_form = {
		[SC_KIND_CALL] = "nop",
		[SC_KIND_TAIL] = "ret",
		[SC_KIND_COND] = "branch-to-ret",	/* to a ret stub */
	},
	.kind_at = arm64_kind_at,
	.site_rules = arm64_site_rules,
};
