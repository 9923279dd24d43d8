#include "boundary.h"

#include <elf.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/sweep.h"
#include "sc_util.h"

/* A run of probes that one sweep serves: same section, same start. */
struct sweep {
	const uint8_t *bytes;
	size_t size;
	uint64_t from;
	uint64_t last;		/* the field of its last probe */
	size_t first, count;	/* probes[first .. first+count) */
};

struct plan {
	enum sc_isa isa;
	struct sc_probe *probes;
	struct sweep *sweeps;
	size_t nsweeps, cap;
	atomic_size_t next;
};

/* Answers each probe of one sweep with the instruction that holds its
 * field.  The ISA was checked before the threads started, so starting a
 * sweep cannot fail here. */
static void run_sweep(enum sc_isa isa, const struct sweep *s,
		      struct sc_probe *probes)
{
	struct sc_sweep sw;
	struct sc_insn insn;
	struct sc_err err;
	size_t i;

	if (sc_sweep_start(&sw, isa, s->bytes, s->size, s->from, &err))
		return;
	for (i = s->first; i < s->first + s->count; i++) {
		struct sc_probe *p = &probes[i];

		p->found = sc_sweep_seek(&sw, p->field, &insn) ==
			   SC_SWEEP_INSN;
		p->start = insn.offset;
		p->stuck = insn.offset;
		if (!p->found) {
			/* A sweep that stopped answers no later probe. */
			for (i++; i < s->first + s->count; i++)
				probes[i] = (struct sc_probe){
					probes[i].section, probes[i].field,
					insn.offset, insn.offset, false };
			return;
		}
	}
}

static void *worker(void *arg)
{
	struct plan *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->nsweeps)
		run_sweep(p->isa, &p->sweeps[i], p->probes);
	return NULL;
}

static int add_sweep(struct plan *p, const struct sweep *s)
{
	if (sc_grow(&p->sweeps, &p->cap, p->nsweeps + 1, sizeof(*s)))
		return -1;
	p->sweeps[p->nsweeps++] = *s;
	return 0;
}

/* Where the kernel's own tables say an x86-64 instruction starts.  The
 * compiler and the assembler emit these sections (objtool writes none of
 * them), and the kernel patches, decodes or looks up the code at each of
 * these addresses, so each names an instruction start as surely as a
 * symbol does.  Each field is a 32-bit PC-relative address (R_X86_64_PC32
 * against code: the address is symbol + addend).  The entry sizes are
 * those of Linux 6.x; a section whose size is no multiple of its entry's
 * has another layout, and gives no anchor.  In every layout we know, the
 * PC-relative fields against code are instruction starts, so a layout
 * misread can only lose anchors or take another instruction start. */
struct code_fields {
	const char *section;
	unsigned entsize;
	unsigned nfields;
	unsigned fields[2];	/* offsets in an entry of code addresses */
};

static const struct code_fields kernel_tables[] = {
	/* struct jump_entry (include/linux/jump_label.h, relative form),
	 * written by arch/x86/include/asm/jump_label.h: code (the jump or
	 * nop patched), target (the label it jumps to), key. */
	{ "__jump_table", 16, 2, { 0, 4 } },
	/* struct exception_table_entry (arch/x86/include/asm/extable.h):
	 * insn (may fault), fixup (where execution goes on), data. */
	{ "__ex_table", 12, 2, { 0, 4 } },
	/* struct alt_instr (arch/x86/include/asm/alternative.h): instr
	 * (the original instructions, replaced at boot), then repl, in
	 * .altinstr_replacement, which no sweep serves. */
	{ ".altinstructions", 14, 1, { 0 } },
	/* struct bug_entry (include/asm-generic/bug.h, relative pointers,
	 * verbose): bug_addr (the ud2), file, line, flags. */
	{ "__bug_table", 12, 1, { 0 } },
};

static bool is_code_field(const struct code_fields *t, uint64_t off)
{
	unsigned i;

	for (i = 0; i < t->nfields; i++)
		if (off % t->entsize == t->fields[i])
			return true;
	return false;
}

