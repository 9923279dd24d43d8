/* The ELF model: one object file, read through libelf, with its section
 * headers, symbols and relocations validated once so that later layers can
 * index them without checking bounds again. */
#ifndef SC_ELF_OBJECT_H
#define SC_ELF_OBJECT_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "sc_err.h"

struct sc_section {
	const char *name;
	GElf_Shdr shdr;
	Elf_Scn *scn;
};

struct sc_symbol {
	const char *name;
	GElf_Sym sym;
	size_t shndx;		/* st_shndx with SHN_XINDEX resolved */
};

struct sc_object {
	const char *path;
	Elf *elf;
	const char *image;	/* the file's bytes, read whole */
	size_t size;
	char *owned;		/* image, when the object owns it */
	struct stat st;		/* the file read (zero for memory) */
	GElf_Ehdr ehdr;
	size_t nsections;
	struct sc_section *sections;
	size_t shstrndx;
	/* Section index of the symbol table: SHT_SYMTAB, or in a linked
	 * file without one, SHT_DYNSYM; 0 when a linked file has neither
	 * (stripped) or its symbols came from a System.map (elf/sysmap.h). */
	size_t symtab;
	size_t nsymbols;	/* symbols[0] is the null symbol */
	struct sc_symbol *symbols;
	char *symnames;		/* names of symbols not from the ELF file */
	/* A linked file's SHF_ALLOC sections by address (sc_section_at):
	 * indices sorted by sh_addr, and the highest end of each and all
	 * before it, so that overlaps cost nothing when there are none. */
	size_t *by_addr;
	uint64_t *max_end;
	size_t nby_addr;
};

/* A relocation with its addend made explicit, whatever REL or RELA. */
struct sc_reloc {
	uint64_t offset;
	uint32_t type;
	uint32_t sym;
	int64_t addend;
};

struct sc_reloc_iter {
	const struct sc_object *obj;
	size_t relsec;
	Elf_Data *data;
	size_t index, count;
	uint64_t target_size;	/* bytes the relocations apply to */
	bool rela;
	/* ELF64 RELA: libelf's data, already in memory form (elf_getdata
	 * converts byte order), read without gelf's per-entry call. */
	const Elf64_Rela *rela64;
	size_t nsymbols;	/* obj's, for the inline bound check */
};

/* Validates the size bytes at image, which the caller keeps unchanged
 * until sc_object_close; name stands for the path in messages.  need_rel
 * refuses anything but a relocatable object.  A relocatable object must
 * have a .symtab; a linked file may have only .dynsym, or no symbols at
 * all.  On failure nothing stays open and err says why (one line, no file
 * name: the caller adds it).  elf/input.h's sc_input_open reads a file
 * and opens it through this. */
int sc_object_open_memory(struct sc_object *obj, const char *name,
			  const char *image, size_t size, bool need_rel,
			  struct sc_err *err);
void sc_object_close(struct sc_object *obj);

/* A linked file (ET_EXEC or ET_DYN: an executable, a PIE, a shared
 * library, vmlinux): every address is final and st_value is an address,
 * not an offset in a section. */
bool sc_object_linked(const struct sc_object *obj);

/* The offset of s in its section: st_value in a relocatable object,
 * st_value less the section's address in a linked file. */
uint64_t sc_symbol_offset(const struct sc_object *obj,
			  const struct sc_symbol *s);

/* The SHF_ALLOC section of a linked file that holds address addr (with
 * exec, only SHF_EXECINSTR ones), or 0.  Thread-local sections, whose
 * addresses are templates, never match. */
size_t sc_section_at(const struct sc_object *obj, uint64_t addr, bool exec);

/* The file bytes of a section (NULL and size 0 for SHT_NOBITS). */
int sc_section_bytes(const struct sc_object *obj, size_t sec,
		     const uint8_t **bytes, size_t *size, struct sc_err *err);

/* Index of the section named name, or 0 when there is none. */
size_t sc_find_section(const struct sc_object *obj, const char *name);

/* The relocation section that applies to sec, or 0. */
size_t sc_find_reloc_section(const struct sc_object *obj, size_t sec);

bool sc_is_reloc_section(const struct sc_section *sec);
bool sc_is_exec_section(const struct sc_section *sec);

/* Iterates over the relocations of relocation section relsec.  next()
 * returns 1 with *rel filled, 0 at the end, -1 on a malformed entry. */
int sc_reloc_iter_init(struct sc_reloc_iter *it, const struct sc_object *obj,
		       size_t relsec, struct sc_err *err);
int sc_reloc_iter_next_any(struct sc_reloc_iter *it, struct sc_reloc *rel,
			   struct sc_err *err);

/* The next relocation against a symbol i with want[i] set (want has one
 * entry per symbol of the object); every relocation passed over is
 * checked as sc_reloc_iter_next checks it, and an error stops the scan
 * the same way.  The site scan keeps a few relocations of each file's
 * hundreds of thousands: the skipping loop is the hot one. */
int sc_reloc_iter_next_in(struct sc_reloc_iter *it, const bool *want,
			  struct sc_reloc *rel, struct sc_err *err);

/* The scans call this once per relocation of the file (5.5 M over the
 * corpus), so the common case is inline: a valid entry of libelf's
 * converted ELF64 RELA array.  Everything else (the end, REL, ELF32, an
 * entry out of bounds and its message) is sc_reloc_iter_next_any's. */
static inline int sc_reloc_iter_next(struct sc_reloc_iter *it,
				     struct sc_reloc *rel, struct sc_err *err)
{
	const Elf64_Rela *e;

	if (!it->rela64 || it->index >= it->count)
		return sc_reloc_iter_next_any(it, rel, err);
	e = &it->rela64[it->index];
	if (ELF64_R_SYM(e->r_info) >= it->nsymbols ||
	    e->r_offset >= it->target_size)
		return sc_reloc_iter_next_any(it, rel, err);
	it->index++;
	rel->offset = e->r_offset;
	rel->addend = e->r_addend;
	rel->type = ELF64_R_TYPE(e->r_info);
	rel->sym = ELF64_R_SYM(e->r_info);
	return 1;
}

#endif
