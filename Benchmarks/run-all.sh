#!/bin/sh
# Regenerates the whole benchmark table of BENCHMARKS.md from a clean checkout:
#
#   Benchmarks/run-all.sh
#
# 1. installs the Python peers into Benchmarks/.venv from PyPI (pinned versions),
# 2. builds, in release mode: card-corpus and cardkit-suite (root-package targets added by CARDKIT_BENCHMARKS=1,
#    built without the upload targets, which they do not use), the full `cardkit` CLI users get (upload included) and fake-providers from the root
#    package in their own scratch path, and a `--static-swift-stdlib` cardkit for its size and start-up,
# 3. for each scale writes a corpus under Benchmarks/.corpus/<scale>/corpus and runs every measurement, CardKit's
#    and the peers', one process per measurement and side, in the same run; a scale ending in `s` (`100000s`)
#    uses small images (16-48 px avatars, same card JSON mix) so that 100,000 cards fit the disk, and its results
#    go to Benchmarks/.corpus/<count>-small,
# 4. runs the whole-process rows (the full CLI at --jobs 1 and 2, cat, tavern-card, jsonschema-rs, over the first
#    CARDKIT_BENCH_PROCESS_COUNT real-size cards of the first scale), the upload rows and process start-up, and
#    renders the table to Benchmarks/.corpus/results.md and stdout.
#
# Environment (all optional):
#   CARDKIT_BENCH_SCALES="1000 1000s 100000s"  corpus sizes (a trailing s: small images); the first must be a
#                                      real-size scale (the whole-process rows use it)
#   CARDKIT_BENCH_ROUNDS=5             timed passes per row up to CARDKIT_BENCH_PEERS_MAX cards (after a warm-up pass)
#   CARDKIT_BENCH_ROUNDS_LARGE=1       timed passes per row at larger and small-image scales, without a warm-up pass
#                                      above CARDKIT_BENCH_PEERS_MAX except for the read rows
#   CARDKIT_BENCH_PEERS_MAX=1000       run the Python peers and the per-platform conversion rows only at real-size
#                                      scales up to this
#   CARDKIT_BENCH_LARGE_MEASUREMENTS="read validate convert embed charx"  what runs above CARDKIT_BENCH_PEERS_MAX
#   CARDKIT_BENCH_PROCESS_COUNT=300    cards in the whole-process rows; CARDKIT_BENCH_PROCESS_ROUNDS=3 runs each
#   CARDKIT_BENCH_UPLOAD="1000 100000" inputs of the upload rows (timed at the first, peak RSS at both);
#                                      CARDKIT_BENCH_UPLOAD_CONCURRENCY=32; CARDKIT_BENCH_UPLOAD="" skips them
#   CARDKIT_BENCH_STATIC=1             also build and measure the --static-swift-stdlib CLI (0 skips it)
#   CARDKIT_BENCH_KEEP_CORPUS=1        keep the generated PNGs (about 1 GB per 1,000 real-size cards) after the run
#   CARDKIT_BENCH_SCRATCH=DIR          SwiftPM scratch path of the benchmarks package (default Benchmarks/.build);
#                                      the CLI builds use Benchmarks/.build-cli and Benchmarks/.build-static
# Everything runs under `nice -n 10`; the machine is shared.
set -eu
bench=$(cd "$(dirname "$0")" && pwd)
scales=${CARDKIT_BENCH_SCALES:-1000 1000s 100000s}
rounds=${CARDKIT_BENCH_ROUNDS:-5}
rounds_large=${CARDKIT_BENCH_ROUNDS_LARGE:-1}
peers_max=${CARDKIT_BENCH_PEERS_MAX:-1000}
scratch=${CARDKIT_BENCH_SCRATCH:-$bench/.build}
large_measurements=${CARDKIT_BENCH_LARGE_MEASUREMENTS:-read validate convert embed charx}
process_count=${CARDKIT_BENCH_PROCESS_COUNT:-300}
process_rounds=${CARDKIT_BENCH_PROCESS_ROUNDS:-3}
upload=${CARDKIT_BENCH_UPLOAD-1000 100000}
upload_concurrency=${CARDKIT_BENCH_UPLOAD_CONCURRENCY:-32}
static=${CARDKIT_BENCH_STATIC:-1}
cli_scratch=$bench/.build-cli
static_scratch=$bench/.build-static
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
    tavern-card==0.1.1 Pillow==13.0.0 jsonschema==4.26.0 jsonschema-rs==0.60.3 orjson==3.13.0 >&2
py="$venv/bin/python"

# 2. Release builds. card-corpus and cardkit-suite are targets of the root package added by CARDKIT_BENCHMARKS=1
# (they time `package` API); they never upload, so their scratch path builds without the upload targets. The CLI
# measured is the one users get (upload included), built without either variable in its own scratch path.
for product in card-corpus cardkit-suite; do
    log "building $product (release)"
    (cd "$bench/.." && CARDKIT_BENCHMARKS=1 CARDKIT_SKIP_UPLOAD=1 $nice swift build -c release --scratch-path "$scratch" \
        --product "$product" >&2)
