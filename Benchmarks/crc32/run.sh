#!/bin/sh
# CRC-32 throughput of zlib's crc32 and CCRC32's carry-less-multiply engines (BENCHMARKS.md, "CRC-32").
#   Benchmarks/crc32/run.sh                 # wall clock: 15 passes of 256 MB per engine and buffer size
#   CRC32_BENCH_CALLGRIND=1 Benchmarks/crc32/run.sh   # instruction counts of 16 MiB per engine and buffer size
# Under valgrind the CPU reports no AVX-512, so engine 2 runs as engine 1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$here/../../Sources/CCRC32
bin=${TMPDIR:-/tmp}/crc32-bench
clang -O2 -I"$src/include" "$here/crc32-bench.c" "$src/crc32.c" -lz -o "$bin"
for engine in 0 1 2; do
    for size in 4096 65536 1048576 16777216; do
        if [ "${CRC32_BENCH_CALLGRIND:-0}" = 1 ]; then
            printf 'engine=%s buffer=%s ' "$engine" "$size"
            valgrind --tool=callgrind --toggle-collect=ccard_crc32_with --callgrind-out-file=/dev/null \
                "$bin" "$engine" "$size" 16777216 1 2>&1 >/dev/null | sed -n 's/.*Collected : /instructions=/p'
        else
            nice -n 0 "$bin" "$engine" "$size" 268435456 15
        fi
    done
done
