/* failshim: an LD_PRELOAD library that makes one call of libelf's
 * elf_rawdata fail, so that a test can walk a failure through every place
 * scstool reads section bytes and check that each error keeps its cause.
 *
 *   FAILSHIM_AT=N LD_PRELOAD=./failshim.so scstool ...
 *
 * The Nth call (counted from 1, in this process) returns NULL as libelf
 * does on a read error; every other call goes to libelf.  Without
 * FAILSHIM_AT nothing fails.  libelf's own internal calls do not go
 * through this symbol, so only scstool's calls are counted.
 * Build: cc -shared -fPIC -o failshim.so failshim.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <libelf.h>
#include <stdatomic.h>
#include <stdlib.h>

static atomic_long calls;

Elf_Data *elf_rawdata(Elf_Scn *scn, Elf_Data *data)
{
	Elf_Data *(*real)(Elf_Scn *, Elf_Data *) =
		(Elf_Data *(*)(Elf_Scn *, Elf_Data *))dlsym(RTLD_NEXT,
							    "elf_rawdata");
	const char *at = getenv("FAILSHIM_AT");

	if (at && atomic_fetch_add(&calls, 1) + 1 == atol(at))
		return NULL;
	return real(scn, data);
}
