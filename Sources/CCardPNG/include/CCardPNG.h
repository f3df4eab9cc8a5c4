#ifndef CCARDPNG_H
#define CCARDPNG_H
/*
 * The libpng/zlib shim used by CardPNG (CRC-32 lives in CCRC32).
 *
 * Every libpng call runs in shim.c inside a function that owns its own setjmp; no longjmp ever crosses into
 * Swift. Functions return a ccard_png_status and write a NUL-terminated message into a caller-provided buffer.
 * Everything allocated by a function is freed before it returns, on every path, except the output buffer of
 * ccard_png_encode_rgba, which the caller releases with ccard_png_free.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes returned by every fallible shim function. */
typedef enum ccard_png_status {
    CCARD_PNG_OK = 0,
    CCARD_PNG_ERR_NOT_PNG = 1,       /* the signature is not a PNG signature */
    CCARD_PNG_ERR_LIBPNG = 2,        /* libpng reported an error; see the message */
    CCARD_PNG_ERR_TOO_LARGE = 3,     /* a configured limit was exceeded (pixels, inflated bytes) */
    CCARD_PNG_ERR_ZLIB = 4,          /* zlib reported corrupt or truncated data */
    CCARD_PNG_ERR_NO_MEMORY = 5,     /* an allocation failed */
    CCARD_PNG_ERR_ARGUMENT = 6       /* an argument was out of range */
} ccard_png_status;

/* How a text chunk was stored. */
typedef enum ccard_png_text_kind {
    CCARD_PNG_TEXT_TEXT = 0, /* tEXt */
    CCARD_PNG_TEXT_ZTXT = 1, /* zTXt */
    CCARD_PNG_TEXT_ITXT = 2  /* iTXt, compressed or not */
} ccard_png_text_kind;

/* Called once per text chunk libpng kept, after libpng has finished reading (never inside a libpng callback). */
typedef void (*ccard_png_text_visitor)(void *_Nullable context, const char *_Nonnull keyword, int kind,
                                       int after_image_data, const void *_Nonnull text, size_t text_length);

/* Options of a libpng metadata read. */
typedef struct ccard_png_read_options {
    /* png_set_chunk_malloc_max: the largest chunk (and inflated text) libpng may allocate. Must be > 0. */
    size_t chunk_malloc_max;
    /* png_set_chunk_cache_max: how many text/unknown chunks libpng keeps (0 = no limit; libpng's default of about
     * 1000 silently drops the rest). */
    uint32_t chunk_cache_max;
    /* 1: a bad CRC on an ancillary chunk is an error; 0: libpng warns and discards the chunk. */
    int strict_ancillary_crc;
    /* 1: inflate the image (png_read_row) instead of skipping IDAT through the user chunk callback. */
    int decode_image;
    /* With decode_image: the largest width * height accepted. */
    uint64_t max_pixels;
} ccard_png_read_options;

/* What a libpng read learned besides the text chunks. */
typedef struct ccard_png_read_report {
    uint32_t width;
    uint32_t height;
    int bit_depth;
    int color_type;
    int interlace;
    size_t text_chunk_count;
    size_t warning_count;
} ccard_png_read_report;

/* The libpng version linked, as PNG_LIBPNG_VER (for example 10639). */
int ccard_png_version_number(void);

/*
 * Inflates a zlib stream (zTXt / compressed iTXt) into out, which holds out_capacity bytes.
 * Returns CCARD_PNG_OK with *out_length set; CCARD_PNG_ERR_TOO_LARGE when the inflated data would exceed
 * out_capacity (nothing past out_capacity is written); CCARD_PNG_ERR_ZLIB on corrupt or truncated input.
 */
ccard_png_status ccard_png_inflate(const void *_Nonnull input, size_t input_length, void *_Nonnull out,
                                   size_t out_capacity, size_t *_Nonnull out_length, char *_Nonnull message,
                                   size_t message_capacity);

/*
 * Reads a PNG from memory with libpng: IHDR, every text chunk before and after the image data (png_read_end with
 * an end_info), and either skips IDAT through the user chunk callback (decode_image = 0) or inflates every row.
 * Benign errors become warnings, written one per line into warnings (truncated to warnings_capacity).
 * The chunk cache limit comes from the options (0 = unlimited).
 */
ccard_png_status ccard_png_read(const void *_Nonnull data, size_t length,
                                const ccard_png_read_options *_Nonnull options,
                                ccard_png_text_visitor _Nullable visitor, void *_Nullable context,
                                ccard_png_read_report *_Nonnull report, char *_Nonnull warnings,
                                size_t warnings_capacity, char *_Nonnull message, size_t message_capacity);

/*
 * Encodes 8-bit RGBA pixels (width * height * 4 bytes, rows top to bottom) as a non-interlaced PNG with the given
 * zlib compression level (0-9).
 * On success *out_png points to a buffer of *out_length bytes that the caller frees with ccard_png_free.
 */
ccard_png_status ccard_png_encode_rgba(const void *_Nonnull rgba, uint32_t width, uint32_t height, int compression_level,
                                       void *_Nullable *_Nonnull out_png, size_t *_Nonnull out_length,
                                       char *_Nonnull message, size_t message_capacity);

/* Frees a buffer returned by this shim. */
void ccard_png_free(void *_Nullable buffer);

/*
 * Decodes whole 32-character blocks of standard-alphabet base64 (A-Z a-z 0-9 + /) from the start of `text`, with
 * AVX2, stopping before the first block that holds any other byte; returns how many characters it decoded (a
 * multiple of 32; 0 without AVX2). Their bytes (3 per 4 characters) go to `output`, which must have room for
 * length / 4 * 3 + 8 bytes: each step stores 32 bytes, of which 24 are output.
 */
size_t ccard_base64_decode_blocks(const void *_Nonnull text, size_t length, void *_Nonnull output);

/*
 * Encodes whole 24-byte blocks of `bytes` into standard-alphabet base64 with AVX2 while at least 28 bytes remain
 * (each step reads 28); returns how many bytes it encoded (a multiple of 24; 0 without AVX2). Their characters
 * (4 per 3 bytes) go to `output`, which must have room for them.
 */
size_t ccard_base64_encode_blocks(const void *_Nonnull bytes, size_t length, void *_Nonnull output);

#ifdef __cplusplus
}
#endif
#endif
