#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "../check/linked.h"
#include "../decode/decode.h"

/* strdup that remembers running out of memory, so that a record is
 * built in one pass and checked once. */
static char *dup(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static char *source_of(const struct sc_report_input *in, size_t sec,
		       uint64_t off, bool *oom)
{
	char buf[512];

	if (!in->lines || !sec ||
	    sc_lines_lookup(in->lines, sec, off, buf, sizeof(buf)))
		return NULL;
	return dup(buf, oom);
}

static char *hex_bytes(const uint8_t *b, unsigned n, bool *oom)
{
	char buf[16 * 3 + 1] = "";
	size_t len = 0;
	unsigned i;

	for (i = 0; i < n && i < 16; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%02x",
				i ? " " : "", b[i]);
	return dup(buf, oom);
}

static char *where_of(const struct sc_report_input *in, size_t sec,
		      uint64_t off, bool *oom)
{
	char buf[160];

	sc_symbols_where(in->syms, sec, off, buf, sizeof(buf));
	return dup(buf, oom);
}

static void fill_site(struct sc_report_site *r,
		      const struct sc_report_input *in,
		      const struct sc_site *s, bool *oom)
{
	const struct sc_object *obj = in->obj;

	r->section = dup(obj->sections[s->section].name, oom);
	r->offset = s->offset;
	r->has_vaddr = sc_object_linked(obj) && s->section;
	r->vaddr = r->has_vaddr ?
		   obj->sections[s->section].shdr.sh_addr + s->offset : 0;
	r->function = where_of(in, s->section, s->insn_start, oom);
	r->source = source_of(in, s->section, s->insn_start, oom);
	r->kind = sc_kind_name(s->kind);
	r->bytes = hex_bytes(s->bytes, s->insn_len, oom);
	r->insn = dup(s->insn, oom);
	r->length = s->insn_len;
	r->trampoline = dup(obj->symbols[s->tramp].name, oom);
	r->key = s->key ? dup(obj->symbols[s->key].name, oom) : NULL;
	r->flags = s->from_table ? s->flags :
		   s->kind == SC_KIND_CALL ? 0 : SC_SITE_TAIL;
	r->cacheline = sc_cacheline_name(s->cacheline);
	r->null = in->arch->null_form[s->kind];
	r->in_table = s->in_table;
}

static void fill_finding(struct sc_report_finding *r,
			 const struct sc_report_input *in,
			 const struct sc_finding *f, char *source, bool *oom)
{
	r->rule = f->rule;
	r->severity = f->severity;
	r->promoted = f->promoted;
	r->message = dup(f->message, oom);
	r->section = f->section ?
		     dup(in->obj->sections[f->section].name, oom) : NULL;
	r->offset = f->offset;
	r->has_vaddr = sc_object_linked(in->obj) && f->section;
	r->vaddr = r->has_vaddr ?
		   in->obj->sections[f->section].shdr.sh_addr + f->offset : 0;
	r->function = dup(f->where, oom);
	r->source = source;
}

static int add_findings(struct sc_report_file *f,
			const struct sc_report_input *in,
			const struct sc_result *res, bool *oom)
{
	size_t i;

	f->findings = calloc(res->nfindings + 1, sizeof(*f->findings));
	if (!f->findings)
		return -1;
	for (i = 0; i < res->nfindings; i++) {
		const struct sc_finding *fd = &res->findings[i];

		if (fd->suppressed)
			continue;
		fill_finding(&f->findings[f->nfindings++], in, fd,
			     source_of(in, fd->section, fd->offset, oom), oom);
	}
	return 0;
}

static int start_file(struct sc_report_file *f,
		      const struct sc_report_input *in, bool module,
		      size_t nsites, bool *oom)
{
	memset(f, 0, sizeof(*f));
	f->path = dup(in->path, oom);
	f->arch = in->arch->name;
	f->module = module;
	f->sites = calloc(nsites + 1, sizeof(*f->sites));
	return f->sites ? 0 : -1;
}

int sc_report_from_check(struct sc_report_file *f,
			 const struct sc_report_input *in,
			 const struct sc_result *res, struct sc_err *err)
{
	bool oom = false;
	size_t i, nsites = in->no_sites ? 0 : res->nsites;

	if (start_file(f, in, res->module, nsites, &oom) ||
	    add_findings(f, in, res, &oom))
		oom = true;
	for (i = 0; !oom && i < nsites; i++)
		fill_site(&f->sites[f->nsites++], in, &res->sites[i], &oom);
	if (oom) {
		sc_report_file_free(f);
		return sc_errf(err, "out of memory");
	}
	return 0;
}

/* A table entry names its key; the trampoline is the key's twin, or the
 * key itself where a module table points at the trampoline.  A linked
 * entry whose key no symbol names has no known trampoline. */
static char *tramp_of(const struct sc_report_input *in, size_t key,
		      bool *oom)
{
	const char *name = in->obj->symbols[key].name;
	char buf[256];

	if (!key)
		return NULL;
	if (!sc_is_key_name(name))
		return dup(name, oom);
	snprintf(buf, sizeof(buf), SC_TRAMP_PREFIX "%s",
		 name + sizeof(SC_KEY_PREFIX) - 1);
	return dup(buf, oom);
}

static char *address_text(uint64_t vaddr, bool *oom)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)vaddr);
	return dup(buf, oom);
}

