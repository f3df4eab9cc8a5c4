"""Loads CardKit's card schemas (the repository's schemas/ folder) for Python's validators."""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMAS = os.path.join(ROOT, "schemas")
STRICT_V2 = "https://cardkit.dev/schemas/strict/card-v2.json"
STRICT_V3 = "https://cardkit.dev/schemas/strict/card-v3.json"


def documents():
    """Every schema document under schemas/, keyed by its $id."""
    found = {}
    for directory, _, names in os.walk(SCHEMAS):
        for name in sorted(names):
            if name.endswith(".json"):
                with open(os.path.join(directory, name), encoding="utf-8") as handle:
                    document = json.load(handle)
                found[document["$id"]] = document
    return found
