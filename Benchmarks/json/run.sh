#!/usr/bin/env bash
# JSON parse + card model against Foundation's JSONSerialization (issue 2). Release build; prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${CARDKIT_SHARED:-$(cd ../.. && pwd)/shared}"
swift build -c release --product json-bench >&2
"$(swift build -c release --show-bin-path)/json-bench" "$shared/cards"
