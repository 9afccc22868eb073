"""Structural (pydantic) errors reworded for the person who wrote the stack file.

pydantic says what the model wanted; a stack-file author needs what YAML did to their value and what to
write instead: `minVersion: 1.3` is a number to YAML ("write it quoted"), `statusCode: "308"` is text
("write it unquoted"), a pattern is said in words (never shown as a regular expression), a unicode domain
gets its punycode spelling, and an origin written as a URL points at `.origin` with the fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_core import ErrorDetails

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class Reworded:
    loc: Loc
    message: str
    fix: str = ""


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _literal(err: ErrorDetails) -> Reworded | None:
    expected = str((err.get("ctx") or {}).get("expected", ""))
    value = err.get("input")
    choices = re.findall(r"'([^']*)'|(-?\d+)", expected)
    texts = {t for t, _ in choices if t}
    numbers = {n for _, n in choices if n}
    loc = tuple(err["loc"])
    if not isinstance(value, str) and _yaml_scalar(value) in texts:
        shown = _yaml_scalar(value)
        return Reworded(loc, f"YAML reads {shown} without quotes as a number, and this setting is text",
                        f"write it quoted: '{shown}'")
    if isinstance(value, str) and value.strip() in numbers:
        return Reworded(loc, "written in quotes, so YAML reads it as text, and this setting is a number",
                        f"write it unquoted: {value.strip()}")
    if isinstance(value, str) and value.strip().lower() in texts:
        return Reworded(loc, f"must be one of {expected}; values are case-sensitive",
                        f"write it as '{value.strip().lower()}'")
    return Reworded(loc, f"must be one of {expected}", "")


def _not_text(err: ErrorDetails) -> Reworded | None:
    value = err.get("input")
    if isinstance(value, (bool, int, float)):
        shown = _yaml_scalar(value)
        return Reworded(tuple(err["loc"]), f"YAML reads {shown} without quotes as a "
                        f"{'boolean' if isinstance(value, bool) else 'number'}, and this setting is text",
                        f"write it quoted: '{shown}'")
    return None


_CLASS_WORDS = {"a-z": "a-z", "A-Z": "A-Z", "0-9": "0-9", "_": "_", ".": ".", "\\-": "-", "-": "-"}


def _class_words(body: str) -> str:
    parts: list[str] = []
    rest = body
    while rest:
        for token in sorted(_CLASS_WORDS, key=len, reverse=True):
            if rest.startswith(token):
                parts.append(_CLASS_WORDS[token])
                rest = rest[len(token):]
                break
        else:
            parts.append(rest[0])
            rest = rest[1:]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


_ONE_CLASS = re.compile(r"^\^\[([^\]]+)\]\{(\d+),(\d+)\}\$$")
_TWO_CLASSES = re.compile(r"^\^\[([^\]]+)\]\[([^\]]+)\]\{(\d+),(\d+)\}\$$")


def describe_pattern(pattern: str) -> str:
    """A schema pattern in words: `^[a-z0-9_]{1,40}$` -> "1 to 40 characters: a-z, 0-9 and _"."""
    one = _ONE_CLASS.match(pattern)
    if one:
        chars, low, high = one.groups()
        return f"{low} to {high} characters: {_class_words(chars)}"
    two = _TWO_CLASSES.match(pattern)
    if two:
        first, rest, _low, high = two.groups()
        return f"one of {_class_words(first)}, then up to {high} of {_class_words(rest)}"
    return "the form this setting takes (see its description in docs/config.md)"


def _pattern(err: ErrorDetails) -> Reworded:
    pattern = str((err.get("ctx") or {}).get("pattern", ""))
    return Reworded(tuple(err["loc"]), f"must be {describe_pattern(pattern)}", "")


def punycode(value: str) -> str | None:
    """The IDNA (punycode) spelling of a unicode domain, or None when it has none."""
    if value.isascii():
        return None
    try:
        return value.strip().rstrip(".").lower().encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _origin(loc: Loc, origin: str) -> Reworded:
    where = (*loc, "origin")
    if "@" in origin:  # user:password@host: nothing of it is repeated back
        return Reworded(where, "the origin is a host name or an IP address, not a URL with credentials",
                        "write the host name alone, and rotate the credentials that were written here")
    if "://" in origin:
        host = origin.split("://", 1)[1].split("/", 1)[0]
        return Reworded(where, "the origin is a host name or an IP address, not a URL",
                        f"write the host alone: {host.split(':')[0]}")
    if re.search(r":\d+$", origin) and origin.count(":") == 1:
        return Reworded(where, "the origin cannot carry a port: the DNS record holds only the host",
                        f"write {origin.rsplit(':', 1)[0]}; to reach another port, add a Cloudflare Origin Rule")
    if "/" in origin:
        return Reworded(where, "the origin is a host name, without a path", f"write {origin.split('/', 1)[0]}")
    puny = punycode(origin)
    if puny:
        return Reworded(where, "a unicode host name must be written in punycode (IDNA)", f"write {puny}")
    return Reworded(where, "must be a host name such as app.example.com or an IP address", "")


#: pydantic's wording for the rest, in a stack-file author's words (ctx fields filled in).
_PLAIN: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("must be at least {ge}", ""),
    "greater_than": ("must be more than {gt}", ""),
    "less_than_equal": ("must be at most {le}", ""),
    "less_than": ("must be less than {lt}", ""),
    "finite_number": ("must be a finite number, not .nan or .inf", ""),
    "int_from_float": ("must be a whole number (an integer)", "write it without a fraction"),
    "int_parsing": ("must be a whole number (an integer)", "write digits only, without quotes"),
    "int_type": ("must be a whole number (an integer)", "write digits only, without quotes"),
    "float_parsing": ("must be a number", "write digits, without quotes"),
    "float_type": ("must be a number", "write digits, without quotes"),
    "bool_parsing": ("must be true or false", "write true or false"),
    "bool_type": ("must be true or false", "write true or false"),
    "too_short": ("needs at least {min_length} item(s)", "add them, or remove the key to get the default"),
    "too_long": ("holds at most {max_length} items", "remove some"),
    "string_too_short": ("must be at least {min_length} characters", ""),
    "string_too_long": ("must be at most {max_length} characters", ""),
    "dict_type": ("must be a mapping: keys indented under it", "indent its keys under it, or remove it"),
    "model_type": ("must be a mapping: keys indented under it", "indent its keys under it, or remove it"),
    "model_attributes_type": ("must be a mapping: keys indented under it", "indent its keys under it, or remove it"),
    "list_type": ("must be a list: one '- item' line per item, or [a, b]", "write it as a list"),
}


def _plain(err: ErrorDetails) -> Reworded | None:
    template = _PLAIN.get(err["type"])
    if template is None:
        return None
    ctx = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, (int, float, str))}
    try:
        message = template[0].format(**ctx)
    except (KeyError, IndexError):
        return None
    return Reworded(tuple(err["loc"]), message, template[1])


def _key_error(err: ErrorDetails, loc: Loc) -> Reworded:
    """An error about a mapping key itself (pydantic puts "[key]" in its location)."""
    where = loc[: loc.index("[key]")]
    key_text = err.get("input")
    puny = punycode(key_text) if isinstance(key_text, str) else None
    message = err["msg"].removeprefix("Value error, ")
    if puny:
        return Reworded(where, "as a key: not ASCII, and DNS labels are written in punycode (IDNA)",
                        f"write {puny}")
    inner = _plain(err)
    return Reworded(where, f"as a key: {inner.message if inner else message}", inner.fix if inner else "")


def _field_at(loc: Loc) -> Any | None:
    """The pydantic FieldInfo a location names (aliases as the stack file writes them), or None."""
    import types
    import typing

    from pydantic import BaseModel

    from components.config.stack import StackConfig

    current: Any = StackConfig
    info = None
    for part in loc:
        while typing.get_origin(current) in (typing.Union, types.UnionType):
            current = next(a for a in typing.get_args(current) if a is not type(None))
        if isinstance(part, int) or (typing.get_origin(current) is dict):
            args = typing.get_args(current)
            current = args[-1] if args else None
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = next((f for n, f in current.model_fields.items() if part in (f.alias, n)), None)
        if info is None:
            return None
        current = info.annotation
    return info


def _missing(loc: Loc) -> Reworded:
    """What to add: the allowed values, or the field's own description."""
    import typing
    from enum import Enum

    info = _field_at(loc)
    name = str(loc[-1]) if loc else "it"
    if info is None:
        return Reworded(loc, "required key is missing", "add it (docs/config.md lists every key)")
    annotation = info.annotation
    choices: list[str] = []
    if typing.get_origin(annotation) is typing.Literal:
        choices = [str(a) for a in typing.get_args(annotation)]
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        choices = [str(m.value) for m in annotation]
    if len(loc) == 1:
        name = f"launchready:{name}"
    if choices:
        return Reworded(loc, "required key is missing", f"add {name}: one of {', '.join(choices)}")
    what = f" - {info.description.rstrip('.')}" if info.description else ""
    required = _required_keys(annotation)
    inside = f" holding {', '.join(required)}" if required else ""
    return Reworded(loc, "required key is missing", f"add {name}:{inside}{what}; docs/config.md has an example")


