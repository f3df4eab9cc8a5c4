#include "CCardPNG.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* MARK: - Helpers */

static void ccard_copy_message(char *message, size_t capacity, const char *text) {
    if (capacity == 0) return;
    if (text == NULL) text = "(no message)";
    size_t n = strlen(text);
    if (n >= capacity) n = capacity - 1;
    memcpy(message, text, n);
    message[n] = '\0';
}

int ccard_png_version_number(void) { return (int)png_access_version_number(); }

void ccard_png_free(void *buffer) { free(buffer); }

/* MARK: - Inflate */

ccard_png_status ccard_png_inflate(const void *input, size_t input_length, void *out, size_t out_capacity,
                                   size_t *out_length, char *message, size_t message_capacity) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    *out_length = 0;
    if (input_length > 0xFFFFFFFFu || out_capacity > 0xFFFFFFFFu) {
        ccard_copy_message(message, message_capacity, "input or output larger than 4 GiB");
        return CCARD_PNG_ERR_ARGUMENT;
    }
    if (inflateInit(&stream) != Z_OK) {
        ccard_copy_message(message, message_capacity, "inflateInit failed");
        return CCARD_PNG_ERR_NO_MEMORY;
    }
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)input_length;
    stream.next_out = (Bytef *)out;
    stream.avail_out = (uInt)out_capacity;
    ccard_png_status status = CCARD_PNG_OK;
    for (;;) {
        int ret = inflate(&stream, Z_NO_FLUSH);
        if (ret == Z_STREAM_END) break;
        if (ret == Z_OK && stream.avail_out > 0 && stream.avail_in > 0) continue;
        if (ret == Z_OK || ret == Z_BUF_ERROR) {
            if (stream.avail_out == 0) {
                /* The output is full: probe one more byte to tell "exactly full" from "too large". */
                unsigned char probe;
                stream.next_out = &probe;
                stream.avail_out = 1;
                int more = inflate(&stream, Z_NO_FLUSH);
                if (more == Z_STREAM_END && stream.avail_out == 1) break;
                if (stream.avail_out == 0) {
                    ccard_copy_message(message, message_capacity, "inflated data exceeds the limit");
                    status = CCARD_PNG_ERR_TOO_LARGE;
                } else {
                    ccard_copy_message(message, message_capacity,
                                       stream.msg ? stream.msg : "compressed data is truncated");
                    status = CCARD_PNG_ERR_ZLIB;
                }
                break;
            }
            ccard_copy_message(message, message_capacity, "compressed data is truncated");
            status = CCARD_PNG_ERR_ZLIB;
            break;
        }
        ccard_copy_message(message, message_capacity, stream.msg ? stream.msg : "corrupt compressed data");
        status = ret == Z_MEM_ERROR ? CCARD_PNG_ERR_NO_MEMORY : CCARD_PNG_ERR_ZLIB;
        break;
    }
    if (status == CCARD_PNG_OK) *out_length = (size_t)stream.total_out;
    inflateEnd(&stream);
    return status;
}

/* MARK: - Reading */

typedef struct ccard_read_context {
    const unsigned char *data;
    size_t length;
    size_t position;
    char *message;
    size_t message_capacity;
    char *warnings;
    size_t warnings_capacity;
    size_t warnings_used;
    size_t warning_count;
    unsigned char *row; /* the decode row buffer, freed by the outer function */
} ccard_read_context;

static void ccard_error_fn(png_structp png, png_const_charp text) {
    ccard_read_context *ctx = (ccard_read_context *)png_get_error_ptr(png);
    if (ctx != NULL) ccard_copy_message(ctx->message, ctx->message_capacity, text);
    png_longjmp(png, 1);
}

static void ccard_warning_fn(png_structp png, png_const_charp text) {
    ccard_read_context *ctx = (ccard_read_context *)png_get_error_ptr(png);
    if (ctx == NULL || text == NULL) return;
    ctx->warning_count += 1;
    if (ctx->warnings_capacity == 0) return;
    size_t n = strlen(text);
    size_t room = ctx->warnings_capacity - 1 - ctx->warnings_used; /* keep one byte for NUL */
    if (room < 2) return;
    if (n + 1 > room) n = room - 1;
    memcpy(ctx->warnings + ctx->warnings_used, text, n);
    ctx->warnings_used += n;
    ctx->warnings[ctx->warnings_used++] = '\n';
    ctx->warnings[ctx->warnings_used] = '\0';
}

static void ccard_read_fn(png_structp png, png_bytep out, size_t count) {
    ccard_read_context *ctx = (ccard_read_context *)png_get_io_ptr(png);
    if (count > ctx->length - ctx->position) {
        png_error(png, "unexpected end of file");
    }
    memcpy(out, ctx->data + ctx->position, count);
    ctx->position += count;
}

