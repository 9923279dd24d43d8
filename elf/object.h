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
	size_t symtab;		/* section index of SHT_SYMTAB */
	size_t nsymbols;
	struct sc_symbol *symbols;
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
};

/* Reads the file at path whole (elf/file.h's sc_file_read: a regular
 * file, not changing while read) and validates it; need_rel refuses
 * anything but a relocatable object.  Nothing maps the file, so a change
 * to it later cannot reach the tool.  On failure nothing stays open and
 * err says why (one line, no file name: the caller adds it). */
int sc_object_open(struct sc_object *obj, const char *path, bool need_rel,
		   struct sc_err *err);

/* The same for size bytes at image, which the caller keeps unchanged
 * until sc_object_close; name stands for the path in messages. */
int sc_object_open_memory(struct sc_object *obj, const char *name,
			  const char *image, size_t size, bool need_rel,
			  struct sc_err *err);
void sc_object_close(struct sc_object *obj);

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
int sc_reloc_iter_next(struct sc_reloc_iter *it, struct sc_reloc *rel,
		       struct sc_err *err);

#endif
