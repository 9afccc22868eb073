"""Writing what `launchready init` generates: checked first, then written, so nothing is half-applied."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from launchready import PROJECT_ROOT
from launchready.adopt.stackedit import load
from launchready.init.copyproject import CopyPlan, has_program, plan_copy, write_copy

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


def program_plan(root: Path, project: str) -> CopyPlan:
    """What to copy into root: nothing when it holds a program already (this checkout, a clone), else the
    whole project of this checkout (see copyproject)."""
    if root == PROJECT_ROOT or has_program(root):
        return CopyPlan()
    return plan_copy(PROJECT_ROOT, root, project)


def write_all(root: Path, planned: list[Planned], program: CopyPlan) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
        write_copy(root, program)
        for item in planned:
            tmp = item.path.with_name(item.path.name + ".tmp")
            tmp.write_text(item.text, encoding="utf-8")
            tmp.replace(item.path)
    except OSError as exc:
        raise InitFileError(f"cannot write into {root}: {exc.strerror or exc}") from None
