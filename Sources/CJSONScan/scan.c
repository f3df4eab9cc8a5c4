// Vector scans of JSON string bytes. Each function answers exactly what the byte loop at its end answers: the
// vector part only skips blocks that hold no byte of interest, and the loop finds the byte in the block that does.
#include "CJSONScan.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

/// Bit i set when byte i of the block is a quote, a backslash or below 0x20.
__attribute__((target("avx2"))) static inline uint32_t special_mask_avx2(__m256i v) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i control_max = _mm256_set1_epi8(0x1F);
    __m256i is_control = _mm256_cmpeq_epi8(_mm256_min_epu8(v, control_max), v);
    __m256i special =
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)), is_control);
    return (uint32_t)_mm256_movemask_epi8(special);
}

__attribute__((target("avx2"))) static size_t plain_run_avx2(const unsigned char *b, size_t i, size_t end,
                                                              int *non_ascii) {
    uint32_t high = 0;
    while (i + 32 <= end) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(b + i));
        uint32_t special = special_mask_avx2(v);
        uint32_t top = (uint32_t)_mm256_movemask_epi8(v);
        if (special != 0) {
            unsigned first = (unsigned)__builtin_ctz(special);
            // Only the bytes before the special one count as part of the run.
            high |= first == 0 ? 0 : top & (0xFFFFFFFFu >> (32 - first));
            if (high) *non_ascii = 1;
            return i + first;
        }
        high |= top;
        i += 32;
    }
    if (high) *non_ascii = 1;
    return i;
}

__attribute__((target("avx2"))) static size_t quote_or_backslash_avx2(const unsigned char *b, size_t i,
                                                                       size_t end) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    while (i + 32 <= end) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(b + i));
        uint32_t mask = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)));
        if (mask != 0) return i + (unsigned)__builtin_ctz(mask);
        i += 32;
    }
    return i;
}

static int has_avx2(void) {
    static int cached = -1;
    if (cached < 0) cached = __builtin_cpu_supports("avx2") ? 1 : 0;
    return cached;
}
#endif

size_t ccard_json_plain_run(const unsigned char *bytes, size_t start, size_t end, int *non_ascii) {
    size_t i = start;
#if defined(__x86_64__)
    if (has_avx2()) i = plain_run_avx2(bytes, i, end, non_ascii);
#endif
    for (; i < end; i++) {
        unsigned char c = bytes[i];
        if (c < 0x20 || c == '"' || c == '\\') break;
        if (c >= 0x80) *non_ascii = 1;
    }
    return i;
}

size_t ccard_json_quote_or_backslash(const unsigned char *bytes, size_t start, size_t end) {
    size_t i = start;
#if defined(__x86_64__)
    if (has_avx2()) i = quote_or_backslash_avx2(bytes, i, end);
#endif
    while (i < end && bytes[i] != '"' && bytes[i] != '\\') i++;
    return i;
}
