/* The sweep's fallback for x86 instructions that Zydis 4.0 (Debian 12's
 * libzydis 4.0.0) does not know.
 *
 * How it was measured: every instruction of tests/fixtures/lengths-64.S and
 * lengths-32.S (one or more of each ISA extension binutils 2.40's gas
 * assembles) was assembled, and Zydis' length (minimal mode, AMD branches)
 * compared with `objdump -d`'s.  Zydis fails to decode exactly these, and
 * gets no length wrong:
 *   AMX-FP16 (tdpfp16ps), AVX-IFMA (VEX vpmadd52luq), AVX-VNNI-INT8
 *   (vpdpbssd, ...), AVX-NE-CONVERT (vbcstnebf162ps, ...), CMPccXADD
 *   (VEX map 0F38),
 *   RAO-INT (aadd, aand, aor, axor: legacy map 0F38),
 *   WRMSRNS, MSRLIST (rdmsrlist, wrmsrlist: 0F 01 with a register ModRM).
 *
 * The rule is keyed on the encoding, not on a list of opcodes: in these
 * two places the ISA fixes the layout for every opcode (Intel SDM vol. 2,
 * appendix A, opcode maps), so new instructions there need no update:
 *   - map 0F38 (legacy 0F 38 op, or VEX c4 with map 2): ModRM, then its
 *     SIB and displacement, and no immediate;
 *   - group 7 (0F 01) with ModRM.mod == 3: the ModRM byte ends the
 *     instruction.
 * It covers only what was measured (map 0F3A, whose instructions all take
 * an 8-bit immediate, had no instruction Zydis lacked, so it is left out
 * untested).  Anything else Zydis rejects stays undecodable: the sweep
 * stops there and the site after it is reported, never guessed. */
#include "x86_len.h"

static bool legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

/* Bytes of ModRM, SIB and displacement from m[0], the ModRM byte; 0 when
 * they do not fit in size.  addr16: 16-bit addressing (32-bit mode with an
 * address-size prefix), which has no SIB. */
static size_t modrm_len(const uint8_t *m, size_t size, bool addr16)
{
	unsigned mod, rm;
	size_t n = 1;

	if (size < 1)
		return 0;
	mod = m[0] >> 6;
	rm = m[0] & 7;
	if (mod == 3)
		return 1;
	if (addr16) {
		n += mod == 1 ? 1 : (mod == 2 || rm == 6) ? 2 : 0;
		return n <= size ? n : 0;
	}
	if (rm == 4) {
		if (size < 2)
			return 0;
		n++;
		if (mod == 0 && (m[1] & 7) == 5)
			n += 4;
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		n += 4;
	return n <= size ? n : 0;
}

/* Where the ModRM byte sits, for the escapes and the VEX map the rule
 * covers; false for anything else.  None of them has an immediate. */
static bool map_layout(const uint8_t *code, size_t size, size_t p,
		       bool long_mode, struct sc_x86_layout *out,
		       size_t *modrm)
{
	if (code[p] == 0x0f) {
		out->opcode_at = (unsigned)p;
		*modrm = p + 3;
		if (code[p + 1] == 0x38)
			return true;
		if (code[p + 1] == 0x01 && p + 2 < size && code[p + 2] >= 0xc0) {
			*modrm = p + 2;	/* it ends the instruction */
			return true;
		}
		return false;
	}
	/* Three-byte VEX.  In 32-bit mode c4 is les unless the next byte has
	 * both top bits set.  A 66, F2, F3, lock or REX prefix before VEX is
	 * #UD, so such bytes are not this instruction. */
	if (code[p] != 0xc4 || p + 4 >= size ||
	    (!long_mode && code[p + 1] < 0xc0))
		return false;
	for (size_t i = 0; i < p; i++)
		if (code[i] == 0x66 || code[i] == 0xf2 || code[i] == 0xf3 ||
		    code[i] == 0xf0 || (code[i] & 0xf0) == 0x40)
			return false;
	if ((code[p + 1] & 0x1f) != 2)		/* VEX.mmmmm: map 0F38 */
		return false;
	out->opcode_at = (unsigned)p + 3;
	*modrm = p + 4;
	return true;
}

bool sc_x86_fallback_len(const uint8_t *code, size_t size, bool long_mode,
			 struct sc_x86_layout *out)
{
	size_t p = 0, modrm, n;
	bool addr16 = false;

	while (p < size && p < 14 &&
	       (legacy_prefix(code[p]) ||
		(long_mode && (code[p] & 0xf0) == 0x40))) {
		if (code[p] == 0x67 && !long_mode)
			addr16 = true;
		p++;
	}
	out->prefixes = (unsigned)p;
	if (p + 2 >= size ||
	    !map_layout(code, size, p, long_mode, out, &modrm) ||
	    modrm >= size)
		return false;
	n = modrm_len(code + modrm, size - modrm, addr16);
	if (!n || modrm + n > size || modrm + n > 15)
		return false;
	out->length = (unsigned)(modrm + n);
	return true;
}
