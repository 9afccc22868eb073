"""Parsing raw config (full keys to values) into `StackConfig`, and the secret-like-key logic.

`parse_config` reports every problem in one `ConfigError`: misplaced or plaintext secrets and unknown keys
first, then the structural (pydantic) problems and the cross-field rules together.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from components.config.messages import reword
from components.config.problems import NAMESPACE, ConfigError, Problem, RuleViolations
from components.config.stack import AREA_KEYS, StackConfig

_SECRET_KEY_RE = re.compile(
    r"(passw(or)?d|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|privatekey|credential|dsn|"
    r"access[_-]?key|signing[_-]?key|webhook[_-]?url)",
    re.IGNORECASE,
)

_URL_WITH_CREDENTIALS_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)


def is_secret_like_key(key: str) -> bool:
    """Whether a config key's name says it holds a credential."""
    return bool(_SECRET_KEY_RE.search(key))


def looks_like_credential_url(value: str) -> bool:
    """A URL with a password in it, e.g. postgres://app:hunter2@db/app."""
    return bool(_URL_WITH_CREDENTIALS_RE.match(value.strip()))


def _secret_fix(full_key: str) -> str:
    return f"pulumi config set --secret {full_key} '<value>' (then remove the plaintext line)"


_NESTED_SECRET_FIX = (
    f"pulumi config set --secret {NAMESPACE}:<someKey> '<value>' and reference it with configKey: <someKey>"
)


def _walk_plaintext(value: Any, path: str) -> Iterator[Problem]:
    """Plaintext credentials inside an area's value: credential URLs anywhere, or secret-like keys."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            sub = f"{path}.{k}"
            if isinstance(v, str) and v and is_secret_like_key(str(k)) and not _is_reference_key(str(k)):
                yield Problem(sub, "a secret-like key holds a plaintext value", fix=_NESTED_SECRET_FIX)
            else:
                yield from _walk_plaintext(v, sub)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_plaintext(v, f"{path}[{i}]")
    elif isinstance(value, str) and looks_like_credential_url(value):
        yield Problem(path, "a URL with credentials in it is a secret", fix=_NESTED_SECRET_FIX)


def _is_reference_key(key: str) -> bool:
    # Keys that name a secret rather than hold one.
    return key in ("configKey", "config_key", "sessionCookies", "session_cookies")


def parse_config(
    raw: Mapping[str, Any],
    secret_keys: set[str] | frozenset[str] = frozenset(),
    source: str = "stack config",
) -> StackConfig:
    """Validate a stack's config and return the typed model, or raise ConfigError listing every problem.

    `raw` maps full config keys (`launchready:zone`, `aws:region`, ...) to values: parsed objects for
    structured keys, strings for plain ones. `secret_keys` are the full keys whose values are secret
    (`secure:` in the stack file); their values are never shown in a message.
    """
    referenced = _referenced_secret_keys(raw)
    areas: dict[str, Any] = {}
    problems: list[Problem] = []
    for full_key in sorted(raw):
        problems.extend(_key_problems(full_key, raw[full_key], full_key in secret_keys, referenced, areas))
    problems.extend(_unset_references(raw, referenced))
    if "environment" not in areas:
        problems.append(Problem(f"{_PREFIX}environment", "required key is missing", fix="set it to staging or prod"))

    if problems:
        # Structural problems too, so the list is complete in one go.
        problems.extend(_structure_problems(areas, skip_missing={"environment"}))
        raise ConfigError(_dedupe(problems), source)
    try:
        return StackConfig.model_validate(areas)
    except ValidationError as exc:
        raise ConfigError(_dedupe(_from_validation_error(exc, areas)), source) from None


_PREFIX = f"{NAMESPACE}:"


def _referenced_secret_keys(raw: Mapping[str, Any]) -> set[str]:
    """Full keys named by secrets.items[].configKey or monitoring.alertWebhooks[].configKey."""
    referenced: set[str] = set()
    for area, list_key in (("secrets", "items"), ("monitoring", "alertWebhooks")):
        container = raw.get(f"{_PREFIX}{area}")
        if isinstance(container, Mapping) and isinstance(container.get(list_key), list):
            for item in container[list_key]:
                if isinstance(item, Mapping) and isinstance(item.get("configKey"), str):
                    referenced.add(_PREFIX + item["configKey"])
    return referenced


def _key_problems(
    full_key: str, value: Any, is_secret: bool, referenced: set[str], areas: dict[str, Any]
) -> list[Problem]:
    """What is wrong with one top-level key; an area key's value is added to `areas` for the schema."""
    namespace, _, key = full_key.partition(":")
    if not key:
        return [Problem(full_key, "config keys need a namespace, e.g. launchready:zone")]
    if namespace != NAMESPACE:
        return _foreign_key_problems(full_key, key, value, is_secret)
    if key in AREA_KEYS:
        if is_secret:
            return [
                Problem(
                    full_key,
                    "an area of the stack config cannot be a secret",
                    fix="store secret values in their own keys and reference them",
                )
            ]
        areas[AREA_KEYS[key]] = value
        return list(_walk_plaintext(value, full_key))
    return _value_key_problems(full_key, key, value, is_secret, referenced)


