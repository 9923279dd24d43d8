#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the output holds beyond the input's own sections. */
struct plan {
	size_t table, relsec;		/* section indices in the output */
	size_t nsections;		/* in the output */
	size_t table_name, rel_name;	/* offsets in the new .shstrtab */
	char *shstrtab;
	size_t shstrtab_size;
	void *rel_buf;
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

static int lib_failure(struct sc_err *err, const char *what)
{
	return sc_errf(err, "%s: %s", what, elf_errmsg(-1));
}

/* The rel section's name holds the table's as a suffix: one string, two
 * names. */
static int plan_names(const struct sc_object *in,
		      const struct sc_table_image *img, struct plan *p,
		      struct sc_err *err)
{
	const uint8_t *old;
	size_t oldsize, prefix = img->rela ? 5 : 4;
	char relname[96];

	if (sc_section_bytes(in, in->shstrndx, &old, &oldsize, err))
		return -1;
	snprintf(relname, sizeof(relname), "%s%s", img->rela ? ".rela" : ".rel",
		 img->name);
	p->shstrtab_size = oldsize + strlen(relname) + 1;
	p->shstrtab = malloc(p->shstrtab_size);
	if (!p->shstrtab)
		return sc_errf(err, "out of memory");
	memcpy(p->shstrtab, old, oldsize);
	memcpy(p->shstrtab + oldsize, relname, strlen(relname) + 1);
	p->rel_name = oldsize;
	p->table_name = oldsize + prefix;
	return 0;
}

static int plan_sections(const struct sc_object *in,
			 const struct sc_table_image *img, struct plan *p)
{
	size_t old_table = sc_find_section(in, img->name);
	size_t old_rel = old_table ? sc_find_reloc_section(in, old_table) : 0;

	/* A regenerated table takes the place of the old one, so that no
	 * index that points at other sections moves. */
	p->table = old_table ? old_table : in->nsections;
	p->relsec = old_rel ? old_rel :
		    in->nsections + (old_table ? 0 : 1);
	p->nsections = in->nsections + !old_table + !old_rel;
	return 0;
}

static uint64_t content_end(const struct sc_object *in, const struct plan *p)
{
	uint64_t end = in->ehdr.e_ehsize;
	size_t i;

	if (in->ehdr.e_phnum)
		end = in->ehdr.e_phoff + (uint64_t)in->ehdr.e_phnum *
					 in->ehdr.e_phentsize;
	for (i = 1; i < in->nsections; i++) {
		const GElf_Shdr *sh = &in->sections[i].shdr;

		if (sh->sh_type == SHT_NOBITS || i == in->shstrndx ||
		    i == p->table || i == p->relsec)
			continue;
		if (sh->sh_offset + sh->sh_size > end)
			end = sh->sh_offset + sh->sh_size;
	}
	return end;
}

static int add_data(Elf_Scn *scn, void *buf, size_t size, Elf_Type type,
		    size_t align, struct sc_err *err)
{
	Elf_Data *d = elf_newdata(scn);

	if (!d)
		return lib_failure(err, "cannot add section data");
	d->d_buf = buf;
	d->d_size = size;
	d->d_type = type;
	d->d_align = align;
	d->d_off = 0;
	d->d_version = EV_CURRENT;
	return 0;
}

static int copy_section(const struct sc_object *in, Elf *out, size_t i,
			struct sc_err *err)
{
	Elf_Scn *scn = elf_newscn(out);
	const struct sc_section *s = &in->sections[i];
	const uint8_t *bytes;
	size_t size;

	if (!scn || !gelf_update_shdr(scn, (GElf_Shdr *)&s->shdr))
		return lib_failure(err, "cannot add a section");
	if (sc_section_bytes(in, i, &bytes, &size, err))
		return -1;
	if (size)
		return add_data(scn, (void *)bytes, size, ELF_T_BYTE, 1, err);
	return 0;
}

static int fill_relocs(Elf_Data *d, const struct sc_table_image *img,
		       struct sc_err *err)
{
	size_t i;