def _required_keys(annotation: Any) -> list[str]:
    from pydantic import BaseModel

    if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return []
    return [f.alias or n for n, f in annotation.model_fields.items() if f.is_required()]


def reword(err: ErrorDetails, areas: Mapping[str, Any]) -> Reworded | None:
    """A clearer message (and fix) for one pydantic error, or None to keep pydantic's."""
    etype = err["type"]
    loc = tuple(err["loc"])
    if etype == "missing":
        return _missing(tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-"))))
    if "[key]" in loc:
        return _key_error(err, loc)
    if etype == "literal_error" or etype == "enum":
        return _literal(err)
    if etype == "string_type":
        return _not_text(err)
    if etype == "string_pattern_mismatch":
        return _pattern(err)
    value = err.get("input")
    if etype == "value_error" and len(loc) == 2 and loc[0] == "hostnames" and isinstance(value, Mapping):
        origin = value.get("origin")
        if isinstance(origin, str) and "domain name" in err["msg"]:
            return _origin(loc, origin)
    if etype == "value_error" and isinstance(value, str) and "domain" in err["msg"]:
        puny = punycode(value.rsplit("@", 1)[-1])
        if puny:
            return Reworded(loc, "a unicode domain must be written in punycode (IDNA)",
                            f"write {value.rsplit('@', 1)[0] + '@' if '@' in value else ''}{puny}")
    return _plain(err)
