/* libFuzzer target: any bytes, read as a policy file (.scstool.yaml),
 * through the config parser and the suppression matcher.  Built by
 * `make fuzz`.  Besides crashes, leaks and timeouts it checks what the
 * parser promises: a file it takes gives a valid policy, and a file it
 * refuses leaves the config as it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../check/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_taken(const struct sc_config *c)
{
	int i;

	if (!c->cacheline || (c->cacheline & (c->cacheline - 1)))
		abort();
	for (i = 0; i < SC_RULE_COUNT; i++)
		if ((unsigned)c->severity[i] > SC_SEV_ERROR)
			abort();
	for (i = 0; i < SC_RULE_COUNT; i++)
		(void)sc_config_suppressed(c, (enum sc_rule)i, "f_call",
					   "__SCK__foo", "dir/a.o",
					   "src/a.c:12");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_config c;
	struct sc_err err;

	sc_config_defaults(&c);
	if (sc_config_parse(&c, "fuzz.yaml", data, size, &err) == 0)
		check_taken(&c);
	else if (c.path || c.nsuppress || c.cacheline != 64 || !c.cond_tail ||
		 !err.msg[0])
		abort();
	sc_config_free(&c);
	return 0;
}
