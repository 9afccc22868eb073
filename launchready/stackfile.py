"""Reading `Pulumi.yaml` and `Pulumi.<stack>.yaml` without the Pulumi CLI.

The operator tools (plan, verify, smoke, report, handover) all read a stack through here (`read_stack_file`),
and validate it with the same schema the program uses (`validate`, which adds the checks that need the
stack's name and its sibling stack files, and shows only values that are safe to show). The YAML is read
by `launchready.stackyaml`: bounded, duplicate keys refused, only plain values. Secret values (`secure:`) are
never decrypted: they become the placeholder `[secret]` and their keys are remembered as secret; the
examples' stand-in ciphertexts are told apart (`placeholder_keys`).
"""

from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.config import NAMESPACE, ConfigError, Problem, StackConfig, parse_config
from components.config.rules.regions import provider_region_is_real
from components.config.rules.stacks import (
    config_keys_known,
    environment_matches_stack,
    names_fit_providers,
    zone_not_shared,
)
from launchready import PROJECT_ROOT
from launchready.common.project import available_stacks as _available_stacks
from launchready.common.project import (
    project_root,  # noqa: F401 (re-exported: one project_root)
    stack_file_path,
    stack_short_name,
)
from launchready.redaction import SECRET_PLACEHOLDER, is_secret_shaped, plaintext_credentials, redact_error
from launchready.stackyaml import MAX_BYTES, Document, YamlRefused
from launchready.stackyaml import load as load_yaml

#: Top-level keys of a stack file besides config: (Pulumi's stack-file schema).
_STACK_FILE_KEYS = frozenset({"config", "encryptionsalt", "secretsprovider", "encryptedkey", "environment"})
#: Pulumi stack names: letters, digits, hyphens, underscores and dots.
_STACK_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
#: What an example stack's stand-in ciphertext says (decoded): `REPLACE_ME:<what>`.
PLACEHOLDER_MARKERS = ("REPLACE_ME", "CHANGE_ME", "CHANGEME")


@dataclass(frozen=True)
class StackFile:
    """A stack file as the Pulumi CLI would hand it to the program."""

    project: str
    stack: str
    path: Path
    #: full key -> value (objects stay objects; secure values are SECRET_PLACEHOLDER)
    values: dict[str, Any]
    secret_keys: frozenset[str] = field(default_factory=frozenset)
    #: secret keys whose `secure:` value is an example's placeholder, not ciphertext (see placeholder_keys)
    placeholder_keys: frozenset[str] = field(default_factory=frozenset)

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
    """The project's stacks (its stack config directory's `Pulumi.<stack>.yaml` files), sorted."""
    return _available_stacks(root or PROJECT_ROOT)


def _yaml_problems(path: Path, exc: YamlRefused) -> ConfigError:
    problems = [
        Problem(f"{path.name}:{p.line}:{p.column}", f"{p.key}: {p.message}" if p.key else p.message, p.fix)
        for p in exc.problems
    ]
    return ConfigError(problems, path.name)


def _read_yaml(path: Path) -> Document:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError([Problem(path.name, f"cannot read the file: {exc.strerror}")], path.name) from None
    try:
        return load_yaml(data)
    except YamlRefused as exc:
        raise _yaml_problems(path, exc) from None


def project_name(root: Path | None = None) -> str:
    root = root or PROJECT_ROOT
    path = root / "Pulumi.yaml"
    doc = _read_yaml(path).value
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str) or not doc["name"]:
        raise ConfigError([Problem("Pulumi.yaml:name", "the project needs a name", "add name: <project>")],
                          "Pulumi.yaml")
    return str(doc["name"])


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"} and isinstance(value["secure"], str)


def _unwrap(value: Any) -> tuple[Any, bool]:
    """Replace `{secure: ...}` (anywhere) by the placeholder; say whether any was found."""
    if _is_secure(value):
        return SECRET_PLACEHOLDER, True
    if isinstance(value, dict):
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