	for (i = 0; i < img->nrelocs; i++) {
		const struct sc_out_reloc *r = &img->relocs[i];
		GElf_Rela rela = { r->offset, GELF_R_INFO(r->sym, r->type),
				   r->addend };
		GElf_Rel rel = { r->offset, GELF_R_INFO(r->sym, r->type) };
		int ok = img->rela ? gelf_update_rela(d, (int)i, &rela)
				   : gelf_update_rel(d, (int)i, &rel);

		if (!ok)
			return lib_failure(err, "cannot store a relocation");
	}
	return 0;
}

static size_t mem_size(Elf *out, Elf_Type type, size_t n)
{
	/* gelf_fsize gives the file size; in memory libelf wants the native
	 * structure, of the same size for these types. */
	return gelf_fsize(out, type, n, EV_CURRENT);
}

static int emit_table(Elf *out, const struct sc_table_image *img,
		      const struct plan *p,
		      uint64_t *off, struct sc_err *err)
{
	Elf_Scn *scn = elf_getscn(out, p->table);
	GElf_Shdr sh = {
		.sh_name = p->table_name, .sh_type = SHT_PROGBITS,
		.sh_flags = SHF_ALLOC | SHF_WRITE, .sh_addralign = 8,
		.sh_entsize = img->entsize,
		.sh_size = img->nwords * 4,
	};

	*off = align_up(*off, 8);
	sh.sh_offset = *off;
	*off += sh.sh_size;
	if (!scn || !gelf_update_shdr(scn, &sh))
		return lib_failure(err, "cannot add the table section");
	return add_data(scn, (void *)img->words, sh.sh_size, ELF_T_WORD, 4,
			err);
}

static int emit_relocs(const struct sc_object *in, Elf *out,
		       const struct sc_table_image *img, struct plan *p,
		       uint64_t *off, struct sc_err *err)
{
	Elf_Scn *scn = elf_getscn(out, p->relsec);
	Elf_Type type = img->rela ? ELF_T_RELA : ELF_T_REL;
	size_t ent = mem_size(out, type, 1);
	GElf_Shdr sh = {
		.sh_name = p->rel_name,
		.sh_type = img->rela ? SHT_RELA : SHT_REL,
		.sh_flags = SHF_INFO_LINK, .sh_addralign = 8,
		.sh_entsize = ent, .sh_link = in->symtab, .sh_info = p->table,
		.sh_size = ent * img->nrelocs,
	};
	Elf_Data *d;

	if (gelf_getclass(out) == ELFCLASS32)
		sh.sh_addralign = 4;
	*off = align_up(*off, sh.sh_addralign);
	sh.sh_offset = *off;
	*off += sh.sh_size;
	if (!scn || !gelf_update_shdr(scn, &sh))
		return lib_failure(err, "cannot add the relocation section");
	p->rel_buf = calloc(img->nrelocs + 1, ent);
	if (!p->rel_buf)
		return sc_errf(err, "out of memory");
	if (add_data(scn, p->rel_buf, sh.sh_size, type, sh.sh_addralign, err))
		return -1;
	d = elf_getdata(scn, NULL);
	return fill_relocs(d, img, err);
}

static int emit_shstrtab(const struct sc_object *in, Elf *out,
			 struct plan *p, uint64_t *off, struct sc_err *err)
{
	Elf_Scn *scn = elf_getscn(out, in->shstrndx);
	GElf_Shdr sh = in->sections[in->shstrndx].shdr;
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;

	sh.sh_offset = *off;
	sh.sh_size = p->shstrtab_size;
	*off += sh.sh_size;
	if (!d || !gelf_update_shdr(scn, &sh))
		return lib_failure(err, "cannot update .shstrtab");
	d->d_buf = p->shstrtab;
	d->d_size = p->shstrtab_size;
	return 0;
}

static int build_sections(const struct sc_object *in, Elf *out,
			  struct plan *p, struct sc_err *err)
{
	size_t i;

	for (i = 1; i < p->nsections; i++) {
		if (i < in->nsections && i != p->table && i != p->relsec) {
			if (copy_section(in, out, i, err))
				return -1;
		} else if (!elf_newscn(out)) {
			return lib_failure(err, "cannot add a section");
		}
	}
	return 0;
}

static int start_header(const struct sc_object *in, Elf *out,
			struct sc_err *err)
{
	size_t i;

	if (!gelf_newehdr(out, gelf_getclass(in->elf)))
		return lib_failure(err, "cannot create the ELF header");
	if (!in->ehdr.e_phnum)
		return 0;
	if (!gelf_newphdr(out, in->ehdr.e_phnum))
		return lib_failure(err, "cannot create program headers");
	for (i = 0; i < in->ehdr.e_phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(in->elf, (int)i, &ph) ||
		    !gelf_update_phdr(out, (int)i, &ph))
			return lib_failure(err, "cannot copy program headers");
	}
	return 0;
}

