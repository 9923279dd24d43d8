#include "input.h"

#include <ar.h>
#include <limits.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "file.h"

/* The xz decoder's memory (mostly the dictionary, which the stream's
 * header sets): far above what the preset -9 needs (65 MiB) or the
 * kernel's modules use (a 1 MiB dictionary), far below what a hostile
 * header may claim (up to 4 GiB). */
#define XZ_MEMLIMIT ((uint64_t)256 << 20)
/* zstd's default for streaming (ZSTD_WINDOWLOG_LIMIT_DEFAULT): 128 MiB. */
#define ZSTD_WINDOWLOG 27

static const struct {
	enum sc_input_kind kind;
	const char *magic;
	size_t len;
} magics[] = {
	{ SC_INPUT_ELF, "\177ELF", 4 },
	{ SC_INPUT_AR, ARMAG, SARMAG },
	{ SC_INPUT_THIN_AR, "!<thin>\n", 8 },
	{ SC_INPUT_XZ, "\3757zXZ\0", 6 },
	{ SC_INPUT_ZSTD, "\050\265\057\375", 4 },
	{ SC_INPUT_GZIP, "\037\213", 2 },
};

enum sc_input_kind sc_input_sniff(const void *data, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (size >= magics[i].len &&
		    !memcmp(data, magics[i].magic, magics[i].len))
			return magics[i].kind;
	return SC_INPUT_OTHER;
}

bool sc_input_compressed(enum sc_input_kind kind)
{
	return kind == SC_INPUT_XZ || kind == SC_INPUT_ZSTD ||
	       kind == SC_INPUT_GZIP;
}

const char *sc_input_kind_name(enum sc_input_kind kind)
{
	switch (kind) {
	case SC_INPUT_ELF: return "ELF";
	case SC_INPUT_AR: return "ar archive";
	case SC_INPUT_THIN_AR: return "thin ar archive";
	case SC_INPUT_XZ: return "xz";
	case SC_INPUT_ZSTD: return "zstd";
	case SC_INPUT_GZIP: return "gzip";
	case SC_INPUT_OTHER: break;
	}
	return "unknown";
}

const char *sc_input_refusal(enum sc_input_kind kind)
{
	switch (kind) {
	case SC_INPUT_AR:
		return "an ar archive, not an object: lint and dump read "
		       "its members; check writes into each object, so run "
		       "it before ar";
	case SC_INPUT_THIN_AR:
		return "a thin ar archive: its members are separate files "
		       "(ar t lists them); name those instead";
	case SC_INPUT_XZ:
		return "xz-compressed: lint, dump and verify read it as "
		       "it is, but check writes the table into the object, so "
		       "it must run before compression";
	case SC_INPUT_ZSTD:
		return "zstd-compressed: lint, dump and verify read it as "
		       "it is, but check writes the table into the object, "
		       "so it must run before compression";
	case SC_INPUT_GZIP:
		return "gzip-compressed: lint, dump and verify read it as "
		       "it is, but check writes the table into the object, "
		       "so it must run before compression";
	case SC_INPUT_ELF:
	case SC_INPUT_OTHER:
		break;
	}
	return NULL;
}

/* Where unpacked bytes go.  limit is the most the buffer may hold: a
 * decoder that fills it has either given all the head that was asked
 * for, or (limit = max + 1) unpacked more than max. */
struct outbuf {
	char *buf;
	size_t len, cap, limit;
	bool head;		/* a fixed buffer: stop when it is full */
};

/* Makes room for more output; 1 when the buffer is full (done for a
 * head, too much otherwise). */
static int outbuf_room(struct outbuf *o, struct sc_err *err)
{
	size_t cap;
	char *p;

	if (o->len < o->cap)
		return 0;
	if (o->cap >= o->limit)
		return 1;
	cap = o->cap > o->limit / 2 ? o->limit : o->cap * 2;
	p = realloc(o->buf, cap);
	if (!p)
		return sc_errf(err, "out of memory (unpacking %zu bytes)",
			       cap);
	o->buf = p;
	o->cap = cap;
	return 0;
}

static const char *xz_message(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR: return "out of memory";
	case LZMA_FORMAT_ERROR: return "not xz data";
	case LZMA_OPTIONS_ERROR: return "xz options this liblzma cannot "
					"read";
	case LZMA_DATA_ERROR: return "corrupt xz data";
	case LZMA_BUF_ERROR: return "truncated xz data";
	default: return "xz decoder failure";
	}
}

static int xz_failure(lzma_stream *s, lzma_ret r, struct sc_err *err)
{
	if (r == LZMA_MEMLIMIT_ERROR)
		return sc_errf(err, "xz data whose decoder needs %llu MiB, "
			       "more than the limit of %llu MiB",
			       (unsigned long long)(lzma_memusage(s) >> 20),
			       (unsigned long long)(XZ_MEMLIMIT >> 20));
	return sc_errf(err, "%s", xz_message(r));
}

