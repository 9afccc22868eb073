"""Plaintext credentials in Pulumi stack files (`Pulumi.<stack>.yaml`) and the project file's config.

A value is flagged when it sits under a secret-like key (password, token, api key, private key, secret, dsn,
credentials, ...: the same rule the config schema applies, `components.config.is_secret_like_key`), when it
is a URL with a user and password before its host, or when it is a webhook URL that carries a
token. `secure:` values (Pulumi's ciphertext) are what they should be and are skipped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, urlsplit

import yaml

from components.config import is_secret_like_key, looks_like_credential_url
from launchready.scan.findings import STACK_PLAINTEXT, Finding, hash_secret
from launchready.scan.yamlguard import refusal

_STACK_FILE_RE = re.compile(r"^Pulumi(\.[^/]+)?\.ya?ml$")
#: keys that name a secret rather than hold one
_REFERENCE_KEYS = frozenset({"configKey", "config_key", "sessionCookies", "session_cookies"})
#: keys of the project file's config declarations whose value belongs to the enclosing key
_VALUE_KEYS = frozenset({"value", "default"})
_TOKENISH_RE = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9_\-]{16,}$")
_STR_TAG = "tag:yaml.org,2002:str"


def is_stack_file(path: str) -> bool:
    """`Pulumi.yaml` (its config: section) or `Pulumi.<stack>.yaml`, at any depth."""
    return bool(_STACK_FILE_RE.match(PurePosixPath(path).name))


def _stack_name(path: str) -> str | None:
    name = PurePosixPath(path).name
    parts = name.split(".")
    return ".".join(parts[1:-1]) or None


def _webhook_with_token(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    pieces = [p for p in parts.path.split("/") if p] + [v for _, v in parse_qsl(parts.query)]
    return any(_TOKENISH_RE.match(p) for p in pieces)


@dataclass(frozen=True)
class _Hit:
    key_path: str
    top_key: str
    nested: bool
    line: int
    value: str
    why: str


def _walk(
    node: yaml.Node, key_path: str, top_key: str, owner_key: str, in_webhook: bool, nested: bool,
    every: bool = False,
) -> Iterator[_Hit]:
    """The plaintext credentials under `node` (with `every`: each string value, `why` empty unless it is one)."""
    if isinstance(node, yaml.MappingNode):
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
        if keys == ["secure"]:
            return  # Pulumi ciphertext
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = str(key_node.value)
            if key in _VALUE_KEYS:
                child_owner, child_path, child_nested = owner_key, key_path, nested
            else:
                child_owner, child_path, child_nested = key, f"{key_path}.{key}", True
            yield from _walk(
                value_node, child_path, top_key, child_owner, in_webhook or "webhook" in key.lower(), child_nested,
                every,
            )
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _walk(item, f"{key_path}[{i}]", top_key, owner_key, in_webhook, True, every)
    elif isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG:
        value = str(node.value)
        if not value.strip():
            return
        why = ""
        if is_secret_like_key(owner_key) and owner_key not in _REFERENCE_KEYS:
            why = "a secret-like key holds a plaintext value"
        elif looks_like_credential_url(value):
            why = "a URL with credentials in it is a secret"
        elif in_webhook and _webhook_with_token(value):
            why = "a webhook URL carries its token"
        if why or every:
            yield _Hit(key_path, top_key, nested, node.start_mark.line + 1, value, why)


#: list items whose schema takes `configKey: <key>` in place of a value (the key is set with --secret)
_CONFIG_KEY_LISTS = ("secrets.items[", "monitoring.alertWebhooks[")


def derived_key(key_path: str) -> str:
    """The camelCase config key to hold a nested value once it is made a Pulumi secret, e.g.
    monitoring.alertWebhooks[1].url gives monitoringAlertWebhooks1Url (a first item's index is left out);
    at most 63 characters."""
    path = key_path.split(":", 1)[-1]
    parts = [p for p in re.split(r"[.\[\]]+", path) if p and p != "0"]
    words = [re.sub(r"[^A-Za-z0-9]", "", p) for p in parts]
    words = [w for w in words if w] or ["secretValue"]
    key = words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])
    return ("s" + key if not key[0].isalpha() else key)[:63]


def _top_fix(hit: _Hit, name: str, stack: str | None, stack_opt: str) -> str:
    if not stack:  # the project file: config defaults cannot be secret; set it per stack instead
        return f"pulumi config set --secret {hit.top_key} '<value>'{stack_opt} (then remove the plaintext from {name})"
    if ":" in hit.top_key:
        return (f"pulumi config set --secret {hit.top_key} '<value>'{stack_opt} (it replaces the plaintext line "
                f"{hit.line} of {name} with a secure: value)")
    return (f"pulumi config set --secret <project>:{hit.top_key} '<value>'{stack_opt}, then delete line {hit.line} "
            f"of {name} (the bare `{hit.top_key}:` key, which the command does not replace)")


def _fix(hit: _Hit, path: str) -> str:
    """The exact commands that move the plaintext into a Pulumi secret, and the line to remove."""
    stack = _stack_name(path)
    stack_opt = f" --stack {stack}" if stack else " --stack <each stack>"
    name = PurePosixPath(path).name
    if not hit.nested:
        return _top_fix(hit, name, stack, stack_opt)
    namespace = hit.top_key.split(":", 1)[0] if ":" in hit.top_key else "<project>"
    new_key = derived_key(hit.key_path)
    command = f"pulumi config set --secret {namespace}:{new_key} '<value>'{stack_opt}"
    leaf = re.split(r"[.\]]", hit.key_path)[-1] or "value"
    inner = hit.key_path.split(":", 1)[-1]
    if inner.startswith(_CONFIG_KEY_LISTS) and "]." in inner:
        return f"{command}, then replace `{leaf}: ...` on line {hit.line} of {name} with `configKey: {new_key}`"
    return (f"delete the plaintext from line {hit.line} of {name} (`{leaf}` takes no secret); if the program needs "
            f"it, keep it as its own secret ({command}) and reference it with configKey where the schema takes one "
            "(secrets.items[], monitoring.alertWebhooks[])")


def _config_entries(text: str) -> Iterator[tuple[str, yaml.Node]]:
    """(top key, value node) of the config: section of a stack or project file; nothing when it is not YAML."""
    if refusal("Pulumi.yaml", text):  # an alias bomb or deep nesting: never composed here
        return
    try:
        doc = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return
    if not isinstance(doc, yaml.MappingNode):
        return
    for key_node, value_node in doc.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == "config" and isinstance(
                value_node, yaml.MappingNode):
            for ck, cv in value_node.value:
                if isinstance(ck, yaml.ScalarNode):
                    yield str(ck.value), cv


def scan_stack_text(path: str, text: str, source: str, commit: str | None = None) -> list[Finding]:
    """Findings in one stack or project file's text. A file that is not valid YAML yields none here."""
    findings: list[Finding] = []
    for top, node in _config_entries(text):
        for hit in _walk(node, top, top, top, "webhook" in top.lower(), False):
            findings.append(Finding(
                source=source, path=path, line=hit.line, type=STACK_PLAINTEXT, hashed_secret=hash_secret(hit.value),
                commit=commit, key=hit.key_path, fix=f"{hit.why}: {_fix(hit, path)}",
            ))
    return findings


def with_fixes(findings: list[Finding], path: str, text: str, commit: str | None = None) -> list[Finding]:
    """Other detectors' findings in this stack file, given the key and the exact fix of the value on their
    line (a finding on a line that holds no config value is left as it is); `commit`: only the findings of
    that version."""
    by_line: dict[int, _Hit] = {}
    for top, node in _config_entries(text):
        for hit in _walk(node, top, top, top, "webhook" in top.lower(), False, every=True):
            by_line.setdefault(hit.line, hit)
    out: list[Finding] = []
    for f in findings:
        mine = f.path == path and f.fix is None and (commit is None or f.commit == commit)
        found = by_line.get(f.line) if mine else None
        out.append(f if found is None else dataclasses.replace(f, key=found.key_path, fix=_fix(found, path)))
    return out
