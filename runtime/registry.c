/* libscs: the registry of modules, their sites and keys.
 *
 * Each module registers its own .static_call_sites from a constructor
 * (scs-module.o) and unregisters from a destructor, which dlclose runs: the
 * per-DSO scheme of LLVM XRay's xray_init.cpp.  Every entry is checked
 * before it is believed: the site must lie in the module's executable
 * segments and hold a branch to its key's trampoline, the key must lie in
 * the module's writable data and name a trampoline with this runtime's
 * shape.  An entry that fails is reported once and never written. */
#include <errno.h>
#include <stdio.h>
#include <link.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

struct find_ctx {
	uintptr_t addr;
	struct scs_module *m;
	int found;
};

static int prot_of(ElfW(Word) flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

/* dl_iterate_phdr callback: fills the PT_LOAD segments of the object that
 * holds ctx->addr. */
static int find_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find_ctx *c = arg;
	struct scs_module *m = c->m;
	int i, hit = 0;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + p->p_vaddr;

		if (p->p_type == PT_LOAD && c->addr >= lo &&
		    c->addr - lo < p->p_memsz)
			hit = 1;
	}
	if (!hit)
		return 0;
	m->nsegs = 0;
	for (i = 0; i < info->dlpi_phnum && m->nsegs < SCS_SEG_MAX; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];

		if (p->p_type != PT_LOAD)
			continue;
		m->segs[m->nsegs].lo = info->dlpi_addr + p->p_vaddr;
		m->segs[m->nsegs].hi = m->segs[m->nsegs].lo + p->p_memsz;
		m->segs[m->nsegs].prot = prot_of(p->p_flags);
		m->nsegs++;
	}
	snprintf(m->name, sizeof(m->name), "%s",
		 info->dlpi_name && *info->dlpi_name ? info->dlpi_name
						     : "the executable");
	c->found = 1;
	return 1;
}

/* Fills m's segments and name from the loaded object holding addr. */
int scs_find_module(struct scs_module *m, uintptr_t addr)
{
	struct find_ctx c = { addr, m, 0 };

	dl_iterate_phdr(find_object, &c);
	return c.found ? 0 : -ENOENT;
}

static int in_seg(const struct scs_module *m, uintptr_t a, size_t len,
		  int prot)
{
	const struct scs_seg *s = scs_seg_of(m, a, len);

	return s && (s->prot & prot) == prot;
}

/* A new record for key in m, or NULL with the reason reported.  The key
 * must be an aligned static_call_key in m's writable data whose trampoline
 * lies in m's text and has this runtime's shape. */
static struct scs_keyrec *keyrec_new(struct scs_module *m,
				     struct static_call_key *key)
{
	uintptr_t k = (uintptr_t)key, t;
	struct scs_keyrec *kr;
	uint8_t cur[SCS_INSN_MAX];
	const char *why;

	if (k % sizeof(void *) ||
	    !in_seg(m, k, sizeof(*key), PROT_READ | PROT_WRITE)) {
		scs_report("%s: key %p is not in the module's writable data",
			   m->name, (void *)key);
		return NULL;
	}
	t = (uintptr_t)key->tramp;
	if (t % 4 || !in_seg(m, t, SCS_TRAMP_SIZE, PROT_READ | PROT_EXEC)) {
		scs_report("%s: key %p: trampoline %p is not in the module's "
			   "text", m->name, (void *)key, (void *)t);
		return NULL;
	}
	why = scs_arch_check_tramp(t, cur);
	if (why) {
		scs_report("%s: key %p: trampoline %p: %s; its sites are left "
			   "alone", m->name, (void *)key, (void *)t, why);
		return NULL;
	}
	kr = calloc(1, sizeof(*kr));
	if (!kr)
		return NULL;
	kr->key = key;
	kr->mod = m;
	kr->tramp = t;
	memcpy(kr->tramp_cur, cur, sizeof(cur));
	kr->next = m->keys;
	m->keys = kr;
	return kr;
}

static struct scs_keyrec *keyrec_find(struct scs_module *m,
				      struct static_call_key *key)
{
	struct scs_keyrec *kr;

	for (kr = m->keys; kr; kr = kr->next)
		if (kr->key == key)
			return kr;
	return NULL;
}

