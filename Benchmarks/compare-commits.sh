#!/bin/sh
# Measures CardKit at an earlier commit and at the working tree in the same run, over one corpus, next to the
# Python peers, and prints a Markdown table: what a change bought, with the limit and the peers beside it.
#
#   Benchmarks/compare-commits.sh BASE [MEASUREMENT ...]     (default measurements: read charx)
#
# BASE is any commit; it is checked out as a detached worktree under the compare directory and built there.
# Measurements are cardkit-suite's (read, validate, convert, embed, charx); the peers run for all but convert.
#
# Environment (all optional):
#   CARDKIT_BENCH_COUNT=1000         corpus size
#   CARDKIT_BENCH_ROUNDS=5           timed passes per row (after a warm-up pass)
#   CARDKIT_BENCH_COMPARE_DIR=DIR    where the worktree, builds, corpus and results go (default Benchmarks/.compare)
# Run Benchmarks/run-all.sh once first: it installs the Python peers into Benchmarks/.venv.
set -eu
[ $# -ge 1 ] || { echo "usage: Benchmarks/compare-commits.sh BASE [MEASUREMENT ...]" >&2; exit 2; }
base=$1
shift
measurements=${*:-read charx}
bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
count=${CARDKIT_BENCH_COUNT:-1000}
rounds=${CARDKIT_BENCH_ROUNDS:-5}
work=${CARDKIT_BENCH_COMPARE_DIR:-$bench/.compare}
py=$bench/.venv/bin/python
nice="nice -n 10"
log() { printf '%s compare: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

[ -x "$py" ] || { echo "compare-commits: $py is missing; run Benchmarks/run-all.sh once to install the peers" >&2; exit 2; }
base_commit=$(git -C "$root" rev-parse --short "$base^{commit}")
head_commit=$(git -C "$root" rev-parse --short HEAD)
dirty=""
[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] || dirty=" (with uncommitted changes)"
mkdir -p "$work"
tree=$work/base-tree
if [ -d "$tree" ]; then
    git -C "$tree" checkout --quiet --detach "$base_commit"
else
    git -C "$root" worktree add --quiet --force --detach "$tree" "$base_commit"
fi

log "building cardkit-suite at $base_commit and at the working tree, card-corpus at the working tree (release)"
# card-corpus and cardkit-suite are root-package targets (CARDKIT_BENCHMARKS=1) since they time `package` API; an
# older commit still has them in the Benchmarks package.
build_suite() {  # $1 checkout, $2 scratch, $3 product
    if grep -q CARDKIT_BENCHMARKS "$1/Package.swift"; then
        (cd "$1" && CARDKIT_BENCHMARKS=1 CARDKIT_SKIP_UPLOAD=1 $nice swift build -c release --scratch-path "$2" --product "$3" >&2)
    else
        (cd "$1/Benchmarks" && CARDKIT_SKIP_UPLOAD=1 $nice swift build -c release --scratch-path "$2" --product "$3" >&2)
    fi
}
build_suite "$tree" "$work/build-base" cardkit-suite
build_suite "$bench/.." "$work/build-head" cardkit-suite
build_suite "$bench/.." "$work/build-head" card-corpus

results=$work/results
rm -rf "$results" "$work/corpus"
mkdir -p "$results"
log "writing a corpus of $count cards"
$nice "$work/build-head/release/card-corpus" --count "$count" --out "$work/corpus" >&2
for measurement in $measurements; do
    for side in base head; do
        log "$measurement: CardKit at $side ($rounds passes)"
        CARDKIT_SUITE_PLATFORM_ROWS=0 CARDKIT_SUITE_WARMUP=1 $nice "$work/build-$side/release/cardkit-suite" \
            "$measurement" "$work/corpus" "$rounds" > "$results/$side-$measurement.txt"
    done
    if [ "$measurement" != convert ]; then
        log "$measurement: Python peers ($rounds passes)"
        (cd "$bench/python" && $nice "$py" peers.py "$measurement" "$work/corpus" "$rounds") > "$results/peers-$measurement.txt"
    fi
done
rm -rf "$work/corpus"

"$py" - "$results" "$base_commit" "$head_commit$dirty" "$count" "$measurements" <<'PY'
import os, sys
results, base, head, count, measurements = sys.argv[1:6]

def rows(path):
    figures = {}
    if not os.path.exists(path):
        return figures
    for line in open(path):
        key, _, value = line.strip().partition("=")
        name, _, field = key.rpartition(".")
        if name:
            figures.setdefault(name, {})[field] = value
    return figures

def seconds(row):
    return float(row["median_s"])

def show(row):
    median, low, high = float(row["median_s"]), float(row["min_s"]), float(row["max_s"])
    spread = (high - low) / 2 / median * 100 if median else 0
    text = f"{median * 1000:.1f} ms" if median < 1 else f"{median:.2f} s"
    return f"{text} ±{spread:.0f}%"

def ratio(a, b):
    r = a / b
    return f"{r:.2f}× faster" if r >= 1 else f"{1 / r:.2f}× slower"

print(f"CardKit at `{base}` and at `{head}`, {count} cards, the same corpus and run (median of the passes, ±half the min–max spread).\n")
for measurement in measurements.split():
    base_rows = rows(f"{results}/base-{measurement}.txt")
    head_rows = rows(f"{results}/head-{measurement}.txt")
    peer_rows = rows(f"{results}/peers-{measurement}.txt")
    print(f"**{measurement}**\n")
    print(f"| Row | At `{base}` | Now | Now vs then | ok |")
    print("|---|---|---|---|---|")
    for name, row in head_rows.items():
        if "median_s" not in row:
            continue
        then = base_rows.get(name)
        print(f"| `{name}` | {show(then) if then else '–'} | {show(row)} | "
              f"{ratio(seconds(then), seconds(row)) if then else '–'} | {row.get('ok', '?')}/{row.get('items', '?')} |")
    for name, row in peer_rows.items():
        if "median_s" in row:
            print(f"| `{name}` (peer or limit) | | {show(row)} | | {row.get('ok', '?')}/{row.get('items', '?')} |")
    print()
PY