/* The place rel names, when it lies in [0, size) of an executable
 * section: *sec and *off. */
static bool code_target(const struct sc_object *obj,
			const struct sc_reloc *rel, size_t *sec, uint64_t *off)
{
	const struct sc_symbol *sym = &obj->symbols[rel->sym];
	uint64_t base, at;

	if (!sym->shndx || sym->shndx >= obj->nsections ||
	    sym->sym.st_shndx == SHN_ABS || sym->sym.st_shndx == SHN_COMMON ||
	    !sc_is_exec_section(&obj->sections[sym->shndx]))
		return false;
	base = sc_symbol_offset(obj, sym);
	at = base + (uint64_t)rel->addend;
	/* Wrapped either way: no place in the section. */
	if ((rel->addend < 0) != (at < base) ||
	    at >= obj->sections[sym->shndx].shdr.sh_size)
		return false;
	*sec = sym->shndx;
	*off = at;
	return true;
}

/* Keeps in best[j] the last anchor at or before probe j's field: here,
 * for the first probe at or after off in section sec. */
static void note_anchor(const struct sc_probe *probes, size_t n,
			uint64_t *best, size_t sec, uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (probes[mid].section < sec ||
		    (probes[mid].section == sec && probes[mid].field < off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && probes[lo].section == sec && best[lo] < off)
		best[lo] = off;
}

/* The layout of the section that relocation section relsec applies to,
 * when it is one of kernel_tables, else NULL. */
static const struct code_fields *table_of(const struct sc_object *obj,
					  size_t relsec)
{
	const struct sc_section *rs = &obj->sections[relsec];
	size_t i, sec = rs->shdr.sh_info;

	if (!sc_is_reloc_section(rs) || rs->shdr.sh_link != obj->symtab ||
	    !sec || sec >= obj->nsections)
		return NULL;
	for (i = 0; i < sizeof(kernel_tables) / sizeof(*kernel_tables); i++)
		if (!strcmp(obj->sections[sec].name, kernel_tables[i].section))
			return obj->sections[sec].shdr.sh_size %
				       kernel_tables[i].entsize
			       ? NULL : &kernel_tables[i];
	return NULL;
}

static int table_anchors(const struct sc_object *obj, size_t relsec,
			 const struct code_fields *t,
			 const struct sc_probe *probes, size_t n,
			 uint64_t *best, struct sc_err *err)
{
	struct sc_reloc_iter it;
	struct sc_reloc rel;
	size_t code;
	uint64_t off;
	int r;

	if (sc_reloc_iter_init(&it, obj, relsec, err))
		return -1;
	while ((r = sc_reloc_iter_next(&it, &rel, err)) > 0)
		if (rel.type == R_X86_64_PC32 && is_code_field(t, rel.offset) &&
		    code_target(obj, &rel, &code, &off))
			note_anchor(probes, n, best, code, off);
	return r;
}

/* best[j]: the nearest instruction start at or before probe j's field
 * that a kernel table names, else 0 (where a sweep starts anyway).
 *
 * What an entry that names no instruction start (a broken or hostile
 * object) can do.  The sweep from it decodes a shifted stream.  x86
 * streams fall back in step: if the shifted one meets the true one before
 * the probe, the answer is the same as from the symbol.  If not, the site
 * is accepted only if the shifted stream starts an instruction exactly on
 * the branch opcode before the relocated field; anywhere else the site
 * gets not-on-boundary or undecodable, a finding the user sees, and stays
 * out of the table.  So a wrong entry over real code can only add a
 * finding.  To have a site accepted where the sweep from the symbol finds
 * none, the object must also hide a trampoline relocation inside the
 * bytes of another instruction, which no compiler or assembler emits; an
 * object crafted so can already aim a sweep at that opcode with a sized
 * code symbol, nested or not, since every code symbol's start anchors a
 * sweep.  The tables give it no new way to hide a finding
 * (tests/t0260-sweep-anchors.sh: hostile_split, crafted). */
static int kernel_anchors(const struct sc_object *obj,
			  const struct sc_probe *probes, size_t n,
			  uint64_t **best, struct sc_err *err)
{
	size_t i;

	*best = NULL;
	if (obj->ehdr.e_machine != EM_X86_64 || sc_object_linked(obj) || !n)
		return 0;
	*best = calloc(n, sizeof(**best));
	if (!*best)
		return sc_errf(err, "out of memory");
	for (i = 1; i < obj->nsections; i++) {
		const struct code_fields *t = table_of(obj, i);

		if (t && table_anchors(obj, i, t, probes, n, *best, err))
			return -1;
	}
	/* An anchor before probe j also precedes the later probes of its
	 * section. */
	for (i = 1; i < n; i++)
		if (probes[i].section == probes[i - 1].section &&
		    (*best)[i] < (*best)[i - 1])
			(*best)[i] = (*best)[i - 1];
	return 0;
}

/* Groups the probes into sweeps, one per (section, anchor): the nearest
 * known boundary before each probe, from the symbols or a kernel table
 * (best, or NULL). */
static int plan_sweeps(const struct sc_object *obj,
		       const struct sc_symbols *syms, const uint64_t *best,
		       struct plan *p, size_t n, struct sc_err *err)
{
	struct sweep cur = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		const struct sc_probe *pr = &p->probes[i];
		uint64_t from = sc_symbols_sweep_start(syms, pr->section,
						       pr->field);

		if (best && best[i] > from)
			from = best[i];

		if (cur.count && p->probes[i - 1].section == pr->section &&
		    cur.from == from) {
			cur.count++;
			cur.last = pr->field;
			continue;
		}
		if (cur.count && add_sweep(p, &cur))
			return sc_errf(err, "out of memory");
		cur = (struct sweep){ .from = from, .last = pr->field,
				      .first = i, .count = 1 };
		if (sc_section_bytes(obj, pr->section, &cur.bytes, &cur.size,
				     err))
			return -1;
	}
	if (cur.count && add_sweep(p, &cur))
		return sc_errf(err, "out of memory");
	return 0;
}

