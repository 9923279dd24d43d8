/* Source lines through libdwfl.  A relocatable object's DWARF refers to
 * its sections through relocations (every .text.* section starts at 0),
 * so the raw line table cannot tell sections apart.  libdwfl lays the
 * SHF_ALLOC sections out at distinct addresses in its own copy of the
 * ELF (the first at 0x10000, each aligned) and applies the relocations
 * of the debug sections against that layout; a (section, offset) pair
 * becomes that section's sh_addr there plus the offset.
 *
 * libdwfl's own address lookup (dwfl_module_getsrc) finds the unit
 * through .debug_aranges, which clang does not emit: every lookup in a
 * clang object would fail.  So the units are indexed here by the ranges
 * their DIEs give (DW_AT_low_pc/high_pc or DW_AT_ranges), and the row
 * comes from that unit's line table. */
#include "lines.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sc_util.h"

/* One address range of a compilation unit, in the DWARF's addresses. */
struct cu_range {
	Dwarf_Addr start, end;
	Dwarf_Addr max_end;	/* the largest end of this and earlier ranges */
	Dwarf_Die cu;
};

struct sc_lines {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	char *image;		/* a copy of the object's bytes, for libdwfl
				 * to write to; NULL when it reads the
				 * model's own (see needs_copy) */
	Elf *elf;		/* libdwfl's copy, with its section layout */
	Dwarf *dw;
	/* DWARF address = sh_addr + offset + shift: libdwfl's address
	 * (sh_addr + the ELF's bias) less the DWARF's bias. */
	Dwarf_Addr shift;
	struct cu_range *ranges;	/* sorted by start */
	size_t nranges, cap;
	char *cwd;		/* stripped from the start of file names */
	size_t cwdlen;
	/* The last name resolved, and what it became: a report looks up
	 * many rows of the same file in a row. */
	const char *last_file, *last_dir;
	char *last_shown;
};

/* Offline callbacks.  Separate debug files are looked for only when the
 * object has no DWARF of its own, and sc_lines_open does not start
 * libdwfl for an object without a line table: a lint run never waits on
 * a debuginfod server. */
static char *debuginfo_path;
static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

void sc_lines_close(struct sc_lines *l)
{
	if (!l)
		return;
	if (l->dwfl)
		dwfl_end(l->dwfl);
	free(l->image);
	free(l->ranges);
	free(l->cwd);
	free(l->last_shown);
	free(l);
}

static int dwfl_failure(struct sc_lines *l, struct sc_err *err,
			const char *what)
{
	sc_errf(err, "%s: %s", what, dwfl_errmsg(-1));
	sc_lines_close(l);
	return -1;
}

/* Does the object carry a line table itself?  Asked of the model before
 * libdwfl is started: most objects checked have no DWARF, and libdwfl's
 * layout of a module's sections costs more than this look.  It also
 * keeps libdwfl from looking for separate debug files (and possibly
 * asking a debuginfod server) for objects without DWARF. */
static bool has_line_table(const struct sc_object *obj)
{
	size_t i;

	for (i = 1; i < obj->nsections; i++)
		if (obj->sections[i].shdr.sh_type != SHT_NOBITS &&
		    (!strcmp(obj->sections[i].name, ".debug_line") ||
		     !strcmp(obj->sections[i].name, ".zdebug_line")))
			return true;
	return false;
}

/* Would libdwfl write to the image?  It applies a relocatable object's
 * relocations to the debug sections in place, and decompressing a
 * section (SHF_COMPRESSED, or GNU's .zdebug) rewrites its header, which
 * libelf keeps inside an image given by elf_memory.  A linked file with
 * plain sections is only read: sharing the model's bytes spares a copy of
 * the whole file (a vmlinux with its DWARF is 340 MB). */
static bool needs_copy(const struct sc_object *obj)
{
	size_t i;

	if (obj->ehdr.e_type == ET_REL)
		return true;
	for (i = 1; i < obj->nsections; i++)
		if ((obj->sections[i].shdr.sh_flags & SHF_COMPRESSED) ||
		    !strncmp(obj->sections[i].name, ".zdebug", 7))
			return true;
	return false;
}

/* libdwfl reads the bytes the model read, never the file again (which
 * may have changed since); from its own copy when it would write. */
static int report(struct sc_lines *l, const struct sc_object *obj,
		  struct sc_err *err)
{
	GElf_Addr bias;
	char *image = (char *)obj->image;	/* only read: needs_copy */

