/* scs-module.o: linked into every module (executable or shared library)
 * by `pkg-config --libs scs`.  It registers the module's own
 * .static_call_sites with libscs from a constructor and unregisters it
 * from a destructor, which dlclose runs (LLVM XRay registers each DSO's
 * sleds the same way).  The table's bounds are the hidden symbols that
 * scs.ld defines in each module, so every module finds its own table. */
#include <scs/static_call.h>

extern const char __scs_sites_start[] __attribute__((visibility("hidden")));
extern const char __scs_sites_stop[] __attribute__((visibility("hidden")));

static void *handle;

/* An initialised variable gives every module a .data section, which scs.ld
 * inserts the table after (lld refuses INSERT AFTER a section that the
 * output lacks).  The constructor uses it, so --gc-sections keeps it. */
__attribute__((visibility("hidden"))) int __scs_module_registered = -1;

/* Priority 200: before the module's ordinary constructors (whose static
 * calls then run inline), after a constructor below 200 that picks the
 * mode with scs_set_mode(). */
__attribute__((constructor(200))) static void scs_module_init(void)
{
	handle = __scs_register(__scs_sites_start, __scs_sites_stop);
	__scs_module_registered = handle != 0;
}

__attribute__((destructor(200))) static void scs_module_fini(void)
{
	if (__scs_module_registered > 0)
		__scs_unregister(handle);
	__scs_module_registered = 0;
	handle = 0;
}
