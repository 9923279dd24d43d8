/* libscs: retargeting static calls.
 *
 * One update (or batch) under the patch lock:
 *   1. for every key, the forms its trampoline and sites must take, after
 *      checking that each still holds what the runtime last left there;
 *   2. the pages of all those writes made writable, nearby pages of one
 *      segment in one mprotect (a refusal undoes the pages already changed
 *      and returns the error: nothing else has been touched);
 *   3. the keys' slots and targets stored (the trampolines' indirect path
 *      reads the slot, so it must be valid before any branch leads there);
 *   4. the architecture's protocol writes the text (x86.c, word.c);
 *   5. the pages made read-only again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

struct scs_target scs_target_of(void *func)
{
	struct scs_target t = { SCS_T_FUNC, (uintptr_t)func };

	if (!func)
		t.kind = SCS_T_NULL;
	else if (func == (void *)__static_call_return0)
		t.kind = SCS_T_RET0;
	return t;
}

struct pokes {
	struct scs_poke *p;
	size_t n, cap;
};

static int poke_add(struct pokes *ps, uintptr_t addr, unsigned len,
		    const uint8_t *cur, const uint8_t *new, uint8_t *rec)
{
	struct scs_poke *p;

	if (!memcmp(cur, new, len))
		return 0;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;

		p = realloc(ps->p, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		ps->p = p;
		ps->cap = cap;
	}
	p = &ps->p[ps->n++];
	p->addr = addr;
	p->len = len;
	memcpy(p->old, cur, len);
	memcpy(p->new, new, len);
	p->rec = rec;
	return 0;
}

/* Bytes at addr differ from what the runtime left there: someone else
 * wrote them.  They are never overwritten. */
static int tampered(uintptr_t addr, const uint8_t *cur, unsigned len)
{
	return memcmp((const void *)addr, cur, len) != 0;
}

static int key_pokes(struct pokes *ps, struct scs_keyrec *kr,
		     const struct scs_target *t)
{
	uint8_t form[SCS_INSN_MAX];
	unsigned tl = scs_arch_tramp_len();
	size_t i;
	int err;

	if (kr->tramp_refused || tampered(kr->tramp, kr->tramp_cur, tl)) {
		if (!kr->tramp_refused)
			scs_report("%s: trampoline %p was changed behind the "
				   "runtime's back; its key is never updated "
				   "again", kr->mod->name, (void *)kr->tramp);
		kr->tramp_refused = 1;
		return -EINVAL;
	}
	scs_arch_tramp_form(kr->tramp, t, scs_rt.mode, form);
	err = poke_add(ps, kr->tramp, tl, kr->tramp_cur, form, kr->tramp_cur);
	for (i = 0; i < kr->nsites && !err; i++) {
		struct scs_site *s = kr->sites[i];

		if (s->state == SCS_STATE_REFUSED)
			continue;
		if (tampered(s->addr, s->cur, s->len)) {
			scs_report("%s: site %p was changed behind the "
				   "runtime's back; left alone, never written",
				   kr->mod->name, (void *)s->addr);
			s->state = SCS_STATE_REFUSED;
			continue;
		}
		scs_arch_site_form(s, kr->tramp, t, scs_rt.mode, form);
		err = poke_add(ps, s->addr, s->len, s->cur, form, s->cur);
	}
	return err;
}