/* The record of key, creating it for a key of a registered module that no
 * table entry names.  NULL with *err = 0 when no registered module holds
 * the key: its sites are still on their trampoline, whose indirect path
 * reads the slot. */
struct scs_keyrec *scs_keyrec_get(struct static_call_key *key, int *err)
{
	struct scs_module *m;
	struct scs_keyrec *kr;

	*err = 0;
	kr = key->rt;
	if (kr && kr->key == key)	/* set at registration */
		return kr;
	for (m = scs_rt.mods; m; m = m->next) {
		kr = keyrec_find(m, key);
		if (kr)
			return kr;
	}
	m = scs_module_of((uintptr_t)key);
	if (!m)
		return NULL;
	kr = keyrec_new(m, key);
	if (!kr) {
		*err = -EINVAL;
		return NULL;
	}
	key->rt = kr;
	*err = scs_points_publish();
	return kr;
}

static int cmp_uptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* Replaces the handler's table of patch points.  The old table is freed
 * once no SIGTRAP handler runs: a handler counts itself in before it reads
 * the pointer, so one that starts later sees the new table. */
int scs_points_publish(void)
{
	struct scs_module *m;
	struct scs_keyrec *kr;
	struct scs_points *p, *old;
	size_t n = 0, i;

	for (m = scs_rt.mods; m; m = m->next) {
		n += m->nsites;
		for (kr = m->keys; kr; kr = kr->next)
			n++;
	}
	p = malloc(sizeof(*p) + n * sizeof(p->a[0]));
	if (!p)
		return -ENOMEM;
	p->n = 0;
	for (m = scs_rt.mods; m; m = m->next) {
		for (i = 0; i < m->nsites; i++)
			p->a[p->n++] = m->sites[i].addr;
		for (kr = m->keys; kr; kr = kr->next)
			p->a[p->n++] = kr->tramp;
	}
	qsort(p->a, p->n, sizeof(p->a[0]), cmp_uptr);
	old = atomic_exchange(&scs_rt.points, p);
	while (atomic_load(&scs_rt.handlers))
		sched_yield();
	free(old);
	return 0;
}

/* Reads one table entry into s; NULL or the reason it is unusable. */
static const char *entry_site(struct scs_module *m, const struct scs_entry *e,
			      struct scs_site *s)
{
	uintptr_t site = (uintptr_t)&e->addr + (intptr_t)e->addr;
	uintptr_t k = (uintptr_t)&e->key + (intptr_t)(e->key & ~SCS_ENTRY_FLAGS);
	struct static_call_key *key = (struct static_call_key *)k;
	const struct scs_seg *seg;

	memset(s, 0, sizeof(*s));
	s->addr = site;
	seg = scs_seg_of(m, site, 1);
	if (!seg || !(seg->prot & PROT_EXEC))
		return "the site is not in the module's text";
	if (!in_seg(m, k, sizeof(*key), PROT_READ | PROT_WRITE))
		return "the key is not in the module's writable data";
	s->key = keyrec_find(m, key);
	if (!s->key)
		s->key = keyrec_new(m, key);
	if (!s->key)
		return "its key is unusable";
	if (s->addr >= s->key->tramp &&
	    s->addr < s->key->tramp + SCS_TRAMP_SIZE)
		return "the site lies inside its trampoline";
	return scs_arch_parse_site(s, s->key->tramp, e->key & SCS_ENTRY_TAIL);
}

static int cmp_site(const void *a, const void *b)
{
	const struct scs_site *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->key > y->key) - (x->key < y->key);
}

/* Drops exact duplicates and refuses a site that overlaps the one before
 * it (a corrupt table; patching both would tear one). */
static void sites_tidy(struct scs_module *m)
{
	size_t i, o = 0;

	qsort(m->sites, m->nsites, sizeof(m->sites[0]), cmp_site);
	for (i = 0; i < m->nsites; i++) {
		struct scs_site *s = &m->sites[i];

		if (o && s->addr == m->sites[o - 1].addr &&
		    s->key == m->sites[o - 1].key)
			continue;
		if (o && s->state != SCS_STATE_REFUSED &&
		    s->addr < m->sites[o - 1].addr + m->sites[o - 1].len) {
			scs_report("%s: site %p overlaps the site at %p; left "
				   "alone", m->name, (void *)s->addr,
				   (void *)m->sites[o - 1].addr);
			s->state = SCS_STATE_REFUSED;
		}
		m->sites[o++] = *s;
	}
	m->nsites = o;
}

