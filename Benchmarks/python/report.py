"""Renders the benchmark table (Markdown) from the key=value files that run-all.sh collects.

Usage: python report.py RESULTS_DIR

RESULTS_DIR holds one folder per scale (1000, 10000, ...) with *.txt outputs of cardkit-suite, peers.py and
startup.py. Every ratio is computed from figures of the same run. Standard library only.
"""
import os
import platform
import re
import subprocess
import sys


def load(folder):
    values = {}
    if not os.path.isdir(folder):
        return values
    for name in sorted(os.listdir(folder)):
        if name.endswith(".txt"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                for line in handle:
                    if "=" in line:
                        key, value = line.strip().split("=", 1)
                        values[key] = value
    return values


def machine():
    cpu = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "?"
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1048576:.1f} GiB"
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True, check=False)
        swift_version = (swift.stdout + swift.stderr).strip().splitlines()[0]
    except OSError:
        swift_version = "?"
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores (nproc), shared with other jobs"),
        ("Memory", memory),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Swift", swift_version),
        ("Python", platform.python_version()),
    ]


class Row:
    def __init__(self, values, key):
        self.key = key
        self.ok = f"{key}.median_s" in values
        if not self.ok:
            return
        self.median = float(values[f"{key}.median_s"])
        self.low = float(values[f"{key}.min_s"])
        self.high = float(values[f"{key}.max_s"])
        self.rounds = int(values[f"{key}.rounds"])
        self.items = int(values[f"{key}.items"])
        self.succeeded = int(values[f"{key}.ok"])
        self.bytes = int(values[f"{key}.bytes"])
        self.peak = int(values[f"{key}.peak_kib"])

    def time(self):
        spread = (self.high - self.low) / self.median * 100 if self.median else 0
        return f"{fmt_seconds(self.median)} ±{spread / 2:.0f}%"

    def per_item(self):
        return self.median / max(1, self.items)


def fmt_seconds(value):
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def mib(kib):
    return f"{kib / 1024:.0f} MiB" if kib >= 0 else "?"


def ratio(ours, theirs):
    """How many times faster CardKit is (theirs / ours); below 1 means slower."""
    factor = theirs.median / ours.median
    if factor >= 1:
        return f"**{factor:.1f}× faster**" if factor >= 1.1 else f"{factor:.2f}× (par)"
    return f"**{1 / factor:.1f}× slower**"


# (task, CardKit row, comparison row, comparison label, what a "card" means)
COMPARISONS = [
    ("PNG card read", "cardkit_read", "raw_read", "read the files' bytes (Swift `Data(contentsOf:)`), the limit"),
    ("PNG card read", "cardkit_read", "python_raw_read", "read the files' bytes (Python `open().read()`)"),
    ("PNG card read, chara/ccv3 check off", "cardkit_read_nocompare", "raw_read", "read the files' bytes (Swift)"),
    ("PNG card read + card model", "cardkit_read_model", "tavern_card_read", "tavern-card `parse_png_card`"),
    ("PNG card read + card model", "cardkit_read_model", "pillow_text_read",
     "Pillow `Image.open().text` + base64 + `json.loads`"),
    ("JSON Schema validation (strict card schema)", "cardkit_validate", "jsonschema_validate",
     "Python `jsonschema` (`is_valid`)"),
    ("JSON Schema validation (strict card schema)", "cardkit_validate", "jsonschema_rs_validate",
     "`jsonschema-rs` (`is_valid`)"),
    ("Convert to all 4 platforms (+ loss reports)", "cardkit_convert_all", "json_roundtrip",
     "parse + write the same JSON (CardKit's JSON layer, no card logic)"),
    ("Convert to Spicychat", "cardkit_convert_spicychat", "json_roundtrip", "JSON parse + write"),
    ("Convert to Chattr", "cardkit_convert_chattr", "json_roundtrip", "JSON parse + write"),
    ("Convert to NextChat", "cardkit_convert_nextchat", "json_roundtrip", "JSON parse + write"),
    ("Convert to Character.AI", "cardkit_convert_characterai", "json_roundtrip", "JSON parse + write"),
    ("Embed (card JSON → PNG, old chunks replaced)", "cardkit_embed", "copy_bytes", "one copy of the PNG's bytes"),
    ("Embed, chunk splice only (JSON made beforehand)", "cardkit_embed_splice", "copy_bytes",
     "one copy of the PNG's bytes"),
    ("Embed (card JSON → PNG, old chunks replaced)", "cardkit_embed", "tavern_card_embed",
     "tavern-card `write_png_card` (appends, keeps stale chunks)"),
    ("CharX pack", "cardkit_charx_pack", "zipfile_charx_pack", "Python `zipfile`, same two files, no card logic"),
    ("CharX unpack", "cardkit_charx_unpack", "zipfile_charx_unpack", "Python `zipfile` + `json.loads`"),
    ("Start-up (`cardkit --version`)", "startup_cardkit", "startup_tavern_card", "`tavern-card --version`"),
    ("Start-up (`cardkit --version`)", "startup_cardkit", "startup_true", "`/bin/true` (process spawn floor)"),
]

