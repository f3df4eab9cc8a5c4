#!/bin/sh
# PNG card read benchmark: builds Benchmarks/ in release mode and prints every figure in one run.
#   Benchmarks/png/run.sh            # 200 generated cards (0.3-1.5 MB) + one 4096x4096 card
#   PNG_BENCH_FILES=50 Benchmarks/png/run.sh
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scratch="${PNG_BENCH_SCRATCH:-.build}"
CARDKIT_SKIP_UPLOAD=1 swift build -c release --scratch-path "$scratch" --product png-bench >&2
exec "$scratch/release/png-bench"