static int cmp_poke(const void *a, const void *b)
{
	const struct scs_poke *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One run of pages of one segment, changed by one mprotect call. */
struct run {
	uintptr_t lo, hi;
	const struct scs_seg *seg;
};

/* Pages of the same segment at most RUN_GAP pages apart share a run: one
 * mprotect over a few untouched text pages costs less than a second call
 * (each one flushes the TLBs of every CPU that runs the process). */
#define RUN_GAP 16

static size_t runs_of(const struct scs_poke *p, size_t n, struct run *r)
{
	uintptr_t pg = (uintptr_t)scs_rt.page;
	size_t i, nr = 0;

	for (i = 0; i < n; i++) {
		struct scs_module *m = scs_module_of(p[i].addr);
		const struct scs_seg *seg = scs_seg_of(m, p[i].addr, p[i].len);
		uintptr_t lo = p[i].addr & ~(pg - 1);
		uintptr_t hi = (p[i].addr + p[i].len + pg - 1) & ~(pg - 1);

		if (nr && r[nr - 1].seg == seg &&
		    lo <= r[nr - 1].hi + RUN_GAP * pg) {
			if (hi > r[nr - 1].hi)
				r[nr - 1].hi = hi;
			continue;
		}
		r[nr].lo = lo;
		r[nr].hi = hi;
		r[nr].seg = seg;
		nr++;
	}
	return nr;
}

static int protect(const struct run *r, size_t n, int write)
{
	size_t i;
	int err = 0;

	for (i = 0; i < n; i++) {
		int prot = r[i].seg->prot | (write ? PROT_WRITE : 0);

		scs_rt.st.mprotects++;
		if (mprotect((void *)r[i].lo, r[i].hi - r[i].lo, prot)) {
			err = -errno;
			break;
		}
	}
	if (err && write)
		while (i--) {
			scs_rt.st.mprotects++;
			mprotect((void *)r[i].lo, r[i].hi - r[i].lo,
				 r[i].seg->prot);
		}
	return err;
}

static void slots_store(struct scs_keyrec **krs, struct static_call_key **keys,
			const struct scs_target *ts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uintptr_t tramp = krs[i] ? krs[i]->tramp
					 : (uintptr_t)keys[i]->tramp;
		void *func = ts[i].kind == SCS_T_NULL ? NULL
			   : ts[i].kind == SCS_T_RET0
				? (void *)__static_call_return0
				: (void *)ts[i].func;

		__atomic_store_n(&keys[i]->slot,
				 (void *)scs_arch_slot(tramp, &ts[i]),
				 __ATOMIC_SEQ_CST);
		__atomic_store_n(&keys[i]->func, func, __ATOMIC_SEQ_CST);
	}
}

/* Writes the pokes (sorted here) and stores the keys' slots between the
 * unlocking of the text and the first write. */
