/* setreloc: gives every relocation at one offset a new type, so that a
 * test can put a relocation no assembler here emits (R_PPC64_REL24_P9NOTOC,
 * an unknown number, a mismatched one) on real assembled code.  libelf does
 * the byte order and the REL/RELA layout; nothing else in the file moves.
 *
 *   setreloc FILE RELSEC OFFSET TYPE
 *
 * RELSEC names the relocation section (".rela.text", ".rel.text");
 * OFFSET is r_offset (0x... allowed); TYPE the new type number.  Exit 0
 * when at least one relocation changed, 1 when none sits at OFFSET, 2 on
 * usage or ELF errors.
 * Build: cc -o setreloc setreloc.c -lelf */
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "setreloc: %s: %s\n", what, elf_errmsg(-1));
	return 2;
}

static Elf_Scn *find(Elf *elf, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			return NULL;
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name) &&
		    (sh->sh_type == SHT_REL || sh->sh_type == SHT_RELA))
			return scn;
	}
	return NULL;
}

/* Retypes the entries at off; returns how many. */
static int retype(Elf_Scn *scn, const GElf_Shdr *sh,
		  GElf_Addr off, unsigned type)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	int changed = 0;

	for (i = 0; d && i < n; i++) {
		GElf_Rela a;
		GElf_Rel r;
		bool ok = sh->sh_type == SHT_RELA ? !!gelf_getrela(d, i, &a)
						  : !!gelf_getrel(d, i, &r);
		GElf_Xword *info = sh->sh_type == SHT_RELA ? &a.r_info
							   : &r.r_info;
		GElf_Addr at = sh->sh_type == SHT_RELA ? a.r_offset
						       : r.r_offset;

		if (!ok || at != off)
			continue;
		/* gelf_ keeps r_info in the 64-bit layout for either class. */
		*info = GELF_R_INFO(GELF_R_SYM(*info), type);
		if (sh->sh_type == SHT_RELA ? !gelf_update_rela(d, i, &a)
					    : !gelf_update_rel(d, i, &r))
			return -1;
		changed++;
	}
	return changed;
}

int main(int argc, char **argv)
{
	GElf_Shdr sh;
	Elf_Scn *scn;
	Elf *elf;
	int fd, n;

	if (argc != 5) {
		fprintf(stderr, "usage: setreloc FILE RELSEC OFFSET TYPE\n");
		return 2;
	}
	elf_version(EV_CURRENT);
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	elf = elf_begin(fd, ELF_C_RDWR, NULL);
	if (!elf)
		return fail(argv[1]);
	/* Keep every offset: only the one word changes. */
	elf_flagelf(elf, ELF_C_SET, ELF_F_LAYOUT);
	scn = find(elf, argv[2], &sh);
	if (!scn)
		return fail(argv[2]);
	n = retype(scn, &sh, strtoull(argv[3], NULL, 0),
		   (unsigned)strtoul(argv[4], NULL, 0));
	if (n < 0 || (n > 0 && elf_update(elf, ELF_C_WRITE) < 0))
		return fail("cannot update");
	elf_end(elf);
	close(fd);
	if (!n)
		fprintf(stderr, "setreloc: no relocation at %s in %s\n",
			argv[3], argv[2]);
	return n ? 0 : 1;
}
