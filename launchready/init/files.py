"""Writing what `launchready init` generates: checked first, then written, so nothing is half-applied."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from launchready import PROJECT_ROOT
from launchready.adopt.stackedit import load

#: What the Pulumi program needs next to its stack files; copied from this checkout into a new directory.
PROGRAM_FILES = ("__main__.py", "requirements.txt", "components", "policies", "schema")
_SKIP = ("__pycache__", "venv", ".venv", ".pytest_cache", ".ruff_cache", ".mypy_cache")
_DEFAULT_RUNTIME: dict[str, Any] = {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}


class InitFileError(Exception):
    """Files exist and --force was not given, or a file cannot be written."""


def _load(path: Path | None) -> Any:
    if path is None or not path.is_file():
        return None
    try:
        doc, _ = load(path)
    except Exception:  # an unreadable Pulumi.yaml: start from the defaults
        return None
    return doc if isinstance(doc, dict) else None


def project_document(project: str, existing: Path | None) -> CommentedMap:
    """Pulumi.yaml for the project: its own name and description; the other keys of the existing Pulumi.yaml
    (runtime, virtualenv, backend, options...) kept, else the runtime of this checkout's Pulumi.yaml."""
    current = _load(existing)
    out = CommentedMap()
    out["name"] = project
    out["description"] = f"{project} on Launch Ready: Cloudflare edge, SES email, secrets and monitoring"
    if current is not None:
        for key, value in current.items():
            if key not in ("name", "description"):
                out[key] = value
    if "runtime" not in out:
        template = _load(PROJECT_ROOT / "Pulumi.yaml")
        out["runtime"] = (template or {}).get("runtime") or _DEFAULT_RUNTIME
    config = out.get("config")
    if not isinstance(config, dict):
        out["config"] = config = CommentedMap()
    tags = config.get("pulumi:tags")
    if not isinstance(tags, dict) or not isinstance(tags.get("value"), dict):
        config["pulumi:tags"] = tags = CommentedMap(value=CommentedMap())
    tags["value"]["product"] = project
    return out


@dataclass(frozen=True)
class Planned:
    path: Path
    text: str


def check_targets(planned: list[Planned], force: bool) -> None:
    existing = [p.path for p in planned if p.path.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise InitFileError(f"{names} already exist{'s' if len(existing) == 1 else ''}; nothing was written. "
                            "Re-run with --force to overwrite, or choose another --root")


def program_missing(root: Path) -> list[str]:
    """The program files the target directory lacks (all of them for a new directory)."""
    return [name for name in PROGRAM_FILES if not (root / name).exists() and (PROJECT_ROOT / name).exists()]


def copy_program(root: Path, names: list[str]) -> None:
    for name in names:
        src = PROJECT_ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns(*_SKIP, "*.pyc"))
        else:
            shutil.copy2(src, root / name)


def write_all(root: Path, planned: list[Planned], program: list[str]) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
        copy_program(root, program)
        for item in planned:
            tmp = item.path.with_name(item.path.name + ".tmp")
            tmp.write_text(item.text, encoding="utf-8")
            tmp.replace(item.path)
    except OSError as exc:
        raise InitFileError(f"cannot write into {root}: {exc.strerror or exc}") from None
