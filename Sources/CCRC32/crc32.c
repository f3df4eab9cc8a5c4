#include "CCRC32.h"

#include <zlib.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define CCARD_HAVE_PCLMUL_CRC 1

/*
 * CRC-32 (the PNG/zlib polynomial, bit-reflected) by carry-less multiplication folding, after Intel's "Fast CRC
 * Computation for Generic Polynomials Using PCLMULQDQ Instruction" (the constants of the Linux kernel's
 * crc32-pclmul and Chromium's zlib). `length` is at least 64 and a multiple of 16; `crc` is the pre-inverted state.
 * zlib 1.2.13's crc32 (Debian) costs about 3.9 instructions a byte; this costs about 0.44, which is what lets a
 * metadata read verify every IDAT CRC at close to the speed of reading the bytes (BENCHMARKS.md, "CRC-32").
 */
/* The 16-byte folds and the final reduction, from a 128-bit accumulator; `len` is a multiple of 16. */
__attribute__((target("pclmul,sse4.1"))) static uint32_t ccard_crc32_pclmul_finish(__m128i x1,
                                                                                  const unsigned char *buf,
                                                                                  size_t len) {
    const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009eLL, 0x01751997d0LL);
    const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124LL);
    const __m128i poly = _mm_set_epi64x(0x01f7011641LL, 0x01db710641LL);
    __m128i x0 = k3k4, x2, x3, x5;
    while (len >= 16) {
        x2 = _mm_loadu_si128((const __m128i *)buf);
        x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
        x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
        buf += 16;
        len -= 16;
    }
    /* Fold 128 bits to 64, then Barrett-reduce to 32. */
    x2 = _mm_clmulepi64_si128(x1, x0, 0x10);
    x3 = _mm_setr_epi32(~0, 0, ~0, 0);
    x1 = _mm_srli_si128(x1, 8);
    x1 = _mm_xor_si128(x1, x2);
    x0 = k5k0;
    x2 = _mm_srli_si128(x1, 4);
    x1 = _mm_and_si128(x1, x3);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    x0 = poly;
    x2 = _mm_and_si128(x1, x3);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x10);
    x2 = _mm_and_si128(x2, x3);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    return (uint32_t)_mm_extract_epi32(x1, 1);
}

__attribute__((target("pclmul,sse4.1"))) static uint32_t ccard_crc32_pclmul(const unsigned char *buf, size_t len,
                                                                           uint32_t crc) {
    const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596LL, 0x0154442bd4LL);
    const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009eLL, 0x01751997d0LL);
    __m128i x0, x1, x2, x3, x4, x5, x6, x7, x8, y5, y6, y7, y8;

    x1 = _mm_loadu_si128((const __m128i *)(buf + 0x00));
    x2 = _mm_loadu_si128((const __m128i *)(buf + 0x10));
    x3 = _mm_loadu_si128((const __m128i *)(buf + 0x20));
    x4 = _mm_loadu_si128((const __m128i *)(buf + 0x30));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)crc));
    x0 = k1k2;
    buf += 64;
    len -= 64;

    while (len >= 64) {
        x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
        x6 = _mm_clmulepi64_si128(x2, x0, 0x00);
        x7 = _mm_clmulepi64_si128(x3, x0, 0x00);
        x8 = _mm_clmulepi64_si128(x4, x0, 0x00);
        x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
        x2 = _mm_clmulepi64_si128(x2, x0, 0x11);
        x3 = _mm_clmulepi64_si128(x3, x0, 0x11);
        x4 = _mm_clmulepi64_si128(x4, x0, 0x11);
        y5 = _mm_loadu_si128((const __m128i *)(buf + 0x00));
        y6 = _mm_loadu_si128((const __m128i *)(buf + 0x10));
        y7 = _mm_loadu_si128((const __m128i *)(buf + 0x20));
        y8 = _mm_loadu_si128((const __m128i *)(buf + 0x30));
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), y5);
        x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), y6);
        x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), y7);
        x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), y8);
        buf += 64;
        len -= 64;
    }

    /* Fold the four accumulators into one (distance 128 bits each). */
    x0 = k3k4;
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x2), x5);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x3), x5);
    x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x4), x5);
    return ccard_crc32_pclmul_finish(x1, buf, len);
}

/*
 * The same folding on AVX-512 VPCLMULQDQ: sixteen 128-bit accumulators in four 512-bit registers, each folded
 * across 256 bytes per iteration (constants x^(2048+32) and x^(2048-32) mod P, reflected and shifted, computed as
 * the 128-bit ones are), then folded into one 128-bit accumulator. `length` is at least 256 and a multiple of 16.
 */