static int pokes_apply(struct pokes *ps, struct scs_keyrec **krs,
		       struct static_call_key **keys,
		       const struct scs_target *ts, size_t n)
{
	struct run *r;
	size_t nr, i;
	int err;

	if (!ps->n) {
		slots_store(krs, keys, ts, n);
		return 0;
	}
	qsort(ps->p, ps->n, sizeof(ps->p[0]), cmp_poke);
	r = malloc(ps->n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	nr = runs_of(ps->p, ps->n, r);
	err = protect(r, nr, 1);
	if (!err) {
		slots_store(krs, keys, ts, n);
		scs_rt.mode_fixed = 1;
		scs_arch_write(ps->p, ps->n, scs_rt.mode);
		scs_rt.st.batches++;
		if (protect(r, nr, 0))
			scs_report("cannot make text read-only again: %s",
				   strerror(errno));
		for (i = 0; i < ps->n; i++)
			memcpy(ps->p[i].rec, ps->p[i].new, ps->p[i].len);
	}
	free(r);
	return err;
}

/* Retargets n keys (krs[i] NULL: a key no registered module holds, which
 * takes only its slot).  Called with the patch lock held. */
static int update_locked(struct scs_keyrec **krs,
			 struct static_call_key **keys,
			 const struct scs_target *ts, size_t n)
{
	struct pokes ps = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		if (krs[i] && !krs[i]->mod->text_locked)
			err = key_pokes(&ps, krs[i], &ts[i]);
	if (!err)
		err = pokes_apply(&ps, krs, keys, ts, n);
	free(ps.p);
	return err;
}

/* The first patch of a module: every site and trampoline to its key's
 * current target.  A refused mprotect (W^X) locks the module's text: its
 * calls keep going through the trampolines, which later updates retarget
 * through the slot alone. */
int scs_module_patch_initial(struct scs_module *m)
{
	struct scs_keyrec *kr, **krs;
	struct static_call_key **keys;
	struct scs_target *ts;
	size_t n = 0, i = 0;
	int err = -ENOMEM;

	for (kr = m->keys; kr; kr = kr->next)
		n++;
	krs = calloc(n + 1, sizeof(*krs));
	keys = calloc(n + 1, sizeof(*keys));
	ts = calloc(n + 1, sizeof(*ts));
	if (krs && keys && ts) {
		for (kr = m->keys; kr; kr = kr->next) {
			krs[i] = kr;
			keys[i] = kr->key;
			ts[i] = scs_target_of(__atomic_load_n(&kr->key->func,
							      __ATOMIC_ACQUIRE));
			if (!scs_arch_target_ok(m, &ts[i]))
				i++;
			else
				scs_report("%s: key %p: the initial target %p is "
					   "outside the module; its sites stay "
					   "on the trampoline", m->name,
					   (void *)kr->key, (void *)ts[i].func);
		}
		err = update_locked(krs, keys, ts, i);
	}
	if (err == -EACCES || err == -EPERM) {
		scs_report("%s: the system refuses to make text writable (%s); "
			   "its static calls stay on their trampolines",
			   m->name, strerror(-err));
		m->text_locked = 1;
		err = 0;
	}
	free(krs);
	free(keys);
	free(ts);
	return err;
}

/* Whether u[i]'s key appeared earlier in the batch: a registered key is
 * stamped with the batch's number; the rare unregistered ones are
 * compared with each other. */
static int duplicate(const struct static_call_update *u, size_t i,
		     struct scs_keyrec **krs)
{
	size_t j;

	if (krs[i]) {
		if (krs[i]->batch == scs_rt.batch)
			return 1;
		krs[i]->batch = scs_rt.batch;
		return 0;
	}
	for (j = 0; j < i; j++)
		if (!krs[j] && u[j].key == u[i].key)
			return 1;
	return 0;
}

/* The architecture's check of a target against the key's module, which
 * for a key no registered module holds is looked up (ppc64 needs it). */
static int target_check(struct static_call_key *key, struct scs_keyrec *kr,
			const struct scs_target *t)
{
	struct scs_module tmp;

	if (kr)
		return scs_arch_target_ok(kr->mod, t);
	memset(&tmp, 0, sizeof(tmp));
	if (scs_find_module(&tmp, (uintptr_t)key))
		return scs_arch_target_ok(NULL, t);
	return scs_arch_target_ok(&tmp, t);
}

/* Checks a batch before anything is written. */
static int batch_check(const struct static_call_update *u, size_t n,
		       struct scs_keyrec **krs, struct scs_target *ts)
{
	size_t i;
	int err;

	scs_rt.batch++;
	for (i = 0; i < n; i++) {
		if (!u[i].key || !u[i].key->tramp)
			return -EINVAL;
		krs[i] = scs_keyrec_get(u[i].key, &err);
		if (err)
			return err;
		if (duplicate(u, i, krs))
			return -EINVAL;
		ts[i] = scs_target_of(u[i].func);
		err = target_check(u[i].key, krs[i], &ts[i]);
		if (err)
			return err;
	}
	return 0;
}

int static_call_update_batch(const struct static_call_update *u, size_t n)
{
	struct scs_keyrec **krs;
	struct static_call_key **keys;
	struct scs_target *ts;
	sigset_t s;
	size_t i;
	int err = -ENOMEM;

	if (!n)
		return 0;
	if (!u)
		return -EINVAL;
	scs_init();
	krs = calloc(n, sizeof(*krs));
	keys = calloc(n, sizeof(*keys));
	ts = calloc(n, sizeof(*ts));
	scs_lock(&s);
	if (krs && keys && ts) {
		for (i = 0; i < n; i++)
			keys[i] = u[i].key;
		err = batch_check(u, n, krs, ts);
		if (!err)
			err = update_locked(krs, keys, ts, n);
	}
	scs_unlock(&s);
	free(krs);
	free(keys);
	free(ts);
	return err;
}

int __scs_update(struct static_call_key *key, void *func)
{
	struct static_call_update u = { key, func };

	return static_call_update_batch(&u, 1);
}
