/* libscs internals shared by the runtime's files (never installed).
 *
 * Errors are negative errno values, as the public API returns them.
 * All patching state lives in one process-wide struct scs_rt (core.c): a
 * SIGTRAP handler receives no context pointer, and one lock must order
 * every writer of the process's text. */
#ifndef SCS_INTERNAL_H
#define SCS_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <scs/static_call.h>

#define SCS_INSN_MAX	8	/* longest form any site or trampoline takes */
#define SCS_SEG_MAX	16	/* PT_LOAD segments remembered per module */

/* One entry of .static_call_sites (the kernel's struct static_call_site):
 * both fields are offsets from the field's own address. */
struct scs_entry {
	int32_t addr;
	int32_t key;
};
#define SCS_ENTRY_TAIL	1	/* STATIC_CALL_SITE_TAIL */
#define SCS_ENTRY_FLAGS	3	/* flag bits in the key field */

/* A target as the forms see it. */
enum scs_tkind { SCS_T_FUNC, SCS_T_NULL, SCS_T_RET0 };
struct scs_target {
	enum scs_tkind kind;
	uintptr_t func;		/* SCS_T_FUNC: the function's address */
};

struct scs_keyrec;

/* One table site. */
struct scs_site {
	uintptr_t addr;
	struct scs_keyrec *key;
	uint8_t kind;		/* SCS_KIND_* */
	uint8_t len;		/* bytes the forms occupy */
	uint8_t state;		/* SCS_STATE_* */
	uint8_t may_inline;	/* the mode's placement rules allow inline */
	uint8_t orig[SCS_INSN_MAX];	/* the linker's branch to the trampoline */
	uint8_t cur[SCS_INSN_MAX];	/* what must be there now */
};

/* The runtime's record of one key. */
struct scs_keyrec {
	struct static_call_key *key;
	struct scs_module *mod;
	uintptr_t tramp;
	struct scs_site **sites;	/* this key's sites, by address */
	size_t nsites;
	uint8_t tramp_cur[SCS_INSN_MAX];	/* what must be at tramp+0 */
	int tramp_refused;		/* changed behind our back */
	unsigned long batch;		/* the last batch that named it */
	struct scs_keyrec *next;	/* the module's list of keys */
};

struct scs_seg {
	uintptr_t lo, hi;	/* [lo, hi) */
	int prot;		/* PROT_* from p_flags */
};

/* One registered ELF module. */
struct scs_module {
	const struct scs_entry *start, *stop;
	char name[128];
	struct scs_seg segs[SCS_SEG_MAX];
	size_t nsegs;
	struct scs_site *sites;		/* sorted by address */
	size_t nsites;
	struct scs_keyrec *keys;
	int text_locked;	/* mprotect was refused: never write its text */
	struct scs_module *next;
};

/* One write: len bytes at addr, from old to new. */
struct scs_poke {
	uintptr_t addr;
	uint8_t len;
	uint8_t old[SCS_INSN_MAX];
	uint8_t new[SCS_INSN_MAX];
	uint8_t *rec;		/* where new is recorded once written */
};

/* The addresses the SIGTRAP handler recognises as patch points (every
 * site and trampoline), sorted.  Replaced whole, never edited, so that the
 * handler can read it without a lock (see scs_points_publish). */
struct scs_points {
	size_t n;
	uintptr_t a[];
};

/* How a batch writes x86 text. */
enum scs_head { SCS_HEAD_INT3, SCS_HEAD_JUMPSELF, SCS_HEAD_STORE };

struct scs_rt {
	pthread_mutex_t lock;		/* the patch lock */
	int mode;			/* enum scs_mode */
	int mode_fixed;			/* a site has been written */
	int sync_signal;		/* 0: membarrier; else the fallback's */
	long page;
	struct scs_module *mods;
	scs_report_fn *report;
	void *report_arg;
	int testing;			/* SCS_TESTING hooks (test builds) */
	unsigned long batch;		/* batches started, for batch_check */
	/* Read by the SIGTRAP handler: */
	_Atomic(struct scs_points *) points;
	atomic_int in_flight;		/* a batch has int3s in the text */
	atomic_uint gen;		/* bumped when first bytes are final */
	atomic_int waiters;		/* handlers waiting on gen */
	atomic_int handlers;		/* handlers running now */
	/* The handler we chain to, double-buffered: a reinstall writes the
	 * other slot, then flips prev_cur, so a handler never reads a
	 * half-written one. */
	struct sigaction prev_trap[2];
	atomic_int prev_cur;
	struct scs_stats st;		/* counters; handler ones are atomic */
	atomic_ulong traps, traps_late, traps_chained;
};

extern struct scs_rt scs_rt;

/* core.c */
void scs_init(void);
/* Every signal but the synchronous ones (SIGTRAP and the faults), which
 * must stay deliverable: blocked, they kill the thread. */
void scs_async_signals(sigset_t *set);
void scs_lock(sigset_t *saved);
void scs_unlock(const sigset_t *saved);
__attribute__((format(printf, 1, 2))) void scs_report(const char *fmt, ...);
struct scs_module *scs_module_of(uintptr_t addr);
const struct scs_seg *scs_seg_of(const struct scs_module *m, uintptr_t a,
				 size_t len);

/* registry.c */
int scs_find_module(struct scs_module *m, uintptr_t addr);
struct scs_keyrec *scs_keyrec_get(struct static_call_key *key, int *err);
int scs_points_publish(void);
int scs_module_patch_initial(struct scs_module *m);

/* update.c */
int scs_apply(struct scs_poke *p, size_t n);
int scs_update_keys(struct scs_keyrec **krs, const struct scs_target *ts,
		    size_t n);
struct scs_target scs_target_of(void *func);

/* sync.c */
int scs_sync_init(void);
void scs_sync(void);
int scs_sync_handler_ours(int sig, siginfo_t *si);

/* trap.c */
int scs_trap_install(void);
int scs_trap_check(void);
int scs_sigtrap_blocked_elsewhere(void);
void scs_trap_release(void);

/* The architecture (x86.c or word.c).  The forms are fixed encodings the
 * runtime writes and checks byte for byte; it never decodes other code. */
const char *scs_arch_parse_site(struct scs_site *s, uintptr_t tramp,
				int tail);
const char *scs_arch_check_tramp(uintptr_t tramp, uint8_t cur[]);
unsigned scs_arch_tramp_len(void);
int scs_arch_may_inline(const struct scs_site *s, int mode);
void scs_arch_site_form(const struct scs_site *s, uintptr_t tramp,
			const struct scs_target *t, int mode, uint8_t out[]);
void scs_arch_tramp_form(uintptr_t tramp, const struct scs_target *t,
			 int mode, uint8_t out[]);
uintptr_t scs_arch_slot(uintptr_t tramp, const struct scs_target *t);
int scs_arch_target_ok(const struct scs_module *m,
		       const struct scs_target *t);
void scs_arch_write(struct scs_poke *p, size_t n, int mode);
void scs_arch_serialize(void);

#endif
