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

/* LLVM's section types that name symbols (llvm/BinaryFormat/ELF.h). */
#ifndef SHT_LLVM_ADDRSIG
#define SHT_LLVM_ADDRSIG 0x6fff4c03
#endif
#ifndef SHT_LLVM_CALL_GRAPH_PROFILE
#define SHT_LLVM_CALL_GRAPH_PROFILE 0x6fff4c09
#endif

/* What the writer does to a section's bytes beyond copying them. */
enum role {
	ROLE_COPY,	/* the input's bytes, or a buffer filled in planning */
	ROLE_RELOCS,	/* relocations, renumbered once libelf has d_buf */
	ROLE_SHNDX,	/* extended section indices, renumbered likewise */
};

/* One output section: its header, where its bytes come from, and whether
 * it keeps its input offset or goes after the input's contents. */
struct out_sec {
	GElf_Shdr shdr;
	void *buf;		/* raw input bytes, or memory form to convert */
	size_t size;
	Elf_Type type;
	bool append;
	bool own;		/* buf is ours to free */
	enum role role;
	Elf_Data *data;		/* the libelf descriptor, once created */
};

struct out {
	const struct sc_object *in;
	const struct sc_table_image *img;
	Elf *elf;
	struct out_sec *secs;	/* index 0 unused, as in ELF */
	size_t n;
	size_t table, relsec;
	size_t shndx;		/* the extended index table, or 0 */
	bool new_shndx;		/* ... which the input lacks */
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

static size_t find_shndx(const struct sc_object *in)
{
	size_t i;

	for (i = 1; i < in->nsections; i++)
		if (in->sections[i].shdr.sh_type == SHT_SYMTAB_SHNDX &&
		    in->sections[i].shdr.sh_link == in->symtab)
			return i;
	return 0;
}

/* A regenerated table takes the place of the old one, so that no index
 * that points at other sections moves.  New sections go after the
 * input's: the table, its relocations, and an extended index table when a
 * new section symbol needs one (its section index is SHN_LORESERVE or
 * above) and the input has none. */
static int place_sections(struct out *o, struct sc_err *err)
{
	const struct sc_object *in = o->in;
	size_t old_table = sc_find_section(in, o->img->name);
	size_t old_rel = old_table ? sc_find_reloc_section(in, old_table) : 0;

	o->table = old_table ? old_table : in->nsections;
	o->relsec = old_rel ? old_rel : in->nsections + !old_table;
	o->n = in->nsections + !old_table + !old_rel;
	o->shndx = find_shndx(in);
	if (!o->shndx && o->map.xindex) {
		o->shndx = o->n++;
		o->new_shndx = true;
	}
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
	char name[128];
	size_t len, shndx_name, old = s->size;
	char *buf;

	len = (size_t)snprintf(name, sizeof(name), "%s%s", rela ? ".rela" :
			       ".rel", o->img->name) + 1;
	shndx_name = len;
	if (o->new_shndx)
		len += (size_t)snprintf(name + len, sizeof(name) - len,
					".symtab_shndx") + 1;
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
	if (o->new_shndx)
		o->secs[o->shndx].shdr.sh_name = old + shndx_name;
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

static int plan_symbol_map(struct out *o, struct sc_err *err)
{
	size_t *want, n;
	int ret;

	if (sections_wanting_symbols(o, &want, &n, err))
		return -1;
	ret = sc_symmap_plan(&o->map, o->in, want, n, err);
	free(want);
	return ret;
}

static int plan_relocs(struct out *o, size_t i, struct sc_err *err)
{
	struct out_sec *s = &o->secs[i];
	bool touches;

	if (sc_symmap_touches(&o->map, o->in, i, &touches, err))
		return -1;
	if (touches && alloc_buf(s, s->size, s->shdr.sh_type == SHT_RELA ?
				 ELF_T_RELA : ELF_T_REL, err))
		return -1;
	s->role = touches ? ROLE_RELOCS : ROLE_COPY;
	return 0;
}

/* Renumbered indices only grow, and so may their ULEB128 encoding: the
 * section then goes after the input's contents. */
static int plan_addrsig(struct out *o, size_t i, struct sc_err *err)
{
	struct out_sec *s = &o->secs[i];
	uint8_t *buf;
	size_t size;

	if (sc_symmap_addrsig(&o->map, o->in, i, &buf, &size, err))
		return -1;
	s->append = size != s->size;
	set_own(s, buf, size, ELF_T_BYTE);
	s->shdr.sh_size = size;
	return 0;
}

/* When globals move, every section that names symbols by index follows
 * them: relocations, COMDAT groups (sh_info), .llvm_addrsig.  LLVM's
 * call-graph profile names its symbols through a relocation section (as
 * clang 14 writes it); the older form with indices in its bytes, and any
 * other section that links to .symtab, would be left wrong: refused. */
static int plan_symbol_refs(struct out *o, struct sc_err *err)
{
	const struct sc_object *in = o->in;
	size_t i;

	for (i = 1; sc_symmap_renumbers(&o->map) && i < in->nsections; i++) {
		struct out_sec *s = &o->secs[i];
		Elf64_Word type = s->shdr.sh_type;

		if (i == o->table || i == o->relsec || i == in->symtab ||
		    i == o->shndx || s->shdr.sh_link != in->symtab)
			continue;
		if (type == SHT_GROUP)
			s->shdr.sh_info = sc_symmap_index(&o->map,
							  s->shdr.sh_info);
		else if (sc_is_reloc_section(&in->sections[i])) {
			if (plan_relocs(o, i, err))
				return -1;
		} else if (type == SHT_LLVM_ADDRSIG) {
			if (plan_addrsig(o, i, err))
				return -1;
		} else if (type != SHT_LLVM_CALL_GRAPH_PROFILE ||
			   (s->size && !sc_find_reloc_section(in, i)))
			return sc_errf(err, "section %zu (%s, type 0x%x) names "
				       "symbols in a way scstool cannot "
				       "renumber; a new section symbol would "
				       "move them", i, in->sections[i].name,
				       (unsigned)type);
	}
	return 0;
}

/* New section symbols grow the symbol table (and its extended-index
 * companion), which then goes after the input's contents. */
static int plan_symbols(struct out *o, struct sc_err *err)
{
	const struct sc_object *in = o->in;
	struct out_sec *st = &o->secs[in->symtab];
	size_t count = sc_symmap_count(&o->map);

	if (!o->map.nnew)
		return 0;
	if (alloc_buf(st, fsize(o, ELF_T_SYM, count), ELF_T_SYM, err))
		return -1;
	st->append = true;
	st->shdr.sh_info = o->map.first_global + o->map.nnew;
	if (o->shndx) {
		if (alloc_buf(&o->secs[o->shndx], count * 4, ELF_T_WORD, err))
			return -1;
		o->secs[o->shndx].append = true;
		o->secs[o->shndx].role = ROLE_SHNDX;
	}
	return plan_symbol_refs(o, err);
}

static void plan_new_shndx(struct out *o)
{
	struct out_sec *x = &o->secs[o->shndx];

	if (!o->new_shndx)
		return;
	x->shdr = (GElf_Shdr){ .sh_name = x->shdr.sh_name,
		.sh_type = SHT_SYMTAB_SHNDX, .sh_link = o->in->symtab,
		.sh_addralign = 4, .sh_entsize = 4 };
	x->type = ELF_T_WORD;
	x->append = true;
}

static int fill_symbols(struct out *o, struct sc_err *err)
{
	const struct sc_object *in = o->in;
	size_t i;

	if (!o->map.nnew)
		return 0;
	if (sc_symmap_fill_symtab(&o->map, in, o->secs[in->symtab].data, err))
		return -1;
	for (i = 1; i < o->n; i++) {
		const struct out_sec *s = &o->secs[i];

		if (s->role == ROLE_SHNDX &&
		    sc_symmap_fill_shndx(&o->map, in, o->new_shndx ? 0 : i,
					 s->data, err))
			return -1;
		if (s->role == ROLE_RELOCS &&
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

/* The entry size libelf writes for a section of this type, whatever its
 * header says (elf32_updatenull.c), or 0 when it keeps the header's. */
static size_t libelf_entsize(const struct out *o, Elf64_Word type)
{
	switch (type) {
	case SHT_SYMTAB:
	case SHT_DYNSYM:
		return fsize(o, ELF_T_SYM, 1);
	case SHT_RELA:
		return fsize(o, ELF_T_RELA, 1);
	case SHT_REL:
		return fsize(o, ELF_T_REL, 1);
	case SHT_DYNAMIC:
		return fsize(o, ELF_T_DYN, 1);
	case SHT_GROUP:
	case SHT_SYMTAB_SHNDX:
	case SHT_HASH:	/* 4 but on Alpha and s390x, which we do not read */
		return 4;
	case SHT_SUNW_move:
		return fsize(o, ELF_T_MOVE, 1);
	case SHT_SUNW_syminfo:
		return fsize(o, ELF_T_SYMINFO, 1);
	}
	return 0;
}

/* libelf rewrites some header fields to what the ELF format says they
 * must be: such a header could not be kept as it is, so the object is
 * refused (a section size that is not a multiple of its entry size
 * makes libelf itself refuse it).  So is a group whose signature is no
 * symbol: it could not follow a renumbering. */
static int check_normal(const struct out *o, struct sc_err *err)
{
	const GElf_Ehdr *eh = &o->in->ehdr;
	size_t i, chdr_align = fsize(o, ELF_T_CHDR, 1) == 24 ? 8 : 4;

	if (eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return sc_errf(err, "ELF version %u in e_ident and %u in "
			       "e_version, not %u: cannot rewrite it",
			       eh->e_ident[EI_VERSION], eh->e_version,
			       EV_CURRENT);

	for (i = 1; i < o->in->nsections; i++) {
		const GElf_Shdr *sh = &o->secs[i].shdr;
		size_t want = libelf_entsize(o, sh->sh_type);

		if (want && sh->sh_entsize != want)
			return sc_errf(err, "section %zu (%s): entry size %llu, "
				       "but its type has %zu: cannot rewrite "
				       "it", i, o->in->sections[i].name,
				       (unsigned long long)sh->sh_entsize,
				       want);
		/* (The input's sh_info: planning has renumbered ours.) */
		if (sh->sh_type == SHT_GROUP &&
		    o->in->sections[i].shdr.sh_info >= o->in->nsymbols)
			return sc_errf(err, "section %zu (%s): signature "
				       "symbol %u out of range", i,
				       o->in->sections[i].name,
				       o->in->sections[i].shdr.sh_info);
		if ((sh->sh_flags & SHF_COMPRESSED) &&
		    sh->sh_addralign != chdr_align)
			return sc_errf(err, "section %zu (%s): compressed, "
				       "but aligned to %llu, not %zu: cannot "
				       "rewrite it", i,
				       o->in->sections[i].name,
				       (unsigned long long)sh->sh_addralign,
				       chdr_align);
	}
	return 0;
}

/* Kept sections stay where they are.  One with bytes over the ELF header
 * or the program headers cannot be placed, and the object is refused; an
 * empty one holds no byte and stays (see rewrite_headers). */
static int place_kept(struct out *o, struct sc_err *err)
{
	uint64_t hdr = sc_headers_end(o->in);
	size_t i;

	for (i = 1; i < o->in->nsections; i++) {
		struct out_sec *s = &o->secs[i];

		if (s->append || s->shdr.sh_offset >= hdr || !kept_bytes(s))
			continue;
		return sc_errf(err, "section %zu (%s) at 0x%llx overlaps the "
			       "ELF %s: cannot rewrite it without damaging "
			       "one of them", i, o->in->sections[i].name,
			       (unsigned long long)s->shdr.sh_offset,
			       s->shdr.sh_offset < o->in->ehdr.e_ehsize ?
			       "header" : "program headers");
	}
	return check_overlaps(o, err) || check_normal(o, err) ? -1 : 0;
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

/* libelf writes sections in file order and fills each gap from where the
 * previous section ended; for a section without bytes that is its
 * offset, so an empty section that lies inside another one makes the fill
 * erase the rest of it.  An empty section holds no byte: it moves to the
 * end of the section it lies in.  (One inside the headers stays, and the
 * headers are written again.)  One past the end of the output's contents
 * moves to that end: libelf makes the file reach every section's offset,
 * so an inactive (SHT_NULL) section, whose offset the reader cannot check
 * (its members are undefined), claiming 2^40 made a 1 TiB output. */
static int place_empty(struct out *o, uint64_t end, struct sc_err *err)
{
	struct sc_extent *r = calloc(o->n, sizeof(*r));
	size_t i, n = 0;

	if (!r)
		return sc_errf(err, "out of memory");
	for (i = 1; i < o->n; i++)
		if (o->secs[i].shdr.sh_type != SHT_NOBITS && o->secs[i].size)
			r[n++] = (struct sc_extent){ o->secs[i].shdr.sh_offset,
						     o->secs[i].size };
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 1; i < o->n; i++) {
		GElf_Shdr *sh = &o->secs[i].shdr;
		size_t lo = 0, hi = n;

		if (sh->sh_type == SHT_NOBITS || o->secs[i].size)
			continue;
		if (sh->sh_offset > end) {
			sh->sh_offset = end;
			continue;
		}
		while (lo < hi) {	/* the last range starting before it */
			size_t mid = lo + (hi - lo) / 2;

			if (r[mid].off < sh->sh_offset)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo && sh->sh_offset < r[lo - 1].off + r[lo - 1].len)
			sh->sh_offset = r[lo - 1].off + r[lo - 1].len;
	}
	free(r);
	return 0;
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
	if (plan_symbol_map(o, err) || place_sections(o, err) ||
	    copy_inputs(o, err))
		return -1;
	plan_table(o);
	plan_new_shndx(o);
	if (grow_shstrtab(o, err) || plan_symbols(o, err) ||
	    place_kept(o, err) ||
	    sc_unclaimed(o->in, &o->keep, &o->nkeep, err))
		return -1;
	return alloc_buf(&o->secs[o->relsec],
			 fsize(o, o->secs[o->relsec].type, o->img->nrelocs),
			 o->secs[o->relsec].type, err);
}

static int rewrite_phdrs(const struct out *o, int fd, size_t phnum,
			 struct sc_err *err)
{
	bool wide = gelf_getclass(o->elf) == ELFCLASS64;
	size_t size = fsize(o, ELF_T_PHDR, phnum);
	void *buf = malloc(size);
	Elf_Data src = { .d_type = ELF_T_PHDR, .d_size = size,
			 .d_version = EV_CURRENT };
	Elf_Data dst = { .d_buf = buf, .d_size = size,
			 .d_version = EV_CURRENT };
	int ret = 0;

	errno = 0;
	src.d_buf = wide ? (void *)elf64_getphdr(o->elf)
			 : (void *)elf32_getphdr(o->elf);
	if (!buf)
		return sc_errf(err, "out of memory");
	if (!src.d_buf ||
	    !gelf_xlatetof(o->elf, &dst, &src, o->in->ehdr.e_ident[EI_DATA]) ||
	    pwrite(fd, buf, size, (off_t)o->in->ehdr.e_phoff) != (ssize_t)size)
		ret = sc_errf(err, "cannot write the program headers: %s",
			      errno ? strerror(errno) : elf_errmsg(-1));
	free(buf);
	return ret;
}

/* An empty section inside the ELF or program headers keeps its offset,
 * and libelf's gap fill then erases the headers it wrote first: they are
 * written again, converted to the file's form by libelf. */
static int rewrite_headers(const struct out *o, int fd, struct sc_err *err)
{
	bool wide = gelf_getclass(o->elf) == ELFCLASS64;
	size_t phnum = o->in->ehdr.e_phnum;
	char buf[64];
	Elf_Data src = { .d_type = ELF_T_EHDR, .d_version = EV_CURRENT };
	Elf_Data dst = { .d_buf = buf, .d_size = sizeof(buf),
			 .d_version = EV_CURRENT };

	errno = 0;
	src.d_buf = wide ? (void *)elf64_getehdr(o->elf)
			 : (void *)elf32_getehdr(o->elf);
	src.d_size = fsize(o, ELF_T_EHDR, 1);
	if (!src.d_buf ||
	    !gelf_xlatetof(o->elf, &dst, &src, o->in->ehdr.e_ident[EI_DATA]) ||
	    pwrite(fd, buf, dst.d_size, 0) != (ssize_t)dst.d_size)
		return sc_errf(err, "cannot write the ELF header: %s",
			       errno ? strerror(errno) : elf_errmsg(-1));
	return phnum ? rewrite_phdrs(o, fd, phnum, err) : 0;
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
	if (place_empty(o, shoff, err))
		return -1;
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
	else if (!build(&o, err) && !rewrite_headers(&o, fd, err))
		ret = 0;
	if (o.elf)
		elf_end(o.elf);
	if (!ret)
		ret = restore_unclaimed(&o, fd, err);
	free_out(&o);
	return ret;
}

int sc_write_table(const struct sc_object *in, const char *target,
		   const struct sc_table_image *img, struct sc_spare *spare,
		   sc_write_verify_fn verify, void *ctx, struct sc_err *err)
{
	struct sc_replace r;
	int ret;

	if (sc_replace_begin_spare(&r, target ? target : in->path, spare, err))
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