/* All input is given at once (LZMA_FINISH): the decoder then tells a
 * truncated stream (LZMA_BUF_ERROR) from one that needs more room. */
static int unxz(const void *in, size_t size, struct outbuf *o,
		struct sc_err *err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r = lzma_stream_decoder(&s, XZ_MEMLIMIT, LZMA_CONCATENATED);
	int room, ret = -1;

	if (r != LZMA_OK)
		return sc_errf(err, "cannot start the xz decoder: %s",
			       xz_message(r));
	s.next_in = in;
	s.avail_in = size;
	for (;;) {
		if ((room = outbuf_room(o, err)) != 0) {
			ret = room < 0 ? -1 : 1;
			break;
		}
		s.next_out = (uint8_t *)o->buf + o->len;
		s.avail_out = o->cap - o->len;
		r = lzma_code(&s, LZMA_FINISH);
		o->len = o->cap - s.avail_out;
		if (r == LZMA_STREAM_END) {
			ret = 0;
			break;
		}
		if (r != LZMA_OK) {
			ret = o->head && r == LZMA_BUF_ERROR ? 0 :
			      xz_failure(&s, r, err);
			break;
		}
	}
	lzma_end(&s);
	return ret;
}

static int zstd_loop(ZSTD_DCtx *dc, const void *in, size_t size,
		     struct outbuf *o, struct sc_err *err)
{
	ZSTD_inBuffer ib = { in, size, 0 };
	ZSTD_outBuffer ob;
	size_t r;
	int room;

	for (;;) {
		if ((room = outbuf_room(o, err)) != 0)
			return room;
		ob.dst = o->buf;
		ob.size = o->cap;
		ob.pos = o->len;
		r = ZSTD_decompressStream(dc, &ob, &ib);
		o->len = ob.pos;
		if (ZSTD_isError(r))
			return sc_errf(err, "zstd data: %s",
				       ZSTD_getErrorName(r));
		/* r == 0: a frame ends here; another may follow. */
		if (r == 0 && ib.pos == ib.size)
			return 0;
		if (ib.pos == ib.size && ob.pos < ob.size)
			return o->head ? 0 : sc_errf(err, "truncated zstd "
						     "data");
	}
}

static int unzstd(const void *in, size_t size, struct outbuf *o,
		  struct sc_err *err)
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	int ret;

	if (!dc)
		return sc_errf(err, "out of memory");
	if (ZSTD_isError(ZSTD_DCtx_setParameter(dc, ZSTD_d_windowLogMax,
						ZSTD_WINDOWLOG))) {
		ZSTD_freeDCtx(dc);
		return sc_errf(err, "cannot set up the zstd decoder");
	}
	ret = zstd_loop(dc, in, size, o, err);
	ZSTD_freeDCtx(dc);
	return ret;
}

/* zlib counts in uInt: input and output go through in pieces. */
static void gz_feed(z_stream *z, const uint8_t *end)
{
	size_t left = (size_t)(end - z->next_in);

	if (z->avail_in == 0)
		z->avail_in = left > UINT_MAX ? UINT_MAX : (uInt)left;
}

/* After one gzip member: done at the end of the input, on to the next
 * member (gzip -d reads concatenated members), or refused. */
static int gz_member_end(z_stream *z, const uint8_t *end,
			 struct sc_err *err)
{
	size_t left = (size_t)(end - z->next_in);

	if (left == 0)
		return 1;
	if (left < 2 || z->next_in[0] != 0x1f || z->next_in[1] != 0x8b)
		return sc_errf(err, "%zu bytes of trailing data after the "
			       "gzip data", left);
	return inflateReset(z) == Z_OK ? 0 :
	       sc_errf(err, "gzip decoder failure");
}

static int gz_loop(z_stream *z, const uint8_t *end, struct outbuf *o,
		   struct sc_err *err)
{
	int r, room;

	for (;;) {
		size_t avail;

		if ((room = outbuf_room(o, err)) != 0)
			return room;
		gz_feed(z, end);
		avail = o->cap - o->len;
		z->next_out = (Bytef *)o->buf + o->len;
		z->avail_out = avail > UINT_MAX ? UINT_MAX : (uInt)avail;
		avail = z->avail_out;
		r = inflate(z, Z_NO_FLUSH);
		o->len += avail - z->avail_out;
		if (r == Z_STREAM_END) {
			if ((r = gz_member_end(z, end, err)) != 0)
				return r < 0 ? -1 : 0;
		} else if (r == Z_BUF_ERROR && z->avail_out) {
			return o->head ? 0 : sc_errf(err, "truncated gzip "
						     "data");
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			return sc_errf(err, "gzip data: %s", r == Z_MEM_ERROR ?
				       "out of memory" : z->msg ? z->msg :
				       "corrupt");
		}
	}
}

