/*
 * CRC-32 throughput of one CCRC32 engine (0 zlib, 1 PCLMULQDQ, 2 AVX-512 VPCLMULQDQ) over buffers of one size.
 *   crc32-bench ENGINE BUFFER_BYTES TOTAL_BYTES PASSES
 * Each pass checksums TOTAL_BYTES as TOTAL_BYTES / BUFFER_BYTES buffers; prints the best and median MB/s.
 */
#include "CCRC32.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: crc32-bench ENGINE BUFFER_BYTES TOTAL_BYTES PASSES\n");
        return 2;
    }
    int engine = atoi(argv[1]);
    size_t size = strtoull(argv[2], NULL, 10), total = strtoull(argv[3], NULL, 10);
    int passes = atoi(argv[4]);
    if (size == 0 || passes < 1) return 2;
    unsigned char *buffer = malloc(size);
    double *seconds = malloc(sizeof(double) * (size_t)passes);
    if (buffer == NULL || seconds == NULL) return 1;
    for (size_t i = 0; i < size; i++) buffer[i] = (unsigned char)((i * 2654435761u) >> 13);
    size_t count = total / size ? total / size : 1;
    uint32_t sink = 0;
    for (int pass = 0; pass < passes; pass++) {
        double start = now();
        uint32_t crc = 0;
        for (size_t i = 0; i < count; i++) crc = ccard_crc32_with(engine, crc, buffer, size);
        sink ^= crc;
        seconds[pass] = now() - start;
    }
    qsort(seconds, (size_t)passes, sizeof(double), compare);
    double megabytes = (double)count * (double)size / 1e6;
    printf("engine=%d (best %d) buffer=%zu passes=%d best=%.0f MB/s median=%.0f MB/s crc=%08x\n", engine,
           ccard_crc32_accelerated(), size, passes, megabytes / seconds[0], megabytes / seconds[passes / 2], sink);
    free(seconds);
    free(buffer);
    return 0;
}
