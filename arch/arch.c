#include "arch.h"

#include <stdio.h>

extern const struct sc_arch sc_arch_x86_64, sc_arch_i386, sc_arch_arm64,
	sc_arch_ppc64, sc_arch_ppc32;

static const struct sc_arch *const backends[] = {
	&sc_arch_x86_64,
	&sc_arch_i386,
	&sc_arch_arm64,
	&sc_arch_ppc64,
	&sc_arch_ppc32,
};

const struct sc_arch *sc_arch_for(const GElf_Ehdr *ehdr)
{
	size_t i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (backends[i]->machine == ehdr->e_machine &&
		    backends[i]->elfclass == ehdr->e_ident[EI_CLASS])
			return backends[i];
	return NULL;
}

cs_mode sc_arch_cs_mode(const struct sc_arch *arch, const GElf_Ehdr *ehdr)
{
	return ehdr->e_ident[EI_DATA] == ELFDATA2MSB ? arch->cs_mode_be
						     : arch->cs_mode_le;
}

const char *sc_kind_name(enum sc_kind kind)
{
	switch (kind) {
	case SC_KIND_CALL:
		return "call";
	case SC_KIND_TAIL:
		return "tail";
	case SC_KIND_COND:
		return "cond";
	case SC_KIND_NONE:
		break;
	}
	return "other";
}

const cs_insn *sc_arch_decode_at(csh h, cs_insn *insn, const uint8_t *bytes,
				 size_t size, uint64_t off)
{
	return sc_arch_decode_addr(h, insn, bytes, size, off, off);
}

const cs_insn *sc_arch_decode_addr(csh h, cs_insn *insn, const uint8_t *bytes,
				   size_t size, uint64_t off, uint64_t addr)
{
	const uint8_t *code;
	size_t left;

	if (off >= size || size - off < 4)
		return NULL;
	code = bytes + off;
	left = 4;
	return cs_disasm_iter(h, &code, &left, &addr, insn) ? insn : NULL;
}

/* The lists are short (a dozen entries): a linear look is enough. */
const struct sc_reloc_info *sc_arch_reloc(const struct sc_arch *arch,
					  uint32_t type)
{
	size_t i;

	for (i = 0; i < arch->nrelocs; i++)
		if (arch->relocs[i].type == type)
			return &arch->relocs[i];
	return NULL;
}

const char *sc_arch_reloc_name(const struct sc_arch *arch, uint32_t type,
			       char *buf, size_t len)
{
	const struct sc_reloc_info *info = sc_arch_reloc(arch, type);

	if (info)
		return info->name;
	snprintf(buf, len, "relocation type %u", type);
	return buf;
}

const char sc_shape_kernel[] = "the kernel's trampoline";
const char sc_shape_libscs[] = "libscs's trampoline";
