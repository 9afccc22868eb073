"""Reading `Pulumi.yaml` and `Pulumi.<stack>.yaml` without the Pulumi CLI.

The operator tools (plan, verify, smoke, report, handover) all read a stack through here, and validate it
with the same schema the program uses (`components.config.parse_config`). Secret values (`secure:`) are
never decrypted: they become the placeholder `[secret]` and their keys are remembered as secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from components.config import ConfigError, Problem, StackConfig, parse_config
from launchready import PROJECT_ROOT
from launchready.common.project import project_root  # noqa: F401 (re-exported: one project_root)

SECRET_PLACEHOLDER = "[secret]"


@dataclass(frozen=True)
class StackFile:
    """A stack file as the Pulumi CLI would hand it to the program."""

    project: str
    stack: str
    path: Path
    #: full key -> value (objects stay objects; secure values are SECRET_PLACEHOLDER)
    values: dict[str, Any]
    secret_keys: frozenset[str] = field(default_factory=frozenset)

    def pulumi_config(self) -> dict[str, str]:
        """The config map in the engine's wire form: every value a string, objects JSON-encoded."""
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in self.values.items()}


def read_stack_outputs(path: Path) -> dict[str, Any]:
    """The JSON object `pulumi stack output --json` prints, read from a file. ValueError says what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise ValueError(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold the JSON object `pulumi stack output --json` prints")
    return data


def available_stacks(root: Path | None = None) -> list[str]:
    root = root or PROJECT_ROOT
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def _yaml_error(path: Path, exc: yaml.YAMLError) -> ConfigError:
    mark = getattr(exc, "problem_mark", None)
    where = f"{path.name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path.name
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    return ConfigError([Problem(where, message, "fix the indentation or quoting on that line")], path.name)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([Problem(path.name, f"cannot read the file: {exc.strerror}")], path.name) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(path, exc) from None


def project_name(root: Path | None = None) -> str:
    root = root or PROJECT_ROOT
    path = root / "Pulumi.yaml"
    doc = _read_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise ConfigError([Problem("Pulumi.yaml:name", "the project needs a name")], "Pulumi.yaml")
    return str(doc["name"])


def _unwrap(value: Any) -> tuple[Any, bool]:
    """Replace `{secure: ...}` (anywhere) by the placeholder; say whether any was found."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return SECRET_PLACEHOLDER, True
        found = False
        out: dict[str, Any] = {}
        for k, v in value.items():
            out[k], sub = _unwrap(v)
            found = found or sub
        return out, found
    if isinstance(value, list):
        items = [_unwrap(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    return value, False


def read_stack_file(stack: str, root: Path | None = None) -> StackFile:
    """Parse `Pulumi.<stack>.yaml`. Raises ConfigError for a missing file or bad YAML (with file:line)."""
    root = root or PROJECT_ROOT
    path = root / f"Pulumi.{stack}.yaml"
    if not stack or "/" in stack or not path.is_file():
        known = ", ".join(available_stacks(root)) or "none"
        raise ConfigError(
            [Problem(f"--stack {stack}", f"no stack file Pulumi.{stack}.yaml in {root}", f"known stacks: {known}")],
            f"stack {stack!r}",
        )
    project = project_name(root)
    doc = _read_yaml(path)
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise ConfigError([Problem(path.name, "the top level must be a mapping with a config: key")], path.name)
    unknown = sorted(set(doc) - {"config", "encryptionsalt", "secretsprovider", "encryptedkey", "environment"})
    if unknown:
        raise ConfigError(
            [Problem(f"{path.name}:{k}", "not a stack-file key", "keep config under config:") for k in unknown],
            path.name,
        )
    config = doc.get("config") or {}
    if not isinstance(config, dict):
        raise ConfigError([Problem(f"{path.name}:config", "config: must be a mapping of keys to values")], path.name)
    values: dict[str, Any] = {}
    secret: set[str] = set()
    for raw_key, raw_value in config.items():
        key = str(raw_key)
        if ":" not in key:
            key = f"{project}:{key}"  # Pulumi's rule: a bare key belongs to the project namespace
        value, is_secret = _unwrap(raw_value)
        values[key] = value
        if is_secret:
            secret.add(key)
    return StackFile(project, stack, path, values, frozenset(secret))


def load_stack_config(stack: str, root: Path | None = None) -> StackConfig:
    """Read and validate a stack: the typed config every operator tool works from."""
    sf = read_stack_file(stack, root)
    return parse_config(sf.values, sf.secret_keys, source=sf.path.name)
