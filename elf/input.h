/* What an input file holds, told by its first bytes, and the compressed
 * ones unpacked in memory.  Kernel modules ship compressed (Debian
 * installs .ko.xz; .ko.zst and .ko.gz are the kernel's other choices,
 * CONFIG_MODULE_COMPRESS_*), and a library of objects is an ar archive.
 * The magic numbers are the formats' own: the xz file format 1.1.0
 * (section 2.1.1.1), RFC 8878 (zstd, section 3.1.1), RFC 1952 (gzip,
 * section 2.3.1), and ar(5) for archives.  Decompression is liblzma's,
 * libzstd's and zlib's: nothing here decodes a format by hand. */
#ifndef SC_ELF_INPUT_H
#define SC_ELF_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "object.h"
#include "sc_err.h"

enum sc_input_kind {
	SC_INPUT_OTHER,		/* none of these: the ELF model says why */
	SC_INPUT_ELF,
	SC_INPUT_AR,		/* "!<arch>\n": members inside */
	SC_INPUT_THIN_AR,	/* "!<thin>\n": members are other files */
	SC_INPUT_XZ,
	SC_INPUT_ZSTD,
	SC_INPUT_GZIP,
};

/* The kind of the size bytes at data, by magic number alone. */
enum sc_input_kind sc_input_sniff(const void *data, size_t size);

bool sc_input_compressed(enum sc_input_kind kind);

/* "xz", "zstd", "gzip", "ar archive", ... for messages. */
const char *sc_input_kind_name(enum sc_input_kind kind);

/* One line (no file name) on why a file of this kind is not an ELF
 * object that can be opened as it is, or NULL for SC_INPUT_ELF and
 * SC_INPUT_OTHER. */
const char *sc_input_refusal(enum sc_input_kind kind);

/* The most bytes one compressed input may unpack to: 1 GiB.  The largest
 * Debian kernel module (amdgpu.ko, 6.12) is 29 MB and a vmlinux with its
 * full debug information about 350 MB, while a few kilobytes of xz can
 * claim many gigabytes (a decompression bomb). */
#define SC_DECOMPRESS_MAX ((size_t)1 << 30)

/* Decompresses the size bytes at in (of a compressed kind) into *out
 * (malloc'd, owned by the caller, *out_size bytes).  Concatenated
 * streams, as xz, zstd and gzip write and read them, unpack one after
 * another.  Refused, with err saying why: data that unpacks to more than
 * max bytes (decoding stops there), corrupt or truncated data, trailing
 * bytes that are no stream, and a stream whose decoder would need more
 * memory than the limit (xz: 256 MiB, above every xz preset; zstd: its
 * default 128 MiB window). */
int sc_decompress(enum sc_input_kind kind, const void *in, size_t size,
		  size_t max, char **out, size_t *out_size, struct sc_err *err);

/* The first bytes of the same: at most len of them into head, *got
 * filled.  Truncated input gives what came before it.  For telling what
 * a compressed file holds without unpacking it all. */
int sc_decompress_head(enum sc_input_kind kind, const void *in, size_t size,
		       void *head, size_t len, size_t *got,
		       struct sc_err *err);

/* How sc_input_open treats a file. */
enum {
	SC_OPEN_REL = 1,	/* relocatable objects only (need_rel) */
	SC_OPEN_DECOMPRESS = 2,	/* read a compressed object unpacked */
};

/* Reads the file at path whole (elf/file.h's sc_file_read: a regular
 * file, not changing while read) and opens it with sc_object_open_memory
 * (SC_OPEN_REL: need_rel).  Nothing maps the file, so a change to it later
 * cannot reach the tool.  It also opens a compressed object unpacked when
 * flags have SC_OPEN_DECOMPRESS (up to SC_DECOMPRESS_MAX bytes).  obj
 * then owns the unpacked bytes; its st is the compressed file's.  A
 * compressed file without that flag, an archive, or a compressed file
 * that holds no ELF object is refused with a line that says so. */
int sc_input_open(struct sc_object *obj, const char *path, unsigned flags,
		  struct sc_err *err);

/* The same for the size bytes at image (an archive member, say), which
 * the caller keeps unchanged until sc_object_close; name stands for the
 * path in messages.  obj owns only what it unpacked. */
int sc_input_open_image(struct sc_object *obj, const char *name,
			const char *image, size_t size, unsigned flags,
			struct sc_err *err);

#endif