def _foreign_key_problems(full_key: str, key: str, value: Any, is_secret: bool) -> list[Problem]:
    """Provider and other namespaces are Pulumi's business, but never as plaintext credentials."""
    if not is_secret and isinstance(value, str) and (is_secret_like_key(key) or looks_like_credential_url(value)):
        return [Problem(full_key, "a credential is stored in plaintext", fix=_secret_fix(full_key))]
    return []


def _value_key_problems(full_key: str, key: str, value: Any, is_secret: bool, referenced: set[str]) -> list[Problem]:
    """A value key must be a secret referenced by secrets.items[].configKey or a webhook's configKey."""
    if is_secret:
        if full_key in referenced:
            return []
        return [
            Problem(
                full_key,
                "a secret value that no secrets.items[].configKey or monitoring.alertWebhooks[].configKey uses",
                fix="reference it or remove it: pulumi config rm " + full_key,
            )
        ]
    if is_secret_like_key(key) or (isinstance(value, str) and looks_like_credential_url(value)):
        meant = next((r for r in sorted(referenced) if r.lower() == full_key.lower()), full_key)
        spelling = "" if meant == full_key else f" (keys are case-sensitive: the one referenced is {meant})"
        return [Problem(full_key, "a secret-like key holds a plaintext value" + spelling, fix=_secret_fix(meant))]
    if full_key in referenced:
        return [
            Problem(full_key, "this key is referenced as a secret but stored in plaintext", fix=_secret_fix(full_key))
        ]
    return [
        Problem(
            full_key,
            "unknown key",  # named by key only: an unknown key's value may be anything, a credential too
            fix=_unknown_key_fix(key, referenced),
        )
    ]


def _unknown_key_fix(key: str, referenced: set[str]) -> str:
    """The key it was probably meant to be (keys are case-sensitive: databaseURL is not databaseUrl)."""
    known = [*AREA_KEYS, *(r.partition(":")[2] for r in sorted(referenced))]
    by_case = [k for k in known if k.lower() == key.lower()]
    close = by_case or difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    if close:
        return f"did you mean {_PREFIX}{close[0]}? (keys are case-sensitive)"
    return f"known keys: {', '.join(f'{_PREFIX}{k}' for k in AREA_KEYS)}"


def _unset_references(raw: Mapping[str, Any], referenced: set[str]) -> list[Problem]:
    return [
        Problem(ref, "referenced as configKey but not set", fix=f"pulumi config set --secret {ref} '<value>'")
        for ref in sorted(referenced)
        if ref not in raw
    ]


def _structure_problems(areas: Mapping[str, Any], skip_missing: set[str]) -> list[Problem]:
    try:
        StackConfig.model_validate(areas)
    except ValidationError as exc:
        return [
            p
            for p in _from_validation_error(exc, areas)
            if not (p.message.startswith("required") and p.path.split(":", 1)[1] in skip_missing)
        ]
    return []


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out: list[Problem] = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


def _lookup(data: Any, loc: tuple[int | str, ...]) -> tuple[bool, Any]:
    cur = data
    for part in loc:
        if isinstance(cur, Mapping) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            return False, None
    return True, cur


def _loc_to_path(loc: tuple[int | str, ...]) -> str:
    out = NAMESPACE + ":"
    first = True
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("" if first else ".") + str(part)
        first = False
    return out


_FIXES = {
    "extra_forbidden": "remove it or fix its spelling (keys are camelCase)",
    "missing": "add it",
    "literal_error": "",
    "enum": "",
}


def _from_validation_error(exc: ValidationError, areas: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        ctx = err.get("ctx") or {}
        inner = ctx.get("error")
        if isinstance(inner, RuleViolations):
            problems.extend(inner.problems)
            continue
        better = reword(err, areas)  # components/config/messages.py: what YAML did, what to write instead
        if better is not None:
            loc = tuple(p for p in better.loc if not (isinstance(p, str) and p.startswith("function-")))
        path = _loc_to_path(loc) if loc else NAMESPACE
        etype = err["type"]
        found, value = _lookup(areas, loc)
        last = str(loc[-1]) if loc else ""
        shown = None
        if (found and not isinstance(value, (Mapping, list)) and not is_secret_like_key(last)
                and err["type"] != "extra_forbidden"):
            shown = _show(value)
        message = err["msg"]
        if etype == "missing":
            message = "required key is missing"
        elif etype == "extra_forbidden":
            message = "unknown key"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        elif message.startswith("Assertion failed, "):
            message = message.removeprefix("Assertion failed, ")
        fix = _FIXES.get(etype, "")
        if better is not None:
            message, fix = better.message, better.fix or fix
        problems.append(Problem(path, message, fix, shown))
    return problems


def load_from_pulumi() -> StackConfig:
    """Read the stack config through Pulumi's config, exactly as `pulumi up` passes it to the program.

    Raises ConfigError (a `pulumi.RunError`-style clean stop is done by the caller).
    """
    import json

    from pulumi.runtime import config as pconfig

    keys: set[str] = set(pconfig.CONFIG.get()) | set(pconfig.get_config_env())
    raw: dict[str, Any] = {}
    for key in keys:
        value = pconfig.get_config(key)
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        raw[key] = value
    secret = {k for k in keys if pconfig.is_config_secret(k)} | set(pconfig.get_config_secret_keys_env())
    return parse_config(raw, secret, source="stack config")
