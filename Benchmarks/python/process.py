"""Whole-process rows: each tool started once over the same N real-size cards, start-up included.

Usage: python process.py CORPUS_DIR COUNT ROUNDS CARDKIT WORK_DIR

Runs one warm-up and ROUNDS timed runs of each command over the first COUNT cards of the corpus (PNG files for
reads and conversions, their JSON for validation and embedding) and prints the key=value lines of cardkit-suite:
process_<row>.median_s / min_s / max_s (seconds per run), .rounds, .items (COUNT), .bytes, .ok (runs that exited
0) and .peak_kib (the child's peak RSS, from wait4). CardKit runs at --jobs 1 and --jobs 2; the peers are `cat`
and, in one Python process each, tavern-card's `parse_png_card` + `json.dumps` (what `tavern-card inspect` does,
without one interpreter per file) and jsonschema-rs validating every file.
"""
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

TAVERN = """
import json, sys, tavern_card
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as handle:
            print(json.dumps(tavern_card.parse_png_card(handle.read()), ensure_ascii=False))
    except Exception as error:
        print(f"{path}: {error}", file=sys.stderr)
"""

JSONSCHEMA_RS = """
import json, sys
sys.path.insert(0, sys.argv[1])
import jsonschema_rs, schemas
documents = schemas.documents()
registry = jsonschema_rs.Registry(list(documents.items()))
validators = {
    "chara_card_v2": jsonschema_rs.validator_for(documents[schemas.STRICT_V2], registry=registry),
    "chara_card_v3": jsonschema_rs.validator_for(documents[schemas.STRICT_V3], registry=registry),
}
for path in sys.argv[2:]:
    with open(path, "rb") as handle:
        instance = json.loads(handle.read())
    print(json.dumps({"path": path, "valid": validators[instance.get("spec")].is_valid(instance)}))
"""


def run(argv, out_dir=None):
    if out_dir:
        shutil.rmtree(out_dir, ignore_errors=True)
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, os.waitstatus_to_exitcode(status) == 0, usage.ru_maxrss


def row(name, argv, rounds, items, size, out_dir=None):
    run(argv, out_dir)
    times, ok, peak = [], 0, 0
    for _ in range(rounds):
        elapsed, success, rss = run(argv, out_dir)
        times.append(elapsed)
        ok += 1 if success else 0
        peak = max(peak, rss)
    times.sort()
    middle = len(times) // 2
    median = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
    key = f"process_{name}"
    print(f"{key}.median_s={median}")
    print(f"{key}.min_s={times[0]}")
    print(f"{key}.max_s={times[-1]}")
    print(f"{key}.rounds={rounds}")
    print(f"{key}.items={items}")
    print(f"{key}.bytes={size}")
    print(f"{key}.ok={ok}")
    print(f"{key}.peak_kib={peak}")
    sys.stdout.flush()


def main():
    corpus, count, rounds, cardkit, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    names = sorted(name[:-4] for name in os.listdir(os.path.join(corpus, "png")) if name.endswith(".png"))[:count]
    pngs = [os.path.join(corpus, "png", name + ".png") for name in names]
    jsons = [os.path.join(corpus, "json", name + ".json") for name in names]
    png_bytes = sum(os.path.getsize(p) for p in pngs)
    json_bytes = sum(os.path.getsize(p) for p in jsons)
    # The image every card is embedded into: a real-size avatar of the corpus (its own card chunks replaced).
    image = pngs[1]
    out = os.path.join(work, "out")
    print(f"process_cards={len(names)}")
    row("cat", ["cat"] + pngs, rounds, len(pngs), png_bytes)
    row("tavern_card_inspect", [sys.executable, "-c", TAVERN] + pngs, rounds, len(pngs), png_bytes)
    row("jsonschema_rs_validate", [sys.executable, "-c", JSONSCHEMA_RS, HERE] + jsons, rounds, len(jsons),
        json_bytes)
    for jobs in ("1", "2"):
        row(f"inspect_j{jobs}", [cardkit, "inspect", "--format", "jsonl", "--jobs", jobs] + pngs, rounds,
            len(pngs), png_bytes)
        row(f"validate_j{jobs}", [cardkit, "validate", "--format", "jsonl", "--jobs", jobs] + jsons, rounds,
            len(jsons), json_bytes)
        row(f"convert_j{jobs}", [cardkit, "convert", "--to", "v3", "--out-dir", out, "--jobs", jobs] + pngs,
            rounds, len(pngs), png_bytes, out)
        row(f"embed_j{jobs}", [cardkit, "embed"] + jsons + [image, "--out-dir", out, "--jobs", jobs], rounds,
            len(jsons), json_bytes, out)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
