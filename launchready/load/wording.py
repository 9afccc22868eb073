"""A scenario's validation errors in words: what is wrong with which key, and the fix.

pydantic's own wording ("Field required", "String should match pattern '^[A-Za-z_]...'") and its tries of
every shape a credential may take (`{env: ...}` and `{secret: ...}`) are turned into one line per problem
that names the key, says what it takes, and shows a value only when it cannot be a credential.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic_core import ErrorDetails

NAME_RULE = "letters, digits and _, not starting with a digit"
_REF_TAGS = ("EnvRef", "SecretRef")
_CREDENTIAL_SHAPES = "{env: VARIABLE} (the environment) or {secret: SECRET_ID, field: KEY} (AWS Secrets Manager)"
#: What to add for a required key, by its name in the scenario file.
_MISSING_HINT = {
    "name": "name: <a short name shown in the summary>",
    "steps": "steps: [{name: home, path: /}]",
    "flows": "flows: [{name: browse, routeClass: core, steps: [{name: home, path: /}]}]",
    "path": "path: /<the request path>",
    "env": "env: VARIABLE",
    "secret": "secret: SECRET_ID",  # pragma: allowlist secret
}


def identifier(text: str) -> str:
    """A usable `${name}` (and environment variable stem) for any key: `X-Api-Key` -> `x_api_key`."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower() or "value"
    return f"_{name}" if name[0].isdigit() else name


def env_name(text: str) -> str:
    """The environment variable a credential named `text` is suggested to come from: LOADTEST_X_API_KEY."""
    return f"LOADTEST_{identifier(text).lstrip('_').upper()}"


def _env_fix(value: str, credential: str) -> str:
    """The user's variable name made valid (LOADTEST_X-API-KEY -> LOADTEST_X_API_KEY); from the credential's
    name instead when the value itself looks like a credential (it is then never repeated)."""
    from launchready.redaction import credential_kind

    if credential_kind(value):
        return env_name(credential)
    fixed = re.sub(r"[^A-Za-z0-9_]+", "_", value).strip("_").upper()
    return fixed if fixed and not fixed[0].isdigit() else env_name(credential)


def _where(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _at(data: Any, loc: Sequence[int | str]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _meant(data: Any, loc: tuple[int | str, ...]) -> str | None:
    """Which credential shape an entry was written as (`env` or `secret` given), or None when neither."""
    entry = _at(data, loc)
    if isinstance(entry, dict):
        if "secret" in entry:
            return "SecretRef"
        if "env" in entry:
            return "EnvRef"
    return None


def _shown(value: Any) -> str:
    from launchready.redaction import credential_kind

    text = str(value)
    return "(a value that looks like a credential, not shown)" if credential_kind(text) else repr(text)


def _missing(key: str, route_classes: Sequence[str] | None) -> str:
    if key == "routeClass":
        classes = "|".join(route_classes) if route_classes else "core|reports|..."
        return (f"required key is missing: add routeClass: {classes} (a route class of the stack's "
                "monitoring.routeClasses)")
    return f"required key is missing: add {_MISSING_HINT.get(key, key + ': ...')}"


def _pattern(loc: tuple[int | str, ...], value: Any) -> str:
    """A name that must be an identifier: a credential or capture name (`[key]`), or an env variable."""
    if loc[-1] == "[key]":
        name = str(loc[-2])
        what = "a credential name" if loc[0] == "credentials" else "a captured value's name"
        return (f"{_shown(name)} is not usable as {what} ({NAME_RULE}: it is written ${{name}}); "
                f"fix: call it {identifier(name)}")
    if loc[-1] == "env":
        return (f"{_shown(value)} is not an environment variable name ({NAME_RULE}); "
                f"fix: env: {_env_fix(str(value), str(loc[-2]))}")
    return f"{_shown(value)} is not allowed here ({NAME_RULE})"


def _message(err: ErrorDetails, loc: tuple[int | str, ...], route_classes: Sequence[str] | None) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "extra_forbidden":
        return "not a scenario key (see docs/load.md for the keys)"
    if kind == "missing":
        return _missing(str(loc[-1]) if loc else "", route_classes)
    if kind == "string_pattern_mismatch" and loc:
        return _pattern(loc, err.get("input"))
    if kind == "too_short":
        count = ctx.get("min_length", 1)
        return f"needs at least {count} item{'s' if count != 1 else ''}"
    if kind == "string_too_short":
        return "must not be empty"
    return err["msg"].removeprefix("Value error, ")


def _loc(err: ErrorDetails) -> tuple[int | str, ...]:
    return tuple(err["loc"])


def problem_lines(errors: list[ErrorDetails], data: Any, route_classes: Sequence[str] | None = None) -> list[str]:
    """One `key: problem (fix)` line per error, without the union's tries of the shape the user did not mean."""
    lines: list[str] = []
    for err in errors:
        raw = _loc(err)
        tag = next((i for i, p in enumerate(raw) if p in _REF_TAGS), None)
        if tag is not None:
            meant = _meant(data, raw[:tag])
            if meant is None:
                lines.append(f"{_where(raw[:tag])}: give where the value comes from, {_CREDENTIAL_SHAPES}")
                continue
            if raw[tag] != meant:
                continue
        loc = tuple(p for p in raw if p not in _REF_TAGS)
        lines.append(f"{_where([p for p in loc if p != '[key]'])}: {_message(err, loc, route_classes)}")
    return list(dict.fromkeys(lines))
