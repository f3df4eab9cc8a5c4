#ifndef CCRC32_H
#define CCRC32_H
/*
 * CRC-32 (the PNG/ZIP/zlib polynomial, as zlib's crc32 computes it) with carry-less-multiply folding on x86-64
 * CPUs that have PCLMULQDQ (and AVX-512 VPCLMULQDQ), and zlib's crc32 otherwise. No state, no allocation; safe to
 * call from any thread.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The CRC engines: zlib's crc32, 128-bit PCLMULQDQ folding, AVX-512 VPCLMULQDQ folding. */
typedef enum ccard_crc32_engine {
    CCARD_CRC32_ZLIB = 0,
    CCARD_CRC32_PCLMUL = 1,
    CCARD_CRC32_VPCLMUL = 2
} ccard_crc32_engine;

/* CRC-32 of length bytes, continued from crc (start with 0), through the best engine on this CPU. */
uint32_t ccard_crc32(uint32_t crc, const void *_Nullable bytes, size_t length);

/* The best engine on this CPU (a ccard_crc32_engine value). */
int ccard_crc32_accelerated(void);

/* CRC-32 through a given engine, capped at the best available: for tests and benchmarks. */
uint32_t ccard_crc32_with(int engine, uint32_t crc, const void *_Nullable bytes, size_t length);

#ifdef __cplusplus
}
#endif
#endif
