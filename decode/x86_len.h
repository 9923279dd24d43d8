/* Internal to decode/: the sweep's own length rule for x86 encodings that
 * Zydis 4.0 does not know.  See x86_len.c. */
#ifndef SC_DECODE_X86_LEN_H
#define SC_DECODE_X86_LEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sc_x86_layout {
	unsigned length;	/* bytes */
	unsigned opcode_at;	/* bytes before the opcode (escapes count as
				 * opcode) */
	unsigned prefixes;	/* legacy and REX prefix bytes */
};

/* Fills *out and returns true when code[0..size) starts with an encoding
 * whose length the rule fixes; false otherwise (the bytes stay
 * undecodable).  long_mode: 64-bit mode, else 32-bit. */
bool sc_x86_fallback_len(const uint8_t *code, size_t size, bool long_mode,
			 struct sc_x86_layout *out);

#endif
