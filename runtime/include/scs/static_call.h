/* libscs: static calls for ordinary programs.
 *
 * A static call is an indirect call made direct.  Code calls the call's
 * trampoline __SCT__<name>; its key __SCK__<name> holds the current target.
 * `scstool check` records every direct call, jump or conditional jump to a
 * trampoline in the object's .static_call_sites table (the Linux kernel's
 * format: include/linux/static_call_types.h, struct static_call_site), and
 * libscs uses that table to rewrite each site so that it branches straight
 * to the target, while other threads keep calling.
 *
 * The names follow the kernel's include/linux/static_call.h so that code
 * moves between the two:
 *
 *   DEFINE_STATIC_CALL(name, func);       defines the call, target func
 *   DEFINE_STATIC_CALL_NULL(name, func);  target NULL (func gives the type)
 *   DEFINE_STATIC_CALL_RET0(name, func);  target __static_call_return0
 *   DECLARE_STATIC_CALL(name, func);      for the other files of the module
 *   static_call(name)(args...)            calls the current target
 *   static_call_cond(name)(args...)       same, for void calls that may be NULL
 *   static_call_query(name)               the current target
 *   static_call_update(name, func)        retargets; 0 or -errno
 *   static_call_update_batch(u, n)        retargets several in one round
 *
 * Limits (README, "Static calls in your own program"):
 * - A static call is defined and used within one ELF module (the
 *   executable or one shared library).  Its key and trampoline have hidden
 *   visibility, so other modules cannot even name it: export an ordinary
 *   function to call across modules.
 * - Build with GNU C (gcc or clang), -O1 or higher: at -O0 a compiler may
 *   call the trampoline through a register, which works but is never
 *   patched inline.  C++ (g++, clang++) works too: a call
 *   defined in a namespace is named from inside it, and a return-0 target
 *   needs a cast through void * (no implicit conversion from void *).
 * - static_call_update() and static_call_update_batch() take a process-wide
 *   lock and are not async-signal-safe: never call them from a signal
 *   handler.  static_call() and static_call_query() are safe anywhere.
 * - A NULL target is only valid for void calls made with static_call_cond();
 *   a return-0 target only for calls that return an integer or a pointer
 *   (the kernel's rules).
 * - On ppc64 a target must be a function of the module that defines the
 *   static call: a site that reaches another module's function would return
 *   with that module's TOC pointer in r2 (ELFv2 ABI, 2.2.1).
 */
#ifndef SCS_STATIC_CALL_H
#define SCS_STATIC_CALL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with -fvisibility=hidden; these are its exports. */
#define SCS_API __attribute__((visibility("default")))

/* The key of one static call.  Defined by DEFINE_STATIC_CALL in the module's
 * writable data; the runtime owns every field after start-up.  The layout is
 * fixed: each trampoline's indirect path reads `slot` at offset
 * sizeof(void *) (SCS_KEY_SLOT below). */
struct static_call_key {
	void *func;	/* the target static_call_query() returns: a function,
			 * NULL or __static_call_return0 */
	void *slot;	/* what the trampoline's indirect path jumps to: the
			 * function, or the trampoline's own return / return-0
			 * stub; never NULL */
	void *tramp;	/* this call's trampoline, __SCT__<name> */
	void *rt;	/* the runtime's record of the key; NULL until the module
			 * registers it */
};

/* One retarget in a batch: build it with STATIC_CALL_UPDATE(name, func). */
struct static_call_update {
	struct static_call_key *key;
	void *func;
};

/* The return-0 target (the kernel's __static_call_return0): a site that
 * calls it becomes an instruction that sets the return register to 0. */
SCS_API long __static_call_return0(void);

/* Retargets one key (use static_call_update).  Returns 0, or a negative
 * errno with every site and the key left as they were:
 *   -EINVAL  key is NULL or names no trampoline (a key defined with
 *            these macros always does); libscs cannot tell every other
 *            struct from a key: a copy of a key is merely written, and no
 *            call reads it;
 *   -EXDEV   (ppc64) func is not a function of the key's module;
 *   -EACCES, -EPERM  the system refused to make text writable (W^X);
 *   -ENOMEM  out of memory.
 * Not async-signal-safe. */
SCS_API int __scs_update(struct static_call_key *key, void *func);

