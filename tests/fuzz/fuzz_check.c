/* libFuzzer target: any bytes, read as an object, through everything
 * check and dump do, the writer included: the output goes to memory (a
 * memfd), is read back and compared with the input and the sites found,
 * as check does before a rename.  The writer may refuse an input; an
 * output that differs from what was meant is a crash.  Built by
 * `make fuzz`. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../check/check.h"
#include "../../check/linked.h"
#include "../../check/table.h"
#include "../../check/verify.h"
#include "../../elf/input.h"
#include "../../elf/write.h"
#include "../../report/build.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libelf works only once told which ELF version its caller speaks. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return elf_version(EV_CURRENT) == EV_NONE;
}

/* A linked file's resolved table, as dump reads it. */
static void exercise_linked(const struct sc_report_input *in)
{
	struct sc_linked_table t;
	struct sc_addr_index ix;
	struct sc_report_file f = { 0 };
	struct sc_entry *e = NULL;
	size_t n = 0;
	struct sc_err err;

	if (sc_linked_find(in->obj, &t, &err) != 1 ||
	    sc_addr_index_build(&ix, in->obj, &err))
		return;
	if (!sc_linked_read(in->obj, &ix, &t, &e, &n, &err) &&
	    !sc_report_from_table(&f, in, e, n, &err))
		sc_report_file_free(&f);
	free(e);
	sc_addr_index_free(&ix);
}

/* Writes obj plus img to a memfd and reads it back, as check would. */
static void write_back(const struct sc_object *obj, const struct sc_arch *arch,
		       const struct sc_table_image *img,
		       const struct sc_entry *found, size_t nfound)
{
	int fd = memfd_create("output", 0);
	struct sc_err err;
	char path[64];
	bool differ;

	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!sc_write_image(obj, fd, img, &err) &&
	    sc_table_check_output(obj, arch, path, found, nfound, &differ,
				  &err) && differ) {
		fprintf(stderr, "fuzz: the output read back is wrong: %s\n",
			err.msg);
		abort();
	}
	close(fd);
}

/* verify, as the post-link check runs it. */
static void exercise_verify(const struct sc_report_input *in)
{
	struct sc_policy policy;
	struct sc_verify_opts opts = { .cacheline = 64, .cond_tail = true,
				       .policy = &policy };
	struct sc_verify_stats st;
	struct sc_result res;
	struct sc_report_file f = { 0 };
	struct sc_err err;

	sc_policy_defaults(&policy);
	if (!sc_verify_object(in->obj, in->syms, &opts, &res, &st, &err) &&
	    !sc_report_from_check(&f, in, &res, &err))
		sc_report_file_free(&f);
	sc_result_free(&res);
}

static void exercise(const char *path, const struct sc_object *obj,
		     const struct sc_arch *arch)
{
	struct sc_policy policy;
	struct sc_check_opts opts = { .threads = 1, .cacheline = 64,
				      .cond_tail = true, .policy = &policy };
	struct sc_report_input in = { .path = path, .obj = obj, .arch = arch,
				      .cacheline = 64 };
	struct sc_report_file f = { 0 }, t = { 0 };
	struct sc_symbols syms;
	struct sc_result res = { 0 };
	struct sc_decoders decoders;
	struct sc_table_image img;
	struct sc_entry *found = NULL, *old = NULL;
	size_t nfound = 0, nold = 0;
	struct sc_err err;

	sc_policy_defaults(&policy);
	if (sc_symbols_build(&syms, obj, &err))
		return;
	in.syms = &syms;
	if (sc_object_linked(obj)) {
		exercise_linked(&in);
		exercise_verify(&in);
	}
	sc_decoders_init(&decoders);
	if (!sc_check_object(obj, &syms, &opts, &decoders, &res, &err) &&
	    !sc_table_from_sites(&res, &found, &nfound, &err)) {
		if (!sc_report_from_check(&f, &in, &res, &err))
			sc_report_file_free(&f);
		if (!sc_table_image(obj, arch, found, nfound, &img, &err)) {
			if (obj->ehdr.e_type == ET_REL)
				write_back(obj, arch, &img, found, nfound);
			sc_table_image_free(&img);
		}
	}
	if (!sc_table_read(obj, arch, &old, &nold, &err) &&
	    !sc_report_from_table(&t, &in, old, nold, &err))
		sc_report_file_free(&t);
	free(found);
	free(old);
	sc_decoders_close(&decoders);
	sc_result_free(&res);
	sc_symbols_free(&syms);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("object", 0);
	struct sc_object obj;
	struct sc_err err;
	char path[64];

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!sc_input_open(&obj, path, 0, &err)) {
		const struct sc_arch *arch = sc_arch_for(&obj.ehdr);

		if (arch)
			exercise(path, &obj, arch);
		sc_object_close(&obj);
	}
	close(fd);
	return 0;
}