/* Points each key's record at its sites (the array is sorted by address,
 * so each key's list is too). */
static int keys_link(struct scs_module *m)
{
	struct scs_keyrec *kr;
	size_t i;

	for (i = 0; i < m->nsites; i++)
		if (m->sites[i].key && m->sites[i].state != SCS_STATE_REFUSED)
			m->sites[i].key->nsites++;
	for (kr = m->keys; kr; kr = kr->next) {
		kr->sites = calloc(kr->nsites ? kr->nsites : 1,
				   sizeof(kr->sites[0]));
		if (!kr->sites)
			return -ENOMEM;
		kr->nsites = 0;
	}
	for (i = 0; i < m->nsites; i++) {
		kr = m->sites[i].key;
		if (kr && m->sites[i].state != SCS_STATE_REFUSED)
			kr->sites[kr->nsites++] = &m->sites[i];
	}
	return 0;
}

static int sites_read(struct scs_module *m)
{
	size_t n = (size_t)(m->stop - m->start), i;
	const char *why;

	m->sites = calloc(n ? n : 1, sizeof(m->sites[0]));
	if (!m->sites)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct scs_site *s = &m->sites[m->nsites++];

		why = entry_site(m, &m->start[i], s);
		if (why) {
			scs_report("%s: table entry %zu (site %p): %s; left "
				   "alone", m->name, i, (void *)s->addr, why);
			s->state = SCS_STATE_REFUSED;
			s->len = 1;
		}
		s->may_inline = s->state != SCS_STATE_REFUSED &&
				scs_arch_may_inline(s, scs_rt.mode);
	}
	sites_tidy(m);
	return keys_link(m);
}

static void module_free(struct scs_module *m)
{
	struct scs_keyrec *kr, *next;

	for (kr = m->keys; kr; kr = next) {
		next = kr->next;
		if (kr->key->rt == kr)
			kr->key->rt = NULL;
		free(kr->sites);
		free(kr);
	}
	free(m->sites);
	free(m);
}

static struct scs_module *module_new(const void *start, const void *stop)
{
	struct scs_module *m = calloc(1, sizeof(*m));
	uintptr_t a = (uintptr_t)start, b = (uintptr_t)stop;

	if (!m)
		return NULL;
	if (a % 4 || b < a || (b - a) % sizeof(struct scs_entry)) {
		scs_report("table %p..%p is not a whole number of entries",
			   start, stop);
		free(m);
		return NULL;
	}
	if (scs_find_module(m, a) ||
	    (b > a && !in_seg(m, a, b - a, PROT_READ))) {
		scs_report("table %p..%p is not in a loaded module", start,
			   stop);
		free(m);
		return NULL;
	}
	m->start = start;
	m->stop = stop;
	return m;
}

static void keys_publish(struct scs_module *m)
{
	struct scs_keyrec *kr;

	for (kr = m->keys; kr; kr = kr->next)
		kr->key->rt = kr;
}

void *__scs_register(const void *start, const void *stop)
{
	struct scs_module *m, *o;
	sigset_t s;

	scs_init();
	scs_lock(&s);
	for (o = scs_rt.mods; o; o = o->next)
		if (o->start == start) {
			scs_unlock(&s);
			return NULL;
		}
	m = module_new(start, stop);
	if (m && sites_read(m)) {
		scs_report("%s: out of memory; its static calls stay on their "
			   "trampolines", m->name);
		module_free(m);
		m = NULL;
	}
	if (m) {
		m->next = scs_rt.mods;
		scs_rt.mods = m;
		keys_publish(m);
		if (scs_points_publish() || scs_module_patch_initial(m))
			scs_report("%s: its sites could not be patched; they "
				   "stay on their trampolines", m->name);
	}
	scs_unlock(&s);
	return m;
}

void __scs_unregister(void *handle)
{
	struct scs_module **pp, *m = handle;
	sigset_t s;

	if (!m)
		return;
	scs_lock(&s);
	for (pp = &scs_rt.mods; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	scs_points_publish();
	module_free(m);
	scs_unlock(&s);
}