def _config_key(raw: str, project: str) -> str | None:
    """The full key Pulumi reads `raw` as: a bare key belongs to the project, `ns:config:name` is the old
    spelling of `ns:name`; None when Pulumi would refuse it."""
    parts = raw.split(":")
    if len(parts) == 1:
        return f"{project}:{raw}" if raw else None
    if len(parts) == 3 and parts[1] == "config":
        parts = [parts[0], parts[2]]
    if len(parts) != 2 or not all(parts):
        return None
    return f"{parts[0]}:{parts[1]}"


def _stack_path(stack: str, root: Path) -> Path:
    name = stack_short_name(stack)
    path = stack_file_path(root, name) if _STACK_NAME_RE.match(name) else root / "Pulumi.?.yaml"
    if not path.is_file():
        known = ", ".join(available_stacks(root)) or "none"
        raise ConfigError(
            [Problem(f"--stack {stack}", f"no stack file Pulumi.{name}.yaml in {path.parent}",
                     f"known stacks: {known}")],
            f"stack {stack!r}",
        )
    return path


def _config_mapping(path: Path, doc: Document) -> dict[str, Any]:
    top = doc.value if doc.value is not None else {}
    if not isinstance(top, dict):
        raise ConfigError([Problem(path.name, "the top level must be a mapping with a config: key",
                                   "start the file with config: and indent the keys under it")], path.name)
    unknown = sorted(set(top) - _STACK_FILE_KEYS)
    if unknown:
        raise ConfigError(
            [Problem(f"{path.name}:{doc.key_lines.get((k,), 1)}", f"{k}: not a stack-file key",
                     "keep settings under config: (the other top-level keys are " + ", ".join(sorted(
                         _STACK_FILE_KEYS - {"config"})) + ")") for k in unknown],
            path.name,
        )
    config = top.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise ConfigError([Problem(f"{path.name}:{doc.key_lines.get(('config',), 1)}",
                                   "config: must be a mapping of keys to values",
                                   "indent the keys under config:")], path.name)
    return config


def _collect(path: Path, project: str, doc: Document, config: dict[str, Any]) -> StackFile:
    values: dict[str, Any] = {}
    secret: set[str] = set()
    placeholders: set[str] = set()
    first_line: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    for raw_key, raw_value in config.items():
        line = doc.key_lines.get(("config", raw_key), 1)
        key = _config_key(raw_key, project)
        if key is None:
            problems.append(Problem(f"{path.name}:{line}", f"{raw_key}: not a Pulumi config key",
                                    "write keys as <namespace>:<name>, e.g. launchready:zone"))
            continue
        namespace = key.partition(":")[0]
        if namespace != NAMESPACE and namespace.lower() == NAMESPACE:
            problems.append(Problem(f"{path.name}:{line}", f"{raw_key}: the namespace is written {namespace!r}, "
                                    f"and Pulumi namespaces are case-sensitive, so the program never reads it",
                                    f"write {NAMESPACE}:{key.partition(':')[2]}"))
            continue
        if key in first_line:
            other, other_line = first_line[key]
            problems.append(Problem(
                f"{path.name}:{line}",
                f"{raw_key}: the same key as {other} (line {other_line}) for Pulumi, which keeps only one of them",
                f"keep one {key} (a bare key belongs to the project namespace {project}:)"))
            continue
        first_line[key] = (raw_key, line)
        value, is_secret = _unwrap(raw_value)
        values[key] = value
        if is_secret:
            secret.add(key)
            if _is_secure(raw_value) and is_placeholder_ciphertext(raw_value["secure"]):
                placeholders.add(key)
            elif _is_secure(raw_value) and is_secret_shaped(raw_value["secure"]):
                problems.append(Problem(
                    f"{path.name}:{line}", f"{raw_key}: the secure: value looks like the secret itself, not the "
                    "ciphertext Pulumi writes", f"pulumi config set --secret {key} '<value>' writes the ciphertext "
                    "in its place; rotate the secret, it has been in the file in plaintext"))
    if problems:
        raise ConfigError(problems, path.name)
    return StackFile(project, path.name[len("Pulumi.") : -len(".yaml")], path, values, frozenset(secret),
                     frozenset(placeholders))