/* Large section counts live in section 0 (ELF's extended numbering). */
static int finish_header(const struct sc_object *in, Elf *out,
			 const struct plan *p, uint64_t shoff,
			 struct sc_err *err)
{
	GElf_Ehdr eh = in->ehdr;
	Elf_Scn *zero = elf_getscn(out, 0);
	GElf_Shdr sh0 = in->sections[0].shdr;

	eh.e_shoff = shoff;
	eh.e_shnum = p->nsections < SHN_LORESERVE ? p->nsections : 0;
	sh0.sh_size = p->nsections < SHN_LORESERVE ? 0 : p->nsections;
	if (!zero || !gelf_update_shdr(zero, &sh0) ||
	    !gelf_update_ehdr(out, &eh))
		return lib_failure(err, "cannot write the ELF header");
	return 0;
}

static int build(const struct sc_object *in, Elf *out,
		 const struct sc_table_image *img, struct plan *p,
		 struct sc_err *err)
{
	uint64_t off;

	if (start_header(in, out, err))
		return -1;
	elf_flagelf(out, ELF_C_SET, ELF_F_LAYOUT);
	if (plan_names(in, img, p, err) || plan_sections(in, img, p) ||
	    build_sections(in, out, p, err))
		return -1;
	off = content_end(in, p);
	if (emit_shstrtab(in, out, p, &off, err) ||
	    emit_table(out, img, p, &off, err) ||
	    emit_relocs(in, out, img, p, &off, err))
		return -1;
	off = align_up(off, gelf_getclass(in->elf) == ELFCLASS32 ? 4 : 8);
	if (finish_header(in, out, p, off, err))
		return -1;
	if (elf_update(out, ELF_C_WRITE) < 0)
		return lib_failure(err, "cannot write the object");
	return 0;
}

static int make_temp(const char *target, char *tmp, size_t len,
		     struct sc_err *err)
{
	const char *base = strrchr(target, '/');
	int fd;

	if (base)
		snprintf(tmp, len, "%.*s/.%s.scstool-XXXXXX",
			 (int)(base - target), target, base + 1);
	else
		snprintf(tmp, len, ".%s.scstool-XXXXXX", target);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return sc_errf(err, "cannot create a temporary file beside %s: "
			       "%s", target, strerror(errno));
	return fd;
}

static int finish(int fd, const char *tmp, const char *target,
		  mode_t mode, struct sc_err *err)
{
	if (fchmod(fd, mode & 07777) < 0)
		return sc_errf(err, "cannot set the mode of %s: %s", tmp,
			       strerror(errno));
	if (rename(tmp, target) < 0)
		return sc_errf(err, "cannot replace %s: %s", target,
			       strerror(errno));
	return 0;
}

static int write_all(int fd, const char *buf, size_t len, struct sc_err *err)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return sc_errf(err, "cannot write: %s",
				       w < 0 ? strerror(errno) : "no progress");
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int sc_write_copy(const struct sc_object *in, const char *target,
		  struct sc_err *err)
{
	char tmp[PATH_MAX + 32];
	size_t size;
	const char *raw = elf_rawfile(in->elf, &size);
	int fd, ret;

	if (!raw)
		return lib_failure(err, "cannot read the input");
	fd = make_temp(target, tmp, sizeof(tmp), err);
	if (fd < 0)
		return -1;
	ret = write_all(fd, raw, size, err);
	if (!ret)
		ret = finish(fd, tmp, target, in->st.st_mode, err);
	close(fd);
	if (ret)
		unlink(tmp);
	return ret;
}

int sc_write_table(const struct sc_object *in, const char *target,
		   const struct sc_table_image *img, struct sc_err *err)
{
	char tmp[PATH_MAX + 32];
	struct plan p = { 0 };
	Elf *out = NULL;
	int fd, ret = -1;

	fd = make_temp(target, tmp, sizeof(tmp), err);
	if (fd < 0)
		return -1;
	out = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!out)
		lib_failure(err, "cannot start the output");
	else if (!build(in, out, img, &p, err))
		ret = 0;
	if (out)
		elf_end(out);
	if (!ret)
		ret = finish(fd, tmp, target, in->st.st_mode, err);
	close(fd);
	if (ret)
		unlink(tmp);
	free(p.shstrtab);
	free(p.rel_buf);
	return ret;
}
