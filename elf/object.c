#include "object.h"

#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "input.h"

static int elf_failure(struct sc_err *err, const char *what)
{
	return sc_errf(err, "%s: %s", what, elf_errmsg(-1));
}

/* A file that is no ELF object may be what a build makes instead of one:
 * a compressed object, an archive (elf/input.h names them), or LLVM
 * bitcode, which clang -flto writes raw ("BC" C0 DE) or in LLVM's bitcode
 * wrapper (magic 0x0B17C0DE, little-endian; LLVM's BitcodeReader). */
static int not_elf(const struct sc_object *obj, struct sc_err *err)
{
	static const unsigned char raw[] = { 'B', 'C', 0xc0, 0xde };
	static const unsigned char wrapper[] = { 0xde, 0xc0, 0x17, 0x0b };
	/* A compressed object or an archive deserves its name too. */
	const char *why = sc_input_refusal(sc_input_sniff(obj->image,
							  obj->size));

	if (why)
		return sc_errf(err, "%s", why);
	if (obj->size >= 4 && (!memcmp(obj->image, raw, 4) ||
			       !memcmp(obj->image, wrapper, 4)))
		return sc_errf(err, "LLVM bitcode (clang -flto), not an ELF "
			       "object: there is no machine code to check "
			       "before the LTO link; check what it produces "
			       "(ld.lld -r makes an object)");
	return sc_errf(err, "not an ELF file");
}

static int check_ident(struct sc_object *obj, struct sc_err *err)
{
	size_t n;
	const char *ident;

	if (elf_kind(obj->elf) != ELF_K_ELF)
		return not_elf(obj, err);
	ident = elf_getident(obj->elf, &n);
	if (!ident || n < EI_NIDENT)
		return sc_errf(err, "truncated ELF header");
	if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64)
		return sc_errf(err, "invalid ELF class %d", ident[EI_CLASS]);
	if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)
		return sc_errf(err, "invalid ELF byte order %d",
			       ident[EI_DATA]);
	if (!gelf_getehdr(obj->elf, &obj->ehdr))
		return sc_errf(err, "truncated or invalid ELF header");
	return 0;
}

static const char *layout_hint(uint16_t got, size_t want)
{
	if ((uint16_t)((got >> 8) | (got << 8)) == want)
		return "the file claims the wrong byte order?";
	return "the file claims the wrong class?";
}

/* The header's own sizes must match its class and byte order: a file
 * whose ident claims another class or order than its structures have is
 * caught here. */
static int check_header_sizes(struct sc_object *obj, struct sc_err *err)
{
	int bits = gelf_getclass(obj->elf) == ELFCLASS32 ? 32 : 64;
	size_t ehsize = gelf_fsize(obj->elf, ELF_T_EHDR, 1, EV_CURRENT);
	size_t shsize = gelf_fsize(obj->elf, ELF_T_SHDR, 1, EV_CURRENT);
	size_t phsize = gelf_fsize(obj->elf, ELF_T_PHDR, 1, EV_CURRENT);

	if (obj->ehdr.e_ehsize != ehsize)
		return sc_errf(err, "ELF header size %u does not match ELF%d "
			       "(%zu): %s", obj->ehdr.e_ehsize, bits, ehsize,
			       layout_hint(obj->ehdr.e_ehsize, ehsize));
	if (obj->ehdr.e_shoff && obj->ehdr.e_shentsize != shsize)
		return sc_errf(err, "section header size %u does not match "
			       "ELF%d (%zu): %s", obj->ehdr.e_shentsize, bits,
			       shsize, layout_hint(obj->ehdr.e_shentsize,
						   shsize));
	/* The writer writes program headers of its class's size: a table
	 * whose entries the header calls smaller would grow over what
	 * follows it (found by make fuzz: e_phentsize 0). */
	if (obj->ehdr.e_phnum && obj->ehdr.e_phentsize != phsize)
		return sc_errf(err, "program header size %u does not match "
			       "ELF%d (%zu): %s", obj->ehdr.e_phentsize, bits,
			       phsize, obj->ehdr.e_phentsize ?
			       layout_hint(obj->ehdr.e_phentsize, phsize) :
			       "the table it counts has no room");
	if (obj->ehdr.e_shoff > (uint64_t)obj->size)
		return sc_errf(err, "section header table at 0x%llx is past "
			       "the end of the file (0x%llx bytes): truncated",
			       (unsigned long long)obj->ehdr.e_shoff,
			       (unsigned long long)obj->size);
	return 0;
}

