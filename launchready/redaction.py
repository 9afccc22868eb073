"""Which values an error about a stack file may show: only those of known, non-secret fields of the schema.

Everything else (unknown keys at any depth, keys of a wrong case, keys whose name says "secret") is named by
its key only. A value that looks like a credential is never shown, even under a known field: detect-secrets'
typed detectors (the ones `launchready scan` runs; its entropy heuristics would flag every hostname), the
variable-name detectors of `launchready.scan.named`, URLs with a password, and webhook URLs that carry a
token (Slack, Discord, `?token=`...). Such values are also scrubbed from messages and fixes, so a rule that
quotes a value cannot leak one either.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel

from components.config import ConfigError, Problem, StackConfig, looks_like_credential_url

REDACTED = "[redacted]"
#: what a `secure:` value reads as before decryption (launchready.stackfile.SECRET_PLACEHOLDER)
SECRET_PLACEHOLDER = "[secret]"
#: Provider config keys whose values are shown (they are names, never credentials).
KNOWN_PROVIDER_KEYS = frozenset({"aws:region", "aws:profile", "cloudflare:accountId"})
_NAMESPACE = "launchready"
#: Schema fields that may hold a credential: a webhook URL (`monitoring.alertWebhooks[].url`) must come from
#: a secret key, and a plaintext one is an error that never shows the URL.
_SECRET_FIELDS = frozenset({"url"})
_PART_RE = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_WEBHOOK_HOSTS_RE = re.compile(
    r"(^|\.)(hooks\.slack\.com|discord(app)?\.com|webhook\.office\.com|outlook\.office\.com|hooks\.zapier\.com|"
    r"events\.pagerduty\.com|api\.opsgenie\.com|chat\.googleapis\.com)$",
    re.IGNORECASE,
)
_TOKEN_PARAMS = frozenset({"token", "key", "apikey", "api_key", "access_token", "sig", "signature", "secret",
                           "code", "auth", "password", "integrationkey", "routing_key"})
#: `DB_PASSWORD=hunter2`, `api_key: abc123`, `SECRET_TOKEN="..."` written inside a value (a TXT record, a
#: description): the shape detect-secrets' keyword detector looks for in code. The value must hold a digit, so
#: prose ("rotate the secret: docs/runbook.md") is not taken for one.
_KEYWORD_ASSIGNMENT_RE = re.compile(
    r"(?i)(?<![a-z0-9])[a-z0-9_.-]*(?:passw(?:or)?d|passphrase|secret|token|api[_-]?key|private[_-]?key|"
    r"access[_-]?key|credentials?)[a-z0-9_.-]*\s*[:=]\s*[\"']?(?=[^\s\"',;]*\d)[^\s\"',;]{6,}"
)
_TOKENISH_RE = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9_\-]{16,}$")
#: Prefixes that only credentials start with, at any length (detect-secrets wants the full length of each, so a
#: short or truncated key would slip past it): Stripe, Slack, GitHub, GitLab, AWS access key ids, OpenAI, npm.
_CREDENTIAL_PREFIX_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:[srp]k_(?:live|test)_[A-Za-z0-9]{6,}|whsec_[A-Za-z0-9]{6,}|xox[abposr]-[A-Za-z0-9-]{6,}"
    r"|gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{10,}|glpat-[A-Za-z0-9_-]{10,}|(?:AKIA|ASIA)[A-Z0-9]{12,}"
    r"|sk-(?:proj-)?[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{20,}|SG\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,})"
)
_WORD_PUNCTUATION = "()[]{}<>,;'\"`"
#: below this length a string is not searched for in message text (it would match ordinary words)
_SCRUB_MIN = 6


def _webhook_with_token(value: str) -> bool:
    """An http(s) URL to a known webhook receiver, or one whose path or query carries a token."""
    try:
        parts = urlsplit(value.strip())
        query = parse_qsl(parts.query)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    if _WEBHOOK_HOSTS_RE.search(host) and parts.path.strip("/"):
        return True
    if any(k.lower() in _TOKEN_PARAMS and v for k, v in query):
        return True
    if "hook" not in (host + parts.path).lower():
        return False  # an ordinary page URL ("/2024-annual-report-v2" is not a token)
    return any(_TOKENISH_RE.match(p) for p in [*parts.path.split("/"), *(v for _, v in query)] if p)


def credential_kind(value: str, key: str = "") -> str | None:
    """What kind of credential a value looks like ("Stripe Access Key", "webhook URL with a token", ...)."""
    from launchready.scan.detector import settings

    with settings(None):
        return _credential_kind(value, key)


def _credential_kind(value: str, key: str) -> str | None:
    """The whole value, then each word of it: a credential inside a sentence is still one."""
    kind = _credential_kind_of(value.strip(), key)
    if kind is None and any(c.isspace() for c in value.strip()):
        words = (w.strip(_WORD_PUNCTUATION) for w in value.split())
        kind = next((k for w in words if (k := _credential_kind_of(w, key)) is not None), None)
    return kind


def _credential_kind_of(text: str, key: str) -> str | None:
    if len(text) < 8:
        return None
    if looks_like_credential_url(text):
        return "a URL with a password"
    if _CREDENTIAL_PREFIX_RE.search(text):
        return "an API key or token"
    if _KEYWORD_ASSIGNMENT_RE.search(text):
        return "a password or token assigned to a name"
    if _webhook_with_token(text):
        return "a webhook URL with its token"
    from launchready.scan.named import DETECTORS

    line = f"{key or 'value'}={text}"
    named = next((kind for kind, p in DETECTORS.items() if p.search(line)), None)
    if named:
        return named
    kinds = _detect_secrets_types(text)
    return kinds[0] if kinds else None


def plaintext_credentials(values: Mapping[str, Any]) -> list[Problem]:
    """Every plaintext value of a stack's config that looks like a credential, named by key (never shown)."""
    from launchready.scan.detector import settings

    problems: list[Problem] = []
    with settings(None):
        for path, value, key in _leaves(values):
            if not isinstance(value, str) or value == SECRET_PLACEHOLDER:
                continue
            kind = _credential_kind(value, key)
            if kind:
                problems.append(Problem(path, f"holds what looks like a credential ({kind}) in plaintext",
                                        fix=_credential_fix(path)))
    return problems