	if (needs_copy(obj)) {
		image = l->image = malloc(obj->size);
		if (!l->image) {
			sc_lines_close(l);
			return sc_errf(err, "out of memory");
		}
		memcpy(l->image, obj->image, obj->size);
	}
	l->dwfl = dwfl_begin(&offline_callbacks);
	if (!l->dwfl)
		return dwfl_failure(l, err, "cannot start libdwfl");
	l->mod = dwfl_report_offline_memory(l->dwfl, obj->path, obj->path,
					    image, obj->size);
	if (!l->mod)
		return dwfl_failure(l, err, "cannot read DWARF");
	if (dwfl_report_end(l->dwfl, NULL, NULL) != 0)
		return dwfl_failure(l, err, "cannot read DWARF");
	l->elf = dwfl_module_getelf(l->mod, &bias);
	if (!l->elf)
		return dwfl_failure(l, err, "cannot read DWARF");
	l->shift = bias;
	return 0;
}

static int add_range(struct sc_lines *l, const Dwarf_Die *cu,
		     Dwarf_Addr start, Dwarf_Addr end)
{
	if (start >= end)
		return 0;
	if (sc_grow(&l->ranges, &l->cap, l->nranges + 1, sizeof(*l->ranges)))
		return -1;
	l->ranges[l->nranges++] = (struct cu_range){
		.start = start, .end = end, .cu = *cu };
	return 0;
}

static int add_unit(struct sc_lines *l, Dwarf_Die *cu)
{
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(cu, off, &base, &start, &end)) > 0)
		if (add_range(l, cu, start, end))
			return -1;
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

static void sort_ranges(struct sc_lines *l)
{
	Dwarf_Addr reach = 0;
	size_t i;

	if (l->nranges)
		qsort(l->ranges, l->nranges, sizeof(*l->ranges), range_cmp);
	for (i = 0; i < l->nranges; i++) {
		if (l->ranges[i].end > reach)
			reach = l->ranges[i].end;
		l->ranges[i].max_end = reach;
	}
}

/* Loads the DWARF (relocating it) and indexes its units.  Type units
 * hold no code; a unit without ranges has no rows to find. */
static int index_units(struct sc_lines *l, struct sc_err *err)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die die;
	Dwarf_Addr bias;
	uint8_t type;

	l->dw = dwfl_module_getdwarf(l->mod, &bias);
	if (!l->dw)
		return dwfl_failure(l, err, "cannot read DWARF");
	l->shift -= bias;
	while (dwarf_get_units(l->dw, cu, &cu, NULL, &type, &die, NULL) == 0) {
		if (type == DW_UT_type || type == DW_UT_split_type)
			continue;
		if (add_unit(l, &die)) {
			sc_lines_close(l);
			return sc_errf(err, "out of memory");
		}
	}
	sort_ranges(l);
	return 0;
}

int sc_lines_open(struct sc_lines **out, const struct sc_object *obj,
		  struct sc_err *err)
{
	struct sc_lines *l;

	*out = NULL;
	if (!has_line_table(obj))
		return 0;
	l = calloc(1, sizeof(*l));
	if (!l)
		return sc_errf(err, "out of memory");
	if (report(l, obj, err) || index_units(l, err))
		return -1;
	l->cwd = getcwd(NULL, 0);
	if (l->cwd && strcmp(l->cwd, "/"))
		l->cwdlen = strlen(l->cwd);
	*out = l;
	return 0;
}

/* The section's range in DWARF addresses; false when it has none (a
 * section that is not SHF_ALLOC is not laid out). */
static bool section_range(const struct sc_lines *l, size_t shndx,
			  Dwarf_Addr *start, Dwarf_Addr *size)
{
	Elf_Scn *scn = elf_getscn(l->elf, shndx);
	GElf_Shdr shdr;

	if (!scn || !gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_ALLOC))
		return false;
	*start = shdr.sh_addr + l->shift;
	*size = shdr.sh_size;
	return true;
}

/* The row for addr: the unit whose range holds it (the last range that
 * starts at or before addr, then earlier ones while one of them may
 * still reach addr, since ranges of different units may nest), then the
 * row in that unit's line table.  *cu is the unit. */
