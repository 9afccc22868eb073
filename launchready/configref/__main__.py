"""`python -m launchready.configref [--check] [--root DIR]`: write docs/config.md and the stack-file JSON Schema
from the config models; with --check, exit 1 (and say which) when the committed files differ."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from launchready import PROJECT_ROOT
from launchready.configref.reference import DOC_PATH, build_markdown
from launchready.configref.schema import SCHEMA_PATH, build_schema


def generated() -> dict[str, str]:
    return {DOC_PATH: build_markdown(), SCHEMA_PATH: json.dumps(build_schema(), indent=2) + "\n"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m launchready.configref", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only compare with the files on disk")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="the checkout (default: this one)")
    args = parser.parse_args(argv)
    stale = []
    for rel, text in generated().items():
        path = args.root / rel
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)}; run python -m launchready.configref", file=sys.stderr)
        return 1
    print(f"{'wrote' if stale else 'up to date:'} {', '.join(stale) or ', '.join(generated())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