GROWTH_ROWS = [
    ("raw byte read (limit)", "raw_read"),
    ("PNG card read", "cardkit_read"),
    ("PNG card read, chara/ccv3 check off", "cardkit_read_nocompare"),
    ("PNG card read + card model", "cardkit_read_model"),
    ("validation", "cardkit_validate"),
    ("validation, basic output", "cardkit_validate_basic"),
    ("JSON parse + write (floor)", "json_roundtrip"),
    ("convert to all 4 platforms", "cardkit_convert_all"),
    ("embed", "cardkit_embed"),
    ("embed, chunk splice only", "cardkit_embed_splice"),
    ("CharX pack", "cardkit_charx_pack"),
    ("CharX unpack", "cardkit_charx_unpack"),
]


def corpus_line(folder, values):
    manifest = os.path.join(folder, "manifest.tsv")
    if not os.path.exists(manifest):
        return ""
    with open(manifest, encoding="utf-8") as handle:
        lines = [line.rstrip("\n").split("\t") for line in handle][1:]
    size = sum(int(line[1]) for line in lines)
    large = sum(1 for line in lines if line[6] == "4096")
    books = [int(line[3]) for line in lines]
    kinds = {}
    for line in lines:
        kinds[line[4]] = kinds.get(line[4], 0) + 1
    before = sum(1 for line in lines if line[5] == "before-IDAT")
    return (f"{len(lines):,} cards, {size / 1e9:.2f} GB of PNG ({large} at 4096×4096), "
            f"V2/V3 {sum(1 for line in lines if line[2] == 'v2')}/{sum(1 for line in lines if line[2] == 'v3')}, "
            f"lorebooks of 0–{max(books):,} entries ({sum(1 for b in books if b == 5000)} with 5,000), chunks "
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
            + f", {before} with the card before IDAT")


def main():
    results = sys.argv[1]
    scales = sorted((int(name) for name in os.listdir(results) if name.isdigit()))
    data = {scale: load(os.path.join(results, str(scale))) for scale in scales}
    out = []
    out.append("### Machine\n")
    for label, value in machine():
        out.append(f"- **{label}:** {value}")
    versions = {k.split(".", 1)[1]: v for scale in scales for k, v in data[scale].items() if k.startswith("version.")}
    if versions:
        out.append("- **Peers (PyPI):** " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    out.append("")
    for scale in scales:
        line = corpus_line(os.path.join(results, str(scale), "corpus"), data[scale])
        if line:
            out.append(f"- **Corpus at {scale:,}:** {line}")
    out.append("")
    for scale in scales:
        values = data[scale]
        rows = [(task, Row(values, a), Row(values, b), label) for task, a, b, label in COMPARISONS]
        rows = [r for r in rows if r[1].ok and r[2].ok]
        if not rows:
            continue
        out.append(f"### Ratios at {scale:,} cards (one pass over the corpus; median of N passes ±half the min–max spread)\n")
        out.append("| Task | CardKit | Compared with | Their time | CardKit vs them | CardKit ok | Their ok | CardKit peak RSS | Their peak RSS |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        for task, ours, theirs, label in rows:
            out.append(
                f"| {task} | {ours.time()} (N={ours.rounds}) | {label} | {theirs.time()} (N={theirs.rounds}) | "
                f"{ratio(ours, theirs)} | {ours.succeeded}/{ours.items} | {theirs.succeeded}/{theirs.items} | "
                f"{mib(ours.peak)} | {mib(theirs.peak)} |")
        out.append("")
    if len(scales) >= 2:
        small, large = scales[0], scales[-1]
        out.append(f"### Growth from {small:,} to {large:,} inputs (CardKit)\n")
        out.append(f"| Row | per card at {small:,} | per card at {large:,} | time ×{large // small} inputs | "
                   f"peak RSS at {small:,} | peak RSS at {large:,} |")
        out.append("|---|---|---|---|---|---|")
        for label, key in GROWTH_ROWS:
            a, b = Row(data[small], key), Row(data[large], key)
            if not (a.ok and b.ok):
                continue
            out.append(f"| {label} | {fmt_seconds(a.per_item())} | {fmt_seconds(b.per_item())} | "
                       f"×{b.median / a.median:.1f} | {mib(a.peak)} | {mib(b.peak)} |")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
