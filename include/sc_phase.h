/* Phase timings of one file, for `SCSTOOL_TIMINGS=1` (make bench prints
 * where the time goes).  A struct per file, owned by its caller: no global
 * state, so worker threads time their own files.  Times are monotonic
 * wall-clock nanoseconds (CLOCK_MONOTONIC). */
#ifndef SC_PHASE_H
#define SC_PHASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define SC_PHASE_MAX 12

struct sc_phases {
	const char *name[SC_PHASE_MAX];	/* static strings */
	uint64_t ns[SC_PHASE_MAX];	/* time spent in each phase */
	int n;
	uint64_t last;			/* end of the previous phase */
};

static inline uint64_t sc_phase_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Starts the clock; p may be NULL (timings off) in every helper. */
static inline void sc_phase_start(struct sc_phases *p)
{
	if (p) {
		p->n = 0;
		p->last = sc_phase_now();
	}
}

/* Adds ns to the phase name (a new row unless it is the last one). */
static inline void sc_phase_add(struct sc_phases *p, const char *name,
				uint64_t ns)
{
	if (!p)
		return;
	if (!p->n || p->name[p->n - 1] != name) {
		if (p->n == SC_PHASE_MAX)
			return;
		p->name[p->n] = name;
		p->ns[p->n++] = 0;
	}
	p->ns[p->n - 1] += ns;
}

/* Ends the phase name now: its time runs from the previous mark. */
static inline void sc_phase_mark(struct sc_phases *p, const char *name)
{
	uint64_t now;

	if (!p)
		return;
	now = sc_phase_now();
	sc_phase_add(p, name, now - p->last);
	p->last = now;
}

/* Formats "total T ms: phase T ms, ..." into buf (the caller prints it,
 * escaped, after the file's name). */
static inline void sc_phase_format(char *buf, size_t len,
				   const struct sc_phases *p)
{
	uint64_t total = 0;
	size_t at;
	int i;

	for (i = 0; i < p->n; i++)
		total += p->ns[i];
	at = (size_t)snprintf(buf, len, "total %.3f ms:", total / 1e6);
	for (i = 0; i < p->n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s %s %.3f ms",
				       i ? "," : "", p->name[i],
				       p->ns[i] / 1e6);
}

#endif
