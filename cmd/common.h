/* Opening an object the way every command does, with one clear line on
 * failure. */
#ifndef SC_CMD_COMMON_H
#define SC_CMD_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "../arch/arch.h"
#include "../elf/object.h"

/* Opens path and finds its backend; on failure returns -1 with err set
 * (the object is then closed). */
int sc_cmd_open(const char *path, bool need_rel, struct sc_object *obj,
		const struct sc_arch **arch, struct sc_err *err);

/* Prints "scstool CMD: <fmt with arg>" and the help hint; returns the
 * usage exit status. */
int sc_usage_error(const char *cmd, const char *fmt, const char *arg);

/* After getopt_long returned c ('?' or ':', with opterr 0 and ':' first
 * in the option string): prints what was wrong, escaped, and the help
 * hint; returns the usage exit status. */
int sc_option_error(const char *cmd, int c, char **argv);

#endif
