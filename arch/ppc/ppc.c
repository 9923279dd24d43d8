/* PowerPC, 64-bit (ELFv1 and ELFv2, either byte order) and 32-bit: sites
 * are bl (call), b (tail) and bc with its simplified forms (cond), each
 * one aligned 4-byte word.  On ppc64, r2 holds the TOC pointer, and a call
 * that may land in another TOC needs the slot after it to restore r2. */
#include "../arch.h"

#include <elf.h>
#include <stdlib.h>

/* The ELFv2 ABI (OpenPOWER ELF V2 ABI, revision 1.5, "Relocation Types")
 * numbers these; Debian 12's <elf.h> predates them.  REL24_P9NOTOC is
 * the form binutils 2.40 emits for `bl x@notoc` built for power9 and
 * earlier: like REL24_NOTOC, a call from code with no TOC to keep. */
#ifndef R_PPC64_REL24_NOTOC
#define R_PPC64_REL24_NOTOC 116
#endif
#ifndef R_PPC64_REL24_P9NOTOC
#define R_PPC64_REL24_P9NOTOC 124
#endif

#define RELOC(t, role) { t, #t, role, 4 }

/* Every branch relocation of the 64-bit ELF ABIs (v1 and v2): the
 * relative ones fill sites, the absolute ones (ba, bla, bca) never. */
static const struct sc_reloc_info ppc64_relocs[] = {
	RELOC(R_PPC64_REL24, SC_RELOC_SITE),
	RELOC(R_PPC64_REL24_NOTOC, SC_RELOC_SITE),
	RELOC(R_PPC64_REL24_P9NOTOC, SC_RELOC_SITE),
	RELOC(R_PPC64_REL14, SC_RELOC_SITE),
	RELOC(R_PPC64_REL14_BRTAKEN, SC_RELOC_SITE),
	RELOC(R_PPC64_REL14_BRNTAKEN, SC_RELOC_SITE),
	RELOC(R_PPC64_ADDR24, SC_RELOC_ABSOLUTE),
	RELOC(R_PPC64_ADDR14, SC_RELOC_ABSOLUTE),
	RELOC(R_PPC64_ADDR14_BRTAKEN, SC_RELOC_ABSOLUTE),
	RELOC(R_PPC64_ADDR14_BRNTAKEN, SC_RELOC_ABSOLUTE),
};

/* The 32-bit SysV ABI's: also the PLT and local forms of REL24. */
static const struct sc_reloc_info ppc32_relocs[] = {
	RELOC(R_PPC_REL24, SC_RELOC_SITE),
	RELOC(R_PPC_PLTREL24, SC_RELOC_SITE),
	RELOC(R_PPC_LOCAL24PC, SC_RELOC_SITE),
	RELOC(R_PPC_REL14, SC_RELOC_SITE),
	RELOC(R_PPC_REL14_BRTAKEN, SC_RELOC_SITE),
	RELOC(R_PPC_REL14_BRNTAKEN, SC_RELOC_SITE),
	RELOC(R_PPC_ADDR24, SC_RELOC_ABSOLUTE),
	RELOC(R_PPC_ADDR14, SC_RELOC_ABSOLUTE),
	RELOC(R_PPC_ADDR14_BRTAKEN, SC_RELOC_ABSOLUTE),
	RELOC(R_PPC_ADDR14_BRNTAKEN, SC_RELOC_ABSOLUTE),
};

/* The 14-bit forms fill bc, the 24-bit ones b; the same numbers for
 * R_PPC_ and R_PPC64_. */
static bool is_14bit(uint32_t type)
{
	return type == R_PPC_REL14 || type == R_PPC_REL14_BRTAKEN ||
	       type == R_PPC_REL14_BRNTAKEN || type == R_PPC_ADDR14 ||
	       type == R_PPC_ADDR14_BRTAKEN || type == R_PPC_ADDR14_BRNTAKEN;
}

/* Fixed width: any aligned word can be a branch; Capstone decides. */
static unsigned ppc_looks_like_branch(const uint8_t *bytes, size_t size,
				      uint64_t field,
				      const struct sc_reloc_info *info)
{
	(void)bytes;
	(void)info;
	return field % 4 == 0 && field <= size && size - field >= 4 ? 4 : 0;
}

/* A direct branch as Capstone 4 names it: b (I-form) or bc (B-form,
 * which Capstone splits by its BO field into bc, bdnz, bdzt, ...), each
 * with or without AA (absolute) and LK (link). */
struct form {
	unsigned int id;
	bool bform, absolute, link;
};