static int check_section_bounds(const struct sc_object *obj, size_t i,
				struct sc_err *err)
{
	const GElf_Shdr *sh = &obj->sections[i].shdr;
	uint64_t fsize = (uint64_t)obj->size;

	if (sh->sh_addralign & (sh->sh_addralign - 1))
		return sc_errf(err, "section %zu (%s): alignment %llu is not a "
			       "power of two", i, obj->sections[i].name,
			       (unsigned long long)sh->sh_addralign);
	if (sh->sh_type == SHT_NOBITS || sh->sh_type == SHT_NULL)
		return 0;
	if (sh->sh_offset > fsize || sh->sh_size > fsize - sh->sh_offset)
		return sc_errf(err, "section %zu (%s) at 0x%llx+0x%llx lies "
			       "past the end of the file (0x%llx bytes): "
			       "truncated", i, obj->sections[i].name,
			       (unsigned long long)sh->sh_offset,
			       (unsigned long long)sh->sh_size,
			       (unsigned long long)fsize);
	if (sh->sh_link >= obj->nsections && sh->sh_type != SHT_GROUP)
		return sc_errf(err, "section %zu (%s): sh_link %u out of "
			       "range", i, obj->sections[i].name, sh->sh_link);
	return 0;
}

/* Compressed sections (-gz debug info) are inflated by libdw when source
 * lines are read, to the size their headers claim.  Inflating is the one
 * step whose cost the file's size does not bound (a few bytes of zlib
 * can claim gigabytes), so the claims together may be at most 64 times
 * the file, plus 16 MiB: debug info compresses 3 to 10 times. */
#define SC_INFLATE_FACTOR 64
#define SC_INFLATE_SLACK (16u << 20)

static int check_compressed(const struct sc_object *obj, struct sc_err *err)
{
	uint64_t total = 0, limit;
	size_t i;
	GElf_Chdr chdr;

	limit = (uint64_t)obj->size * SC_INFLATE_FACTOR + SC_INFLATE_SLACK;
	for (i = 1; i < obj->nsections; i++) {
		const struct sc_section *s = &obj->sections[i];

		if (s->shdr.sh_type == SHT_NOBITS ||
		    !(s->shdr.sh_flags & SHF_COMPRESSED) ||
		    !gelf_getchdr(s->scn, &chdr))
			continue;
		total += chdr.ch_size < limit ? chdr.ch_size : limit;
		if (total >= limit)
			return sc_errf(err, "section %zu (%s): compressed "
				       "sections claim %llu bytes or more "
				       "inflated, over %d times the file's "
				       "%zu bytes", i, s->name,
				       (unsigned long long)total,
				       SC_INFLATE_FACTOR, obj->size);
	}
	return 0;
}