/* IDAT arrives here as an unknown chunk: libpng has read and CRC-checked it; we drop it. */
static int ccard_user_chunk_fn(png_structp png, png_unknown_chunkp chunk) {
    (void)png;
    if (memcmp(chunk->name, "IDAT", 4) == 0) return 1;
    return 0; /* everything else: libpng's default handling */
}

/* All libpng calls of a read; returns 0 on success, 1 after a longjmp (message already set). */
static int ccard_read_inner(png_structp png, png_infop info, png_infop end_info, ccard_read_context *ctx,
                            const ccard_png_read_options *options, ccard_png_read_report *report, int *too_large) {
    if (setjmp(png_jmpbuf(png))) {
        return 1;
    }
    png_set_benign_errors(png, 1);
    png_set_chunk_malloc_max(png, options->chunk_malloc_max);
    png_set_chunk_cache_max(png, options->chunk_cache_max);
    png_set_user_limits(png, 0x7fffffffu, 0x7fffffffu);
    png_set_crc_action(png, PNG_CRC_DEFAULT,
                       options->strict_ancillary_crc ? PNG_CRC_ERROR_QUIT : PNG_CRC_DEFAULT);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_AS_DEFAULT, NULL, 0);
    if (!options->decode_image) {
        static const png_byte idat[5] = {'I', 'D', 'A', 'T', '\0'};
        png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_ALWAYS, idat, 1);
        png_set_read_user_chunk_fn(png, ctx, ccard_user_chunk_fn);
    }
    png_set_read_fn(png, ctx, ccard_read_fn);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    report->width = width;
    report->height = height;
    report->bit_depth = bit_depth;
    report->color_type = color_type;
    report->interlace = interlace;

    if (options->decode_image) {
        if ((uint64_t)width * (uint64_t)height > options->max_pixels) {
            *too_large = 1;
            ccard_copy_message(ctx->message, ctx->message_capacity, "image has more pixels than the limit");
            return 1;
        }
        int passes = png_set_interlace_handling(png);
        png_read_update_info(png, info);
        size_t rowbytes = png_get_rowbytes(png, info);
        ctx->row = (unsigned char *)malloc(rowbytes > 0 ? rowbytes : 1);
        if (ctx->row == NULL) png_error(png, "out of memory for a row");
        for (int pass = 0; pass < passes; pass++) {
            for (png_uint_32 y = 0; y < height; y++) {
                png_read_row(png, ctx->row, NULL);
            }
        }
    }
    png_read_end(png, end_info);
    return 0;
}

static size_t ccard_visit_text(png_structp png, png_infop info, int after, ccard_png_text_visitor visitor,
                               void *context) {
    png_textp text = NULL;
    int count = 0;
    png_get_text(png, info, &text, &count);
    if (text == NULL || count <= 0) return 0;
    for (int i = 0; i < count; i++) {
        int kind;
        size_t length;
        switch (text[i].compression) {
            case PNG_TEXT_COMPRESSION_NONE: kind = CCARD_PNG_TEXT_TEXT; length = text[i].text_length; break;
            case PNG_TEXT_COMPRESSION_zTXt: kind = CCARD_PNG_TEXT_ZTXT; length = text[i].text_length; break;
            default: kind = CCARD_PNG_TEXT_ITXT; length = text[i].itxt_length; break;
        }
        const char *body = text[i].text != NULL ? text[i].text : "";
        if (visitor != NULL) visitor(context, text[i].key != NULL ? text[i].key : "", kind, after, body, length);
    }
    return (size_t)count;
}