static int ungzip(const void *in, size_t size, struct outbuf *o,
		  struct sc_err *err)
{
	z_stream z;
	int ret;

	memset(&z, 0, sizeof(z));
	/* 16 + MAX_WBITS: the gzip wrapper (RFC 1952), not zlib's. */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return sc_errf(err, "cannot start the gzip decoder");
	z.next_in = (Bytef *)in;
	ret = gz_loop(&z, (const uint8_t *)in + size, o, err);
	inflateEnd(&z);
	return ret;
}

/* 0 when all was unpacked, 1 when the buffer filled first, -1 on error. */
static int unpack(enum sc_input_kind kind, const void *in, size_t size,
		  struct outbuf *o, struct sc_err *err)
{
	switch (kind) {
	case SC_INPUT_XZ: return unxz(in, size, o, err);
	case SC_INPUT_ZSTD: return unzstd(in, size, o, err);
	case SC_INPUT_GZIP: return ungzip(in, size, o, err);
	default: return sc_errf(err, "not compressed data");
	}
}

int sc_decompress(enum sc_input_kind kind, const void *in, size_t size,
		  size_t max, char **out, size_t *out_size, struct sc_err *err)
{
	struct outbuf o = { .limit = max < SIZE_MAX ? max + 1 : max };
	int r;

	/* A start from the input's size: real objects unpack to a few
	 * times what they take compressed. */
	o.cap = size < SIZE_MAX / 4 ? size * 4 : SIZE_MAX;
	if (o.cap < 65536)
		o.cap = 65536;
	if (o.cap > o.limit)
		o.cap = o.limit;
	o.buf = malloc(o.cap ? o.cap : 1);
	if (!o.buf)
		return sc_errf(err, "out of memory");
	r = unpack(kind, in, size, &o, err);
	if (r > 0)
		sc_errf(err, "%s data that unpacks to more than %zu bytes "
			"(the limit): a decompression bomb?",
			sc_input_kind_name(kind), max);
	if (r) {
		free(o.buf);
		return -1;
	}
	*out = o.buf;
	*out_size = o.len;
	return 0;
}

int sc_decompress_head(enum sc_input_kind kind, const void *in, size_t size,
		       void *head, size_t len, size_t *got,
		       struct sc_err *err)
{
	struct outbuf o = { .buf = head, .cap = len, .limit = len,
			    .head = true };

	*got = 0;
	if (unpack(kind, in, size, &o, err) < 0)
		return -1;
	*got = o.len;
	return 0;
}

/* The object inside a compressed image. */
static int open_unpacked(struct sc_object *obj, const char *path,
			 enum sc_input_kind kind, const char *image,
			 size_t size, unsigned flags, struct sc_err *err)
{
	struct sc_err why;
	char *raw;
	size_t n;
	enum sc_input_kind inner;

	if (sc_decompress(kind, image, size, SC_DECOMPRESS_MAX, &raw, &n,
			  err))
		return -1;
	inner = sc_input_sniff(raw, n);
	if (inner != SC_INPUT_ELF && inner != SC_INPUT_OTHER) {
		free(raw);
		return sc_errf(err, "%s-compressed %s: unpack it first",
			       sc_input_kind_name(kind),
			       sc_input_kind_name(inner));
	}
	if (sc_object_open_memory(obj, path, raw, n, flags & SC_OPEN_REL,
				  &why)) {
		free(raw);
		return sc_errf(err, "unpacked from %s: %s",
			       sc_input_kind_name(kind), why.msg);
	}
	obj->owned = raw;
	return 0;
}

int sc_input_open_image(struct sc_object *obj, const char *name,
			const char *image, size_t size, unsigned flags,
			struct sc_err *err)
{
	enum sc_input_kind kind = sc_input_sniff(image, size);

	if (sc_input_compressed(kind) && (flags & SC_OPEN_DECOMPRESS))
		return open_unpacked(obj, name, kind, image, size, flags, err);
	return sc_object_open_memory(obj, name, image, size,
				     flags & SC_OPEN_REL, err);
}

int sc_input_open(struct sc_object *obj, const char *path, unsigned flags,
		  struct sc_err *err)
{
	struct stat st;
	char *image;
	size_t size;

	memset(obj, 0, sizeof(*obj));
	if (sc_file_read(path, 0, &image, &size, &st, err))
		return -1;
	if (sc_input_open_image(obj, path, image, size, flags, err)) {
		free(image);
		return -1;
	}
	/* The object holds the file's bytes, or its own unpacked copy. */
	if (obj->owned)
		free(image);
	else
		obj->owned = image;
	obj->st = st;
	return 0;
}
