"""The Python peers' side of the benchmark table (Benchmarks/run-all.sh), over the same corpus as cardkit-suite.

Usage: python peers.py read|validate|convert|embed|charx CORPUS_DIR [ROUNDS]

Prints the same key=value lines as cardkit-suite: <row>.median_s / min_s / max_s (seconds per pass over the
corpus, after one warm-up pass), <row>.items, <row>.bytes, <row>.ok, <row>.peak_kib (peak RSS while the row ran;
VmHWM is reset through /proc/self/clear_refs before each row). Each peer is used the way its documentation shows.
"""
import base64
import importlib.metadata
import io
import json
import os
import sys
import time
import zipfile

import schemas


def status_kib(key):
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(key):
                return int(line.split()[1])
    return -1


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        pass


def row(name, rounds, body):
    """body() returns (seconds, items, bytes, ok) for one pass over the corpus."""
    reset_peak()
    _, items, size, ok = body()
    times = sorted(body()[0] for _ in range(rounds))
    middle = len(times) // 2
    median = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
    print(f"{name}.median_s={median}")
    print(f"{name}.min_s={times[0]}")
    print(f"{name}.max_s={times[-1]}")
    print(f"{name}.rounds={rounds}")
    print(f"{name}.items={items}")
    print(f"{name}.bytes={size}")
    print(f"{name}.ok={ok}")
    print(f"{name}.peak_kib={status_kib('VmHWM:')}")
    sys.stdout.flush()


def card_from_text(text):
    """Picks ccv3 over chara (keywords matched case-insensitively) and decodes it as a reader must."""
    chosen = None
    for key, value in text.items():
        if key.lower() == "ccv3":
            chosen = value
            break
        if key.lower() == "chara" and chosen is None:
            chosen = value
    if chosen is None:
        raise ValueError("no card chunk")
    return json.loads(base64.b64decode(chosen))


def measure_read(pngs, rounds):
    from PIL import Image
    import tavern_card

    def raw():
        start = time.perf_counter()
        size = 0
        for path in pngs:
            with open(path, "rb") as handle:
                size += len(handle.read())
        return time.perf_counter() - start, len(pngs), size, len(pngs)

    def tavern():
        start = time.perf_counter()
        ok = 0
        for path in pngs:
            try:
                with open(path, "rb") as handle:
                    tavern_card.parse_png_card(handle.read())
                ok += 1
            except Exception:  # noqa: BLE001 - a failure is counted, as a user would see it
                pass
        return time.perf_counter() - start, len(pngs), 0, ok

    def pillow():
        start = time.perf_counter()
        ok = 0
        for path in pngs:
            try:
                with Image.open(path) as image:
                    card_from_text(image.text)  # .text loads the image: chara/ccv3 usually follow IDAT
                ok += 1
            except Exception:  # noqa: BLE001
                pass
        return time.perf_counter() - start, len(pngs), 0, ok

    row("python_raw_read", rounds, raw)
    row("tavern_card_read", rounds, tavern)
    row("pillow_text_read", rounds, pillow)


def measure_validate(jsons, rounds):
    import jsonschema
    import jsonschema_rs
    from referencing import Registry, Resource

    documents = schemas.documents()
    registry = Registry().with_resources(
        [(uri, Resource.from_contents(document)) for uri, document in documents.items()])
    py = {
        "chara_card_v2": jsonschema.Draft202012Validator(documents[schemas.STRICT_V2], registry=registry),
        "chara_card_v3": jsonschema.Draft202012Validator(documents[schemas.STRICT_V3], registry=registry),
    }
    rs_registry = jsonschema_rs.Registry(list(documents.items()))
    rs = {
        "chara_card_v2": jsonschema_rs.validator_for(documents[schemas.STRICT_V2], registry=rs_registry),
        "chara_card_v3": jsonschema_rs.validator_for(documents[schemas.STRICT_V3], registry=rs_registry),
    }

    def make(validators):
        def body():
            elapsed = 0.0
            ok = size = 0
            for path in jsons:
                with open(path, "rb") as handle:
                    data = handle.read()
                instance = json.loads(data)
                validator = validators[instance.get("spec")]
                start = time.perf_counter()
                valid = validator.is_valid(instance)
                elapsed += time.perf_counter() - start
                size += len(data)
                ok += 1 if valid else 0
            return elapsed, len(jsons), size, ok
        return body

    row("jsonschema_validate", rounds, make(py))
    row("jsonschema_rs_validate", rounds, make(rs))


