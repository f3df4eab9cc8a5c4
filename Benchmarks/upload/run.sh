#!/usr/bin/env bash
# Upload benchmark: uploads per second against the loopback fake (no injected latency) at concurrency 1, 8 and 32,
# and peak memory (RSS) of `cardkit upload` for 1,000 against 10,000 inputs.
#
#   Benchmarks/upload/run.sh            # release build (first build compiles SwiftNIO: several minutes)
#   CONFIG=debug Benchmarks/upload/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
CONFIG="${CONFIG:-release}"
SCRATCH="${SCRATCH:-.build-upload-bench}"
SMALL="${SMALL:-1000}"
LARGE="${LARGE:-10000}"

swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product cardkit >&2
swift build -c "$CONFIG" --scratch-path "$SCRATCH" --product fake-providers >&2
BIN="$(swift build -c "$CONFIG" --scratch-path "$SCRATCH" --show-bin-path)"

WORK="$(mktemp -d)"
FAKE_PID=""
cleanup() { [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

python3 - "$WORK" "$LARGE" <<'PY'
import json, os, sys
root, count = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{root}/cards", exist_ok=True)
for i in range(count):
    name = f"Bench {i:05d}"
    card = {"spec": "chara_card_v2", "spec_version": "2.0", "data": {
        "name": name, "description": f"{name} is a benchmark character. " * 20, "personality": "steady",
        "scenario": "A benchmark", "first_mes": "Hello!", "mes_example": "<START>\n{{char}}: Hi", "creator_notes": "",
        "system_prompt": "", "post_history_instructions": "", "alternate_greetings": ["Hey"], "tags": ["bench", "test"],
        "creator": "bench", "character_version": "1", "extensions": {}}}
    with open(f"{root}/cards/{i:05d}.json", "w") as f:
        json.dump(card, f, ensure_ascii=False)
PY
mkdir -p "$WORK/small"
for f in $(ls "$WORK/cards" | head -n "$SMALL"); do ln -s "$WORK/cards/$f" "$WORK/small/$f"; done

"$BIN/fake-providers" --port-file "$WORK/port" > "$WORK/fake.log" 2>&1 &
FAKE_PID=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
BASE="http://127.0.0.1:$(cat "$WORK/port")"
export CARDKIT_NEXTCHAT_TOKEN=fake-nextchat-token

# Runs one upload; prints "seconds peak_rss_kib exit_code".
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
elapsed = time.monotonic() - start
print(f"{elapsed:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {code}")
PY
}

run_upload() {  # $1 input dir, $2 concurrency
    curl -s -X POST "$BASE/__debug/reset" > /dev/null
    rm -f "$WORK/state.jsonl"
    measure "$BIN/cardkit" upload characters "$1" --provider nextchat --base-url "$BASE" \
        --concurrency "$2" --state "$WORK/state.jsonl"
}

echo "CardKit upload benchmark ($CONFIG build, $(nproc) cores, fake NextChat on loopback, no injected latency)"
echo
printf "%-12s %-8s %-10s %-12s %s\n" "concurrency" "inputs" "seconds" "uploads/s" "peak RSS MiB"
for c in 1 8 32; do
    read -r secs rss code < <(run_upload "$WORK/small" "$c")
    [ "$code" = 0 ] || { echo "upload failed (exit $code)" >&2; exit 1; }
    printf "%-12s %-8s %-10s %-12.1f %.1f\n" "$c" "$SMALL" "$secs" "$(awk "BEGIN{print $SMALL / $secs}")" "$(awk "BEGIN{print $rss / 1024}")"
done
echo
printf "%-8s %-10s %s\n" "inputs" "seconds" "peak RSS MiB (concurrency 8)"
for n in "$SMALL" "$LARGE"; do
    dir="$WORK/small"; [ "$n" = "$LARGE" ] && dir="$WORK/cards"
    read -r secs rss code < <(run_upload "$dir" 8)
    [ "$code" = 0 ] || { echo "upload failed (exit $code)" >&2; exit 1; }
    printf "%-8s %-10s %.1f\n" "$n" "$secs" "$(awk "BEGIN{print $rss / 1024}")"
done