ccard_png_status ccard_png_read(const void *data, size_t length, const ccard_png_read_options *options,
                                ccard_png_text_visitor visitor, void *context, ccard_png_read_report *report,
                                char *warnings, size_t warnings_capacity, char *message,
                                size_t message_capacity) {
    memset(report, 0, sizeof *report);
    if (warnings_capacity > 0) warnings[0] = '\0';
    ccard_copy_message(message, message_capacity, "");
    if (length < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        ccard_copy_message(message, message_capacity, "not a PNG signature");
        return CCARD_PNG_ERR_NOT_PNG;
    }
    if (options->chunk_malloc_max == 0) {
        ccard_copy_message(message, message_capacity, "chunk_malloc_max must be positive");
        return CCARD_PNG_ERR_ARGUMENT;
    }
    ccard_read_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.data = (const unsigned char *)data;
    ctx.length = length;
    ctx.message = message;
    ctx.message_capacity = message_capacity;
    ctx.warnings = warnings;
    ctx.warnings_capacity = warnings_capacity;

    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, ccard_error_fn, ccard_warning_fn);
    if (png == NULL) {
        ccard_copy_message(message, message_capacity, "png_create_read_struct failed");
        return CCARD_PNG_ERR_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    png_infop end_info = png_create_info_struct(png);
    if (info == NULL || end_info == NULL) {
        png_destroy_read_struct(&png, info ? &info : NULL, end_info ? &end_info : NULL);
        ccard_copy_message(message, message_capacity, "png_create_info_struct failed");
        return CCARD_PNG_ERR_NO_MEMORY;
    }
    int too_large = 0;
    int failed = ccard_read_inner(png, info, end_info, &ctx, options, report, &too_large);
    ccard_png_status status = CCARD_PNG_OK;
    if (failed) {
        status = too_large ? CCARD_PNG_ERR_TOO_LARGE : CCARD_PNG_ERR_LIBPNG;
    } else {
        report->text_chunk_count = ccard_visit_text(png, info, 0, visitor, context);
        report->text_chunk_count += ccard_visit_text(png, end_info, 1, visitor, context);
    }
    report->warning_count = ctx.warning_count;
    free(ctx.row);
    png_destroy_read_struct(&png, &info, &end_info);
    return status;
}

/* MARK: - Writing */

typedef struct ccard_write_context {
    unsigned char *buffer;
    size_t length;
    size_t capacity;
    char *message;
    size_t message_capacity;
} ccard_write_context;

static void ccard_write_error_fn(png_structp png, png_const_charp text) {
    ccard_write_context *ctx = (ccard_write_context *)png_get_error_ptr(png);
    if (ctx != NULL) ccard_copy_message(ctx->message, ctx->message_capacity, text);
    png_longjmp(png, 1);
}

static void ccard_write_warning_fn(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void ccard_write_fn(png_structp png, png_bytep bytes, size_t count) {
    ccard_write_context *ctx = (ccard_write_context *)png_get_io_ptr(png);
    if (count > ctx->capacity - ctx->length) {
        size_t wanted = ctx->capacity ? ctx->capacity : 4096;
        while (wanted - ctx->length < count) {
            if (wanted > ((size_t)1 << 40)) png_error(png, "output too large");
            wanted *= 2;
        }
        unsigned char *grown = (unsigned char *)realloc(ctx->buffer, wanted);
        if (grown == NULL) png_error(png, "out of memory for the output");
        ctx->buffer = grown;
        ctx->capacity = wanted;
    }
    memcpy(ctx->buffer + ctx->length, bytes, count);
    ctx->length += count;
}

static void ccard_flush_fn(png_structp png) { (void)png; }

static int ccard_encode_inner(png_structp png, png_infop info, const unsigned char *rgba, uint32_t width,
                              uint32_t height, int level, ccard_write_context *ctx) {
    if (setjmp(png_jmpbuf(png))) {
        return 1;
    }
    png_set_write_fn(png, ctx, ccard_write_fn, ccard_flush_fn);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, level);
    png_write_info(png, info);
    size_t stride = (size_t)width * 4;
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(rgba + (size_t)y * stride));
    }
    png_write_end(png, info);
    return 0;
}

ccard_png_status ccard_png_encode_rgba(const void *rgba, uint32_t width, uint32_t height, int compression_level,
                                       void **out_png,
                                       size_t *out_length, char *message, size_t message_capacity) {
    *out_png = NULL;
    *out_length = 0;
    ccard_copy_message(message, message_capacity, "");
    if (compression_level < 0 || compression_level > 9) {
        ccard_copy_message(message, message_capacity, "compression level must be 0-9");
        return CCARD_PNG_ERR_ARGUMENT;
    }
    if (width == 0 || height == 0 || width > 16384 || height > 16384) {
        ccard_copy_message(message, message_capacity, "width and height must be between 1 and 16384");
        return CCARD_PNG_ERR_ARGUMENT;
    }
    ccard_write_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.message = message;
    ctx.message_capacity = message_capacity;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, ccard_write_error_fn,
                                              ccard_write_warning_fn);
    if (png == NULL) {
        ccard_copy_message(message, message_capacity, "png_create_write_struct failed");
        return CCARD_PNG_ERR_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        ccard_copy_message(message, message_capacity, "png_create_info_struct failed");
        return CCARD_PNG_ERR_NO_MEMORY;
    }
    int failed = ccard_encode_inner(png, info, (const unsigned char *)rgba, width, height, compression_level, &ctx);
    png_destroy_write_struct(&png, &info);
    if (failed) {
        free(ctx.buffer);
        return CCARD_PNG_ERR_LIBPNG;
    }
    *out_png = ctx.buffer;
    *out_length = ctx.length;
    return CCARD_PNG_OK;
}
