#ifndef CJSONSCAN_H
#define CJSONSCAN_H

#include <stddef.h>

/// The index of the first byte in [start, end) of `bytes` that is a quote, a backslash or a control character
/// (below 0x20), or `end` when there is none. Sets `*non_ascii` to 1 when a byte before that index is 0x80 or
/// above, and leaves it alone otherwise. Checks 32 bytes at a time with AVX2 where the CPU has it, 16 with SSE2
/// otherwise on x86-64, one at a time elsewhere.
size_t ccard_json_plain_run(const unsigned char *bytes, size_t start, size_t end, int *non_ascii);

/// The index of the first quote or backslash in [start, end) of `bytes`, or `end` when there is none.
size_t ccard_json_quote_or_backslash(const unsigned char *bytes, size_t start, size_t end);

#endif