static const struct form forms[] = {
	{ PPC_INS_B, false, false, false },
	{ PPC_INS_BA, false, true, false },
	{ PPC_INS_BL, false, false, true },
	{ PPC_INS_BLA, false, true, true },
#define BFORM(name) \
	{ PPC_INS_##name, true, false, false }, \
	{ PPC_INS_##name##A, true, true, false }, \
	{ PPC_INS_##name##L, true, false, true }, \
	{ PPC_INS_##name##LA, true, true, true }
	BFORM(BC), BFORM(BDNZ), BFORM(BDZ), BFORM(BDNZT), BFORM(BDNZF),
	BFORM(BDZT), BFORM(BDZF),
#undef BFORM
};

static const struct form *form_of(const cs_insn *insn)
{
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		if (forms[i].id == insn->id)
			return &forms[i];
	return NULL;
}

static enum sc_kind kind_of_form(const struct form *f)
{
	if (f->bform)
		return SC_KIND_COND;
	return f->link ? SC_KIND_CALL : SC_KIND_TAIL;
}

/* The kind of a relative branch; absolute ones and conditional calls
 * are no site's. */
static enum sc_kind ppc_kind_at(const cs_insn *insn)
{
	const struct form *f = form_of(insn);

	if (!f || f->absolute || (f->bform && f->link))
		return SC_KIND_NONE;
	return kind_of_form(f);
}

/* The relocation must be one of the form's width: a 14-bit one for bc, a
 * 24-bit one for b, absolute exactly when the branch is. */
static enum sc_verdict ppc_classify(const cs_insn *insn, uint32_t type,
				    const struct sc_reloc_info *info,
				    int64_t addend, uint64_t start,
				    uint64_t field, struct sc_branch *out)
{
	const struct form *f = form_of(insn);
	bool abs_reloc = info && info->role == SC_RELOC_ABSOLUTE;

	if (!f || field != start)
		return SC_VERDICT_NONE;
	*out = (struct sc_branch){ .kind = kind_of_form(f), .site = start };
	if (!info || info->role == SC_RELOC_OTHER ||
	    is_14bit(type) != f->bform || abs_reloc != f->absolute)
		return SC_VERDICT_RELOC;
	if (f->absolute)
		return SC_VERDICT_ABSOLUTE;
	if (f->bform && f->link)
		return SC_VERDICT_COND_CALL;
	/* -fPIC ppc32 calls go through the PLT as sym@plt+32768 (the
	 * secure PLT's r30 offset): still a branch to sym. */
	out->addend = type == R_PPC_PLTREL24 && addend == 0x8000 ? addend : 0;
	return SC_VERDICT_SITE;
}

/* The target is a branch's last immediate operand (after the CR field of
 * a bc). */
static bool ppc_branch_target(const cs_insn *insn, uint64_t *target)
{
	const cs_ppc *p = &insn->detail->ppc;

	if (!p->op_count || p->operands[p->op_count - 1].type != PPC_OP_IMM)
		return false;
	*target = p->operands[p->op_count - 1].imm;
	return true;
}

static int branch_range(const struct sc_site_view *v)
{
	if (v->kind != SC_KIND_COND)
		return 0;
	return v->report(v->ctx, SC_RULE_BRANCH_RANGE, "`%s` to %s reaches only "
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
		return sc_errf(v->err, "capstone: out of memory");
	ok = sc_arch_decode_at(v->detail, next, v->bytes, v->size,
			       v->offset + 4) && is_toc_restore(next, slot);
	cs_free(next, 1);
	if (ok)
		return 0;
	return v->report(v->ctx, SC_RULE_TOC_RESTORE, "`%s` to %s is not followed "
			 "by a TOC-restore slot (nop or ld r2,%lld(r1)): "
			 "retargeting it to a function with another TOC would "
			 "corrupt r2", v->insn, v->trampoline, (long long)slot);
}

/* REL24_NOTOC and REL24_P9NOTOC sites are code without a TOC: nothing to
 * keep. */
static int ppc64_site_rules(const struct sc_site_view *v)
{
	if (v->reloc_type == R_PPC64_REL24 && v->kind == SC_KIND_CALL)
		return toc_restore(v);
	if (v->reloc_type == R_PPC64_REL24 && v->kind == SC_KIND_TAIL)
		return v->report(v->ctx, SC_RULE_TOC_TAIL, "`%s` to %s may only be "
				 "retargeted to a function that shares the "
				 "caller's TOC", v->insn, v->trampoline);
	return branch_range(v);
}

/* A site holds bl (call entry), b or a conditional branch (tail entry),
 * or what a NULL target leaves: nop for a call, blr for a tail call. */
static enum sc_form ppc_site_form(const uint8_t *bytes, size_t size,
				  uint64_t off, const cs_insn *insn)
{
	(void)bytes;
	(void)size;
	if (!insn || off % 4)
		return SC_FORM_OTHER;
	switch (ppc_kind_at(insn)) {
	case SC_KIND_CALL: return SC_FORM_CALL;
	case SC_KIND_TAIL: return SC_FORM_JUMP;
	case SC_KIND_COND: return SC_FORM_COND;
	case SC_KIND_NONE: break;
	}
	if (insn->id == PPC_INS_NOP)
		return SC_FORM_NOP;
	return insn->id == PPC_INS_BLR ? SC_FORM_RET : SC_FORM_OTHER;
}

/* ELFv2 functions that set up r2 have a second, local entry point after
 * that setup, where calls that share the TOC enter (the linker points
 * them there); ELFv1 (e_flags 1, or 0 on big-endian) has none. */
static uint64_t ppc64_local_entry(const GElf_Sym *sym, const GElf_Ehdr *ehdr)
{
	unsigned abi = ehdr->e_flags & 3;

	if (abi == 1 || (abi == 0 && ehdr->e_ident[EI_DATA] == ELFDATA2MSB))
		return 0;
	return PPC64_LOCAL_ENTRY_OFFSET(sym->st_other);
}

/* The immediate of `addis` or `addi 12,12,IMM` (id) decoded as i. */
static bool r12_imm(const cs_insn *i, unsigned id, int64_t *imm)
{
	const cs_ppc *p;

	if (!i || i->id != id)
		return false;
	p = &i->detail->ppc;
	if (p->op_count != 3 || p->operands[2].type != PPC_OP_IMM)
		return false;
	/* A signed 16-bit field, which Capstone 4 gives unsigned. */
	*imm = (int16_t)p->operands[2].imm;
	return true;
}

/* libscs's trampoline (runtime/include/scs/static_call_arch.h): the
 * patched b, then trap and mflr 0, then bcl 20,31 to the next word (at
 * +16), whose address addis/addi 12,12 (at +24, +28) turn into the key's
 * slot at key + 8 (ppc64) or key + 4 (ppc32). */
static const char *ppc_trampoline_code(const struct sc_code_view *c,
				       uint64_t *key)
{
	cs_insn *in = cs_malloc(c->detail);
	const cs_insn *i;
	const char *shape = NULL;
	int64_t hi, lo;
	uint64_t slot = c->ehdr->e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;

	*key = 0;
	if (!in)
		return NULL;
	i = sc_arch_decode_addr(c->detail, in, c->bytes, c->size, c->off + 4,
				c->addr + 4);
	if (i && i->id == PPC_INS_TRAP &&
	    (i = sc_arch_decode_addr(c->detail, in, c->bytes, c->size,
				     c->off + 8, c->addr + 8)) &&
	    i->id == PPC_INS_MFLR) {
		shape = sc_shape_libscs;
		if (r12_imm(sc_arch_decode_addr(c->detail, in, c->bytes,
						c->size, c->off + 24, 0),
			    PPC_INS_ADDIS, &hi) &&
		    r12_imm(sc_arch_decode_addr(c->detail, in, c->bytes,
						c->size, c->off + 28, 0),
			    PPC_INS_ADDI, &lo))
			*key = c->addr + 16 + (uint64_t)(hi * 65536 + lo) -
			       slot;
		if (slot == 4)
			*key = (uint32_t)*key;
	}
	cs_free(in, 1);
	return shape;
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
	.kind_at = ppc_kind_at, \
	.site_form = ppc_site_form, \
	.trampoline_code = ppc_trampoline_code, \
	.accepted = { "bl or nop", "b, a relative bc form or blr" }, \
	.branch_target = ppc_branch_target

const struct sc_arch sc_arch_ppc64 = {
	PPC_COMMON,
	.name = "ppc64",
	.machine = EM_PPC64,
	.elfclass = ELFCLASS64,
	.cs_mode_le = CS_MODE_64,
	.cs_mode_be = CS_MODE_64 | CS_MODE_BIG_ENDIAN,
	.table_reloc = R_PPC64_REL32,
	.relocs = ppc64_relocs,
	.nrelocs = sizeof(ppc64_relocs) / sizeof(ppc64_relocs[0]),
	.site_rules = ppc64_site_rules,
	.local_entry = ppc64_local_entry,
};

const struct sc_arch sc_arch_ppc32 = {
	PPC_COMMON,
	.name = "ppc32",
	.machine = EM_PPC,
	.elfclass = ELFCLASS32,
	.cs_mode_le = CS_MODE_32,
	.cs_mode_be = CS_MODE_32 | CS_MODE_BIG_ENDIAN,
	.table_reloc = R_PPC_REL32,
	.relocs = ppc32_relocs,
	.nrelocs = sizeof(ppc32_relocs) / sizeof(ppc32_relocs[0]),
	.site_rules = ppc32_site_rules,
};