static int load_sections(struct sc_object *obj, struct sc_err *err)
{
	size_t i;

	if (elf_getshdrnum(obj->elf, &obj->nsections) < 0)
		return elf_failure(err, "cannot read section headers");
	if (elf_getshdrstrndx(obj->elf, &obj->shstrndx) < 0)
		return elf_failure(err, "cannot read section name table index");
	if (obj->nsections == 0)
		return sc_errf(err, "no section headers");
	if (obj->shstrndx >= obj->nsections)
		return sc_errf(err, "section name table index %zu out of range",
			       obj->shstrndx);
	obj->sections = calloc(obj->nsections, sizeof(*obj->sections));
	if (!obj->sections)
		return sc_errf(err, "out of memory");
	for (i = 0; i < obj->nsections; i++) {
		struct sc_section *s = &obj->sections[i];

		s->scn = elf_getscn(obj->elf, i);
		if (!s->scn || !gelf_getshdr(s->scn, &s->shdr))
			return sc_errf(err, "cannot read section header %zu: "
				       "%s", i, elf_errmsg(-1));
	}
	for (i = 0; i < obj->nsections; i++) {
		struct sc_section *s = &obj->sections[i];

		s->name = i ? elf_strptr(obj->elf, obj->shstrndx,
					 s->shdr.sh_name) : "";
		if (!s->name)
			return sc_errf(err, "section %zu: name offset 0x%x "
				       "out of range", i, s->shdr.sh_name);
		if (check_section_bounds(obj, i, err))
			return -1;
	}
	return check_compressed(obj, err);
}

static size_t find_table_of_type(const struct sc_object *obj, unsigned type,
				 size_t *count)
{
	size_t i, found = 0;

	*count = 0;
	for (i = 1; i < obj->nsections; i++)
		if (obj->sections[i].shdr.sh_type == type) {
			found = found ? found : i;
			(*count)++;
		}
	return found;
}

/* A relocatable object needs its .symtab: relocations name its symbols.
 * A linked file needs none: .dynsym stands in for a stripped .symtab,
 * and with neither, only what needs no symbol can be checked. */
static int find_symtab(struct sc_object *obj, struct sc_err *err)
{
	size_t n;

	obj->symtab = find_table_of_type(obj, SHT_SYMTAB, &n);
	if (n > 1)
		return sc_errf(err, "more than one symbol table");
	if (!obj->symtab && sc_object_linked(obj)) {
		obj->symtab = find_table_of_type(obj, SHT_DYNSYM, &n);
		if (n > 1)
			return sc_errf(err, "more than one dynamic symbol "
				       "table");
	}
	if (!obj->symtab && !sc_object_linked(obj))
		return sc_errf(err, "no symbol table (.symtab): stripped?");
	return 0;
}

static int check_table_shape(const struct sc_object *obj, size_t sec,
			     Elf_Type type, struct sc_err *err)
{
	const struct sc_section *s = &obj->sections[sec];
	size_t ent = gelf_fsize(obj->elf, type, 1, EV_CURRENT);

	if (s->shdr.sh_entsize != ent)
		return sc_errf(err, "section %zu (%s): entry size %llu, "
			       "expected %zu", sec, s->name,
			       (unsigned long long)s->shdr.sh_entsize, ent);
	if (s->shdr.sh_size % ent)
		return sc_errf(err, "section %zu (%s): size %llu is not a "
			       "multiple of its entry size %zu", sec, s->name,
			       (unsigned long long)s->shdr.sh_size, ent);
	return 0;
}

static Elf_Data *find_xindex_data(const struct sc_object *obj)
{
	size_t i;

	for (i = 1; i < obj->nsections; i++)
		if (obj->sections[i].shdr.sh_type == SHT_SYMTAB_SHNDX &&
		    obj->sections[i].shdr.sh_link == obj->symtab)
			return elf_getdata(obj->sections[i].scn, NULL);
	return NULL;
}

/* The symbol table as load_symbol reads it.  An object has hundreds of
 * thousands of symbols over the corpus, and a gelf_getsymshndx and an
 * elf_strptr call for each cost more than the rest of its loading: where
 * libelf's data allows, the symbols come straight from its converted
 * Elf64_Sym array and the names from the string table's bytes, with the
 * checks those calls make; elsewhere (ELF32, SHT_SYMTAB_SHNDX, a
 * compressed or split string table) through the calls. */
