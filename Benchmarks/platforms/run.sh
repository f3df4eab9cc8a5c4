#!/bin/sh
# Card → platform conversion benchmark: builds Benchmarks/ in release mode, then converts 1,000 and 10,000 inputs
# (cycling through the real cards in ../shared/cards and samples/) to all four platforms, printing cards/s and the
# peak RSS of each run. Peak RSS should be flat: nothing is kept between inputs.
#   Benchmarks/platforms/run.sh
#   PLATFORMS_BENCH_COUNTS="1000 10000 50000" Benchmarks/platforms/run.sh
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scratch="${PLATFORMS_BENCH_SCRATCH:-.build}"
CARDKIT_SKIP_UPLOAD=1 swift build -c release --scratch-path "$scratch" --product platforms-bench >&2
for n in ${PLATFORMS_BENCH_COUNTS:-1000 10000}; do
    "$scratch/release/platforms-bench" "$n"
done