def _detect_secrets_types(value: str) -> list[str]:
    """detect-secrets' typed detectors over one value; call inside `launchready.scan.detector.settings`."""
    from detect_secrets.core.scan import scan_line

    return [s.type for s in scan_line(value) if "High Entropy" not in s.type]


def is_secret_shaped(value: str, key: str = "") -> bool:
    """Whether a value looks like a credential (regardless of the key it sits under)."""
    from launchready.scan.detector import settings

    with settings(None):
        return _secret_shaped(value, key)


def _secret_shaped(value: str, key: str) -> bool:
    return _credential_kind(value, key) is not None


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation allows (Optional/Union/Annotated taken apart)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg) if t is not type(None)]
    return [annotation]


def _field(model: type[BaseModel], name: str) -> Any | None:
    for attr, info in model.model_fields.items():
        if name in (info.alias, attr) and not info.exclude:
            return info.annotation
    return None


def _known(annotation: Any, parts: list[str | int]) -> bool:
    """Whether `parts` leads from `annotation` to a plain (non-model, non-container) field."""
    for candidate in _unwrap(annotation):
        if not parts:
            if not (isinstance(candidate, type) and issubclass(candidate, BaseModel)) and typing.get_origin(
                candidate
            ) not in (list, dict):
                return True
            continue
        head, rest = parts[0], parts[1:]
        origin = typing.get_origin(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel) and isinstance(head, str):
            sub = _field(candidate, head)
            if sub is not None and _known(sub, rest):
                return True
        elif origin is list and isinstance(head, int):
            if _known(typing.get_args(candidate)[0], rest):
                return True
        elif origin is dict and isinstance(head, str):
            if _known(typing.get_args(candidate)[1], rest):
                return True
    return False


def split_path(path: str) -> tuple[str, list[str | int]]:
    """`launchready:secrets.items[0].name` -> (`launchready:secrets`, ["items", 0, "name"])."""
    namespace, _, rest = path.partition(":")
    tokens: list[str | int] = [int(i) if i else name for i, name in _PART_RE.findall(rest)]
    if not tokens or not isinstance(tokens[0], str):
        return path, []
    return f"{namespace}:{tokens[0]}", tokens[1:]


