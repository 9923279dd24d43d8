/* Capstone, wrapped: one handle without detail for fast sweeps over
 * instruction boundaries, one with detail for the few instructions that
 * must be classified. */
#ifndef SC_DECODE_H
#define SC_DECODE_H

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sc_err.h"

/* Length of bytes the decoder cannot decode but may step over, or 0. */
typedef size_t (*sc_gap_fn)(const uint8_t *code, size_t size);
/* The true length of an instruction Capstone measured wrong, or 0. */
typedef size_t (*sc_fix_fn)(csh h, const cs_insn *insn, const uint8_t *code,
			    size_t size);

struct sc_decoder {
	csh fast, detail;
	cs_insn *fast_insn, *detail_insn;
	sc_gap_fn gap;
	sc_fix_fn fix;
	cs_opt_skipdata skip;
};

/* A linear sweep over one section's bytes from a known boundary. */
struct sc_cursor {
	const uint8_t *bytes;
	size_t size;
	uint64_t from;		/* where the sweep started */
	uint64_t pos;		/* start of the current instruction */
	uint64_t len;		/* its length; 0 before the first decode */
};

/* gap and fix (either may be NULL) let sweeps step over instructions
 * Capstone lacks or measures wrong.  The decoder must not move once open:
 * Capstone keeps a pointer to it. */
int sc_decoder_open(struct sc_decoder *d, cs_arch arch, cs_mode mode,
		    sc_gap_fn gap, sc_fix_fn fix, struct sc_err *err);
void sc_decoder_close(struct sc_decoder *d);

void sc_cursor_start(struct sc_cursor *c, const uint8_t *bytes, size_t size,
		     uint64_t from);

/* Advances c to the instruction that contains byte target (which must not
 * lie before the current instruction).  Returns 0 when found, -1 when the
 * bytes at c->pos cannot be decoded. */
int sc_cursor_seek(struct sc_decoder *d, struct sc_cursor *c, uint64_t target);

/* Decodes the one instruction at off with full detail, or NULL. */
const cs_insn *sc_decode_detail(struct sc_decoder *d, const uint8_t *bytes,
				size_t size, uint64_t off);

/* "mnemonic operands" of insn into buf. */
void sc_insn_text(const cs_insn *insn, char *buf, size_t len);

#endif
