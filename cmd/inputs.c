#include "inputs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../elf/file.h"
#include "../elf/input.h"
#include "sc_err.h"

/* The bytes read to tell what a file found by the walk holds: enough
 * for every magic number, and for a compressed file's first block to
 * unpack the ELF magic number. */
#define SNIFF_BYTES (64 * 1024)

static int own(struct sc_inputs *in, void *p)
{
	if (!p)
		return -1;
	if (in->nowned == in->capowned) {
		size_t cap = in->capowned ? 2 * in->capowned : 16;
		void **v = realloc(in->owned, cap * sizeof(*v));

		if (!v) {
			free(p);
			return -1;
		}
		in->owned = v;
		in->capowned = cap;
	}
	in->owned[in->nowned++] = p;
	return 0;
}

static int add(struct sc_inputs *in, struct sc_input input)
{
	if (in->n == in->cap) {
		size_t cap = in->cap ? 2 * in->cap : 16;
		struct sc_input *v = realloc(in->v, cap * sizeof(*v));

		if (!v)
			return -1;
		in->v = v;
		in->cap = cap;
	}
	in->v[in->n++] = input;
	return 0;
}

/* An input that only reports why it could not be expanded. */
static int add_error(struct sc_inputs *in, const char *name,
		     const char *fmt, const char *arg)
{
	char *msg, *copy = strdup(name);

	if (own(in, copy) || asprintf(&msg, fmt, arg) < 0 || own(in, msg))
		return -1;
	return add(in, (struct sc_input){ .name = copy, .error = msg });
}

static int add_path(struct sc_inputs *in, const char *path, bool copy)
{
	char *p = copy ? strdup(path) : (char *)path;

	if (copy && own(in, p))
		return -1;
	return add(in, (struct sc_input){ .name = p, .path = p });
}

/* One member, unless it is the archive's own index or name table
 * (names that start with '/': "/", "//", "/SYM64/"). */
static int add_member(struct sc_inputs *in, const char *path, Elf *m)
{
	Elf_Arhdr *h = elf_getarhdr(m);
	size_t size;
	char *raw = elf_rawfile(m, &size), *name;

	if (!h || !h->ar_name || h->ar_name[0] == '/')
		return 0;
	if (asprintf(&name, "%s(%s)", path, h->ar_name) < 0 ||
	    own(in, name))
		return -1;
	if (!raw)
		return add(in, (struct sc_input){ .name = name,
			   .error = "cannot read the member" });
	return add(in, (struct sc_input){ .name = name, .image = raw,
					  .size = size });
}

/* The members of the archive at path, read once and kept: each member's
 * bytes are a slice of them (libelf's archive support: elf_begin on the
 * archive, elf_next). */
static int add_members(struct sc_inputs *in, const char *path)
{
	struct sc_err e = { 0 };
	struct stat st;
	char *image;
	size_t size, before = in->n;
	Elf *ar, *m;
	Elf_Cmd cmd = ELF_C_READ_MMAP;	/* elf_memory's own: libelf
					 * refuses any other */
	int r = 0;

	if (sc_file_read(path, 0, &image, &size, &st, &e))
		return add_error(in, path, "%s", e.msg);
	if (own(in, image))
		return -1;
	ar = elf_memory(image, size);
	if (!ar || elf_kind(ar) != ELF_K_AR) {
		if (ar)
			elf_end(ar);
		return add_error(in, path, "cannot read the ar archive: %s",
				 elf_errmsg(-1));
	}
	while (!r && (m = elf_begin(-1, cmd, ar))) {
		r = add_member(in, path, m);
		cmd = elf_next(m);
		elf_end(m);
	}
	elf_end(ar);
	if (!r && in->n == before)
		return add_error(in, path, "%s", "an ar archive with no member");
	return r;
}

/* Is the ELF header at the start of the size bytes at data of a type
 * the command reads?  libelf reads the header (its class and byte
 * order); a header it cannot read is taken, and opening it says why. */
static bool wanted_type(char *data, size_t size, unsigned how)
{
	Elf *e;
	GElf_Ehdr eh;
	bool ok = true;

	if (!(how & (SC_EXPAND_REL | SC_EXPAND_LINKED)))
		return true;
	e = elf_memory(data, size);
	if (e && gelf_getehdr(e, &eh))
		ok = (how & SC_EXPAND_REL) ? eh.e_type == ET_REL :
		     eh.e_type == ET_EXEC || eh.e_type == ET_DYN;
	if (e)
		elf_end(e);
	return ok;
}