static Dwarf_Line *find_row(struct sc_lines *l, Dwarf_Addr addr,
			    Dwarf_Die **cu)
{
	size_t lo = 0, hi = l->nranges, i;
	Dwarf_Line *line;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->ranges[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i-- > 0 && l->ranges[i].max_end > addr;) {
		if (addr >= l->ranges[i].end)
			continue;
		line = dwarf_getsrc_die(&l->ranges[i].cu, addr);
		if (line) {
			*cu = &l->ranges[i].cu;
			return line;
		}
	}
	return NULL;
}

/* a + "/" + b, or NULL when memory runs out. */
static char *join(const char *a, const char *b)
{
	char *p;

	return asprintf(&p, "%s/%s", a, b) < 0 ? NULL : p;
}

/* Drops "." and empty components of an absolute path and applies ".."
 * lexically, in place: for a source file that does not exist here, so
 * that realpath() cannot say where it is. */
static void normalise(char *path)
{
	char *out = path, *p = path;

	while (*p) {
		char *seg = p + (*p == '/'), *end = strchrnul(seg, '/');
		size_t n = end - seg;

		p = end;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == path)
		*out++ = '/';
	*out = 0;
}

/* The absolute path of a line table's file name.  DWARF gives it as the
 * compiler saw it: absolute, or relative to the unit's DW_AT_comp_dir.
 * The result names the file as realpath() does when it exists here, else
 * after removing "." and ".." by hand.  A comp_dir that is relative too
 * (after -fdebug-prefix-map=DIR=.) names the directory the build ran in,
 * taken to be the current one if the file is there; if not, the name
 * stays relative, as given: no absolute path would be right. */
static char *resolve(const struct sc_lines *l, Dwarf_Die *cu,
		     const char *file)
{
	Dwarf_Attribute attr;
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir,
						      &attr));
	bool anchored = file[0] == '/' || (dir && dir[0] == '/');
	char *path, *base = NULL, *real;

	if (file[0] == '/')
		path = strdup(file);
	else if (anchored)
		path = join(dir, file);
	else {
		base = dir ? join(l->cwd ? l->cwd : "/", dir)
			   : strdup(l->cwd ? l->cwd : "/");
		path = base ? join(base, file) : NULL;
	}
	free(base);
	if (!path)
		return NULL;
	real = realpath(path, NULL);
	if (real) {
		free(path);
		return real;
	}
	if (!anchored) {
		free(path);
		return dir && strcmp(dir, ".") ? join(dir, file)
					       : strdup(file);
	}
	normalise(path);
	return path;
}

/* What a diagnostic shows of a file: relative to the current directory
 * when it lies under it (what a user ran the tool from is what they can
 * open), else absolute.  Remembers the last answer. */
static const char *shown_file(struct sc_lines *l, Dwarf_Die *cu,
			      const char *file)
{
	Dwarf_Attribute attr;
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir,
						      &attr));
	char *path, *shown;

	if (l->last_shown && file == l->last_file && dir == l->last_dir)
		return l->last_shown;
	path = resolve(l, cu, file);
	if (!path)
		return NULL;
	if (l->cwdlen && !strncmp(path, l->cwd, l->cwdlen) &&
	    path[l->cwdlen] == '/' && path[l->cwdlen + 1])
		memmove(path, path + l->cwdlen + 1,
			strlen(path + l->cwdlen + 1) + 1);
	shown = path;
	free(l->last_shown);
	l->last_shown = shown;
	l->last_file = file;
	l->last_dir = dir;
	return shown;
}

int sc_lines_lookup(struct sc_lines *l, size_t shndx, uint64_t off,
		    char *buf, size_t len)
{
	Dwarf_Addr start, size, at;
	Dwarf_Line *line;
	Dwarf_Die *cu = NULL;
	const char *file, *shown;
	int lineno = 0, n;

	if (!l || !section_range(l, shndx, &start, &size) || off >= size)
		return -1;
	line = find_row(l, start + off, &cu);
	if (!line || dwarf_lineaddr(line, &at) || dwarf_lineno(line, &lineno))
		return -1;
	file = dwarf_linesrc(line, NULL, NULL);
	/* Line 0 is DWARF's "no source line"; and a row from another
	 * section would name the wrong code. */
	if (!file || lineno <= 0 || at < start || at > start + off)
		return -1;
	shown = shown_file(l, cu, file);
	if (!shown)
		return -1;
	n = snprintf(buf, len, "%s:%d", shown, lineno);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