struct symtab_view {
	Elf_Data *data, *xdata;
	size_t strtab;
	const Elf64_Sym *sym64;		/* or NULL: gelf_getsymshndx */
	const char *names;		/* or NULL: elf_strptr */
	size_t names_end;		/* valid name offsets: below it */
};

static void view_symbols(const struct sc_object *obj, struct symtab_view *v)
{
	const struct sc_section *str = &obj->sections[v->strtab];
	Elf_Data *d = v->data;
	const char *last;

	if (obj->ehdr.e_ident[EI_CLASS] == ELFCLASS64 && !v->xdata &&
	    d->d_type == ELF_T_SYM && d->d_buf &&
	    d->d_size / sizeof(Elf64_Sym) >= obj->nsymbols &&
	    !((uintptr_t)d->d_buf % _Alignof(Elf64_Sym)))
		v->sym64 = d->d_buf;
	if (str->shdr.sh_flags & SHF_COMPRESSED)
		return;
	d = elf_getdata(str->scn, NULL);
	if (!d || !d->d_buf || d->d_size != str->shdr.sh_size ||
	    elf_getdata(str->scn, d))
		return;
	/* elf_strptr accepts an offset with a NUL at or after it. */
	last = memrchr(d->d_buf, '\0', d->d_size);
	if (!last)
		return;
	v->names = d->d_buf;
	v->names_end = (size_t)(last - v->names) + 1;
}

static const char *symbol_name(const struct sc_object *obj,
			       const struct symtab_view *v, size_t off)
{
	if (!v->names)
		return elf_strptr(obj->elf, v->strtab, off);
	return off < v->names_end ? v->names + off : NULL;
}

static int load_symbol(struct sc_object *obj, const struct symtab_view *v,
		       size_t i, struct sc_err *err)
{
	struct sc_symbol *s = &obj->symbols[i];
	Elf32_Word xndx = 0;

	if (v->sym64)
		s->sym = v->sym64[i];
	else if (!gelf_getsymshndx(v->data, v->xdata, (int)i, &s->sym, &xndx))
		return sc_errf(err, "cannot read symbol %zu: %s", i,
			       elf_errmsg(-1));
	s->name = symbol_name(obj, v, s->sym.st_name);
	if (!s->name)
		return sc_errf(err, "symbol %zu: name offset 0x%x out of range",
			       i, s->sym.st_name);
	s->shndx = s->sym.st_shndx == SHN_XINDEX ? xndx : s->sym.st_shndx;
	if (s->shndx >= obj->nsections && s->shndx < SHN_LORESERVE)
		return sc_errf(err, "symbol %zu (%s): section index %zu out of "
			       "range", i, s->name, s->shndx);
	if (s->sym.st_shndx == SHN_XINDEX && s->shndx >= obj->nsections)
		return sc_errf(err, "symbol %zu (%s): extended section index "
			       "%zu out of range", i, s->name, s->shndx);
	return 0;
}

static int load_symbols(struct sc_object *obj, struct sc_err *err)
{
	const struct sc_section *st;
	struct symtab_view v = { 0 };
	size_t i;

	if (find_symtab(obj, err))
		return -1;
	if (!obj->symtab) {
		obj->symbols = calloc(1, sizeof(*obj->symbols));
		if (!obj->symbols)
			return sc_errf(err, "out of memory");
		obj->symbols[0].name = "";
		obj->nsymbols = 1;
		return 0;
	}
	if (check_table_shape(obj, obj->symtab, ELF_T_SYM, err))
		return -1;
	st = &obj->sections[obj->symtab];
	if (st->shdr.sh_link == 0 ||
	    obj->sections[st->shdr.sh_link].shdr.sh_type != SHT_STRTAB)
		return sc_errf(err, "symbol table's string table (section %u) "
			       "is not a string table", st->shdr.sh_link);
	v.data = elf_getdata(st->scn, NULL);
	if (!v.data)
		return elf_failure(err, "cannot read the symbol table");
	v.xdata = find_xindex_data(obj);
	v.strtab = st->shdr.sh_link;
	obj->nsymbols = st->shdr.sh_size / st->shdr.sh_entsize;
	if (st->shdr.sh_info > obj->nsymbols)
		return sc_errf(err, "symbol table: first global symbol %u is "
			       "past its %zu symbols", st->shdr.sh_info,
			       obj->nsymbols);
	obj->symbols = calloc(obj->nsymbols ? obj->nsymbols : 1,
			      sizeof(*obj->symbols));
	if (!obj->symbols)
		return sc_errf(err, "out of memory");
	view_symbols(obj, &v);
	for (i = 0; i < obj->nsymbols; i++)
		if (load_symbol(obj, &v, i, err))
			return -1;
	return 0;
}