def measure_json(jsons, rounds):
    """The JSON parse alone (files read untimed): orjson.loads, the fastest reader Python has, and json.loads."""
    import orjson

    def make(loads):
        def body():
            elapsed = 0.0
            size = 0
            for path in jsons:
                with open(path, "rb") as handle:
                    data = handle.read()
                start = time.perf_counter()
                loads(data)
                elapsed += time.perf_counter() - start
                size += len(data)
            return elapsed, len(jsons), size, len(jsons)
        return body

    row("orjson_parse", rounds, make(orjson.loads))
    row("python_json_parse", rounds, make(json.loads))


def measure_embed(pngs, jsons, rounds):
    import tavern_card

    def body():
        elapsed = 0.0
        ok = size = 0
        for png_path, json_path in zip(pngs, jsons):
            with open(png_path, "rb") as handle:
                png = handle.read()
            with open(json_path, "rb") as handle:
                text = handle.read()
            start = time.perf_counter()
            try:
                tavern_card.write_png_card(json.loads(text), png)
                ok += 1
            except Exception:  # noqa: BLE001
                pass
            elapsed += time.perf_counter() - start
            size += len(png)
        return elapsed, len(pngs), size, ok

    row("tavern_card_embed", rounds, body)


def measure_charx(pngs, jsons, rounds):
    """No Python package packs CharX; the baseline is the stdlib zipfile writing and reading the same two files
    with the same methods (card.json deflated, the PNG stored), without any card logic."""

    def pack(png, text):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("card.json", text, compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr("assets/icon/images/main.png", png, compress_type=zipfile.ZIP_STORED)
        return buffer.getvalue()

    def packing():
        elapsed = 0.0
        size = 0
        for png_path, json_path in zip(pngs, jsons):
            with open(png_path, "rb") as handle:
                png = handle.read()
            with open(json_path, "rb") as handle:
                text = handle.read()
            start = time.perf_counter()
            data = pack(png, json.dumps(json.loads(text), ensure_ascii=False, indent=2).encode())
            elapsed += time.perf_counter() - start
            size += len(data)
        return elapsed, len(pngs), size, len(pngs)

    def unpacking():
        elapsed = 0.0
        size = 0
        for png_path, json_path in zip(pngs, jsons):
            with open(png_path, "rb") as handle:
                png = handle.read()
            with open(json_path, "rb") as handle:
                data = pack(png, handle.read())
            start = time.perf_counter()
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                json.loads(archive.read("card.json"))
                archive.read("assets/icon/images/main.png")
            elapsed += time.perf_counter() - start
            size += len(data)
        return elapsed, len(pngs), size, len(pngs)

    row("zipfile_charx_pack", rounds, packing)
    row("zipfile_charx_unpack", rounds, unpacking)


def main():
    measurement, corpus = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    names = sorted(name[:-4] for name in os.listdir(os.path.join(corpus, "png")) if name.endswith(".png"))
    pngs = [os.path.join(corpus, "png", name + ".png") for name in names]
    jsons = [os.path.join(corpus, "json", name + ".json") for name in names]
    print(f"measurement={measurement}")
    print(f"cards={len(names)}")
    print(f"baseline_kib={status_kib('VmRSS:')}")
    for package in ("tavern-card", "pillow", "jsonschema", "jsonschema-rs", "orjson"):
        print(f"version.{package}={importlib.metadata.version(package)}")
    if measurement == "read":
        measure_read(pngs, rounds)
    elif measurement == "validate":
        measure_validate(jsons, rounds)
    elif measurement == "convert":
        measure_json(jsons, rounds)
    elif measurement == "embed":
        measure_embed(pngs, jsons, rounds)
    elif measurement == "charx":
        measure_charx(pngs, jsons, rounds)
    else:
        sys.exit(f"unknown measurement {measurement}")


if __name__ == "__main__":
    main()