/* Retargets n keys in one patching round: every site of every key is
 * written by the same three synchronisations (x86) or one (arm64, ppc).
 * Returns 0 or a negative errno as __scs_update; -EINVAL also when a key
 * appears twice.  On error nothing was changed.  Not async-signal-safe. */
SCS_API int static_call_update_batch(const struct static_call_update *updates,
			     size_t n);

/* Registration of one module's table, called by the constructor in
 * scs-module.o (linked into every module by `pkg-config --libs scs`).
 * start and stop bound the module's .static_call_sites (hidden symbols
 * from the linker-script fragment scs.ld).  Returns an opaque handle for
 * __scs_unregister, or NULL when the module cannot be registered (the
 * reason is reported; its calls keep working through their trampolines). */
SCS_API void *__scs_register(const void *start, const void *stop);
SCS_API void __scs_unregister(void *handle);

/* ---- Run-time control (libscs extensions, not in the kernel) ---- */

/* How x86 sites are written (arm64 and ppc always write one aligned
 * instruction word).  Selected by the environment variable SCS_MODE
 * ("int3" or "store") when the library starts, or by scs_set_mode(). */
enum scs_mode {
	/* The kernel's int3 protocol (arch/x86/kernel/alternative.c,
	 * text_poke_bp_batch): int3 on each site's first byte, sync, the
	 * other bytes, sync, the first byte, sync.  Guaranteed by the
	 * architecture's cross-modifying-code rules. */
	SCS_MODE_INT3 = 0,
	/* One 4-byte store of the displacement, only when those bytes lie
	 * within one 64-byte cache line; other sites stay on their
	 * trampoline.  No signal is ever raised.  Relies on instruction fetch
	 * seeing such a store whole, which no CPU vendor documents. */
	SCS_MODE_STORE = 1,
};

/* Selects the mode.  Returns 0, -EINVAL for an unknown mode, or -EBUSY once
 * a site has been written (the modes write different forms for NULL and
 * return-0 targets).  Call it from a constructor with a priority below 200
 * to choose before the first module registers, or use SCS_MODE. */
SCS_API int scs_set_mode(enum scs_mode mode);
SCS_API enum scs_mode scs_get_mode(void);

/* The core-serialising method in use: "membarrier"
 * (MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE, registered at start-up) or
 * "signal" (the fallback: a signal to every other thread, whose handler
 * runs a serialising instruction; SCS_SYNC=signal forces it). */
SCS_API const char *scs_sync_method(void);

/* Problems the runtime finds (a site whose bytes are not what the table
 * and the last update imply, a corrupt table entry, a refused mprotect) are
 * reported once each, by default as one line on stderr starting "libscs: ".
 * fn receives a NUL-terminated line without the newline; it runs under
 * the patch lock, so it must not update static calls.  A line reported
 * while a batch holds sites half-written (the signal fallback waiting for
 * a thread) goes to stderr instead: fn might make a static call there.
 * Passing NULL restores the default. */
typedef void scs_report_fn(const char *line, void *arg);
SCS_API void scs_set_reporter(scs_report_fn *fn, void *arg);

/* Counters since start-up, for tests and monitoring. */
struct scs_stats {
	unsigned long modules;		/* modules registered now */
	unsigned long sites;		/* table sites registered now */
	unsigned long sites_inline;	/* sites that branch to the target */
	unsigned long sites_refused;	/* sites left alone: unexpected bytes */
	unsigned long batches;		/* patching rounds that wrote code */
	unsigned long batches_noint3;	/* of those, written with the
					 * jump-to-self guard because a thread
					 * blocked SIGTRAP (x86) */
	unsigned long syncs;		/* core serialisations */
	unsigned long mprotects;	/* mprotect calls */
	unsigned long traps;		/* SIGTRAPs at a site being patched */
	unsigned long traps_late;	/* of those, after the patch finished */
	unsigned long traps_chained;	/* SIGTRAPs passed on: not ours */
};
SCS_API void scs_get_stats(struct scs_stats *st);