static int check_reloc_sections(const struct sc_object *obj,
				struct sc_err *err)
{
	size_t i;

	/* A linked file's relocations (dynamic ones, --emit-relocs) are
	 * never read. */
	if (sc_object_linked(obj))
		return 0;
	for (i = 1; i < obj->nsections; i++) {
		const struct sc_section *s = &obj->sections[i];

		if (!sc_is_reloc_section(s))
			continue;
		/* Dynamic relocations of a linked file are not ours. */
		if (obj->sections[s->shdr.sh_link].shdr.sh_type == SHT_DYNSYM)
			continue;
		if (check_table_shape(obj, i, s->shdr.sh_type == SHT_RELA ?
				      ELF_T_RELA : ELF_T_REL, err))
			return -1;
		if (s->shdr.sh_link != obj->symtab)
			return sc_errf(err, "section %zu (%s): links to "
				       "section %u, not the symbol table", i,
				       s->name, s->shdr.sh_link);
		if (s->shdr.sh_info == 0 || s->shdr.sh_info >= obj->nsections)
			return sc_errf(err, "section %zu (%s): target section "
				       "%u out of range", i, s->name,
				       s->shdr.sh_info);
	}
	return 0;
}

static int index_addresses(struct sc_object *obj, struct sc_err *err);

static int check_type(const struct sc_object *obj, bool need_rel,
		      struct sc_err *err)
{
	static const char *const names[] = { "NONE", "REL", "EXEC", "DYN",
					      "CORE" };
	unsigned type = obj->ehdr.e_type;

	if (!need_rel || type == ET_REL)
		return 0;
	return sc_errf(err, "not a relocatable object (ELF type %s): check "
		       "works on .o and .ko files", type < 5 ? names[type] :
		       "unknown");
}

int sc_object_open_memory(struct sc_object *obj, const char *name,
			  const char *image, size_t size, bool need_rel,
			  struct sc_err *err)
{
	memset(obj, 0, sizeof(*obj));
	obj->path = name;
	obj->image = image;
	obj->size = size;
	if (size == 0)
		return sc_errf(err, "empty file, not an ELF object");
	/* libelf takes a writable image, but reading never writes to it. */
	obj->elf = elf_memory((char *)image, size);
	if (!obj->elf)
		return elf_failure(err, "cannot read ELF");
	if (check_ident(obj, err) || check_header_sizes(obj, err) ||
	    check_type(obj, need_rel, err) || load_sections(obj, err) ||
	    load_symbols(obj, err) || check_reloc_sections(obj, err) ||
	    index_addresses(obj, err)) {
		sc_object_close(obj);
		return -1;
	}
	return 0;
}

void sc_object_close(struct sc_object *obj)
{
	free(obj->sections);
	free(obj->symbols);
	free(obj->symnames);
	free(obj->by_addr);
	free(obj->max_end);
	if (obj->elf)
		elf_end(obj->elf);
	free(obj->owned);
	memset(obj, 0, sizeof(*obj));
}