def read_stack_file(stack: str, root: Path | None = None) -> StackFile:
    """Parse `Pulumi.<stack>.yaml` as the Pulumi CLI would. Raises ConfigError (with file:line:column) for a
    missing file, bad YAML, a key written twice (also as `env` and `launchready:env`), or one Pulumi refuses."""
    root = root or PROJECT_ROOT
    path = _stack_path(stack, root)
    project = project_name(root)
    doc = _read_yaml(path)
    return _collect(path, project, doc, _config_mapping(path, doc))


def is_placeholder_ciphertext(ciphertext: str) -> bool:
    """Whether a `secure:` value is an example's stand-in rather than real ciphertext.

    The example stacks write `v1:` + base64 of `REPLACE_ME:<what>`: Pulumi's passphrase ciphertext is `v1:`
    + nonce + `:` + ciphertext, so it never decodes to that text. An empty value is a placeholder too.
    """
    text = ciphertext.strip()
    if not text:
        return True
    body = text.removeprefix("v1:")
    if any(marker in body.upper() for marker in PLACEHOLDER_MARKERS):
        return True
    try:
        decoded = base64.b64decode(body, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    return any(decoded.upper().startswith(marker) for marker in PLACEHOLDER_MARKERS)


def placeholder_keys(sf: StackFile) -> list[str]:
    """The secret keys of a stack file that still hold an example placeholder, sorted."""
    return sorted(sf.placeholder_keys)


def placeholder_fix(key: str, stack: str) -> str:
    """What to run so a placeholder key holds the real value."""
    return f"placeholder, run: pulumi config set --secret {key} '<value>' --stack {stack}"


def placeholder_notes(sf: StackFile) -> list[str]:
    """One line per placeholder secret, for the plan's notes and the handover: `<key>: placeholder, run: ...`."""
    return [f"{key}: {placeholder_fix(key, sf.stack)}" for key in placeholder_keys(sf)]


def validate(sf: StackFile, root: Path | None = None) -> StackConfig:
    """The typed config of a stack file, with the checks that need the stack's name and its siblings.

    Raises ConfigError; its problems show only values of known, non-secret fields (launchready.redaction).
    """
    leaked = plaintext_credentials(sf.values)
    region_env = bool(os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
    foreign = list(config_keys_known(sf.values, NAMESPACE, region_env))
    try:
        cfg = parse_config(sf.values, sf.secret_keys, source=sf.path.name)
    except ConfigError as exc:
        known = {p.path for p in exc.problems}  # those get the credential wording from redact_error
        exc.problems[:0] = [*foreign, *provider_region_is_real(sf.values), *(p for p in leaked if p.path not in known)]
        raise redact_error(exc, sf.values) from None
    problems = [*foreign, *provider_region_is_real(sf.values), *leaked]
    problems += environment_matches_stack(cfg, sf.stack)
    problems += names_fit_providers(cfg, sf.project, sf.stack)
    problems += _sibling_problems(sf, cfg, root or sf.path.parent)
    if problems:
        raise redact_error(ConfigError(problems, sf.path.name), sf.values)
    return cfg


def _sibling_problems(sf: StackFile, cfg: StackConfig, root: Path) -> list[Problem]:
    """Checks against the project's other stack files; one that cannot be read is skipped here (its own
    commands report it)."""
    siblings: dict[str, Any] = {}
    for name in available_stacks(root):
        if name == sf.stack:
            continue
        try:
            other = read_stack_file(name, root)
        except ConfigError:
            continue
        siblings[other.path.name] = other.values.get(f"{NAMESPACE}:zone")
    return list(zone_not_shared(cfg, siblings))


def load_stack_config(stack: str, root: Path | None = None) -> StackConfig:
    """Read and validate a stack: the typed config every operator tool works from."""
    sf = read_stack_file(stack, root)
    return validate(sf, root)
