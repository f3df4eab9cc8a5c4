#!/bin/sh
# JSON Schema validation benchmark: CardKit's JSONSchema against Python's jsonschema, same schema, same
# instances, same run.
#   Benchmarks/jsonschema/run.sh                          # 2,000-entry lorebook card
#   JSONSCHEMA_BENCH_ENTRIES=5000 Benchmarks/jsonschema/run.sh
# Python's jsonschema is installed from PyPI into Benchmarks/.venv on first use.
# Every figure is a rate over windows of at least a second (median of five), taken the same way on both sides;
# the load average printed at the end says how busy the machine was (the ratios are what to compare).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
benchmarks=$(cd "$here/.." && pwd)
scratch="${JSONSCHEMA_BENCH_SCRATCH:-$benchmarks/.build}"
shared="${CARDKIT_SHARED:-$(cd "$benchmarks/../.." && pwd)/shared}"
suite="$shared/data/json-schema-test-suite"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

venv="$benchmarks/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c "import jsonschema" 2>/dev/null; then
    "$venv/bin/pip" install --quiet jsonschema >&2
fi

(cd "$benchmarks" && CARDKIT_SKIP_UPLOAD=1 swift build -c release --scratch-path "$scratch" --product JSONSchemaBenchmark >&2)
bin="$scratch/release/JSONSchemaBenchmark"
CARDKIT_SHARED="$shared" "$bin" generate "$work" >&2
CARDKIT_SHARED="$shared" "$bin" bench "$work" > "$work/swift.txt"
"$venv/bin/python" "$here/bench.py" "$work" "$suite" > "$work/python.txt"

"$venv/bin/python" - "$work/swift.txt" "$work/python.txt" <<'PY'
import sys
values = {}
for path in sys.argv[1:]:
    for line in open(path):
        if "=" in line:
            key, value = line.strip().split("=", 1)
            values[key] = value
f = lambda key: float(values[key])
print(f"JSON Schema validation benchmark ({int(values['card_bytes']) / 1e6:.2f} MB V3 card, Draft 2020-12 schema)")
print(f"  python jsonschema {values.get('python_jsonschema_version', '?')}")
print(f"  {'':34} {'CardKit':>14} {'jsonschema':>14} {'ratio':>9}")
s, p = f("swift_validations_per_sec"), f("python_validations_per_sec")
print(f"  {'card validations/s (flag)':34} {s:14,.1f} {p:14,.1f} {s / p:8.1f}x")
print(f"  {'card validations/s (basic output)':34} {f('swift_basic_validations_per_sec'):14,.1f} {'':>14} {f('swift_basic_validations_per_sec') / p:8.1f}x")
print(f"  {'schema compiles/s':34} {f('swift_compiles_per_sec'):14,.1f}")
if "swift_suite_seconds" in values and "python_suite_seconds" in values:
    s, p = f("swift_suite_seconds"), f("python_suite_seconds")
    print(f"  {'required suite pass (s)':34} {s:14.4f} {p:14.4f} {p / s:8.1f}x")
    print(f"  suite results: CardKit {values['swift_suite_counts']}; jsonschema {values['python_suite_counts']} (passed/total)")
PY
echo "  load average when measured: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