/* What the walk takes: ELF objects, compressed ELF objects, and (when
 * members are read) ar archives. */
static bool wanted(const char *path, unsigned how)
{
	char buf[SNIFF_BYTES], head[sizeof(Elf64_Ehdr)];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	ssize_t n;
	size_t got;
	enum sc_input_kind kind;
	struct sc_err e;

	if (fd < 0)
		return true;	/* opening it again says why */
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return true;
	kind = sc_input_sniff(buf, (size_t)n);
	if (kind == SC_INPUT_ELF)
		return wanted_type(buf, (size_t)n, how);
	if (kind == SC_INPUT_AR || kind == SC_INPUT_THIN_AR)
		return how & SC_EXPAND_MEMBERS;
	if (!sc_input_compressed(kind))
		return false;
	sc_decompress_head(kind, buf, (size_t)n, head, sizeof(head), &got, &e);
	return got >= 4 && sc_input_sniff(head, got) == SC_INPUT_ELF &&
	       wanted_type(head, got, how);
}

static int add_operand(struct sc_inputs *in, const char *path, bool copy,
		       unsigned how);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, without . and .., sorted bytewise; NULL with errno
 * set when it cannot be read. */
static char **read_names(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	int saved;

	if (!d)
		return NULL;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			if (!(nv = realloc(v, cap * sizeof(*v))))
				break;
			v = nv;
		}
		if (!(v[n] = strdup(de->d_name)))
			break;
		n++;
		errno = 0;
	}
	saved = de ? ENOMEM : errno;
	closedir(d);
	if (saved) {
		while (n)
			free(v[--n]);
		free(v);
		errno = saved;
		return NULL;
	}
	qsort(v, n, sizeof(*v), cmp_names);
	*count = n;
	return v ? v : calloc(1, sizeof(*v));
}

/* The entries of dir: directories walked, regular files taken when
 * wanted; symbolic links and other kinds left alone. */
static int walk(struct sc_inputs *in, const char *dir, unsigned how)
{
	size_t n = 0, i;
	char **names = read_names(dir, &n), *child;
	struct stat st;
	int r = 0;

	if (!names)
		return errno == ENOMEM ? -1 :
		       add_error(in, dir, "cannot read the directory: %s",
				 strerror(errno));
	for (i = 0; i < n; i++) {
		if (r || asprintf(&child, "%s%s%s", dir,
				  dir[strlen(dir) - 1] == '/' ? "" : "/",
				  names[i]) < 0) {
			r = -1;
			continue;
		}
		if (lstat(child, &st) < 0)
			r = add_error(in, child, "cannot stat: %s",
				      strerror(errno));
		else if (S_ISDIR(st.st_mode))
			r = walk(in, child, how);
		else if (S_ISREG(st.st_mode) && wanted(child, how))
			r = add_operand(in, child, true, how);
		free(child);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

static bool is_archive(const char *path)
{
	char buf[8];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	ssize_t n;
	struct stat st;

	if (fd < 0)
		return false;
	n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ?
	    read(fd, buf, sizeof(buf)) : -1;
	close(fd);
	return n > 0 && sc_input_sniff(buf, (size_t)n) == SC_INPUT_AR;
}

static int add_operand(struct sc_inputs *in, const char *path, bool copy,
		       unsigned how)
{
	struct stat st;
	size_t before = in->n;

	/* A walk that finds nothing is an error: a wrong path in a build
	 * or CI step must not pass as a clean run. */
	if ((how & SC_EXPAND_RECURSIVE) && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return walk(in, path, how) ? -1 : in->n > before ? 0 :
		       add_error(in, path, "%s", "no object to read under "
				 "this directory");
	if ((how & SC_EXPAND_MEMBERS) && is_archive(path))
		return add_members(in, path);
	return add_path(in, path, copy);
}

int sc_inputs_expand(struct sc_inputs *in, char **operands, int n,
		     unsigned how)
{
	int i;

	memset(in, 0, sizeof(*in));
	elf_version(EV_CURRENT);
	for (i = 0; i < n; i++)
		if (add_operand(in, operands[i], false, how)) {
			sc_inputs_free(in);
			return -1;
		}
	return 0;
}

void sc_inputs_free(struct sc_inputs *in)
{
	size_t i;

	for (i = 0; i < in->nowned; i++)
		free(in->owned[i]);
	free(in->owned);
	free(in->v);
	memset(in, 0, sizeof(*in));
}
