#include "write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extent.h"
#include "file.h"
#include "symadd.h"

/* The largest alignment honoured when placing a section after the input's
 * contents.  In a relocatable object a file offset needs no more than its
 * entries' natural alignment (8); a larger claim (.shstrtab aligned to
 * 2^32 in a hostile file) would otherwise grow the output without bound.
 * The section header keeps its sh_addralign, which is about addresses. */
#define LAYOUT_ALIGN_MAX 64

/* One output section: its header, where its bytes come from, and whether
 * it keeps its input offset or goes after the input's contents. */
struct out_sec {
	GElf_Shdr shdr;
	void *buf;		/* raw input bytes, or memory form to convert */
	size_t size;
	Elf_Type type;
	bool append;
	bool own;		/* buf is ours to free */
	Elf_Data *data;		/* the libelf descriptor, once created */
};

struct out {
	const struct sc_object *in;
	const struct sc_table_image *img;
	Elf *elf;
	struct out_sec *secs;	/* index 0 unused, as in ELF */
	size_t n;
	size_t table, relsec;
	struct sc_symmap map;
	struct sc_extent *keep;	/* the input's unclaimed bytes */
	size_t nkeep;
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

static int lib_failure(struct sc_err *err, const char *what)
{
	return sc_errf(err, "%s: %s", what, elf_errmsg(-1));
}

static int copy_inputs(struct out *o, struct sc_err *err)
{
	const struct sc_object *in = o->in;
	size_t i;

	for (i = 1; i < in->nsections; i++) {
		struct out_sec *s = &o->secs[i];
		const uint8_t *bytes;

		s->shdr = in->sections[i].shdr;
		s->type = ELF_T_BYTE;
		if (sc_section_bytes(in, i, &bytes, &s->size, err))
			return -1;
		s->buf = (void *)bytes;
	}
	return 0;
}

/* A regenerated table takes the place of the old one, so that no index
 * that points at other sections moves. */
static int place_table(struct out *o, struct sc_err *err)
{
	const struct sc_object *in = o->in;
	size_t old_table = sc_find_section(in, o->img->name);
	size_t old_rel = old_table ? sc_find_reloc_section(in, old_table) : 0;

	o->table = old_table ? old_table : in->nsections;
	o->relsec = old_rel ? old_rel : in->nsections + !old_table;
	o->n = in->nsections + !old_table + !old_rel;
	o->secs = calloc(o->n, sizeof(*o->secs));
	if (!o->secs)
		return sc_errf(err, "out of memory");
	return 0;
}

static void set_own(struct out_sec *s, void *buf, size_t size, Elf_Type type)
{
	if (s->own)
		free(s->buf);
	s->buf = buf;
	s->size = size;
	s->type = type;
	s->own = true;
}

/* The rel section's name holds the table's as a suffix: one string, two
 * names. */
static int grow_shstrtab(struct out *o, struct sc_err *err)
{
	struct out_sec *s = &o->secs[o->in->shstrndx];
	bool rela = o->img->rela;
	char name[96];
	size_t len, old = s->size;
	char *buf;

	snprintf(name, sizeof(name), "%s%s", rela ? ".rela" : ".rel",
		 o->img->name);
	len = strlen(name) + 1;
	buf = malloc(old + len);
	if (!buf)
		return sc_errf(err, "out of memory");
	memcpy(buf, s->buf, old);
	memcpy(buf + old, name, len);
	set_own(s, buf, old + len, ELF_T_BYTE);
	s->shdr.sh_size = old + len;
	s->append = true;
	o->secs[o->relsec].shdr.sh_name = old;
	o->secs[o->table].shdr.sh_name = old + (rela ? 5 : 4);
	return 0;
}

static size_t fsize(const struct out *o, Elf_Type type, size_t n)
{
	return gelf_fsize(o->elf, type, n, EV_CURRENT);
}

static int alloc_buf(struct out_sec *s, size_t size, Elf_Type type,
		     struct sc_err *err)
{
	void *buf = calloc(1, size ? size : 1);