/* Longest first, so that no thread is left with a long sweep at the end;
 * the answers land in each probe's own slot, so order changes nothing. */
static int longest_first(const void *a, const void *b)
{
	const struct sweep *x = a, *y = b;
	uint64_t lx = x->last - x->from, ly = y->last - y->from;

	if (lx != ly)
		return lx > ly ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void run_threads(struct plan *p, int threads)
{
	pthread_t t[16];
	int i, started = 0;

	if (threads > 16)
		threads = 16;
	if (threads > 1)
		qsort(p->sweeps, p->nsweeps, sizeof(*p->sweeps), longest_first);
	if ((size_t)threads > p->nsweeps)
		threads = (int)p->nsweeps;
	/* This thread works too: threads - 1 helpers. */
	for (i = 1; i < threads; i++)
		if (pthread_create(&t[started], NULL, worker, p) == 0)
			started++;
	worker(p);
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
}

static void fixed_width(const struct sc_arch *arch, struct sc_probe *probes,
			size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		probes[i].start = probes[i].field -
				  probes[i].field % arch->insn_width;
		probes[i].found = true;
	}
}

int sc_find_boundaries(const struct sc_object *obj,
		       const struct sc_symbols *syms,
		       const struct sc_arch *arch, struct sc_probe *probes,
		       size_t n, int threads, struct sc_err *err)
{
	struct plan p = { .isa = arch->sweep_isa, .probes = probes };
	struct sc_sweep check;
	uint64_t *best;
	int ret = 0;

	if (arch->insn_width) {
		fixed_width(arch, probes, n);
		return 0;
	}
	if (sc_sweep_start(&check, p.isa, NULL, 0, 0, err))
		return -1;
	atomic_init(&p.next, 0);
	if (kernel_anchors(obj, probes, n, &best, err) ||
	    plan_sweeps(obj, syms, best, &p, n, err))
		ret = -1;
	else
		run_threads(&p, threads < 1 ? 1 : threads);
	free(best);
	free(p.sweeps);
	return ret;
}