/* One registered site, for scs_for_each_site. */
struct scs_site_info {
	const void *addr;		/* the site's first byte */
	const struct static_call_key *key;
	int kind;			/* SCS_KIND_* */
	int state;			/* SCS_STATE_* */
	unsigned len;			/* bytes the site occupies */
};
enum { SCS_KIND_CALL, SCS_KIND_TAIL, SCS_KIND_COND };
enum {
	SCS_STATE_TRAMP,	/* branches to the trampoline */
	SCS_STATE_INLINE,	/* branches to (or is) the target's form */
	SCS_STATE_REFUSED,	/* unexpected bytes: never written */
};

/* Calls fn for every registered site, in address order, under the patch
 * lock (fn must not update static calls).  Stops when fn returns non-zero
 * and returns that value. */
SCS_API int scs_for_each_site(int (*fn)(const struct scs_site_info *, void *),
		      void *arg);

/* ---- The macros ---- */

#define STATIC_CALL_KEY(name)	__SCK__##name
#define STATIC_CALL_TRAMP(name)	__SCT__##name
#define __SCS_HIDDEN		__attribute__((visibility("hidden")))
#define __SCS_STR(x)		#x

#include <scs/static_call_arch.h>

/* The asm labels give the key and trampoline their plain names in C++ too
 * (and inside a namespace), where the compiler would otherwise mangle them
 * and miss the trampoline, which is defined in assembly. */
#define DECLARE_STATIC_CALL(name, func)					\
	extern __SCS_HIDDEN struct static_call_key __SCK__##name	\
		__asm__("__SCK__" #name);				\
	extern __SCS_HIDDEN __typeof__(func) __SCT__##name		\
		__asm__("__SCT__" #name)

#define __SCS_TRAMP_AT(name, off)					\
	((void *)((char *)(void *)__SCT__##name + (off)))

/* __extension__ (here and below): the macros use GNU C on purpose
 * (statement expressions, function pointers stored as void *), and a
 * program built with -Wpedantic -Werror must still compile them. */
#define __DEFINE_STATIC_CALL(name, _func, _target, _slot)		\
	DECLARE_STATIC_CALL(name, _func);				\
	__extension__ __SCS_HIDDEN struct static_call_key __SCK__##name = { \
		(void *)(_target), (void *)(_slot),			\
		(void *)__SCT__##name, 0 };				\
	__SCS_TRAMPOLINE(name)

#define DEFINE_STATIC_CALL(name, _func)					\
	__DEFINE_STATIC_CALL(name, _func, _func, _func)
#define DEFINE_STATIC_CALL_NULL(name, _func)				\
	__DEFINE_STATIC_CALL(name, _func, 0,				\
			     __SCS_TRAMP_AT(name, SCS_TRAMP_RET))
#define DEFINE_STATIC_CALL_RET0(name, _func)				\
	__DEFINE_STATIC_CALL(name, _func, __static_call_return0,	\
			     __SCS_TRAMP_AT(name, SCS_TRAMP_RET0))

/* Every use names the key from a non-loaded section (dropped by scs.ld), so
 * that the object's symbol table has the key scstool needs for the entry,
 * as the kernel's __STATIC_CALL_ADDRESSABLE does. */
#define __SCS_KEYREF(name)						\
	__asm__(".pushsection .discard.scs_keyref,\"\"\n\t"		\
		".long __SCK__" #name "\n\t.popsection")

#define __static_call(name)						\
	(__extension__ ({ __SCS_KEYREF(name); &__SCT__##name; }))
#define static_call(name)	__static_call(name)
#define static_call_cond(name)	(void)__static_call(name)
#define static_call_query(name)						\
	(__extension__ (__typeof__(&__SCT__##name))			\
	 __atomic_load_n(&__SCK__##name.func, __ATOMIC_ACQUIRE))
#define static_call_update(name, func)					\
	(__extension__ ({						\
		__typeof__(&__SCT__##name) __scs_f = (func);		\
		__scs_update(&__SCK__##name, (void *)__scs_f);		\
	}))
/* A batch entry; func is checked against the call's type as in
 * static_call_update (a void * such as (void *)__static_call_return0
 * passes). */
#define STATIC_CALL_UPDATE(name, func)					\
	(__extension__ (struct static_call_update){ &__SCK__##name,	\
		({ __typeof__(&__SCT__##name) __scs_f = (func);		\
		   (void *)__scs_f; }) })

#ifdef __cplusplus
}
#endif

#endif
