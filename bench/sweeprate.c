/* sweeprate: how fast scstool's instruction sweep (decode/sweep.h: Zydis in
 * minimal mode) crosses the executable sections of x86 objects, next to a
 * plain Capstone 4 sweep (no detail, as scstool's sweeps used to be), and
 * whether the two agree.  Run by bench/bench.sh; it prints figures and
 * judges nothing.
 *
 *   sweeprate FILE...
 *
 * Every SHF_EXECINSTR section is read into memory first, so that only
 * decoding is timed.  Both sweeps start at each section's start and step
 * one byte over bytes they cannot decode.  The agreement check decodes
 * with Capstone at each boundary the sweep found.
 * Build (from the top folder):
 *	cc -O2 -Iinclude -o sweeprate bench/sweeprate.c decode/sweep.c \
 *		decode/x86_len.c $(pkg-config --cflags --libs capstone libelf) \
 *		-lZydis */
#include <capstone/capstone.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../decode/sweep.h"

struct text {
	uint8_t *bytes;
	size_t size;
	enum sc_isa isa;
};

struct texts {
	struct text *v;
	size_t n, cap;
	size_t total;
};

static void add_text(struct texts *t, const Elf_Data *d, enum sc_isa isa)
{
	struct text x = { malloc(d->d_size ? d->d_size : 1), d->d_size, isa };

	if (!x.bytes)
		exit(2);
	memcpy(x.bytes, d->d_buf, d->d_size);
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->v = realloc(t->v, t->cap * sizeof(*t->v));
		if (!t->v)
			exit(2);
	}
	t->v[t->n++] = x;
	t->total += x.size;
}

static void read_file(struct texts *t, const char *path)
{
	int fd = open(path, O_RDONLY);
	Elf *e = fd < 0 ? NULL : elf_begin(fd, ELF_C_READ, NULL);
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	enum sc_isa isa;

	if (!e || !gelf_getehdr(e, &eh)) {
		fprintf(stderr, "sweeprate: %s: not an ELF file\n", path);
		exit(2);
	}
	isa = eh.e_machine == EM_X86_64 ? SC_ISA_X86_64 :
	      eh.e_machine == EM_386 ? SC_ISA_X86_32 : SC_ISA_NONE;
	while (isa != SC_ISA_NONE && (scn = elf_nextscn(e, scn))) {
		Elf_Data *d;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_PROGBITS &&
		    (sh.sh_flags & SHF_EXECINSTR) &&
		    (d = elf_getdata(scn, NULL)) && d->d_buf)
			add_text(t, d, isa);
	}
	elf_end(e);
	close(fd);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* scstool's sweep over one section: instructions, and bytes skipped. */
static void sweep_one(const struct text *x, size_t *insns, size_t *bad)
{
	struct sc_sweep s;
	struct sc_insn insn;
	struct sc_err err;
	enum sc_sweep_status st;

	if (sc_sweep_start(&s, x->isa, x->bytes, x->size, 0, &err))
		exit(2);
	while ((st = sc_sweep_next(&s, &insn)) != SC_SWEEP_END) {
		if (st == SC_SWEEP_INSN) {
			(*insns)++;
			continue;
		}
		(*bad)++;
		sc_sweep_restart(&s, insn.offset + 1);
	}
}

static csh cs_handle(enum sc_isa isa)
{
	csh h;

	if (cs_open(CS_ARCH_X86, isa == SC_ISA_X86_64 ? CS_MODE_64 : CS_MODE_32,
		    &h) != CS_ERR_OK)
		exit(2);
	return h;
}

/* A plain Capstone sweep over one section. */
static void capstone_one(csh h, cs_insn *ci, const struct text *x,
			 size_t *insns, size_t *bad)
{
	uint64_t off = 0;

	while (off < x->size) {
		const uint8_t *code = x->bytes + off;
		size_t left = x->size - off;
		uint64_t addr = off;

		if (cs_disasm_iter(h, &code, &left, &addr, ci)) {
			(*insns)++;
			off += ci->size;
		} else {
			(*bad)++;
			off++;
		}
	}
}

/* Capstone at each of the sweep's boundaries: lengths that differ, and
 * instructions it cannot decode. */
static void agree_one(csh h, cs_insn *ci, const struct text *x,
		      size_t *differ, size_t *unknown)
{
	struct sc_sweep s;
	struct sc_insn insn;
	struct sc_err err;
	enum sc_sweep_status st;

	if (sc_sweep_start(&s, x->isa, x->bytes, x->size, 0, &err))
		exit(2);
	while ((st = sc_sweep_next(&s, &insn)) != SC_SWEEP_END) {
		const uint8_t *code = x->bytes + insn.offset;
		size_t left = x->size - insn.offset;
		uint64_t addr = insn.offset;

		if (st != SC_SWEEP_INSN) {
			sc_sweep_restart(&s, insn.offset + 1);
			continue;
		}
		if (!cs_disasm_iter(h, &code, &left, &addr, ci))
			(*unknown)++;
		else if (ci->size != insn.length)
			(*differ)++;
	}
}

static void run_capstone(const struct texts *t, int agree, size_t *a,
			 size_t *b)
{
	csh h[2] = { cs_handle(SC_ISA_X86_64), cs_handle(SC_ISA_X86_32) };
	cs_insn *ci[2] = { cs_malloc(h[0]), cs_malloc(h[1]) };
	size_t i;

	for (i = 0; i < t->n; i++) {
		int k = t->v[i].isa == SC_ISA_X86_32;

		if (agree)
			agree_one(h[k], ci[k], &t->v[i], a, b);
		else
			capstone_one(h[k], ci[k], &t->v[i], a, b);
	}
	for (i = 0; i < 2; i++) {
		cs_free(ci[i], 1);
		cs_close(&h[i]);
	}
}

int main(int argc, char **argv)
{
	struct texts t = { 0 };
	size_t zi = 0, zb = 0, ci = 0, cb = 0, differ = 0, unknown = 0, i;
	double t0, tz, tc;

	if (argc < 2 || elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "usage: sweeprate FILE...\n");
		return 2;
	}
	for (i = 1; i < (size_t)argc; i++)
		read_file(&t, argv[i]);
	t0 = now_ms();
	for (i = 0; i < t.n; i++)
		sweep_one(&t.v[i], &zi, &zb);
	tz = now_ms() - t0;
	t0 = now_ms();
	run_capstone(&t, 0, &ci, &cb);
	tc = now_ms() - t0;
	run_capstone(&t, 1, &differ, &unknown);
	printf("files %d sections %zu bytes %zu\n", argc - 1, t.n, t.total);
	printf("sweep insns %zu skipped %zu ms %.1f\n", zi, zb, tz);
	printf("capstone insns %zu skipped %zu ms %.1f\n", ci, cb, tc);
	printf("agree differ %zu unknown %zu\n", differ, unknown);
	for (i = 0; i < t.n; i++)
		free(t.v[i].bytes);
	free(t.v);
	return 0;
}
