#include "sysmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"

/* A kernel's System.map is a few MB; this bounds what a wrong path (a
 * disk image, say) could make us read. */
#define SYSMAP_MAX (256u << 20)

static size_t count_lines(const char *text, size_t size)
{
	size_t i, n = 1;

	for (i = 0; i < size; i++)
		n += text[i] == '\n';
	return n;
}

/* Parses "ADDR TYPE NAME" at line (NUL-terminated, no newline) in place:
 * the name stays where it is.  Returns 0, 1 for a blank line, -1 with
 * err naming the problem. */
static int parse_line(char *line, uint64_t *addr, char *type, char **name,
		      struct sc_err *err)
{
	char *p = line, *end;
	size_t digits;

	if (p[strspn(p, " \t\r")] == 0)
		return 1;
	digits = strspn(p, "0123456789abcdefABCDEF");
	if (digits == 0 || digits > 16 || (p[digits] != ' ' &&
					   p[digits] != '\t'))
		return sc_errf(err, "want \"ADDRESS TYPE NAME\" with a hex "
			       "address of at most 16 digits");
	*addr = strtoull(p, &end, 16);
	p += digits + strspn(p + digits, " \t");
	if (!isalpha((unsigned char)p[0]) || (p[1] != ' ' && p[1] != '\t'))
		return sc_errf(err, "want one letter for the symbol's type "
			       "after the address");
	*type = p[0];
	p += 1 + strspn(p + 1, " \t");
	end = p + strcspn(p, " \t\r");
	if (end == p || end[strspn(end, " \t\r")] != 0)
		return sc_errf(err, "want one symbol name after the type");
	*end = 0;
	*name = p;
	return 0;
}

static void fill_symbol(const struct sc_object *obj, struct sc_symbol *s,
			uint64_t addr, char type, const char *name)
{
	bool text = strchr("TtWw", type) != NULL;
	size_t sec = strchr("Aa", type) ? 0 : sc_section_at(obj, addr, false);
	bool exec = sec && (obj->sections[sec].shdr.sh_flags & SHF_EXECINSTR);
	int stt = !sec ? STT_NOTYPE : text && exec ? STT_FUNC : STT_OBJECT;
	int stb = isupper((unsigned char)type) ? STB_GLOBAL : STB_LOCAL;

	s->name = name;
	s->shndx = sec ? sec : SHN_ABS;
	s->sym = (GElf_Sym){ .st_value = addr, .st_shndx = s->shndx,
			     .st_info = GELF_ST_INFO(stb, stt) };
}

static int by_place(const void *a, const void *b)
{
	const struct sc_symbol *x = *(struct sc_symbol *const *)a;
	const struct sc_symbol *y = *(struct sc_symbol *const *)b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->sym.st_value != y->sym.st_value)
		return x->sym.st_value < y->sym.st_value ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* A function runs to the next higher address in its section, or to the
 * section's end: the best a map without sizes allows. */
static int size_functions(const struct sc_object *obj, struct sc_symbol *syms,
			  size_t n)
{
	struct sc_symbol **order = calloc(n + 1, sizeof(*order));
	size_t i, j;

	if (!order)
		return -1;
	for (i = 0; i < n; i++)
		order[i] = &syms[i];
	qsort(order, n, sizeof(*order), by_place);
	for (i = 0; i < n; i++) {
		struct sc_symbol *s = order[i];
		const GElf_Shdr *sh;
		uint64_t end;

		if (GELF_ST_TYPE(s->sym.st_info) != STT_FUNC)
			continue;
		sh = &obj->sections[s->shndx].shdr;
		end = sh->sh_addr + sh->sh_size;
		for (j = i + 1; j < n && order[j]->shndx == s->shndx; j++)
			if (order[j]->sym.st_value > s->sym.st_value) {
				end = order[j]->sym.st_value;
				break;
			}
		s->sym.st_size = end - s->sym.st_value;
	}
	free(order);
	return 0;
}

static int parse_all(const struct sc_object *obj, const char *path,
		     char *text, size_t size, struct sc_symbol *syms,
		     size_t *n, struct sc_err *err)
{
	char *line = text, *nl;
	size_t lineno = 0;
	struct sc_err why;

	*n = 1;		/* symbols[0] is the null symbol */
	syms[0].name = "";
	while (line < text + size) {
		uint64_t addr = 0;
		char type = 0, *name = NULL;
		int r;

		nl = memchr(line, '\n', text + size - line);
		if (nl)
			*nl = 0;
		lineno++;
		r = parse_line(line, &addr, &type, &name, &why);
		if (r < 0)
			return sc_errf(err, "%s:%zu: %.400s", path, lineno,
				       why.msg);
		if (r == 0)
			fill_symbol(obj, &syms[(*n)++], addr, type, name);
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}

int sc_sysmap_load(struct sc_object *obj, const char *path,
		   struct sc_err *err)
{
	struct sc_symbol *syms = NULL;
	struct sc_err why;
	struct stat st;
	char *text, *grown;
	size_t size, n = 0;
	int ret = 0;

	if (sc_file_read(path, SYSMAP_MAX, &text, &size, &st, &why))
		return sc_errf(err, "%s: %.400s", path, why.msg);
	grown = realloc(text, size + 1);
	if (grown)
		syms = calloc(count_lines(grown, size) + 1, sizeof(*syms));
	if (!grown || !syms) {
		free(grown ? grown : text);
		free(syms);
		return sc_errf(err, "out of memory");
	}
	text = grown;
	text[size] = 0;
	if (memchr(text, 0, size))
		ret = sc_errf(err, "%s: a NUL byte: not a System.map", path);
	else if (parse_all(obj, path, text, size, syms, &n, err))
		ret = -1;
	else if (size_functions(obj, syms + 1, n - 1))
		ret = sc_errf(err, "out of memory");
	if (ret) {
		free(text);
		free(syms);
		return -1;
	}
	free(obj->symbols);
	free(obj->symnames);
	obj->symbols = syms;
	obj->nsymbols = n;
	obj->symnames = text;
	obj->symtab = 0;
	return 0;
}
