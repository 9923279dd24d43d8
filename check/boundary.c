#include "boundary.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

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

/* Groups the probes into sweeps, one per (section, anchor): the nearest
 * known boundary before each probe. */
static int plan_sweeps(const struct sc_object *obj,
		       const struct sc_symbols *syms, struct plan *p,
		       size_t n, struct sc_err *err)
{
	struct sweep cur = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		const struct sc_probe *pr = &p->probes[i];
		uint64_t from = sc_symbols_sweep_start(syms, pr->section,
						       pr->field);

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
	int ret = 0;

	if (arch->insn_width) {
		fixed_width(arch, probes, n);
		return 0;
	}
	if (sc_sweep_start(&check, p.isa, NULL, 0, 0, err))
		return -1;
	atomic_init(&p.next, 0);
	if (plan_sweeps(obj, syms, &p, n, err))
		ret = -1;
	else
		run_threads(&p, threads < 1 ? 1 : threads);
	free(p.sweeps);
	return ret;
}
