#!/usr/bin/env python3
"""Validate every catalog YAML file against its JSON Schema, and check that
each tag in images.yaml is pinned to a build and that each file's name
is its id. Needs python3 with PyYAML and jsonschema."""
import json, sys
from pathlib import Path
import yaml
from jsonschema import Draft202012Validator

root = Path(__file__).resolve().parent.parent / "src/main/resources/prositronic/catalog"
schemas = {k: Draft202012Validator(json.loads((root / f"schema/{k}.schema.json").read_text()))
           for k in ("model", "hardware", "images")}
bad = 0
checked = 0

def check(kind, path):
    global bad, checked
    doc = yaml.safe_load(path.read_text())
    errs = sorted(schemas[kind].iter_errors(doc), key=lambda e: list(e.path))
    if kind in ("model", "hardware") and doc.get("id") != path.stem:
        errs.append(f"id {doc.get('id')!r} differs from the file name")
    if kind == "images":
        for name, b in doc["backends"].items():
            import re
            if not re.search(r"-b[0-9]+$", b["tag"]):
                errs.append(f"backend {name}: tag {b['tag']} is not pinned to a build")
    if kind == "model":
        a = doc["architecture"]
        if a["attention"]["layerPattern"].count("recurrent") and "ssm" not in a:
            errs.append("recurrent layers without an ssm section")
        if doc["parameters"]["active"] > doc["parameters"]["total"]:
            errs.append("active > total")
        seen = set()
        for q in doc["quantizations"]:
            if q["quant"] in seen:
                errs.append(f"duplicate quant {q['quant']}")
            seen.add(q["quant"])
    checked += 1
    for e in errs:
        bad += 1
        print(f"{path.relative_to(root)}: {getattr(e, 'message', e)}")

for p in sorted((root / "models").glob("*.yaml")):
    check("model", p)
for p in sorted((root / "hardware").glob("*.yaml")):
    check("hardware", p)
check("images", root / "images.yaml")
print(f"{checked} files checked, {bad} problems")
sys.exit(1 if bad else 0)
