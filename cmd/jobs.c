#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct slot {
	char *out, *err;
	size_t out_len, err_len;
	int status;
	void *record;
};

struct pool {
	sc_file_fn fn;
	const void *ctx;
	const struct sc_input *inputs;
	int n;
	atomic_int next;
	struct slot *slots;
};

static void run_one(struct pool *p, struct sc_worker *w, int i)
{
	struct slot *s = &p->slots[i];
	FILE *out = open_memstream(&s->out, &s->out_len);
	FILE *err = open_memstream(&s->err, &s->err_len);

	if (!out || !err) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		s->status = SC_EXIT_USAGE;
		return;
	}
	s->status = p->fn(p->ctx, w, &p->inputs[i], out, err, &s->record);
	fclose(out);
	fclose(err);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct sc_worker w;
	int i;

	sc_decoders_init(&w.decoders);
	sc_spare_init(&w.spare);
	while ((i = atomic_fetch_add(&p->next, 1)) < p->n) {
		/* A spare helps only a file still to come. */
		w.spare.wanted = atomic_load(&p->next) < p->n;
		run_one(p, &w, i);
	}
	sc_spare_drop(&w.spare);
	sc_decoders_close(&w.decoders);
	return NULL;
}

static int start_workers(struct pool *p, int jobs)
{
	pthread_t *t = calloc(jobs, sizeof(*t));
	int i, started = 0;

	if (!t)
		return -1;
	for (i = 0; i < jobs; i++)
		if (pthread_create(&t[i], NULL, worker, p) == 0)
			started++;
		else
			break;
	if (started == 0)
		worker(p);
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
	return 0;
}

/* A write to stdout that failed is an I/O error of the run, with its
 * reason; reported here, the stream is cleared for the check at exit. */
static int stdout_failed(int err, int worst)
{
	if (!err)
		return worst;
	fprintf(stderr, "scstool: cannot write to standard output: %s\n",
		strerror(err));
	clearerr(stdout);
	return SC_EXIT_USAGE;
}

int sc_run_files(sc_file_fn fn, const void *ctx,
		 const struct sc_input *inputs, int n, int jobs,
		 void **records)
{
	struct pool p = { .fn = fn, .ctx = ctx, .inputs = inputs, .n = n };
	int i, worst = SC_EXIT_OK, out_errno = 0;

	p.slots = calloc(n + 1, sizeof(*p.slots));
	if (!p.slots) {
		fprintf(stderr, "scstool: out of memory\n");
		return SC_EXIT_USAGE;
	}
	atomic_init(&p.next, 0);
	if (jobs <= 1 || n <= 1)
		worker(&p);
	else if (start_workers(&p, jobs < n ? jobs : n))
		worker(&p);
	for (i = 0; i < n; i++) {
		struct slot *s = &p.slots[i];

		if (s->out_len && !out_errno &&
		    fwrite(s->out, 1, s->out_len, stdout) != s->out_len)
			out_errno = errno;
		if (s->err_len)
			fwrite(s->err, 1, s->err_len, stderr);
		free(s->out);
		free(s->err);
		if (records)
			records[i] = s->record;
		if (s->status > worst)
			worst = s->status;
	}
	free(p.slots);
	if (fflush(stdout) && !out_errno)
		out_errno = errno;
	return stdout_failed(out_errno, worst);
}

int sc_parse_jobs(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > 1024)
		return -1;
	return (int)v;
}
