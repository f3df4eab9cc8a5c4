#!/bin/sh
# Measures `cardkit serve` at 10,000 cards (issue 17):
#
#   Benchmarks/serve/run.sh [CARDKIT_BINARY] [SHARED_CARDS_DIR]
#
# 1. builds a folder of 10,000 cards from copies of the shared real-world cards and the samples (each copy under
#    its own name, so the index holds 10,000 entries of real sizes),
# 2. starts `cardkit serve` on it (port 0) and times the first full index,
# 3. times the gallery's first page and a search (curl, 30 requests each, median),
# 4. posts 1,000 card files to /api/v1/validate at concurrency 16 (curl --parallel) and, on the same files,
#    times `cardkit validate --jobs 2` (the CLI doing the same work), and prints requests per second for both.
# Everything is printed; nothing is hand-edited into BENCHMARKS.md.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/.build/release/cardkit}
shared=${2:-${CARDKIT_SHARED:-$root/../shared}/cards}
work=${CARDKIT_SERVE_BENCH_DIR:-/tmp/cardkit-serve-bench}
count=${CARDKIT_SERVE_BENCH_COUNT:-10000}
rm -rf "$work"
mkdir -p "$work/cards"
# File names may hold spaces: the list is read line by line, never split on words.
find "$shared" "$root/samples" -maxdepth 1 -type f \( -name '*.png' -o -name '*.json' -o -name '*.charx' -o -name '*.yaml' \) \
    | sort > "$work/sources.txt"
[ -s "$work/sources.txt" ] || { echo "no card files under $shared or $root/samples" >&2; exit 1; }
n=0
while [ "$n" -lt "$count" ]; do
    while IFS= read -r file; do
        [ "$n" -lt "$count" ] || break
        dir="$work/cards/$((n / 1000))"
        mkdir -p "$dir"
        cp "$file" "$dir/$n-$(basename "$file" | tr ' ' '_')"
        n=$((n + 1))
    done < "$work/sources.txt"
done
echo "corpus: $count files, $(du -sh "$work/cards" | cut -f1)"

"$bin" serve "$work/cards" --port 0 --rescan 0 > "$work/serve.out" 2> "$work/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
started=$(date +%s.%N)
until grep -q listening "$work/serve.out" 2>/dev/null; do sleep 0.05; done
base=$(sed -n 's/^listening on //p' "$work/serve.out")
until curl -s "$base/api/v1/status" | grep -q '"complete":true'; do sleep 0.1; done
indexed=$(date +%s.%N)
echo "index of $count files: $(echo "$indexed - $started" | bc) s"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for page in "/" "/?q=forest" "/?q=drowned+library&container=png" "/?tag=fantasy&page=3"; do
    t=$(for i in $(seq 30); do curl -s -o /dev/null -w '%{time_total}\n' "$base$page"; done | median)
    echo "GET $page: median $(echo "$t * 1000" | bc) ms over 30 requests"
done

# 1,000 files posted to /api/v1/validate, 16 at a time.
find "$work/cards/0" -type f | head -1000 > "$work/files.txt"
config="$work/curl.cfg"
: > "$config"
while read -r file; do
    # `next` separates one transfer's options from the next one's: without it every URL would post every file.
    [ -s "$config" ] && echo next >> "$config"
    printf 'url = "%s/api/v1/validate?name=%s"\ndata-binary = "@%s"\noutput = "/dev/null"\n' \
        "$base" "$(basename "$file")" "$file" >> "$config"
done < "$work/files.txt"
files=$(wc -l < "$work/files.txt")
a=$(date +%s.%N)
curl -s --parallel --parallel-max 16 -K "$config" 2> "$work/curl.err"
b=$(date +%s.%N)
api=$(echo "$b - $a" | bc)
echo "POST /api/v1/validate, $files files, concurrency 16: $api s, $(echo "$files / $api" | bc) requests/s"
a=$(date +%s.%N)
tr '\n' '\0' < "$work/files.txt" | "$bin" validate --files-from - -0 --format jsonl --jobs 2 > /dev/null || true
b=$(date +%s.%N)
cli=$(echo "$b - $a" | bc)
echo "cardkit validate --jobs 2, the same $files files: $cli s, $(echo "$files / $cli" | bc) files/s"
echo "API vs CLI: $(echo "scale=2; $cli / $api" | bc)x the CLI's throughput"