int sc_section_bytes(const struct sc_object *obj, size_t sec,
		     const uint8_t **bytes, size_t *size, struct sc_err *err)
{
	const struct sc_section *s = &obj->sections[sec];
	Elf_Data *d;

	*bytes = NULL;
	*size = 0;
	if (s->shdr.sh_type == SHT_NOBITS || s->shdr.sh_size == 0)
		return 0;
	d = elf_rawdata(s->scn, NULL);
	if (!d || d->d_size != s->shdr.sh_size)
		return sc_errf(err, "cannot read section %zu (%s): %s", sec,
			       s->name, elf_errmsg(-1));
	*bytes = d->d_buf;
	*size = d->d_size;
	return 0;
}

bool sc_object_linked(const struct sc_object *obj)
{
	return obj->ehdr.e_type == ET_EXEC || obj->ehdr.e_type == ET_DYN;
}

uint64_t sc_symbol_offset(const struct sc_object *obj,
			  const struct sc_symbol *s)
{
	if (!sc_object_linked(obj) || !s->shndx || s->shndx >= obj->nsections)
		return s->sym.st_value;
	return s->sym.st_value - obj->sections[s->shndx].shdr.sh_addr;
}

/* Sections that hold addresses: allocated, not thread-local (their
 * addresses are templates), not inactive. */
static bool holds_addresses(const GElf_Shdr *sh)
{
	return (sh->sh_flags & SHF_ALLOC) && !(sh->sh_flags & SHF_TLS) &&
	       sh->sh_type != SHT_NULL && sh->sh_size;
}

