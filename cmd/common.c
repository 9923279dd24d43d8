#include "common.h"

#include <byteswap.h>

#include "cmd.h"

static const char *machine_hint(const GElf_Ehdr *eh)
{
	GElf_Ehdr swapped = *eh;

	swapped.e_machine = bswap_16(eh->e_machine);
	if (sc_arch_for(&swapped))
		return " (byte-swapped it would be supported: does the file "
		       "claim the wrong byte order?)";
	swapped = *eh;
	swapped.e_ident[EI_CLASS] = eh->e_ident[EI_CLASS] == ELFCLASS64 ?
				    ELFCLASS32 : ELFCLASS64;
	if (sc_arch_for(&swapped))
		return " in this ELF class (does the file claim the wrong "
		       "class?)";
	return "";
}

int sc_cmd_open(const char *path, bool need_rel, struct sc_object *obj,
		const struct sc_arch **arch, struct sc_err *err)
{
	if (sc_object_open(obj, path, need_rel, err))
		return -1;
	*arch = sc_arch_for(&obj->ehdr);
	if (!*arch) {
		sc_errf(err, "unsupported machine %u%s", obj->ehdr.e_machine,
			machine_hint(&obj->ehdr));
		sc_object_close(obj);
		return -1;
	}
	return 0;
}

int sc_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "scstool %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nRun 'scstool help %s' for usage.\n", cmd);
	return SC_EXIT_USAGE;
}
