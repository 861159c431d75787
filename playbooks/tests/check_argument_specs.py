#!/usr/bin/env python3
"""Fail when a role's defaults/main.yml and meta/argument_specs.yml drift apart.

For every role under roles/ (private roles starting with "_" are skipped) it checks that:
  * both files declare exactly the same variables,
  * each default value equals the `default:` of its argument spec (same YAML value and type),
  * each option has a type and a description, and a default lies within its `choices`.

Usage: python3 tests/check_argument_specs.py [collection root, default: the parent of tests/]
Exit status 0 when consistent, 1 otherwise. Needs only PyYAML (a dependency of ansible-core).
"""

import pathlib
import sys

import yaml


def check_role(role: pathlib.Path) -> list:
    problems = []
    defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text()) or {}
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"].get("options", {})

    for name in sorted(set(defaults) - set(options)):
        problems.append(f"{role.name}: {name} is in defaults/main.yml but not in meta/argument_specs.yml")
    for name in sorted(set(options) - set(defaults)):
        problems.append(f"{role.name}: {name} is in meta/argument_specs.yml but not in defaults/main.yml")

    for name, spec in sorted(options.items()):
        if "type" not in spec:
            problems.append(f"{role.name}: {name} has no type")
        if not spec.get("description"):
            problems.append(f"{role.name}: {name} has no description")
        if name not in defaults:
            continue
        if "default" not in spec:
            problems.append(f"{role.name}: {name} has a default in defaults/main.yml but none in argument_specs")
            continue
        expected, declared = defaults[name], spec["default"]
        if expected != declared or type(expected) is not type(declared):
            problems.append(f"{role.name}: {name} defaults to {expected!r} but argument_specs says {declared!r}")
        choices = spec.get("choices")
        if choices and "{{" not in str(declared) and declared not in choices:
            problems.append(f"{role.name}: {name} default {declared!r} is not one of {choices}")
    return problems


def main() -> int:
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent
    roles = sorted(p for p in (root / "roles").iterdir() if p.is_dir() and not p.name.startswith("_"))
    problems = [problem for role in roles for problem in check_role(role)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"argument_specs match defaults for {len(roles)} role(s): {', '.join(r.name for r in roles)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
