/* sweeplen: runs scstool's own sweep (decode/sweep.c, decode/x86_len.c)
 * over one section of an x86 object and prints what it decodes, so that a
 * test can compare it with objdump.
 *
 *   sweeplen FILE [SECTION]     SECTION defaults to .text
 *   sweeplen FILE SECTION BYTE...
 *
 * The first form prints one line per instruction (sc_sweep_next), from the
 * section's start to its end:
 *   "OFFSET LENGTH OPCODE_AT PREFIXES FLOW [TARGET]"
 * OFFSET and TARGET in hex without 0x, the rest in decimal, FLOW one of
 * none, call, jmp, jcc, loop (TARGET only for those four).  Where the sweep
 * stops on bytes it does not know: "OFFSET bad", exit 1.
 * The second form seeks (sc_sweep_seek) each BYTE in turn (hex, in
 * increasing order) from the section's start with one sweep, and prints
 * "BYTE OFFSET LENGTH" for the instruction that holds it, "BYTE bad
 * OFFSET" where the sweep stopped, or "BYTE end".
 * Exit 2 on usage or input errors.
 * Build (from the top folder):
 *	cc -Iinclude -o sweeplen tests/tools/sweeplen.c decode/sweep.c \
 *		decode/x86_len.c -lelf -lZydis */
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../decode/sweep.h"

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("sweeplen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static Elf_Data *find_section(Elf *e, const char *want)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(e, &shstrndx))
		die("%s", elf_errmsg(-1));
	while ((scn = elf_nextscn(e, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			die("%s", elf_errmsg(-1));
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (name && !strcmp(name, want) && sh.sh_type == SHT_PROGBITS)
			return elf_getdata(scn, NULL);
	}
	die("no section %s", want);
}

static const char *flow_name(enum sc_flow f)
{
	static const char *const names[] = {
		[SC_FLOW_NONE] = "none", [SC_FLOW_CALL] = "call",
		[SC_FLOW_JMP] = "jmp", [SC_FLOW_JCC] = "jcc",
		[SC_FLOW_LOOP] = "loop",
	};
	return names[f];
}

static int sweep(enum sc_isa isa, const uint8_t *bytes, size_t size)
{
	struct sc_sweep s;
	struct sc_insn insn;
	struct sc_err err;
	enum sc_sweep_status st;

	if (sc_sweep_start(&s, isa, bytes, size, 0, &err))
		die("%s", err.msg);
	while ((st = sc_sweep_next(&s, &insn)) == SC_SWEEP_INSN) {
		printf("%llx %u %u %u %s", (unsigned long long)insn.offset,
		       insn.length, insn.opcode_at, insn.prefixes,
		       flow_name(insn.flow));
		if (insn.flow != SC_FLOW_NONE)
			printf(" %llx", (unsigned long long)insn.target);
		putchar('\n');
	}
	if (st == SC_SWEEP_BAD) {
		printf("%llx bad\n", (unsigned long long)insn.offset);
		return 1;
	}
	return 0;
}

static int seek(enum sc_isa isa, const uint8_t *bytes, size_t size,
		char **targets, int n)
{
	struct sc_sweep s;
	struct sc_insn insn;
	struct sc_err err;
	int i;

	if (sc_sweep_start(&s, isa, bytes, size, 0, &err))
		die("%s", err.msg);
	for (i = 0; i < n; i++) {
		unsigned long long t = strtoull(targets[i], NULL, 16);

		switch (sc_sweep_seek(&s, t, &insn)) {
		case SC_SWEEP_INSN:
			printf("%llx %llx %u\n", t,
			       (unsigned long long)insn.offset, insn.length);
			break;
		case SC_SWEEP_BAD:
			printf("%llx bad %llx\n", t,
			       (unsigned long long)insn.offset);
			break;
		case SC_SWEEP_END:
			printf("%llx end\n", t);
			break;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *sect = argc > 2 ? argv[2] : ".text";
	enum sc_isa isa;
	GElf_Ehdr eh;
	Elf_Data *d;
	Elf *e;
	int fd, ret;

	if (argc < 2)
		die("usage: sweeplen FILE [SECTION [BYTE...]]");
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf too old");
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		die("cannot open %s", argv[1]);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || !gelf_getehdr(e, &eh))
		die("%s: %s", argv[1], elf_errmsg(-1));
	if (eh.e_machine == EM_X86_64)
		isa = SC_ISA_X86_64;
	else if (eh.e_machine == EM_386)
		isa = SC_ISA_X86_32;
	else
		die("%s: not x86", argv[1]);
	d = find_section(e, sect);
	if (!d || !d->d_buf)
		die("%s: %s has no bytes", argv[1], sect);
	ret = argc > 3 ? seek(isa, d->d_buf, d->d_size, argv + 3, argc - 3) :
			 sweep(isa, d->d_buf, d->d_size);
	elf_end(e);
	close(fd);
	return ret;
}
