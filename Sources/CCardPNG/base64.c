/*
 * The fast path of CardPNG's base64 decoder: whole 32-character blocks of the standard alphabet, decoded with
 * AVX2 (classify each byte by its nibbles with two table shuffles, map it to its 6-bit value with a third, then
 * pack four 6-bit values into three bytes with two multiply-adds and a shuffle). Any block holding another byte
 * (whitespace, padding, the URL-safe alphabet, an invalid byte) stops it: the Swift decoder goes on from there
 * with its general path, which reports every leniency and error. Without AVX2 nothing is decoded here.
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
#endif

size_t ccard_base64_decode_blocks(const void *_Nonnull text, size_t length, void *_Nonnull output) {
#if defined(__x86_64__) || defined(__i386__)
    static int has_avx2 = -1;
    if (has_avx2 < 0) has_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    if (has_avx2) return ccard_base64_decode_avx2((const unsigned char *)text, length, (unsigned char *)output);
#endif
    (void)text;
    (void)length;
    (void)output;
    return 0;
}
