/* One backend per architecture behind this interface.  check/ asks these
 * questions and never names an architecture itself. */
#ifndef SC_ARCH_H
#define SC_ARCH_H

#include <capstone/capstone.h>
#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sc_kind {
	SC_KIND_NONE,
	SC_KIND_CALL,		/* a call: the loader may turn it into a nop */
	SC_KIND_TAIL,		/* an unconditional jump: a tail call */
	SC_KIND_COND,		/* a conditional jump: a conditional tail
				 * call */
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
	/* Reports a finding of the rule named rule (from the generic rule
	 * table) about this site; returns -1 when memory runs out. */
	int (*report)(void *ctx, const char *rule, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
	void *ctx;
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
	/* Longest instruction, bytes to hand the decoder. */
	unsigned max_insn;
	/* Relocation type that fills the table's two PC-relative fields,
	 * and whether tables carry explicit addends (RELA) or keep them in
	 * the section bytes (REL). */
	uint32_t table_reloc;
	bool rela;

	/* Can a relocation of this type sit in a direct branch? */
	bool (*branch_reloc)(uint32_t type);
	/* Do the bytes around the relocated field look like a direct branch,
	 * whatever the instruction boundaries?  Used to tell a misplaced
	 * branch from an ordinary reference. */
	bool (*looks_like_branch)(const uint8_t *bytes, size_t size,
				  uint64_t field);
	/* Classifies insn (decoded with detail at start) when field, which
	 * a relocation of this type and addend fills, is its branch target;
	 * false when it is not a direct branch. */
	bool (*classify)(const cs_insn *insn, uint32_t type, int64_t addend,
			 uint64_t start, uint64_t field, struct sc_branch *out);
	/* Length of an instruction that Capstone 4 cannot decode but whose
	 * length the ISA fixes, so that a sweep can step over it; 0 when
	 * the bytes are not such a known gap.  May be NULL. */
	size_t (*gap_len)(const uint8_t *code, size_t size);
	/* The true length of insn (decoded by h from code) when Capstone 4
	 * is known to get it wrong, else 0.  May be NULL. */
	size_t (*fix_len)(csh h, const cs_insn *insn, const uint8_t *code,
			  size_t size);
	/* A call or jump through the GOT whose GOT-relative field holds a
	 * relocation of this type: its kind and the instruction's start, or
	 * SC_KIND_NONE.  May be NULL. */
	enum sc_kind (*got_branch)(uint32_t type, const uint8_t *bytes,
				   size_t size, uint64_t field,
				   uint64_t *start);
	/* Does a relocation of this type read the symbol's GOT slot? */
	bool (*got_reloc)(uint32_t type);
	/* What a NULL target turns a site of each kind into. */
	const char *null_form[4];
	/* The kind of the instruction found at a table entry's site. */
	enum sc_kind (*kind_at)(const cs_insn *insn);
	/* The architecture's own checks of a site (may be NULL). */
	int (*site_rules)(const struct sc_site_view *v);
};

/* The backend for this ELF header, or NULL. */
const struct sc_arch *sc_arch_for(const GElf_Ehdr *ehdr);

/* Capstone mode for the file's byte order. */
cs_mode sc_arch_cs_mode(const struct sc_arch *arch, const GElf_Ehdr *ehdr);

/* Decodes the 4-byte instruction at off (for fixed-width backends), or
 * NULL; insn must come from cs_malloc(h). */
const cs_insn *sc_arch_decode_at(csh h, cs_insn *insn, const uint8_t *bytes,
				 size_t size, uint64_t off);

const char *sc_kind_name(enum sc_kind kind);

#endif
