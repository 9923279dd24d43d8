/* One backend per architecture behind this interface.  check/ asks these
 * questions and never names an architecture itself. */
#ifndef SC_ARCH_H
#define SC_ARCH_H

#include <capstone/capstone.h>
#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../check/rules.h"
#include "../decode/sweep.h"
#include "sc_err.h"

enum sc_kind {
	SC_KIND_NONE,
	SC_KIND_CALL,		/* a call: the loader may turn it into a nop */
	SC_KIND_TAIL,		/* an unconditional jump: a tail call */
	SC_KIND_COND,		/* a conditional jump: a conditional tail
				 * call */
};

/* What a relocation type can be, from the architecture's ELF ABI. */
enum sc_reloc_role {
	SC_RELOC_SITE,		/* fills the branch field of a site */
	SC_RELOC_SHORT,		/* a PC-relative branch field narrower than
				 * a site's (x86 rel8, rel16) */
	SC_RELOC_ABSOLUTE,	/* the field of an absolute branch (ppc ba) */
	SC_RELOC_GOT,		/* reads the symbol's GOT (or PLT) slot */
	SC_RELOC_OTHER,		/* data or an address: never a branch's */
};

/* One entry of a backend's relocation list.  A type a backend does not
 * list is unknown to it: never a site, and named by number. */
struct sc_reloc_info {
	uint32_t type;
	const char *name;
	enum sc_reloc_role role;
	unsigned width;		/* bytes the relocation fills */
};

/* What the instruction that holds a relocated field is to the loader. */
enum sc_verdict {
	SC_VERDICT_NONE,	/* no direct branch whose target is the field */
	SC_VERDICT_SITE,	/* a site */
	SC_VERDICT_SHORT,	/* a direct branch with a narrower field */
	SC_VERDICT_ABSOLUTE,	/* an absolute direct branch */
	SC_VERDICT_COND_CALL,	/* a conditional call (ppc bcl forms) */
	SC_VERDICT_RELOC,	/* a direct branch whose relocation type is
				 * unknown or does not fit its form */
};

/* What the instruction at a linked table entry's site is to the loader
 * (verify). */
enum sc_form {
	SC_FORM_OTHER,		/* nothing the loader accepts */
	SC_FORM_CALL,		/* a direct call: a call entry's branch */
	SC_FORM_JUMP,		/* a direct jump: a tail entry's */
	SC_FORM_COND,		/* a conditional jump: a tail entry's */
	SC_FORM_NOP,		/* a call patched for a NULL or return-0
				 * target */
	SC_FORM_RET,		/* a tail call patched for a NULL target */
};

/* What a backend says about the instruction that holds a relocation. */
struct sc_branch {
	enum sc_kind kind;
	uint64_t site;		/* where the loader expects the opcode */
	int64_t addend;		/* the addend that targets the symbol's start */
};

/* What a backend's own rules see of a site, and how they report. */
struct sc_site_view {
	enum sc_kind kind;
	uint32_t reloc_type;
	uint64_t offset;		/* the site, in its section */
	const uint8_t *bytes;		/* the section's */
	size_t size;
	const GElf_Ehdr *ehdr;
	csh detail;			/* decodes neighbouring instructions */
	const char *insn;		/* the site's disassembly */
	const char *trampoline;
	/* Reports a finding of rule about this site; returns -1, with err
	 * set, when it cannot. */
	int (*report)(void *ctx, enum sc_rule rule, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
	void *ctx;
	/* Where a backend's own failure says what went wrong. */
	struct sc_err *err;
};

/* Code in a linked file, for a backend to recognise. */
struct sc_code_view {
	const uint8_t *bytes;		/* the section's */
	size_t size;
	uint64_t off;			/* where the code starts in it */
	uint64_t addr;			/* and its address */
	const GElf_Ehdr *ehdr;
	csh detail;			/* Capstone, with detail, in the file's
					 * mode */
};

struct sc_arch {
	const char *name;
	uint16_t machine;
	unsigned char elfclass;
	cs_arch cs_arch;
	cs_mode cs_mode_le, cs_mode_be;
	/* 0: variable length, instruction boundaries need a sweep from a
	 * known start; otherwise every instruction is this many bytes and
	 * aligned to it. */
	unsigned insn_width;
	/* The instruction set that sweeps decode (decode/sweep.h), for
	 * variable-length backends; SC_ISA_NONE for fixed-width ones. */
	enum sc_isa sweep_isa;
	/* Longest instruction, bytes to hand the decoder. */
	unsigned max_insn;
	/* Relocation type that fills the table's two PC-relative fields,
	 * and whether tables carry explicit addends (RELA) or keep them in
	 * the section bytes (REL). */
	uint32_t table_reloc;
	bool rela;

