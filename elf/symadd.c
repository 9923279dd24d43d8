#include "symadd.h"

#include <stdlib.h>
#include <string.h>

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static int find_existing(struct sc_symmap *m, const struct sc_object *obj,
			 struct sc_err *err)
{
	size_t i;

	m->existing = calloc(obj->nsections, sizeof(*m->existing));
	if (!m->existing)
		return sc_errf(err, "out of memory");
	for (i = 1; i < obj->nsymbols; i++) {
		const struct sc_symbol *s = &obj->symbols[i];

		if (GELF_ST_TYPE(s->sym.st_info) == STT_SECTION &&
		    s->shndx > 0 && s->shndx < obj->nsections &&
		    !m->existing[s->shndx])
			m->existing[s->shndx] = i;
	}
	return 0;
}

/* New locals go at sh_info, so it must be where the locals end: past
 * symbol 0 (always local) and before the first non-local.  Tools that read
 * the object trust it, so a contradiction is refused, not repaired. */
static int check_locals(const struct sc_symmap *m, const struct sc_object *obj,
			struct sc_err *err)
{
	size_t i;

	if (m->nold && !m->first_global)
		return sc_errf(err, ".symtab: sh_info is 0, but symbol 0 is "
			       "local: cannot add a section symbol safely");
	for (i = 1; i < m->nold; i++) {
		bool local = GELF_ST_BIND(obj->symbols[i].sym.st_info) ==
			     STB_LOCAL;

		if (local != (i < m->first_global))
			return sc_errf(err, ".symtab: sh_info says the locals "
				       "end at symbol %zu, but symbol %zu (%s) "
				       "is %s: cannot add a section symbol "
				       "safely", m->first_global, i,
				       obj->symbols[i].name,
				       local ? "local" : "not local");
	}
	return 0;
}

/* A new section symbol has no name: st_name 0, which must be the empty
 * string at the start of .strtab (the ELF format requires it). */
static int check_no_name(const struct sc_object *obj, struct sc_err *err)
{
	size_t strtab = obj->sections[obj->symtab].shdr.sh_link, size;
	const uint8_t *bytes;

	if (sc_section_bytes(obj, strtab, &bytes, &size, err))
		return -1;
	if (!size || bytes[0])
		return sc_errf(err, "%s does not start with an empty string: "
			       "cannot add a section symbol without a name",
			       obj->sections[strtab].name);
	return 0;
}

int sc_symmap_plan(struct sc_symmap *m, const struct sc_object *obj,
		   const size_t *want, size_t n, struct sc_err *err)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->nold = obj->nsymbols;
	m->first_global = obj->sections[obj->symtab].shdr.sh_info;
	if (m->first_global > m->nold)
		return sc_errf(err, ".symtab: first global symbol %zu is past "
			       "its %zu symbols", m->first_global, m->nold);
	if (find_existing(m, obj, err))
		return -1;
	m->sections = calloc(n + 1, sizeof(*m->sections));
	if (!m->sections)
		return sc_errf(err, "out of memory");
	for (i = 0; i < n; i++)
		if (!m->existing[want[i]])
			m->sections[m->nnew++] = want[i];
	qsort(m->sections, m->nnew, sizeof(*m->sections), size_cmp);
	for (i = 0, n = m->nnew, m->nnew = 0; i < n; i++)
		if (!m->nnew || m->sections[m->nnew - 1] != m->sections[i])
			m->sections[m->nnew++] = m->sections[i];
	m->moved = m->nnew < m->nold - m->first_global ?
		   m->nnew : m->nold - m->first_global;
	for (i = 0; i < m->nnew; i++)
		m->xindex |= m->sections[i] >= SHN_LORESERVE;
	if (!m->nnew)
		return 0;
	return check_locals(m, obj, err) || check_no_name(obj, err) ? -1 : 0;
}

bool sc_symmap_renumbers(const struct sc_symmap *m)
{
	return m->moved > 0;
}

void sc_symmap_free(struct sc_symmap *m)
{
	free(m->sections);
	free(m->existing);
	memset(m, 0, sizeof(*m));
}

size_t sc_symmap_count(const struct sc_symmap *m)
{
	return m->nold + m->nnew;
}

/* Globals in [first_global, first_global + moved) go to the end; when
 * there are fewer globals than new symbols, every global shifts up. */
size_t sc_symmap_index(const struct sc_symmap *m, size_t old)
{
	size_t g = m->first_global;

	if (old < g || old >= g + m->moved)
		return old;
	return m->nold + (old - g) + (m->nnew - m->moved);
}

size_t sc_symmap_section_symbol(const struct sc_symmap *m, size_t sec)
{
	const size_t *k;

	if (m->existing[sec])
		return sc_symmap_index(m, m->existing[sec]);
	k = bsearch(&sec, m->sections, m->nnew, sizeof(*m->sections),
		    size_cmp);
	return k ? m->first_global + (size_t)(k - m->sections) : 0;
}

static GElf_Sym section_symbol(size_t sec)
{
	GElf_Sym s = { 0 };

	s.st_info = GELF_ST_INFO(STB_LOCAL, STT_SECTION);
	s.st_shndx = sec < SHN_LORESERVE ? sec : SHN_XINDEX;
	return s;
}

int sc_symmap_fill_symtab(const struct sc_symmap *m,
			  const struct sc_object *obj, Elf_Data *d,
			  struct sc_err *err)
{
	size_t i, k;