	if (!buf)
		return sc_errf(err, "out of memory");
	set_own(s, buf, size, type);
	s->shdr.sh_size = size;
	return 0;
}

static void plan_table(struct out *o)
{
	const struct sc_table_image *img = o->img;
	bool wide = gelf_getclass(o->elf) == ELFCLASS64;
	struct out_sec *t = &o->secs[o->table], *r = &o->secs[o->relsec];
	Elf_Type rtype = img->rela ? ELF_T_RELA : ELF_T_REL;

	t->shdr = (GElf_Shdr){ .sh_name = t->shdr.sh_name,
		.sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_WRITE,
		.sh_addralign = 8, .sh_entsize = img->entsize };
	t->buf = (void *)img->words;
	t->size = t->shdr.sh_size = img->nwords * 4;
	t->type = ELF_T_WORD;
	t->append = true;
	r->shdr = (GElf_Shdr){ .sh_name = r->shdr.sh_name,
		.sh_type = img->rela ? SHT_RELA : SHT_REL,
		.sh_flags = SHF_INFO_LINK, .sh_addralign = wide ? 8 : 4,
		.sh_entsize = fsize(o, rtype, 1), .sh_link = o->in->symtab,
		.sh_info = o->table };
	r->type = rtype;
	r->append = true;
}

static int sections_wanting_symbols(const struct out *o, size_t **want,
				    size_t *n, struct sc_err *err)
{
	size_t i;

	*n = 0;
	*want = calloc(o->img->nrelocs + 1, sizeof(**want));
	if (!*want)
		return sc_errf(err, "out of memory");
	for (i = 0; i < o->img->nrelocs; i++)
		if (o->img->relocs[i].section_sym)
			(*want)[(*n)++] = o->img->relocs[i].sym;
	return 0;
}

static int plan_relocs_renumbered(struct out *o, struct sc_err *err)
{
	size_t i;

	for (i = 1; i < o->in->nsections; i++) {
		struct out_sec *s = &o->secs[i];
		bool touches;

		if (s->shdr.sh_type == SHT_GROUP)
			s->shdr.sh_info = sc_symmap_index(&o->map,
							  s->shdr.sh_info);
		if (!sc_is_reloc_section(&o->in->sections[i]) ||
		    s->shdr.sh_link != o->in->symtab ||
		    i == o->table || i == o->relsec)
			continue;
		if (sc_symmap_touches(&o->map, o->in, i, &touches, err))
			return -1;
		if (touches &&
		    alloc_buf(s, s->size, s->shdr.sh_type == SHT_RELA ?
			      ELF_T_RELA : ELF_T_REL, err))
			return -1;
	}
	return 0;
}

/* New section symbols grow the symbol table (and its extended-index
 * companion), which then goes after the input's contents. */
static int plan_symbols(struct out *o, struct sc_err *err)
{
	const struct sc_object *in = o->in;
	size_t *want, n, i, count;
	struct out_sec *st = &o->secs[in->symtab];
	int ret;

	if (sections_wanting_symbols(o, &want, &n, err))
		return -1;
	ret = sc_symmap_plan(&o->map, in, want, n, err);
	free(want);
	if (ret || !o->map.nnew)
		return ret;
	count = sc_symmap_count(&o->map);
	if (alloc_buf(st, fsize(o, ELF_T_SYM, count), ELF_T_SYM, err))
		return -1;
	st->append = true;
	st->shdr.sh_info = o->map.first_global + o->map.nnew;
	for (i = 1; i < in->nsections; i++)
		if (in->sections[i].shdr.sh_type == SHT_SYMTAB_SHNDX &&
		    in->sections[i].shdr.sh_link == in->symtab) {
			if (alloc_buf(&o->secs[i], count * 4, ELF_T_WORD, err))
				return -1;
			o->secs[i].append = true;
		}
	return plan_relocs_renumbered(o, err);
}

static int fill_symbols(struct out *o, struct sc_err *err)
{
	const struct sc_object *in = o->in;
	size_t i;

	if (!o->map.nnew)
		return 0;
	if (sc_symmap_fill_symtab(&o->map, in, o->secs[in->symtab].data, err))
		return -1;
	for (i = 1; i < in->nsections; i++) {
		const struct out_sec *s = &o->secs[i];

		if (!s->own || i == in->symtab || i == in->shstrndx ||
		    i == o->table || i == o->relsec)
			continue;
		if (s->type == ELF_T_WORD &&
		    sc_symmap_fill_shndx(&o->map, in, i, s->data, err))
			return -1;
		if (s->type != ELF_T_WORD &&
		    sc_symmap_fill_relocs(&o->map, in, i, s->data, err))
			return -1;
	}
	return 0;
}

static size_t table_symbol(const struct out *o, const struct sc_out_reloc *r)
{
	return r->section_sym ? sc_symmap_section_symbol(&o->map, r->sym)
			      : sc_symmap_index(&o->map, r->sym);
}

static int fill_table_relocs(struct out *o, struct sc_err *err)
{
	const struct sc_table_image *img = o->img;
	Elf_Data *d = o->secs[o->relsec].data;
	size_t i;

	for (i = 0; i < img->nrelocs; i++) {
		const struct sc_out_reloc *r = &img->relocs[i];
		GElf_Xword info = GELF_R_INFO(table_symbol(o, r), r->type);
		GElf_Rela rela = { r->offset, info, r->addend };
		GElf_Rel rel = { r->offset, info };
		int ok = img->rela ? gelf_update_rela(d, (int)i, &rela)
				   : gelf_update_rel(d, (int)i, &rel);

		if (!ok)
			return lib_failure(err, "cannot store a relocation");
	}
	return 0;
}

/* Does section s keep bytes at its input offset? */
static bool kept_bytes(const struct out_sec *s)
{
	return !s->append && s->shdr.sh_type != SHT_NOBITS && s->shdr.sh_size;
}

static int range_cmp(const void *a, const void *b)
{
	const struct sc_extent *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Two sections whose bytes overlap cannot both keep them once one is
 * rewritten; no tool makes such an object, so it is refused. */
static int check_overlaps(const struct out *o, struct sc_err *err)
{
	struct sc_extent *r = calloc(o->n, sizeof(*r));
	uint64_t end = 0;
	size_t i, n = 0, last = 0;
	int ret = 0;

	if (!r)
		return sc_errf(err, "out of memory");
	for (i = 1; i < o->in->nsections; i++)
		if (kept_bytes(&o->secs[i]))
			/* len holds the index: ranges sort by offset alone. */
			r[n++] = (struct sc_extent){ o->secs[i].shdr.sh_offset,
						     i };
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 0; i < n && !ret; i++) {
		const GElf_Shdr *sh = &o->secs[r[i].len].shdr;

		if (i && sh->sh_offset < end)
			ret = sc_errf(err, "sections %zu (%s) and %zu (%s) "
				      "overlap in the file: cannot rewrite it",
				      (size_t)r[last].len,
				      o->in->sections[r[last].len].name,
				      (size_t)r[i].len,
				      o->in->sections[r[i].len].name);
		if (sh->sh_offset + sh->sh_size > end) {
			end = sh->sh_offset + sh->sh_size;
			last = i;
		}
	}
	free(r);
	return ret;
}

/* Kept sections stay where they are.  One that overlaps the ELF header or
 * the program headers would be written over them (libelf then fills the
 * gap after it, erasing the header): an empty one holds no byte, so its
 * offset moves past the headers; one with bytes cannot be placed, and the
 * object is refused. */
static int place_kept(struct out *o, struct sc_err *err)
{
	uint64_t hdr = sc_headers_end(o->in);
	size_t i;

	for (i = 1; i < o->in->nsections; i++) {
		struct out_sec *s = &o->secs[i];

		if (s->append || s->shdr.sh_offset >= hdr)
			continue;
		if (!kept_bytes(s)) {
			s->shdr.sh_offset = hdr;
			continue;
		}
		return sc_errf(err, "section %zu (%s) at 0x%llx overlaps the "
			       "ELF %s: cannot rewrite it without damaging "
			       "one of them", i, o->in->sections[i].name,
			       (unsigned long long)s->shdr.sh_offset,
			       s->shdr.sh_offset < o->in->ehdr.e_ehsize ?
			       "header" : "program headers");
	}
	return check_overlaps(o, err);
}

/* The end of everything that keeps its offset: headers, kept sections and
 * the input's unclaimed bytes. */
static uint64_t content_end(const struct out *o)
{
	uint64_t end = sc_headers_end(o->in);
	size_t i;

	for (i = 1; i < o->n; i++) {
		const GElf_Shdr *sh = &o->secs[i].shdr;

		if (kept_bytes(&o->secs[i]) && sh->sh_offset + sh->sh_size > end)
			end = sh->sh_offset + sh->sh_size;
	}
	if (o->nkeep && o->keep[o->nkeep - 1].off + o->keep[o->nkeep - 1].len
			> end)
		end = o->keep[o->nkeep - 1].off + o->keep[o->nkeep - 1].len;
	return end;
}

/* Appended sections follow the input's contents, in index order. */
static uint64_t lay_out(struct out *o)
{
	uint64_t off = content_end(o);
	size_t i;

	for (i = 1; i < o->n; i++) {
		GElf_Shdr *sh = &o->secs[i].shdr;

		if (!o->secs[i].append)
			continue;
		off = align_up(off, sh->sh_addralign < LAYOUT_ALIGN_MAX ?
				    sh->sh_addralign : LAYOUT_ALIGN_MAX);
		sh->sh_offset = off;
		off += sh->sh_size;
	}
	return align_up(off, gelf_getclass(o->elf) == ELFCLASS32 ? 4 : 8);
}

static int emit_section(struct out *o, size_t i, struct sc_err *err)
{
	struct out_sec *s = &o->secs[i];
	Elf_Scn *scn = elf_newscn(o->elf);

	if (!scn || !gelf_update_shdr(scn, &s->shdr))
		return lib_failure(err, "cannot add a section");
	if (s->shdr.sh_type == SHT_NOBITS || !s->size)
		return 0;
	s->data = elf_newdata(scn);
	if (!s->data)
		return lib_failure(err, "cannot add section data");
	s->data->d_buf = s->buf;
	s->data->d_size = s->size;
	s->data->d_type = s->type;
	s->data->d_align = 1;
	s->data->d_off = 0;
	s->data->d_version = EV_CURRENT;
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
static int finish_header(const struct out *o, uint64_t shoff,
			 struct sc_err *err)
{
	GElf_Ehdr eh = o->in->ehdr;
	Elf_Scn *zero = elf_getscn(o->elf, 0);
	GElf_Shdr sh0 = o->in->sections[0].shdr;

	eh.e_shoff = shoff;
	eh.e_shnum = o->n < SHN_LORESERVE ? o->n : 0;
	sh0.sh_size = o->n < SHN_LORESERVE ? 0 : o->n;
	if (!zero || !gelf_update_shdr(zero, &sh0) ||
	    !gelf_update_ehdr(o->elf, &eh))
		return lib_failure(err, "cannot write the ELF header");
	return 0;
}

static int plan(struct out *o, struct sc_err *err)
{
	if (place_table(o, err) || copy_inputs(o, err))
		return -1;
	plan_table(o);
	if (grow_shstrtab(o, err) || plan_symbols(o, err) ||
	    place_kept(o, err) ||
	    sc_unclaimed(o->in, &o->keep, &o->nkeep, err))
		return -1;
	return alloc_buf(&o->secs[o->relsec],
			 fsize(o, o->secs[o->relsec].type, o->img->nrelocs),
			 o->secs[o->relsec].type, err);
}

/* libelf fills the gaps between sections; the input's own bytes go back
 * over them. */
static int restore_unclaimed(const struct out *o, int fd, struct sc_err *err)
{
	const char *raw = o->in->image;
	size_t i;

	for (i = 0; i < o->nkeep; i++) {
		const struct sc_extent *k = &o->keep[i];

		if (lseek(fd, (off_t)k->off, SEEK_SET) < 0)
			return sc_errf(err, "cannot seek in the output: %s",
				       strerror(errno));
		if (sc_write_all(fd, raw + k->off, k->len, err))
			return -1;
	}
	return 0;
}

static int build(struct out *o, struct sc_err *err)
{
	uint64_t shoff;
	size_t i;

	if (start_header(o->in, o->elf, err) || plan(o, err))
		return -1;
	elf_flagelf(o->elf, ELF_C_SET, ELF_F_LAYOUT);
	shoff = lay_out(o);
	for (i = 1; i < o->n; i++)
		if (emit_section(o, i, err))
			return -1;
	if (fill_symbols(o, err) || fill_table_relocs(o, err) ||
	    finish_header(o, shoff, err))
		return -1;
	/* libelf keeps its own error code, but the write(2) that failed
	 * left errno: the reason ("No space left on device") is that. */
	errno = 0;
	if (elf_update(o->elf, ELF_C_WRITE) < 0)
		return errno ? sc_errf(err, "cannot write the object: %s: %s",
				       elf_errmsg(-1), strerror(errno))
			     : lib_failure(err, "cannot write the object");
	return 0;
}

static void free_out(struct out *o)
{
	size_t i;

	for (i = 0; o->secs && i < o->n; i++)
		if (o->secs[i].own)
			free(o->secs[i].buf);
	free(o->secs);
	free(o->keep);
	sc_symmap_free(&o->map);
}

int sc_write_image(const struct sc_object *in, int fd,
		   const struct sc_table_image *img, struct sc_err *err)
{
	struct out o = { .in = in, .img = img };
	int ret = -1;

	o.elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!o.elf)
		lib_failure(err, "cannot start the output");
	else if (!build(&o, err))
		ret = 0;
	if (o.elf)
		elf_end(o.elf);
	if (!ret)
		ret = restore_unclaimed(&o, fd, err);
	free_out(&o);
	return ret;
}

int sc_write_table(const struct sc_object *in, const char *target,
		   const struct sc_table_image *img, sc_write_verify_fn verify,
		   void *ctx, struct sc_err *err)
{
	struct sc_replace r;
	int ret;

	if (sc_replace_begin(&r, target ? target : in->path, err))
		return -1;
	ret = sc_write_image(in, r.fd, img, err);
	if (!ret && verify)
		ret = verify(ctx, r.tmp, err);
	if (!ret)
		ret = sc_replace_commit(&r, &in->st, target ? NULL : &in->st,
					err);
	else
		sc_replace_abort(&r);
	return ret;
}