def is_known_field(path: str) -> bool:
    """Whether a config key path names a field of the schema (or a known provider key). No field of the
    schema holds a secret: secrets live in their own `secure:` keys, which the schema does not know."""
    if path in KNOWN_PROVIDER_KEYS:
        return True
    top, parts = split_path(path)
    namespace, _, area = top.partition(":")
    if namespace != _NAMESPACE or (parts and parts[-1] in _SECRET_FIELDS):
        return False
    annotation = _field(StackConfig, area)
    return annotation is not None and _known(annotation, parts)


def sensitive_strings(values: Mapping[str, Any]) -> set[str]:
    """Strings of a raw config that must not appear in any output: values (and keys) outside the schema's
    known non-secret fields, and secret-shaped values anywhere."""
    from launchready.scan.detector import settings

    shaped: set[str] = set()
    unknown: set[str] = set()
    known: set[str] = set()
    with settings(None):
        for path, value, key in _leaves(values):
            if len(key) >= _SCRUB_MIN and _secret_shaped(key, "key"):
                shaped.add(key)
            if not isinstance(value, str) or not value.strip() or value == SECRET_PLACEHOLDER:
                continue
            if _secret_shaped(value, key):
                shaped.add(value)
            elif is_known_field(path):
                known.add(value)
            else:
                unknown.add(value)
    return shaped | (unknown - known)


def _leaves(value: Any, path: str = "", key: str = "") -> Iterator[tuple[str, Any, str]]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            yield path or str(k), None, str(k)
            yield from _leaves(v, sub, str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]", key)
    else:
        yield path, value, key


def _scrub(text: str, sensitive: list[str]) -> str:
    for secret in sensitive:
        if len(secret) >= _SCRUB_MIN and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _shown(problem: Problem, sensitive: set[str]) -> str | None:
    if problem.value is None:
        return None
    raw = problem.value.strip('"')
    raw = raw.removesuffix("...")  # shortened by the parser: judged by its start
    shortened = problem.value.endswith('..."') or problem.value.endswith("...")
    if not is_known_field(problem.path) or is_secret_shaped(raw) or raw in sensitive:
        return None
    if shortened and any(s.startswith(raw) for s in sensitive):
        return None
    return problem.value


def _raw_at(values: Mapping[str, Any], path: str) -> Any:
    top, parts = split_path(path)
    current: Any = values.get(top)
    for part in parts:
        if isinstance(current, Mapping) and isinstance(part, str):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            return None
    return current


def _holds_credential(value: Any) -> bool:
    return any(isinstance(v, str) and is_secret_shaped(v, k) for _, v, k in _leaves(value))


def _credential_fix(path: str) -> str:
    top, parts = split_path(path)
    if not parts:
        return f"pulumi config set --secret {top} '<value>' (then remove the plaintext line)"
    return (f"pulumi config set --secret {_NAMESPACE}:<someKey> '<value>', reference it with configKey: "
            "<someKey> and remove the plaintext")


def redact_problems(problems: list[Problem], values: Mapping[str, Any]) -> list[Problem]:
    """The problems with every value that may not be shown removed, and sensitive text scrubbed. An unknown
    key whose value looks like a credential says so, with the `pulumi config set --secret` fix."""
    sensitive = sensitive_strings(values)
    ordered = sorted(sensitive, key=len, reverse=True)
    out: list[Problem] = []
    for p in problems:
        message, fix = p.message, p.fix
        worded = "secret" in message or "credential" in message
        if not worded and _holds_credential(_raw_at(values, p.path)):
            message = f"{message}; its value looks like a credential, which never belongs in a stack file"
            fix = _credential_fix(p.path)
        out.append(
            dataclasses.replace(
                p,
                path=_scrub(p.path, ordered),
                message=_scrub(message, ordered),
                fix=_scrub(fix, ordered),
                value=_shown(p, sensitive),
            )
        )
    return out


def redact_error(exc: ConfigError, values: Mapping[str, Any]) -> ConfigError:
    return ConfigError(redact_problems(exc.problems, values), exc.source)
