"""Python jsonschema on the same schema, card and required suite as the Swift benchmark.

Usage: python bench.py DIR SUITE_ROOT   (DIR holds schema.json and card.json from `JSONSchemaBenchmark generate`)
Prints key=value lines.
"""
import importlib.metadata
import json
import os
import sys
import time

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012


def measure(seconds, body, rounds=5):
    rates = []
    for _ in range(rounds):
        iterations = 0
        start = time.perf_counter()
        while True:
            body()
            iterations += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        rates.append(iterations / elapsed)
    return sorted(rates)[len(rates) // 2]


def load_suite(root):
    files = []
    for draft in ("draft2020-12", "draft7"):
        folder = os.path.join(root, "tests", draft)
        for name in sorted(os.listdir(folder)):
            if name.endswith(".json"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    files.append((draft, name, json.load(handle)))
    remotes = {}
    remote_root = os.path.join(root, "remotes")
    for directory, _, names in os.walk(remote_root):
        for name in names:
            if name.endswith(".json"):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8") as handle:
                    remotes["http://localhost:1234/" + os.path.relpath(path, remote_root)] = json.load(handle)
    return files, remotes


def run_suite(files, registries):
    passed = failed = 0
    for draft, _, groups in files:
        default = jsonschema.Draft7Validator if draft == "draft7" else jsonschema.Draft202012Validator
        for group in groups:
            schema = group["schema"]
            cls = jsonschema.validators.validator_for(schema, default=default)
            try:
                validator = cls(schema, registry=registries[draft])
                for test in group["tests"]:
                    if validator.is_valid(test["data"]) == test["valid"]:
                        passed += 1
                    else:
                        failed += 1
            except Exception:
                failed += len(group["tests"])
    return passed, failed


def main():
    directory, suite_root = sys.argv[1], sys.argv[2]
    with open(os.path.join(directory, "schema.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    with open(os.path.join(directory, "card.json"), encoding="utf-8") as handle:
        card = json.load(handle)
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(card)
    print(f"python_jsonschema_version={importlib.metadata.version('jsonschema')}")
    print(f"python_validations_per_sec={measure(1.0, lambda: validator.is_valid(card))}")
    if os.path.isdir(suite_root):
        files, remotes = load_suite(suite_root)
        registries = {
            "draft2020-12": Registry().with_resources(
                (uri, Resource.from_contents(doc, default_specification=DRAFT202012)) for uri, doc in remotes.items()
            ),
            "draft7": Registry().with_resources(
                (uri, Resource.from_contents(doc, default_specification=DRAFT7)) for uri, doc in remotes.items()
            ),
        }
        # Same statistic as the Swift side: passes repeated for at least a second per round, median of 5 rounds.
        counts = run_suite(files, registries)
        rate = measure(1.0, lambda: run_suite(files, registries))
        print(f"python_suite_seconds={1 / rate}")
        print(f"python_suite_counts={counts[0]}/{counts[0] + counts[1]}")


if __name__ == "__main__":
    main()
