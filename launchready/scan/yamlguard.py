"""YAML files detect-secrets must not parse: an alias bomb makes its YAML transformer expand without
bound, and thousands of nesting levels overflow PyYAML's recursion. Each YAML file (and history version)
is first read with the bounded reader of the stack files (launchready.stackyaml); one it refuses is scanned
line by line instead, in memory, and the scan says which files were read that way and why."""

from __future__ import annotations

import functools

from detect_secrets.util.filetype import FileType, determine_file_type

from launchready.stackyaml import YamlRefused, load


def is_yaml(path: str) -> bool:
    return determine_file_type(path) == FileType.YAML


def refusal(path: str, text: str) -> str | None:
    """Why `text` (a YAML file's) must not be parsed as YAML, or None when it is safe to."""
    return _refusal(text) if is_yaml(path) else None


@functools.lru_cache(maxsize=256)
def _refusal(text: str) -> str | None:
    """(The bounded reader is pure Python: each text is read once, however many checks ask.)"""
    try:
        load(text.encode("utf-8"))
    except YamlRefused as exc:
        first = exc.problems[0] if exc.problems else None
        return f"line {first.line}: {first.message}" if first else str(exc)
    except (RecursionError, MemoryError):  # pragma: no cover - the reader bounds both; belt and braces
        return "too deeply nested to parse"
    return None