	for (i = 0; i < m->nold; i++)
		if (!gelf_update_sym(d, (int)sc_symmap_index(m, i),
				     (GElf_Sym *)&obj->symbols[i].sym))
			return sc_errf(err, "cannot store symbol %zu: %s", i,
				       elf_errmsg(-1));
	for (k = 0; k < m->nnew; k++) {
		GElf_Sym s = section_symbol(m->sections[k]);

		if (!gelf_update_sym(d, (int)(m->first_global + k), &s))
			return sc_errf(err, "cannot add a section symbol: %s",
				       elf_errmsg(-1));
	}
	return 0;
}

int sc_symmap_fill_shndx(const struct sc_symmap *m,
			 const struct sc_object *obj, size_t shndx_sec,
			 Elf_Data *d, struct sc_err *err)
{
	Elf_Data *in = shndx_sec ?
		elf_getdata(obj->sections[shndx_sec].scn, NULL) : NULL;
	const Elf32_Word *old = in ? in->d_buf : NULL;
	Elf32_Word *out = d->d_buf;
	size_t i, k, nin = in ? in->d_size / sizeof(*old) : 0;

	if (shndx_sec && !in)
		return sc_errf(err, "cannot read %s: %s",
			       obj->sections[shndx_sec].name, elf_errmsg(-1));
	for (i = 0; i < m->nold && i < nin; i++)
		out[sc_symmap_index(m, i)] = old[i];
	for (k = 0; k < m->nnew; k++)
		out[m->first_global + k] = m->sections[k] < SHN_LORESERVE ?
					   0 : (Elf32_Word)m->sections[k];
	return 0;
}

int sc_symmap_touches(const struct sc_symmap *m, const struct sc_object *obj,
		      size_t relsec, bool *touches, struct sc_err *err)
{
	struct sc_reloc_iter it;
	struct sc_reloc r;
	int ret;

	*touches = false;
	if (!m->nnew || sc_reloc_iter_init(&it, obj, relsec, err))
		return m->nnew ? -1 : 0;
	while ((ret = sc_reloc_iter_next(&it, &r, err)) > 0)
		if (sc_symmap_index(m, r.sym) != r.sym) {
			*touches = true;
			return 0;
		}
	return ret;
}

int sc_symmap_fill_relocs(const struct sc_symmap *m,
			  const struct sc_object *obj, size_t relsec,
			  Elf_Data *d, struct sc_err *err)
{
	const struct sc_section *s = &obj->sections[relsec];
	Elf_Data *in = elf_getdata(s->scn, NULL);
	size_t i, n = s->shdr.sh_size / s->shdr.sh_entsize;

	if (!in)
		return sc_errf(err, "cannot read %s: %s", s->name,
			       elf_errmsg(-1));
	for (i = 0; i < n; i++) {
		GElf_Rela a;
		GElf_Rel r;
		int ok;

		if (s->shdr.sh_type == SHT_RELA) {
			ok = gelf_getrela(in, (int)i, &a) != NULL;
			a.r_info = GELF_R_INFO(
				sc_symmap_index(m, GELF_R_SYM(a.r_info)),
				GELF_R_TYPE(a.r_info));
			ok = ok && gelf_update_rela(d, (int)i, &a);
		} else {
			ok = gelf_getrel(in, (int)i, &r) != NULL;
			r.r_info = GELF_R_INFO(
				sc_symmap_index(m, GELF_R_SYM(r.r_info)),
				GELF_R_TYPE(r.r_info));
			ok = ok && gelf_update_rel(d, (int)i, &r);
		}
		if (!ok)
			return sc_errf(err, "cannot renumber %s: %s", s->name,
				       elf_errmsg(-1));
	}
	return 0;
}

/* ULEB128, as LLVM writes .llvm_addrsig: seven bits a byte, low first,
 * the high bit set on every byte but the last.  (No library we use
 * exports a reader; libdw's is internal.) */
static int uleb_read(const uint8_t *p, size_t size, size_t *at, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (*at < size && shift < 64) {
		uint8_t b = p[(*at)++];

		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

static size_t uleb_write(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n] = v & 0x7f;
		v >>= 7;
		p[n++] |= v ? 0x80 : 0;
	} while (v);
	return n;
}

int sc_addrsig_read(const struct sc_object *obj, size_t sec, size_t **syms,
		    size_t *n, struct sc_err *err)
{
	const struct sc_section *s = &obj->sections[sec];
	Elf_Data *in = s->shdr.sh_size ? elf_rawdata(s->scn, NULL) : NULL;
	size_t at = 0, size = in ? in->d_size : 0;
	uint64_t v;

	*n = 0;
	*syms = calloc(size + 1, sizeof(**syms));
	if (!*syms)
		return sc_errf(err, "out of memory");
	if (s->shdr.sh_size && !in)
		return sc_errf(err, "cannot read %s: %s", s->name,
			       elf_errmsg(-1));
	while (at < size) {
		if (uleb_read(in->d_buf, size, &at, &v) || v >= obj->nsymbols)
			return sc_errf(err, "%s: malformed symbol index "
				       "before offset %zu", s->name, at);
		(*syms)[(*n)++] = (size_t)v;
	}
	return 0;
}

int sc_symmap_addrsig(const struct sc_symmap *m, const struct sc_object *obj,
		      size_t sec, uint8_t **buf, size_t *size,
		      struct sc_err *err)
{
	size_t *syms, n, i;

	*buf = NULL;
	*size = 0;
	if (sc_addrsig_read(obj, sec, &syms, &n, err)) {
		free(syms);
		return -1;
	}
	/* A ULEB128 index below 2^64 takes at most ten bytes. */
	*buf = malloc(10 * n + 1);
	if (!*buf) {
		free(syms);
		return sc_errf(err, "out of memory");
	}
	for (i = 0; i < n; i++)
		*size += uleb_write(*buf + *size,
				    sc_symmap_index(m, syms[i]));
	free(syms);
	return 0;
}
