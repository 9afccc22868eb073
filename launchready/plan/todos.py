"""What `launchready init` left to supply: its `# TODO(init): ...` comments in a stack file, one note each
(file, line, the key on that line and what to put there; never the value), for the plan and the handover."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from launchready.stackfile import StackFile

#: the marker `launchready init` writes (launchready.init.stackgen.TODO) at the end of a line it left to fill
MARKER = "TODO(init)"
_TODO_RE = re.compile(r"^#\s*TODO\(init\):?\s*(?P<what>.*)$")
_KEY_RE = re.compile(r"^\s*(?:-\s+)?(?!-\s)(?P<key>\"[^\"]*\"|'[^']*'|[^\s#{}\[\]'\"][^#]*?):(?=\s|$)")


def _comment_start(line: str) -> int:
    """Where the line's YAML comment starts (a `#` outside quotes, at the start or after a blank), or -1."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
    return -1


def init_todos(path: Path, skip_keys: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """One line per TODO(init) comment of the file, e.g. `Pulumi.prod.yaml:12 zoneId: the zone id ...`;
    keys in `skip_keys` (placeholder secrets, noted on their own) are left out."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    notes: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        at = _comment_start(line) if MARKER in line else -1
        todo = _TODO_RE.match(line[at:]) if at >= 0 else None
        if todo is None:
            continue
        what = todo["what"].strip() or "supply this value"
        keyed = _KEY_RE.match(line[:at])
        key = keyed["key"].strip().strip("\"'") if keyed else ""
        if key in skip_keys and key:
            continue
        notes.append(f"{path.name}:{number} {key + ': ' if key else ''}{what}")
    return notes


def stack_todos(stack_file: StackFile) -> list[str]:
    """What the stack still needs from a person: each placeholder secret with its `pulumi config set` command,
    then each TODO(init) comment `launchready init` left (the plan's notes and the handover's to-do list)."""
    from launchready.stackfile import placeholder_keys, placeholder_notes

    return [*placeholder_notes(stack_file), *init_todos(stack_file.path, set(placeholder_keys(stack_file)))]
