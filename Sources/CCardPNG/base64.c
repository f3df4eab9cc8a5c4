/*
 * The fast path of CardPNG's base64 decoder: whole 32-character blocks of the standard alphabet, decoded with
 * AVX2 (classify each byte by its nibbles with two table shuffles, map it to its 6-bit value with a third, then
 * pack four 6-bit values into three bytes with two multiply-adds and a shuffle). Any block holding another byte
 * (whitespace, padding, the URL-safe alphabet, an invalid byte) stops it: the Swift decoder goes on from there
 * with its general path, which reports every leniency and error. Without AVX2 nothing is decoded here.
 * The encoder's fast path is here too: whole 24-byte blocks, the Swift encoder doing the rest.
 */
#include "CCardPNG.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("avx2"))) static size_t ccard_base64_decode_avx2(const unsigned char *in, size_t length,
                                                                      unsigned char *out) {
    const __m256i lut_lo = _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A,
                                            0x1B, 0x1B, 0x1B, 0x1A, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                            0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m256i lut_hi = _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10,
                                            0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
                                            0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    const __m256i lut_roll = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 19, 4,
                                              -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i mask_2f = _mm256_set1_epi8(0x2F);
    const __m256i pack_pairs = _mm256_set1_epi32(0x01400140);
    const __m256i pack_quads = _mm256_set1_epi32(0x00011000);
    const __m256i order = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0, 6, 5, 4,
                                           10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, -1, -1);
    size_t consumed = 0;
    /* Each step stores 32 bytes of which 24 are output: the caller's buffer has room for them (see the header). */
    while (length - consumed >= 32) {
        __m256i text = _mm256_loadu_si256((const __m256i *)(in + consumed));
        __m256i hi_nibbles = _mm256_and_si256(_mm256_srli_epi32(text, 4), mask_2f);
        __m256i lo_nibbles = _mm256_and_si256(text, mask_2f);
        __m256i lo = _mm256_shuffle_epi8(lut_lo, lo_nibbles);
        __m256i hi = _mm256_shuffle_epi8(lut_hi, hi_nibbles);
        if (!_mm256_testz_si256(lo, hi)) break; /* a byte outside the standard alphabet */
        __m256i eq_2f = _mm256_cmpeq_epi8(text, mask_2f);
        __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(eq_2f, hi_nibbles));
        __m256i values = _mm256_add_epi8(text, roll);
        __m256i pairs = _mm256_maddubs_epi16(values, pack_pairs);
        __m256i quads = _mm256_madd_epi16(pairs, pack_quads);
        __m256i packed = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(quads, order), lanes);
        _mm256_storeu_si256((__m256i *)(out + consumed / 4 * 3), packed);
        consumed += 32;
    }
    return consumed;
}

/*
 * Encodes 24 bytes into 32 characters per step (Muła's method): each 128-bit lane takes 12 bytes, a shuffle puts
 * every 3-byte group into a 32-bit word as (b, a, c, b), two masked multiplies move the four 6-bit fields into the
 * four bytes, and a table shuffle adds each value's offset into the alphabet. Each step reads 28 bytes.
 */
__attribute__((target("avx2"))) static size_t ccard_base64_encode_avx2(const unsigned char *in, size_t length,
                                                                      unsigned char *out) {
    const __m256i groups = _mm256_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10, 1, 0, 2, 1, 4, 3, 5, 4,
                                            7, 6, 8, 7, 10, 9, 11, 10);
    const __m256i offsets = _mm256_setr_epi8(65, 71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0, 65, 71,
                                             -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 0, 0);
    size_t consumed = 0;
    while (length - consumed >= 28) {
        __m128i low = _mm_loadu_si128((const __m128i *)(in + consumed));
        __m128i high = _mm_loadu_si128((const __m128i *)(in + consumed + 12));
        __m256i words = _mm256_shuffle_epi8(_mm256_set_m128i(high, low), groups);
        __m256i upper = _mm256_mulhi_epu16(_mm256_and_si256(words, _mm256_set1_epi32(0x0FC0FC00)),
                                           _mm256_set1_epi32(0x04000040));
        __m256i lower = _mm256_mullo_epi16(_mm256_and_si256(words, _mm256_set1_epi32(0x003F03F0)),
                                           _mm256_set1_epi32(0x01000010));
        __m256i values = _mm256_or_si256(upper, lower);
        /* Range 0 (A-Z) keeps index 0; the others get 1 + (value - 51, floored at 0). */
        __m256i index = _mm256_sub_epi8(_mm256_subs_epu8(values, _mm256_set1_epi8(51)),
                                        _mm256_cmpgt_epi8(values, _mm256_set1_epi8(25)));
        __m256i text = _mm256_add_epi8(values, _mm256_shuffle_epi8(offsets, index));
        _mm256_storeu_si256((__m256i *)(out + consumed / 3 * 4), text);
        consumed += 24;
    }
    return consumed;
}
#endif

/* Whether the CPU runs AVX2 (the compiler's CPU model, filled in once at start-up, so no cache and no race). */
static int ccard_has_avx2(void) {
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_cpu_supports("avx2");
#else
    return 0;
#endif
}

size_t ccard_base64_encode_blocks(const void *_Nonnull bytes, size_t length, void *_Nonnull output) {
#if defined(__x86_64__) || defined(__i386__)
    if (ccard_has_avx2()) return ccard_base64_encode_avx2((const unsigned char *)bytes, length, (unsigned char *)output);
#endif
    (void)bytes;
    (void)length;
    (void)output;
    return 0;
}

size_t ccard_base64_decode_blocks(const void *_Nonnull text, size_t length, void *_Nonnull output) {
#if defined(__x86_64__) || defined(__i386__)
    if (ccard_has_avx2()) return ccard_base64_decode_avx2((const unsigned char *)text, length, (unsigned char *)output);
#endif
    (void)text;
    (void)length;
    (void)output;
    return 0;
}