/* dump's sites are the table's entries, decoded where they point. */
static void fill_entry(struct sc_report_site *r,
		       const struct sc_report_input *in,
		       struct sc_decoder *dec, const struct sc_entry *e,
		       bool *oom)
{
	struct sc_site s = { .section = e->section, .offset = e->offset,
			     .insn_start = e->offset, .key = e->key,
			     .tramp = e->key, .in_table = true };
	const uint8_t *bytes;
	size_t size;
	const cs_insn *insn = NULL;
	struct sc_err err;

	/* A linked file's instructions show their real targets. */
	if (!sc_section_bytes(in->obj, e->section, &bytes, &size, &err))
		insn = sc_decode_detail_at(dec, bytes, size, e->offset,
					   sc_object_linked(in->obj) ?
					   e->vaddr : e->offset);
	if (insn) {
		s.kind = in->arch->kind_at(insn);
		s.insn_len = insn->size;
		memcpy(s.bytes, insn->bytes, insn->size);
		sc_insn_text(insn, s.insn, sizeof(s.insn));
	}
	if (sc_object_linked(in->obj))
		s.cacheline = sc_linked_cacheline(e->vaddr, s.insn_len,
						  in->cacheline);
	else
		s.cacheline = sc_cacheline_of(s.insn_start, s.insn_len,
			sc_site_align(in->arch,
				      &in->obj->sections[e->section].shdr),
			in->cacheline);
	fill_site(r, in, &s, oom);
	if (sc_object_linked(in->obj) && !e->section) {
		/* Outside every section: only the address names it. */
		r->has_vaddr = true;
		r->vaddr = e->vaddr;
		free(r->function);
		r->function = address_text(e->vaddr, oom);
	}
	r->flags = e->flags;
	free(r->trampoline);
	r->trampoline = tramp_of(in, e->key, oom);
	if (!e->key && sc_object_linked(in->obj))
		r->key = address_text(e->key_vaddr, oom);
}

int sc_report_from_table(struct sc_report_file *f,
			 const struct sc_report_input *in,
			 const struct sc_entry *e, size_t n, struct sc_err *err)
{
	struct sc_decoder dec;
	bool oom = false;
	size_t i;

	if (sc_decoder_open(&dec, in->arch->cs_arch,
			    sc_arch_cs_mode(in->arch, &in->obj->ehdr), err))
		return -1;
	if (start_file(f, in, sc_object_is_module(in->obj), n, &oom))
		oom = true;
	for (i = 0; !oom && i < n; i++)
		fill_entry(&f->sites[f->nsites++], in, &dec, &e[i], &oom);
	sc_decoder_close(&dec);
	if (oom) {
		sc_report_file_free(f);
		return sc_errf(err, "out of memory");
	}
	return 0;
}

int sc_report_failed(struct sc_report_file *f, const char *path,
		     const char *error, struct sc_err *err)
{
	bool oom = false;

	memset(f, 0, sizeof(*f));
	f->path = dup(path, &oom);
	f->error = dup(error, &oom);
	f->status = 2;
	if (oom) {
		sc_report_file_free(f);
		return sc_errf(err, "out of memory");
	}
	return 0;
}