__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.1"))) static uint32_t ccard_crc32_vpclmul(
    const unsigned char *buf, size_t len, uint32_t crc) {
    const __m512i k = _mm512_broadcast_i32x4(_mm_set_epi64x(0x01322d1430LL, 0x011542778aLL));
    const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009eLL, 0x01751997d0LL);
    __m512i x0 = _mm512_loadu_si512((const void *)(buf + 0x00));
    __m512i x1 = _mm512_loadu_si512((const void *)(buf + 0x40));
    __m512i x2 = _mm512_loadu_si512((const void *)(buf + 0x80));
    __m512i x3 = _mm512_loadu_si512((const void *)(buf + 0xC0));
    x0 = _mm512_xor_si512(x0, _mm512_inserti32x4(_mm512_setzero_si512(), _mm_cvtsi32_si128((int)crc), 0));
    buf += 256;
    len -= 256;
    while (len >= 256) {
        x0 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x0, k, 0x00), _mm512_clmulepi64_epi128(x0, k, 0x11),
                                       _mm512_loadu_si512((const void *)(buf + 0x00)), 0x96);
        x1 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x1, k, 0x00), _mm512_clmulepi64_epi128(x1, k, 0x11),
                                       _mm512_loadu_si512((const void *)(buf + 0x40)), 0x96);
        x2 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x2, k, 0x00), _mm512_clmulepi64_epi128(x2, k, 0x11),
                                       _mm512_loadu_si512((const void *)(buf + 0x80)), 0x96);
        x3 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x3, k, 0x00), _mm512_clmulepi64_epi128(x3, k, 0x11),
                                       _mm512_loadu_si512((const void *)(buf + 0xC0)), 0x96);
        buf += 256;
        len -= 256;
    }
    __m128i lanes[16];
    _mm512_storeu_si512((void *)(lanes + 0), x0);
    _mm512_storeu_si512((void *)(lanes + 4), x1);
    _mm512_storeu_si512((void *)(lanes + 8), x2);
    _mm512_storeu_si512((void *)(lanes + 12), x3);
    __m128i acc = lanes[0];
    for (int i = 1; i < 16; i++) {
        __m128i lo = _mm_clmulepi64_si128(acc, k3k4, 0x00);
        __m128i hi = _mm_clmulepi64_si128(acc, k3k4, 0x11);
        acc = _mm_xor_si128(_mm_xor_si128(lo, hi), lanes[i]);
    }
    return ccard_crc32_pclmul_finish(acc, buf, len);
}
#endif

int ccard_crc32_accelerated(void) {
#ifdef CCARD_HAVE_PCLMUL_CRC
    if (!__builtin_cpu_supports("pclmul") || !__builtin_cpu_supports("sse4.1")) return CCARD_CRC32_ZLIB;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq")) return CCARD_CRC32_VPCLMUL;
    return CCARD_CRC32_PCLMUL;
#else
    return CCARD_CRC32_ZLIB;
#endif
}

uint32_t ccard_crc32_with(int engine, uint32_t crc, const void *bytes, size_t length) {
    const unsigned char *p = (const unsigned char *)bytes;
    uLong value = crc;
    if (p == NULL) return crc;
    int available = ccard_crc32_accelerated();
    if (engine > available) engine = available;
#ifdef CCARD_HAVE_PCLMUL_CRC
    if (engine == CCARD_CRC32_VPCLMUL && length >= 256) {
        size_t bulk = length & ~(size_t)15;
        value = ~ccard_crc32_vpclmul(p, bulk, ~(uint32_t)crc);
        p += bulk;
        length -= bulk;
    } else if (engine >= CCARD_CRC32_PCLMUL && length >= 64) {
        size_t bulk = length & ~(size_t)15;
        value = ~ccard_crc32_pclmul(p, bulk, ~(uint32_t)crc);
        p += bulk;
        length -= bulk;
    }
#endif
    /* zlib's crc32 takes a uInt length; feed large buffers in slices. */
    while (length > 0) {
        uInt slice = length > 0x40000000u ? 0x40000000u : (uInt)length;
        value = crc32(value, p, slice);
        p += slice;
        length -= slice;
    }
    return (uint32_t)value;
}

uint32_t ccard_crc32(uint32_t crc, const void *bytes, size_t length) {
    return ccard_crc32_with(CCARD_CRC32_VPCLMUL, crc, bytes, length);
}
