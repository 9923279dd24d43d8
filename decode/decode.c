#include "decode.h"

#include <stdio.h>
#include <string.h>

static int open_handle(csh *h, cs_insn **insn, cs_arch arch, cs_mode mode,
		       bool detail, struct sc_err *err)
{
	cs_err e = cs_open(arch, mode, h);

	if (e != CS_ERR_OK)
		return sc_errf(err, "capstone: %s", cs_strerror(e));
	if (detail && cs_option(*h, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK)
		return sc_errf(err, "capstone: cannot enable detail");
	*insn = cs_malloc(*h);
	if (!*insn)
		return sc_errf(err, "capstone: out of memory");
	return 0;
}

static size_t skip_gap(const uint8_t *code, size_t size, size_t off,
		       void *user)
{
	const struct sc_decoder *d = user;

	return d->gap(code + off, size - off);
}

static int enable_gaps(struct sc_decoder *d, struct sc_err *err)
{
	d->skip = (cs_opt_skipdata){ .mnemonic = "(gap)",
				     .callback = skip_gap, .user_data = d };
	if (cs_option(d->fast, CS_OPT_SKIPDATA_SETUP, (size_t)&d->skip) ||
	    cs_option(d->fast, CS_OPT_SKIPDATA, CS_OPT_ON))
		return sc_errf(err, "capstone: cannot set up SKIPDATA");
	return 0;
}

int sc_decoder_open(struct sc_decoder *d, cs_arch arch, cs_mode mode,
		    sc_gap_fn gap, sc_fix_fn fix, struct sc_err *err)
{
	memset(d, 0, sizeof(*d));
	d->gap = gap;
	d->fix = fix;
	if (open_handle(&d->fast, &d->fast_insn, arch, mode, false, err) ||
	    open_handle(&d->detail, &d->detail_insn, arch, mode, true, err) ||
	    (gap && enable_gaps(d, err))) {
		sc_decoder_close(d);
		return -1;
	}
	return 0;
}

void sc_decoder_close(struct sc_decoder *d)
{
	if (d->fast_insn)
		cs_free(d->fast_insn, 1);
	if (d->detail_insn)
		cs_free(d->detail_insn, 1);
	if (d->fast)
		cs_close(&d->fast);
	if (d->detail)
		cs_close(&d->detail);
	memset(d, 0, sizeof(*d));
}

void sc_cursor_start(struct sc_cursor *c, const uint8_t *bytes, size_t size,
		     uint64_t from)
{
	c->bytes = bytes;
	c->size = size;
	c->from = from;
	c->pos = from;
	c->len = 0;
}

int sc_cursor_seek(struct sc_decoder *d, struct sc_cursor *c, uint64_t target)
{
	while (c->len == 0 || c->pos + c->len <= target) {
		uint64_t next = c->pos + c->len;
		const uint8_t *code = c->bytes + next;
		size_t left = c->size - next;
		uint64_t addr = next;

		if (next >= c->size)
			return -1;
		c->pos = next;
		c->len = 0;
		if (!cs_disasm_iter(d->fast, &code, &left, &addr, d->fast_insn))
			return -1;
		c->len = d->fast_insn->size;
		if (d->fix) {
			size_t fixed = d->fix(d->fast, d->fast_insn,
					      c->bytes + next, c->size - next);

			if (fixed)
				c->len = fixed;
		}
	}
	return 0;
}

const cs_insn *sc_decode_detail(struct sc_decoder *d, const uint8_t *bytes,
				size_t size, uint64_t off)
{
	const uint8_t *code;
	size_t left;
	uint64_t addr = off;

	if (off >= size)
		return NULL;
	code = bytes + off;
	left = size - off;
	if (!cs_disasm_iter(d->detail, &code, &left, &addr, d->detail_insn))
		return NULL;
	return d->detail_insn;
}

void sc_insn_text(const cs_insn *insn, char *buf, size_t len)
{
	if (insn->op_str[0])
		snprintf(buf, len, "%s %s", insn->mnemonic, insn->op_str);
	else
		snprintf(buf, len, "%s", insn->mnemonic);
}
