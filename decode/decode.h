/* Capstone, wrapped: detailed decodes of the few instructions that must be
 * classified or shown (sites, GOT branches, a site's neighbours).  Sweeps
 * over instruction boundaries do not use Capstone: see sweep.h. */
#ifndef SC_DECODE_H
#define SC_DECODE_H

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sc_err.h"

struct sc_decoder {
	csh detail;
	cs_insn *detail_insn;
};

int sc_decoder_open(struct sc_decoder *d, cs_arch arch, cs_mode mode,
		    struct sc_err *err);
void sc_decoder_close(struct sc_decoder *d);

/* Decodes the one instruction at off with full detail, or NULL.  The result
 * belongs to d and lives until the next call. */
const cs_insn *sc_decode_detail(struct sc_decoder *d, const uint8_t *bytes,
				size_t size, uint64_t off);

/* The same, as if the bytes at off were at address addr: branch targets
 * and the disassembly are then addresses (a linked file's). */
const cs_insn *sc_decode_detail_at(struct sc_decoder *d, const uint8_t *bytes,
				   size_t size, uint64_t off, uint64_t addr);

/* Decoders kept from file to file, one per (architecture, mode), each
 * opened on first use.  Opening a handle is cheap, but its first decode
 * builds Capstone's instruction-id cache (about 90,000 instructions on
 * x86), more than the sites of a small module cost: a run over many files
 * pays it once per mode.  A set belongs to one thread (Capstone handles
 * are not shared); its decoders live until sc_decoders_close. */
struct sc_decoders {
	struct sc_decoders_slot *first;	/* a list: a decoder never moves */
};

/* An empty set: nothing opened yet. */
void sc_decoders_init(struct sc_decoders *set);

/* The set's decoder for arch and mode, opened now if it is the first
 * request for them; NULL when it cannot be opened (err says why). */
struct sc_decoder *sc_decoders_get(struct sc_decoders *set, cs_arch arch,
				   cs_mode mode, struct sc_err *err);

/* Closes every decoder of the set; it is then empty. */
void sc_decoders_close(struct sc_decoders *set);

/* "mnemonic operands" of insn into buf. */
void sc_insn_text(const cs_insn *insn, char *buf, size_t len);

#endif
