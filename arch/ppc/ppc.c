/* PowerPC, 64-bit (ELFv1 and ELFv2, either byte order) and 32-bit: sites
 * are bl (call), b (tail) and bc with its simplified forms (cond), each
 * one aligned 4-byte word.  On ppc64, r2 holds the TOC pointer, and a call
 * that may land in another TOC needs the slot after it to restore r2. */
#include "../arch.h"

#include <elf.h>
#include <stdlib.h>

#ifndef R_PPC64_REL24_NOTOC
#define R_PPC64_REL24_NOTOC 116
#endif

static bool is_rel14(uint32_t type)
{
	/* The same numbers for R_PPC_ and R_PPC64_. */
	return type == R_PPC_REL14 || type == R_PPC_REL14_BRTAKEN ||
	       type == R_PPC_REL14_BRNTAKEN;
}

static bool ppc64_branch_reloc(uint32_t type)
{
	return type == R_PPC64_REL24 || type == R_PPC64_REL24_NOTOC ||
	       is_rel14(type);
}

static bool ppc32_branch_reloc(uint32_t type)
{
	return type == R_PPC_REL24 || type == R_PPC_PLTREL24 ||
	       type == R_PPC_LOCAL24PC || is_rel14(type);
}

/* Fixed width: any aligned word can be a branch; Capstone decides. */
static bool ppc_looks_like_branch(const uint8_t *bytes, size_t size,
				  uint64_t field)
{
	(void)bytes;
	return field % 4 == 0 && field <= size && size - field >= 4;
}

static enum sc_kind ppc_kind_at(const cs_insn *insn)
{
	switch (insn->id) {
	case PPC_INS_BL:
		return SC_KIND_CALL;
	case PPC_INS_B:
		return SC_KIND_TAIL;
	/* bc, with a condition (beq, bne, ...) or on CTR (bdnz, bdz and
	 * their t/f forms): relative, no link. */
	case PPC_INS_BC:
	case PPC_INS_BDNZ: case PPC_INS_BDZ:
	case PPC_INS_BDNZT: case PPC_INS_BDNZF:
	case PPC_INS_BDZT: case PPC_INS_BDZF:
		return SC_KIND_COND;
	default:
		return SC_KIND_NONE;
	}
}

/* The 24-bit forms fill b and bl, the 14-bit ones bc. */
static bool ppc_classify(const cs_insn *insn, uint32_t type, int64_t addend,
			 uint64_t start, uint64_t field, struct sc_branch *out)
{
	enum sc_kind kind = ppc_kind_at(insn);

	if (kind == SC_KIND_NONE || field != start ||
	    (kind == SC_KIND_COND) != is_rel14(type))
		return false;
	out->kind = kind;
	out->site = start;
	/* -fPIC ppc32 calls go through the PLT as sym@plt+32768 (the
	 * secure PLT's r30 offset): still a branch to sym. */
	out->addend = type == R_PPC_PLTREL24 && addend == 0x8000 ? addend : 0;
	return true;
}

static int branch_range(const struct sc_site_view *v)
{
	if (v->kind != SC_KIND_COND)
		return 0;
	return v->report(v->ctx, "branch-range", "`%s` to %s reaches only "
			 "+-32 KiB: a target further away must keep the "
			 "trampoline", v->insn, v->trampoline);
}

static int ppc32_site_rules(const struct sc_site_view *v)
{
	return branch_range(v);
}

/* ELFv2 saves r2 at 24(r1), ELFv1 at 40(r1); e_flags names the ABI, and
 * without it big-endian means v1 and little-endian v2. */
static int64_t toc_slot(const GElf_Ehdr *eh)
{
	unsigned abi = eh->e_flags & 3;

	if (!abi)
		abi = eh->e_ident[EI_DATA] == ELFDATA2MSB ? 1 : 2;
	return abi == 1 ? 40 : 24;
}

static bool is_toc_restore(const cs_insn *next, int64_t slot)
{
	const cs_ppc *p;

	if (next->id == PPC_INS_NOP)
		return true;
	if (next->id != PPC_INS_LD || !next->detail)
		return false;
	p = &next->detail->ppc;
	return p->op_count == 2 && p->operands[0].type == PPC_OP_REG &&
	       p->operands[0].reg == PPC_REG_R2 &&
	       p->operands[1].type == PPC_OP_MEM &&
	       p->operands[1].mem.base == PPC_REG_R1 &&
	       p->operands[1].mem.disp == slot;
}

static int toc_restore(const struct sc_site_view *v)
{
	int64_t slot = toc_slot(v->ehdr);
	cs_insn *next = cs_malloc(v->detail);
	bool ok;

	if (!next)
		return -1;
	ok = sc_arch_decode_at(v->detail, next, v->bytes, v->size,
			       v->offset + 4) && is_toc_restore(next, slot);
	cs_free(next, 1);
	if (ok)
		return 0;
	return v->report(v->ctx, "toc-restore", "`%s` to %s is not followed "
			 "by a TOC-restore slot (nop or ld r2,%lld(r1)): "
			 "retargeting it to a function with another TOC would "
			 "corrupt r2", v->insn, v->trampoline, (long long)slot);
}

/* REL24_NOTOC sites are pc-relative code without a TOC: nothing to keep. */
static int ppc64_site_rules(const struct sc_site_view *v)
{
	if (v->reloc_type == R_PPC64_REL24 && v->kind == SC_KIND_CALL)
		return toc_restore(v);
	if (v->reloc_type == R_PPC64_REL24 && v->kind == SC_KIND_TAIL)
		return v->report(v->ctx, "toc-tail", "`%s` to %s may only be "
				 "retargeted to a function that shares the "
				 "caller's TOC", v->insn, v->trampoline);
	return branch_range(v);
}

#define PPC_COMMON \
	.cs_arch = CS_ARCH_PPC, \
	.insn_width = 4, \
	.max_insn = 4, \
	.rela = true, \
	.looks_like_branch = ppc_looks_like_branch, \
	.classify = ppc_classify, \
	.null_form = { \
		[SC_KIND_CALL] = "nop", \
		[SC_KIND_TAIL] = "blr", \
		[SC_KIND_COND] = "branch-to-blr",	/* to a blr stub */ \
	}, \
	.kind_at = ppc_kind_at

const struct sc_arch sc_arch_ppc64 = {
	PPC_COMMON,
	.name = "ppc64",
	.machine = EM_PPC64,
	.elfclass = ELFCLASS64,
	.cs_mode_le = CS_MODE_64,
	.cs_mode_be = CS_MODE_64 | CS_MODE_BIG_ENDIAN,
	.table_reloc = R_PPC64_REL32,
	.branch_reloc = ppc64_branch_reloc,
	.site_rules = ppc64_site_rules,
};

const struct sc_arch sc_arch_ppc32 = {
	PPC_COMMON,
	.name = "ppc32",
	.machine = EM_PPC,
	.elfclass = ELFCLASS32,
	.cs_mode_le = CS_MODE_32,
	.cs_mode_be = CS_MODE_32 | CS_MODE_BIG_ENDIAN,
	.table_reloc = R_PPC_REL32,
	.branch_reloc = ppc32_branch_reloc,
	.site_rules = ppc32_site_rules,
};
