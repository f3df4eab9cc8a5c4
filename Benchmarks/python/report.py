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

    def ok_column(self):
        """Items that succeeded, or for a whole-process row (whose .ok counts runs) the runs that exited 0."""
        if self.key.startswith("process_"):
            return f"{self.succeeded}/{self.rounds} runs"
        return f"{self.succeeded}/{self.items}"

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
    ("Lossless JSON parse (card JSON, files read untimed)", "json_parse", "orjson_parse", "`orjson.loads`"),
    ("Lossless JSON parse (card JSON, files read untimed)", "json_parse", "python_json_parse", "Python `json.loads`"),
    ("Start-up (`cardkit --version`, full CLI)", "startup_cardkit", "startup_tavern_card", "`tavern-card --version`"),
    ("Start-up (`cardkit --version`, full CLI)", "startup_cardkit", "startup_true", "`/bin/true` (process spawn floor)"),
    ("Start-up (`cardkit --version`, `--static-swift-stdlib`)", "startup_cardkit_static", "startup_true",
     "`/bin/true` (process spawn floor)"),
    ("Whole process: `inspect --format jsonl` (--jobs 2)", "process_inspect_j2", "process_cat", "`cat` of the same PNGs"),
    ("Whole process: `inspect --format jsonl` (--jobs 2)", "process_inspect_j2", "process_tavern_card_inspect",
     "tavern-card `parse_png_card` + `json.dumps`, one Python process"),
    ("Whole process: `validate --format jsonl` (--jobs 2)", "process_validate_j2", "process_jsonschema_rs_validate",
     "jsonschema-rs over the same JSON, one Python process"),
    ("Whole process: `inspect`, 2 jobs vs 1", "process_inspect_j2", "process_inspect_j1", "`--jobs 1`"),
    ("Whole process: `validate`, 2 jobs vs 1", "process_validate_j2", "process_validate_j1", "`--jobs 1`"),
    ("Whole process: `convert --to v3 --out-dir`, 2 jobs vs 1", "process_convert_j2", "process_convert_j1",
     "`--jobs 1`"),
    ("Whole process: `embed CARD... IMAGE --out-dir`, 2 jobs vs 1", "process_embed_j2", "process_embed_j1",
     "`--jobs 1`"),
]

