#!/bin/sh
# Regenerates the whole benchmark table of BENCHMARKS.md from a clean checkout:
#
#   Benchmarks/run-all.sh
#
# 1. installs the Python peers into Benchmarks/.venv from PyPI (pinned versions),
# 2. builds card-corpus, cardkit-suite and cardkit in release mode (upload targets left out),
# 3. for each scale (default 1,000 and 10,000 cards) writes a corpus under Benchmarks/.corpus/<scale>/corpus and
#    runs every measurement, CardKit's and the peers', one process per measurement and side, in the same run,
# 4. measures process start-up, and renders the table to Benchmarks/.corpus/results.md and stdout.
#
# Environment (all optional):
#   CARDKIT_BENCH_SCALES="1000 10000"  corpus sizes
#   CARDKIT_BENCH_ROUNDS=5             timed passes per row up to CARDKIT_BENCH_PEERS_MAX cards (after a warm-up pass)
#   CARDKIT_BENCH_ROUNDS_LARGE=1       timed passes per row at larger scales, without a warm-up pass except for
#                                      the read rows (one 10,000-card pass of every row takes about 10 minutes on
#                                      2 shared cores)
#   CARDKIT_BENCH_PEERS_MAX=1000       run the Python peers and the per-platform conversion rows only at scales up
#                                      to this (the peers take minutes per pass at 10,000; CardKit's growth and
#                                      its limits are still measured there)
#   CARDKIT_BENCH_KEEP_CORPUS=1        keep the generated PNGs (about 1 GB per 1,000 cards) after the run
#   CARDKIT_BENCH_SCRATCH=DIR          SwiftPM scratch path (default Benchmarks/.build)
# Everything runs under `nice -n 10`; the machine is shared.
set -eu
bench=$(cd "$(dirname "$0")" && pwd)
scales=${CARDKIT_BENCH_SCALES:-1000 10000}
rounds=${CARDKIT_BENCH_ROUNDS:-5}
rounds_large=${CARDKIT_BENCH_ROUNDS_LARGE:-1}
peers_max=${CARDKIT_BENCH_PEERS_MAX:-1000}
scratch=${CARDKIT_BENCH_SCRATCH:-$bench/.build}
out=$bench/.corpus
nice="nice -n 10"
log() { printf '%s run-all: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# 1. Python peers.
venv=$bench/.venv
if [ ! -x "$venv/bin/python" ]; then
    log "creating $venv"
    python3 -m venv "$venv"
fi
log "installing the Python peers"
"$venv/bin/pip" install --quiet --disable-pip-version-check \
    tavern-card==0.1.1 Pillow==13.0.0 jsonschema==4.26.0 jsonschema-rs==0.60.3 >&2
py="$venv/bin/python"

# 2. Release builds.
for product in card-corpus cardkit-suite cardkit; do
    log "building $product (release)"
    (cd "$bench" && CARDKIT_SKIP_UPLOAD=1 $nice swift build -c release --scratch-path "$scratch" --product "$product" >&2)
done
bin=$scratch/release

# 3. Per scale: corpus, then every measurement.
mkdir -p "$out"
first=""
for scale in $scales; do
    [ -n "$first" ] || first=$scale
    n=$rounds
    [ "$scale" -le "$peers_max" ] || n=$rounds_large
    dir=$out/$scale
    rm -rf "$dir"
    mkdir -p "$dir"
    log "scale $scale: writing the corpus"
    $nice "$bin/card-corpus" --count "$scale" --out "$dir/corpus" >&2
    for measurement in read validate convert embed charx; do
        log "scale $scale: CardKit $measurement ($n passes)"
        # Per-platform conversion rows and a warm-up pass only where the peers run; at larger scales the corpus
        # was just written (mostly in the page cache) and every pass is timed.
        detail=1
        [ "$scale" -le "$peers_max" ] || detail=0
        warm=$detail
        # The read rows compare against reading the bytes: without a warm-up pass at 10,000 cards (11 GB) the first
        # row would pay the cold-cache reads for all the others, so reads always get one.
        [ "$measurement" != read ] || warm=1
        CARDKIT_SUITE_PLATFORM_ROWS=$detail CARDKIT_SUITE_WARMUP=$warm $nice "$bin/cardkit-suite" "$measurement" "$dir/corpus" "$n" \
            > "$dir/cardkit-$measurement.txt"
        if [ "$scale" -le "$peers_max" ] && [ "$measurement" != convert ]; then
            log "scale $scale: Python peers $measurement ($n passes)"
            (cd "$bench/python" && $nice "$py" peers.py "$measurement" "$dir/corpus" "$n") > "$dir/peers-$measurement.txt"
        fi
    done
    cp "$dir/corpus/manifest.tsv" "$dir/manifest.tsv"
    if [ "${CARDKIT_BENCH_KEEP_CORPUS:-0}" != 1 ]; then
        rm -rf "$dir/corpus/png" "$dir/corpus/json"
    fi
    mkdir -p "$dir/corpus"
    mv "$dir/manifest.tsv" "$dir/corpus/manifest.tsv"
done

# 4. Start-up, recorded with the first scale.
log "start-up (50 runs each)"
$nice "$py" "$bench/python/startup.py" 50 \
    "cardkit=$bin/cardkit --version" "tavern_card=$venv/bin/tavern-card --version" "true=/bin/true" \
    > "$out/$first/startup.txt"

"$py" "$bench/python/report.py" "$out" | tee "$out/results.md"
log "table written to $out/results.md"