	/* The relocation types of the architecture's ELF ABI that matter
	 * here: every branch relocation, and the data ones a branch might
	 * wrongly carry. */
	const struct sc_reloc_info *relocs;
	size_t nrelocs;
	/* The width of the branch displacement that the bytes around a
	 * field suggest, whatever the instruction boundaries, or 0 when
	 * they look like no branch.  info is the relocation's entry (NULL:
	 * an unknown type).  Those fields are decoded at their instruction's
	 * start to tell a branch from other bytes. */
	unsigned (*looks_like_branch)(const uint8_t *bytes, size_t size,
				      uint64_t field,
				      const struct sc_reloc_info *info);
	/* What insn (decoded with detail at start) is when field, which a
	 * relocation of this type (info NULL: unknown) fills, lies in it.
	 * Fills out for every verdict but SC_VERDICT_NONE. */
	enum sc_verdict (*classify)(const cs_insn *insn, uint32_t type,
				    const struct sc_reloc_info *info,
				    int64_t addend, uint64_t start,
				    uint64_t field, struct sc_branch *out);
	/* A call or jump through the GOT whose GOT-relative field holds a
	 * relocation of this type: its kind and the instruction's start, or
	 * SC_KIND_NONE.  May be NULL. */
	enum sc_kind (*got_branch)(uint32_t type, const uint8_t *bytes,
				   size_t size, uint64_t field,
				   uint64_t *start);
	/* What a NULL target turns a site of each kind into. */
	const char *null_form[4];
	/* The kind of the instruction found at a table entry's site. */
	enum sc_kind (*kind_at)(const cs_insn *insn);
	/* The target of the direct branch insn, as Capstone decoded it with
	 * detail: absolute, from the address it was decoded at.  For finding
	 * branches that carry no relocation on fixed-width ISAs (variable-
	 * length ones get theirs from the sweep), and for verify's check of
	 * where a linked entry's branch goes. */
	bool (*branch_target)(const cs_insn *insn, uint64_t *target);
	/* The architecture's own checks of a site (may be NULL). */
	int (*site_rules)(const struct sc_site_view *v);

	/* verify, on linked files.  The form of the code at off, as the
	 * loader judges it (insn: its Capstone decode with detail, NULL
	 * when undecodable). */
	enum sc_form (*site_form)(const uint8_t *bytes, size_t size,
				  uint64_t off, const cs_insn *insn);
	/* The forms the loader accepts, in words: [0] at a call entry's
	 * site, [1] at a tail entry's. */
	const char *accepted[2];
	/* Where a direct branch from the same module enters a function
	 * whose symbol is sym, as an offset from its address: ppc64
	 * ELFv2's local entry point (after the TOC setup, st_other bits 5-7,
	 * ELFv2 ABI 3.4.1).  May be NULL: 0. */
	uint64_t (*local_entry)(const GElf_Sym *sym, const GElf_Ehdr *ehdr);
	/* Where no symbol names the trampolines: has the code c shows a
	 * trampoline's own shape?  The name of that shape, or NULL; *key is
	 * the address of the key the trampoline reads, when its code names
	 * one, else 0.  May be NULL. */
	const char *(*trampoline_code)(const struct sc_code_view *c,
				       uint64_t *key);
};

/* The shapes trampoline_code returns: verify tells libscs's trampolines
 * from the kernel's by these pointers, never by their text. */
extern const char sc_shape_kernel[];	/* "the kernel's trampoline" */
extern const char sc_shape_libscs[];	/* "libscs's trampoline" */

/* The backend for this ELF header, or NULL. */
const struct sc_arch *sc_arch_for(const GElf_Ehdr *ehdr);

/* Capstone mode for the file's byte order. */
cs_mode sc_arch_cs_mode(const struct sc_arch *arch, const GElf_Ehdr *ehdr);

/* Decodes the 4-byte instruction at off (for fixed-width backends), or
 * NULL; insn must come from cs_malloc(h). */
const cs_insn *sc_arch_decode_at(csh h, cs_insn *insn, const uint8_t *bytes,
				 size_t size, uint64_t off);

/* Decodes the 4-byte instruction at off as if at address addr (branch
 * targets and addresses are then absolute), or NULL. */
const cs_insn *sc_arch_decode_addr(csh h, cs_insn *insn, const uint8_t *bytes,
				   size_t size, uint64_t off, uint64_t addr);

const char *sc_kind_name(enum sc_kind kind);

/* The backend's entry for a relocation type, or NULL when it is unknown. */
const struct sc_reloc_info *sc_arch_reloc(const struct sc_arch *arch,
					  uint32_t type);

/* "R_X86_64_PC8", or "relocation type 250" when the type is unknown. */
const char *sc_arch_reloc_name(const struct sc_arch *arch, uint32_t type,
			       char *buf, size_t len);

#endif