static int addr_cmp(const void *a, const void *b, void *ctx)
{
	const struct sc_section *secs = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t ax = secs[x].shdr.sh_addr, ay = secs[y].shdr.sh_addr;

	if (ax != ay)
		return ax < ay ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int index_addresses(struct sc_object *obj, struct sc_err *err)
{
	size_t i, n = 0;

	if (!sc_object_linked(obj))
		return 0;
	obj->by_addr = calloc(obj->nsections, sizeof(*obj->by_addr));
	obj->max_end = calloc(obj->nsections, sizeof(*obj->max_end));
	if (!obj->by_addr || !obj->max_end)
		return sc_errf(err, "out of memory");
	for (i = 1; i < obj->nsections; i++)
		if (holds_addresses(&obj->sections[i].shdr))
			obj->by_addr[n++] = i;
	qsort_r(obj->by_addr, n, sizeof(*obj->by_addr), addr_cmp,
		obj->sections);
	for (i = 0; i < n; i++) {
		const GElf_Shdr *sh = &obj->sections[obj->by_addr[i]].shdr;
		uint64_t end = sh->sh_addr + sh->sh_size;

		if (end < sh->sh_addr)		/* wraps: to the top */
			end = UINT64_MAX;
		obj->max_end[i] = i && obj->max_end[i - 1] > end ?
				  obj->max_end[i - 1] : end;
	}
	obj->nby_addr = n;
	return 0;
}

size_t sc_section_at(const struct sc_object *obj, uint64_t addr, bool exec)
{
	size_t lo = 0, hi = obj->nby_addr, found = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (obj->sections[obj->by_addr[mid]].shdr.sh_addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* The candidates start at or before addr; walk back while some
	 * earlier section still reaches past it.  The lowest index wins, as
	 * a scan of the section table would choose. */
	while (lo-- > 0 && obj->max_end[lo] > addr) {
		size_t i = obj->by_addr[lo];
		const GElf_Shdr *sh = &obj->sections[i].shdr;

		if (addr - sh->sh_addr < sh->sh_size &&
		    (!exec || (sh->sh_flags & SHF_EXECINSTR)) &&
		    (!found || i < found))
			found = i;
	}
	return found;
}

size_t sc_find_section(const struct sc_object *obj, const char *name)
{
	size_t i;

	for (i = 1; i < obj->nsections; i++)
		if (!strcmp(obj->sections[i].name, name))
			return i;
	return 0;
}

size_t sc_find_reloc_section(const struct sc_object *obj, size_t sec)
{
	size_t i;

	for (i = 1; i < obj->nsections; i++)
		if (sc_is_reloc_section(&obj->sections[i]) &&
		    obj->sections[i].shdr.sh_link == obj->symtab &&
		    obj->sections[i].shdr.sh_info == sec)
			return i;
	return 0;
}

bool sc_is_reloc_section(const struct sc_section *sec)
{
	return sec->shdr.sh_type == SHT_RELA || sec->shdr.sh_type == SHT_REL;
}

bool sc_is_exec_section(const struct sc_section *sec)
{
	return sec->shdr.sh_type == SHT_PROGBITS &&
	       (sec->shdr.sh_flags & SHF_EXECINSTR);
}

/* Relocations of a compressed section (-gz debug info) apply to its
 * uncompressed bytes, whose size its compression header gives. */
static int target_size(const struct sc_object *obj, size_t sec,
		       uint64_t *size, struct sc_err *err)
{
	const struct sc_section *s = &obj->sections[sec];
	GElf_Chdr chdr;

	*size = s->shdr.sh_size;
	if (!(s->shdr.sh_flags & SHF_COMPRESSED))
		return 0;
	if (!gelf_getchdr(s->scn, &chdr))
		return sc_errf(err, "section %zu (%s): bad compression "
			       "header: %s", sec, s->name, elf_errmsg(-1));
	*size = chdr.ch_size;
	return 0;
}

int sc_reloc_iter_init(struct sc_reloc_iter *it, const struct sc_object *obj,
		       size_t relsec, struct sc_err *err)
{
	const struct sc_section *s = &obj->sections[relsec];

	memset(it, 0, sizeof(*it));
	it->obj = obj;
	it->relsec = relsec;
	it->rela = s->shdr.sh_type == SHT_RELA;
	it->nsymbols = obj->nsymbols;
	it->count = s->shdr.sh_size / s->shdr.sh_entsize;
	if (target_size(obj, s->shdr.sh_info, &it->target_size, err))
		return -1;
	if (it->count == 0)
		return 0;
	it->data = elf_getdata(s->scn, NULL);
	if (!it->data)
		return sc_errf(err, "cannot read %s: %s", s->name,
			       elf_errmsg(-1));
	/* What gelf_getrela would read, entry by entry (it checks the same
	 * bounds): the relocation scan's hottest call. */
	if (it->rela && obj->ehdr.e_ident[EI_CLASS] == ELFCLASS64 &&
	    it->data->d_type == ELF_T_RELA && it->data->d_buf &&
	    s->shdr.sh_entsize == sizeof(Elf64_Rela) &&
	    it->data->d_size / sizeof(Elf64_Rela) >= it->count &&
	    !((uintptr_t)it->data->d_buf % _Alignof(Elf64_Rela)))
		it->rela64 = it->data->d_buf;
	return 0;
}

/* The size of the field a REL relocation patches, which holds its
 * addend.  Of the machines with REL objects here, only i386 has narrower
 * ones (i386 psABI: R_386_16 and R_386_PC16 patch a word16, R_386_8 and
 * R_386_PC8 a word8); a 2-byte jecxz at a section's end is valid. */
static size_t rel_field_size(const struct sc_object *obj, uint32_t type)
{
	if (obj->ehdr.e_machine != EM_386)
		return 4;
	if (type == R_386_16 || type == R_386_PC16)
		return 2;
	return type == R_386_8 || type == R_386_PC8 ? 1 : 4;
}

/* REL keeps the addend in the relocated field; read it through libelf's
 * byte-order conversion as a signed value of the field's size. */
static int implicit_addend(const struct sc_reloc_iter *it,
			   struct sc_reloc *rel, struct sc_err *err)
{
	const struct sc_object *obj = it->obj;
	size_t target = obj->sections[it->relsec].shdr.sh_info;
	size_t n = rel_field_size(obj, rel->type);
	const uint8_t *bytes;
	size_t size;
	int32_t word;
	int16_t half;
	Elf_Data src, dst;

	if (sc_section_bytes(obj, target, &bytes, &size, err))
		return -1;
	if (rel->offset > size || size - rel->offset < n)
		return sc_errf(err, "%s: relocation at 0x%llx lies outside "
			       "its section", obj->sections[it->relsec].name,
			       (unsigned long long)rel->offset);
	if (n == 1) {
		rel->addend = (int8_t)bytes[rel->offset];
		return 0;
	}
	src = (Elf_Data){ .d_buf = (void *)(bytes + rel->offset),
			  .d_type = n == 2 ? ELF_T_HALF : ELF_T_WORD,
			  .d_size = n, .d_version = EV_CURRENT };
	dst = (Elf_Data){ .d_buf = n == 2 ? (void *)&half : (void *)&word,
			  .d_type = src.d_type, .d_size = n,
			  .d_version = EV_CURRENT };
	if (!gelf_xlatetom(obj->elf, &dst, &src,
			   obj->ehdr.e_ident[EI_DATA]))
		return elf_failure(err, "cannot convert an implicit addend");
	rel->addend = n == 2 ? half : word;
	return 0;
}

int sc_reloc_iter_next_any(struct sc_reloc_iter *it, struct sc_reloc *rel,
			   struct sc_err *err)
{
	const struct sc_object *obj = it->obj;
	GElf_Rela rela;
	GElf_Rel r;
	size_t i = it->index;

	if (i >= it->count)
		return 0;
	it->index++;
	if (it->rela64) {
		const Elf64_Rela *e = &it->rela64[i];

		rela = (GElf_Rela){ e->r_offset, e->r_info, e->r_addend };
	} else if (it->rela ? !gelf_getrela(it->data, (int)i, &rela)
			    : !gelf_getrel(it->data, (int)i, &r))
		return sc_errf(err, "%s: cannot read relocation %zu: %s",
			       obj->sections[it->relsec].name, i,
			       elf_errmsg(-1));
	if (!it->rela)
		rela = (GElf_Rela){ r.r_offset, r.r_info, 0 };
	rel->offset = rela.r_offset;
	rel->addend = rela.r_addend;
	/* gelf widens ELF32 r_info, so one pair of macros serves both. */
	rel->type = GELF_R_TYPE(rela.r_info);
	rel->sym = GELF_R_SYM(rela.r_info);
	if (rel->sym >= obj->nsymbols)
		return sc_errf(err, "%s: relocation %zu refers to symbol %u, "
			       "out of range (%zu symbols)",
			       obj->sections[it->relsec].name, i, rel->sym,
			       obj->nsymbols);
	if (rel->offset >= it->target_size)
		return sc_errf(err, "%s: relocation %zu at offset 0x%llx lies "
			       "outside its target section",
			       obj->sections[it->relsec].name, i,
			       (unsigned long long)rel->offset);
	if (!it->rela && implicit_addend(it, rel, err))
		return -1;
	return 1;
}

int sc_reloc_iter_next_in(struct sc_reloc_iter *it, const bool *want,
			  struct sc_reloc *rel, struct sc_err *err)
{
	const Elf64_Rela *e = it->rela64;
	size_t i = it->index, n = it->count, nsym = it->nsymbols;
	uint64_t size = it->target_size;
	int r;

	/* Over libelf's converted array, in registers: stop at an entry
	 * that is wanted or bad, which sc_reloc_iter_next then reads. */
	if (e) {
		for (; i < n; i++) {
			uint64_t sym = ELF64_R_SYM(e[i].r_info);

			if (sym >= nsym || e[i].r_offset >= size || want[sym])
				break;
		}
		it->index = i;
	}
	while ((r = sc_reloc_iter_next(it, rel, err)) > 0 && !want[rel->sym])
		;
	return r;
}