done
bin=$scratch/release
# The commit the binaries are built from (start-up is measured last, when the checkout may have moved on).
built_commit=$(cd "$bench/.." && git rev-parse --short HEAD)$(cd "$bench/.." && git diff --quiet HEAD -- Sources Package.swift || echo "+changes")
for product in cardkit fake-providers; do
    log "building $product (release, full CLI)"
    (cd "$bench/.." && env -u CARDKIT_SKIP_UPLOAD -u CARDKIT_BENCHMARKS $nice swift build -c release --scratch-path "$cli_scratch" \
        --product "$product" >&2)
done
cli=$cli_scratch/release
if [ "$static" = 1 ]; then
    log "building cardkit (release, --static-swift-stdlib)"
    (cd "$bench/.." && env -u CARDKIT_SKIP_UPLOAD -u CARDKIT_BENCHMARKS $nice swift build -c release --static-swift-stdlib \
        --scratch-path "$static_scratch" --product cardkit >&2)
fi

# 3. Per scale: corpus, then every measurement.
mkdir -p "$out"
first=""
for spec in $scales; do
    scale=${spec%s}
    small=0
    name=$scale
    if [ "$scale" != "$spec" ]; then small=1; name=$scale-small; fi
    [ -n "$first" ] || first=$name
    n=$rounds
    [ "$scale" -le "$peers_max" ] && [ "$small" = 0 ] || n=$rounds_large
    dir=$out/$name
    rm -rf "$dir"
    mkdir -p "$dir"
    log "scale $name: writing the corpus"
    corpus_flags=""
    [ "$small" = 0 ] || corpus_flags=--small-images
    $nice "$bin/card-corpus" --count "$scale" --out "$dir/corpus" $corpus_flags >&2
    measurements="read validate convert embed charx"
    [ "$scale" -le "$peers_max" ] || measurements=$large_measurements
    for measurement in $measurements; do
        log "scale $name: CardKit $measurement ($n passes)"
        # Per-platform conversion rows where the peers run; a warm-up pass up to CARDKIT_BENCH_PEERS_MAX cards; at
        # larger scales the corpus was just written (mostly in the page cache) and every pass is timed.
        detail=1
        [ "$scale" -le "$peers_max" ] && [ "$small" = 0 ] || detail=0
        warm=1
        [ "$scale" -le "$peers_max" ] || warm=0
        # The read rows compare against reading the bytes: without a warm-up pass at 10,000 cards (11 GB) the first
        # row would pay the cold-cache reads for all the others, so reads always get one.
        [ "$measurement" != read ] || warm=1
        CARDKIT_SUITE_PLATFORM_ROWS=$detail CARDKIT_SUITE_WARMUP=$warm $nice "$bin/cardkit-suite" "$measurement" "$dir/corpus" "$n" \
            > "$dir/cardkit-$measurement.txt"
        if [ "$scale" -le "$peers_max" ] && [ "$small" = 0 ]; then
            log "scale $name: Python peers $measurement ($n passes)"
            (cd "$bench/python" && $nice "$py" peers.py "$measurement" "$dir/corpus" "$n") > "$dir/peers-$measurement.txt"
        fi
    done
    if [ "$name" = "$first" ]; then
        log "scale $name: whole process, $process_count cards ($process_rounds runs each)"
        $nice "$py" "$bench/python/process.py" "$dir/corpus" "$process_count" "$process_rounds" "$cli/cardkit" \
            "$dir/process-work" > "$dir/process.txt"
        rm -rf "$dir/process-work"
    fi
    cp "$dir/corpus/manifest.tsv" "$dir/manifest.tsv"
    if [ "${CARDKIT_BENCH_KEEP_CORPUS:-0}" != 1 ]; then
        rm -rf "$dir/corpus/png" "$dir/corpus/json"
    fi
    mkdir -p "$dir/corpus"
    mv "$dir/manifest.tsv" "$dir/corpus/manifest.tsv"
done

# Upload throughput and memory, recorded with the first scale.
if [ -n "$upload" ]; then
    set -- $upload
    log "upload: $1 and ${2:-$1} inputs at concurrency $upload_concurrency"
    $nice "$py" "$bench/python/upload.py" "$cli" "$out/upload-work" "$1" "${2:-$1}" 3 "$upload_concurrency" \
        > "$out/$first/upload.txt"
fi

# 4. Start-up, recorded with the first scale: the full CLI, the static build, the peer and the spawn floor.
log "start-up (50 runs each)"
static_spec=""
[ "$static" != 1 ] || static_spec="cardkit_static=$static_scratch/release/cardkit --version"
$nice "$py" "$bench/python/startup.py" 50 \
    "cardkit=$cli/cardkit --version" ${static_spec:+"$static_spec"} \
    "tavern_card=$venv/bin/tavern-card --version" "true=/bin/true" > "$out/$first/startup.txt"
{
    echo "binary_bytes.cardkit=$(wc -c < "$cli/cardkit")"
    [ "$static" != 1 ] || echo "binary_bytes.cardkit_static=$(wc -c < "$static_scratch/release/cardkit")"
    echo "commit=$built_commit"
} >> "$out/$first/startup.txt"

"$py" "$bench/python/report.py" "$out" | tee "$out/results.md"
log "table written to $out/results.md"
