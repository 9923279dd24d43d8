#include "decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sc_decoders_slot {
	struct sc_decoders_slot *next;
	cs_arch arch;
	cs_mode mode;
	struct sc_decoder dec;
};

static int open_handle(csh *h, cs_insn **insn, cs_arch arch, cs_mode mode,
		       struct sc_err *err)
{
	cs_err e = cs_open(arch, mode, h);

	if (e != CS_ERR_OK)
		return sc_errf(err, "capstone: %s", cs_strerror(e));
	if (cs_option(*h, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK)
		return sc_errf(err, "capstone: cannot enable detail");
	*insn = cs_malloc(*h);
	if (!*insn)
		return sc_errf(err, "capstone: out of memory");
	return 0;
}

int sc_decoder_open(struct sc_decoder *d, cs_arch arch, cs_mode mode,
		    struct sc_err *err)
{
	memset(d, 0, sizeof(*d));
	if (open_handle(&d->detail, &d->detail_insn, arch, mode, err)) {
		sc_decoder_close(d);
		return -1;
	}
	return 0;
}

void sc_decoder_close(struct sc_decoder *d)
{
	if (d->detail_insn)
		cs_free(d->detail_insn, 1);
	if (d->detail)
		cs_close(&d->detail);
	memset(d, 0, sizeof(*d));
}

const cs_insn *sc_decode_detail(struct sc_decoder *d, const uint8_t *bytes,
				size_t size, uint64_t off)
{
	return sc_decode_detail_at(d, bytes, size, off, off);
}

const cs_insn *sc_decode_detail_at(struct sc_decoder *d, const uint8_t *bytes,
				   size_t size, uint64_t off, uint64_t addr)
{
	const uint8_t *code;
	size_t left;

	if (off >= size)
		return NULL;
	code = bytes + off;
	left = size - off;
	if (!cs_disasm_iter(d->detail, &code, &left, &addr, d->detail_insn))
		return NULL;
	return d->detail_insn;
}

void sc_decoders_init(struct sc_decoders *set)
{
	set->first = NULL;
}

struct sc_decoder *sc_decoders_get(struct sc_decoders *set, cs_arch arch,
				   cs_mode mode, struct sc_err *err)
{
	struct sc_decoders_slot *s;

	for (s = set->first; s; s = s->next)
		if (s->arch == arch && s->mode == mode)
			return &s->dec;
	s = calloc(1, sizeof(*s));
	if (!s) {
		sc_errf(err, "out of memory");
		return NULL;
	}
	if (sc_decoder_open(&s->dec, arch, mode, err)) {
		free(s);
		return NULL;
	}
	s->arch = arch;
	s->mode = mode;
	s->next = set->first;
	set->first = s;
	return &s->dec;
}

void sc_decoders_close(struct sc_decoders *set)
{
	struct sc_decoders_slot *s, *next;

	for (s = set->first; s; s = next) {
		next = s->next;
		sc_decoder_close(&s->dec);
		free(s);
	}
	set->first = NULL;
}

void sc_insn_text(const cs_insn *insn, char *buf, size_t len)
{
	if (insn->op_str[0])
		snprintf(buf, len, "%s %s", insn->mnemonic, insn->op_str);
	else
		snprintf(buf, len, "%s", insn->mnemonic);
}