GROWTH_ROWS = [
    ("raw byte read (limit)", "raw_read"),
    ("PNG card read", "cardkit_read"),
    ("PNG card read, chara/ccv3 check off", "cardkit_read_nocompare"),
    ("PNG card read + card model", "cardkit_read_model"),
    ("validation", "cardkit_validate"),
    ("validation, basic output", "cardkit_validate_basic"),
    ("lossless JSON parse", "json_parse"),
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


def scale_label(scale):
    count = int(scale.split("-")[0])
    return f"{count:,}" + (" (small images)" if scale.endswith("-small") else "")


def throughput(values):
    """MB/s of the JSON rows, uploads per second, binary sizes: figures the ratio table does not show."""
    out = ["### Throughput and sizes (first scale)\n", "| Row | Figure |", "|---|---|"]
    for name, key in [("CardKit lossless JSON parse", "json_parse"), ("orjson.loads", "orjson_parse"),
                      ("Python json.loads", "python_json_parse"), ("CardKit JSON parse + write", "json_roundtrip")]:
        row = Row(values, key)
        if row.ok and row.bytes:
            out.append(f"| {name} | {row.bytes / row.median / 1e6:.0f} MB/s ({row.bytes / 1e6:.1f} MB per pass) |")
    concurrency = values.get("upload_concurrency", "?")
    for key in ("upload_small", "upload_large"):
        row = Row(values, key)
        if row.ok:
            out.append(f"| `cardkit upload` (full CLI), {row.items:,} inputs, concurrency {concurrency}, fake NextChat "
                       f"without latency | {row.items / row.median:,.0f} uploads/s ({fmt_seconds(row.median)}, "
                       f"N={row.rounds}, {row.succeeded}/{row.items} ok), peak RSS {mib(row.peak)} |")
    for key, name in (("cardkit", "full CLI (upload included)"), ("cardkit_static", "`--static-swift-stdlib`")):
        if f"binary_bytes.{key}" in values:
            out.append(f"| `cardkit` binary, {name} | {int(values[f'binary_bytes.{key}']) / 1048576:.1f} MiB |")
    for key in ("startup_cardkit", "startup_cardkit_static", "startup_true"):
        row = Row(values, key)
        if row.ok:
            out.append(f"| start-up peak RSS, `{key[8:]}` | {mib(row.peak)} |")
    if "commit" in values:
        out.append(f"| commit measured | `{values['commit']}` |")
    out.append("")
    return out


def targets(data, scales):
    """Issue 16's targets, each met or not, with the ratio it is judged on (all figures from this run)."""
    if not scales:
        return []
    first = data[scales[0]]

    def time(key):
        row = Row(first, key)
        return row.median if row.ok else None

    def faster(ours, theirs):  # how many times their time ours is (above 1: we are faster)
        a, b = time(ours), time(theirs)
        return None if a is None or b is None else b / a

    def slower(ours, limit):  # how many times the limit's time ours takes
        a, b = time(ours), time(limit)
        return None if a is None or b is None else a / b

    rows = []

    def target(text, value, goal, at_least, unit="×"):
        if value is None:
            rows.append(f"| {text} | not measured | {'≥' if at_least else '≤'} {goal}{unit} | — |")
            return
        met = value >= goal if at_least else value <= goal
        rows.append(f"| {text} | {value:.2f}{unit} | {'≥' if at_least else '≤'} {goal}{unit} | "
                    f"{'**met**' if met else '**not met**'} |")

    target("PNG card read, time vs the byte read (agreement check on)", slower("cardkit_read", "raw_read"), 1.5, False)
    target("Read + card model, throughput vs tavern-card", faster("cardkit_read_model", "tavern_card_read"), 1.5, True)
    target("Whole process, 300 cards: `inspect` throughput vs `cat`", faster("process_inspect_j2", "process_cat"),
           0.8, True)
    target("Whole process, 300 cards: `inspect` throughput vs tavern-card",
           faster("process_inspect_j2", "process_tavern_card_inspect"), 1.5, True)
    target("Lossless JSON parse, MB/s vs orjson.loads", faster("json_parse", "orjson_parse"), 1.0, True)
    target("Validation in process vs jsonschema-rs", faster("cardkit_validate", "jsonschema_rs_validate"), 1.0, True)
    target("Validation, whole process vs jsonschema-rs",
           faster("process_validate_j2", "process_jsonschema_rs_validate"), 1.5, True)
    target("Validation vs Python jsonschema", faster("cardkit_validate", "jsonschema_validate"), 30, True)
    target("Embed throughput vs tavern-card `write_png_card`", faster("cardkit_embed", "tavern_card_embed"), 1.5, True)
    target("Embed splice, time vs one copy", slower("cardkit_embed_splice", "copy_bytes"), 2, False)
    target("Convert to all four platforms, time vs JSON parse + write", slower("cardkit_convert_all", "json_roundtrip"),
           2, False)
    target("CharX pack vs zipfile", faster("cardkit_charx_pack", "zipfile_charx_pack"), 1.0, True)
    target("CharX unpack vs zipfile", faster("cardkit_charx_unpack", "zipfile_charx_unpack"), 1.0, True)
    target("Start-up of the full CLI, time vs /bin/true", slower("startup_cardkit", "startup_true"), 3, False)
    startup = Row(first, "startup_cardkit")
    target("Start-up of the full CLI, peak RSS", startup.peak / 1024 if startup.ok else None, 12, False, " MiB")
    static = Row(first, "startup_cardkit_static")
    if static.ok:
        target("Start-up, `--static-swift-stdlib` build, time vs /bin/true",
               slower("startup_cardkit_static", "startup_true"), 3, False)
        target("Start-up, `--static-swift-stdlib` build, peak RSS", static.peak / 1024, 12, False, " MiB")
    upload_small, upload_large = Row(first, "upload_small"), Row(first, "upload_large")
    target(f"Upload, uploads/s at concurrency {first.get('upload_concurrency', '?')} (release, zero-latency fake)",
           upload_small.items / upload_small.median if upload_small.ok else None, 2000, True, "/s")
    large_count = f"{upload_large.items:,}" if upload_large.ok else "?"
    small_count = f"{upload_small.items:,}" if upload_small.ok else "?"
    target(f"Upload peak RSS, {large_count} vs {small_count} inputs",
           upload_large.peak / upload_small.peak if upload_small.ok and upload_large.ok else None, 1.2, False)
    for command in ("inspect", "validate", "convert", "embed"):
        target(f"Every core: whole-process `{command}`, 2 jobs vs 1",
               faster(f"process_{command}_j2", f"process_{command}_j1"), 1.7, True)
    small = [scale for scale in scales if scale.endswith("-small")]
    if len(small) >= 2:
        a, b = data[small[0]], data[small[-1]]
        worst_time, worst_peak = None, None
        for name, key in GROWTH_ROWS:
            x, y = Row(a, key), Row(b, key)
            # The byte read is the limit, not CardKit: its growth is the harness's (its list of paths, the cache).
            if x.ok and y.ok and key != "raw_read":
                t, m = y.per_item() / x.per_item(), y.peak / x.peak
                worst_time = (t, name) if worst_time is None or t > worst_time[0] else worst_time
                worst_peak = (m, name) if worst_peak is None or m > worst_peak[0] else worst_peak
        if worst_time:
            target(f"Growth {scale_label(small[0])} → {scale_label(small[-1])}: time per card, worst row ({worst_time[1]})",
                   worst_time[0], 1.2, False)
            target(f"Growth {scale_label(small[0])} → {scale_label(small[-1])}: peak RSS, worst row ({worst_peak[1]})",
                   worst_peak[0], 1.2, False)
    return ["### Issue 16 targets (figures of this run)\n", "| Target | Measured | Goal | |", "|---|---|---|---|"] \
        + rows + [""]


def main():
    results = sys.argv[1]
    # Folders: "1000" (real-size images) and "100000-small" (small images), real-size scales first.
    folders = [name for name in os.listdir(results) if re.fullmatch(r"\d+(-small)?", name)]
    scales = sorted(folders, key=lambda name: (name.endswith("-small"), int(name.split("-")[0])))
    data = {scale: load(os.path.join(results, scale)) for scale in scales}
    out = []
    out.append("### Machine\n")
    for label, value in machine():
        out.append(f"- **{label}:** {value}")
    versions = {k.split(".", 1)[1]: v for scale in scales for k, v in data[scale].items() if k.startswith("version.")}
    if versions:
        out.append("- **Peers (PyPI):** " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    out.append("")
    for scale in scales:
        line = corpus_line(os.path.join(results, scale, "corpus"), data[scale])
        if line:
            out.append(f"- **Corpus at {scale_label(scale)}:** {line}")
    out.append("")
    for scale in scales:
        values = data[scale]
        rows = [(task, Row(values, a), Row(values, b), label) for task, a, b, label in COMPARISONS]
        rows = [r for r in rows if r[1].ok and r[2].ok]
        if not rows:
            continue
        out.append(f"### Ratios at {scale_label(scale)} cards (one pass over the corpus, or one process run for the "
                   "whole-process and start-up rows; median of N ±half the min–max spread)\n")
        out.append("| Task | CardKit | Compared with | Their time | CardKit vs them | CardKit ok | Their ok | CardKit peak RSS | Their peak RSS |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        for task, ours, theirs, label in rows:
            out.append(
                f"| {task} | {ours.time()} (N={ours.rounds}) | {label} | {theirs.time()} (N={theirs.rounds}) | "
                f"{ratio(ours, theirs)} | {ours.ok_column()} | {theirs.ok_column()} | "
                f"{mib(ours.peak)} | {mib(theirs.peak)} |")
        out.append("")
    for kind in ("", "-small"):
        same = [scale for scale in scales if scale.endswith(kind) and (kind or not scale.endswith("-small"))]
        if len(same) < 2:
            continue
        small, large = same[0], same[-1]
        a_count, b_count = int(small.split("-")[0]), int(large.split("-")[0])
        out.append(f"### Growth from {scale_label(small)} to {scale_label(large)} inputs (CardKit)\n")
        out.append(f"| Row | per card at {scale_label(small)} | per card at {scale_label(large)} | per card, large vs small | "
                   f"time ×{b_count // a_count} inputs | peak RSS at {scale_label(small)} | peak RSS at {scale_label(large)} | "
                   "peak RSS, large vs small |")
        out.append("|---|---|---|---|---|---|---|---|")
        for name, key in GROWTH_ROWS:
            a, b = Row(data[small], key), Row(data[large], key)
            if not (a.ok and b.ok):
                continue
            out.append(f"| {name} | {fmt_seconds(a.per_item())} | {fmt_seconds(b.per_item())} | "
                       f"×{b.per_item() / a.per_item():.2f} | ×{b.median / a.median:.1f} | {mib(a.peak)} | "
                       f"{mib(b.peak)} | ×{b.peak / a.peak:.2f} |")
        out.append("")
    out.extend(throughput(data[scales[0]]) if scales else [])
    out.extend(targets(data, scales))
    print("\n".join(out))


if __name__ == "__main__":
    main()
