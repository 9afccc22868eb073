"""Public identifiers every stack file holds, which are not secrets and must not fail the scan.

A Cloudflare zone id and account id (32 hex characters), an AWS account id (12 digits), the ids of
Cloudflare rulesets, lists and identity providers (hex or UUIDs) and ARNs are printed in dashboards, API
URLs and error messages; knowing one grants nothing. So is the content of a DNS record (a site-verification
token, a DKIM public key): DNS publishes it. The same holds for the files `launchready adopt`
writes (`import-<stack>.json`, `adopt-<stack>.json`): provider ids, URNs and DNS record contents (public
by nature). detect-secrets' entropy plugins flag them anyway, so an adopter's own files would fail the
scan. Only the entropy findings on such values in those files are dropped: a value under a secret-like key,
a credential URL, or any other detector's finding stays.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

import yaml

from components.config import is_secret_like_key
from launchready.scan.findings import Finding, hash_secret
from launchready.scan.yamlguard import refusal

#: detect-secrets' generic types that public ids trip; other types are never dropped
ENTROPY_TYPES = frozenset({"Hex High Entropy String", "Base64 High Entropy String"})

#: keys that name an identifier: zoneId, accountId, awsAccountId, allowedAccountIds, rulesetId, zone_id, ...
_ID_KEY_RE = re.compile(r"(?:^|[a-z0-9_])(?:id|ids|Id|Ids|ID|IDs|arn|Arn|ARN|arns|Arns)$")
#: what an identifier looks like: Cloudflare's 32 hex, a UUID, an AWS account id
_ID_VALUE_RE = re.compile(
    r"^(?:[0-9a-f]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d{12})$"
)
_ARN_RE = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:\S+$")
_TOKEN_RES = (re.compile(r"[A-Za-z0-9+/=_-]{8,}"), re.compile(r"[A-Za-z0-9_-]{8,}"))


def _scalars(node: yaml.Node, key: str) -> Iterator[tuple[str, str]]:
    """(owning key, value) for every string scalar under `node`."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                yield from _scalars(v, str(k.value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item, key)
    elif isinstance(node, yaml.ScalarNode):
        yield key, str(node.value)


def public_values(text: str) -> set[str]:
    """The strings in a stack file's text that are public identifiers (and the id-like parts of its ARNs)."""
    if refusal("Pulumi.yaml", text):  # an alias bomb or deep nesting: never composed here
        return set()
    try:
        doc = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return set()
    if doc is None:
        return set()
    found: set[str] = set()
    for key, value in _scalars(doc, ""):
        bare = key.rsplit(":", 1)[-1].rsplit(".", 1)[-1]
        if is_secret_like_key(bare):
            continue
        if _ARN_RE.match(value):
            found.add(value)
            for token_re in _TOKEN_RES:
                found.update(token_re.findall(value))
        elif _ID_KEY_RE.search(bare) and _ID_VALUE_RE.match(value):
            found.add(value)
        elif bare == "content":  # a DNS record's content is published in DNS (verification tokens, DKIM keys)
            found.add(value)
            for token_re in _TOKEN_RES:
                found.update(token_re.findall(value))
    return found


#: what `launchready adopt` writes: the Pulumi import file and the record of what the zone held
_ADOPT_FILE_RE = re.compile(r"^(import|adopt)-[^/]+\.json$")
#: keys of those files whose values are provider ids (or DNS content, public by nature) and their parts
_JSON_ID_KEY_RE = re.compile(r"(^id$|Id$|^content$|^urn$|^parent$|^provider$)")


def is_adopt_file(path: str) -> bool:
    """`import-<stack>.json` or `adopt-<stack>.json`, at any depth."""
    return bool(_ADOPT_FILE_RE.match(PurePosixPath(path).name))


def _json_values(node: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _json_values(v, str(k))
    elif isinstance(node, list):
        for item in node:
            yield from _json_values(item, key)
    elif isinstance(node, str):
        yield key, node


def adopt_file_values(text: str) -> set[str]:
    """The ids (and their `/`-separated parts) and DNS record contents in an adopt or import file."""
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return set()
    found: set[str] = set()
    for key, value in _json_values(doc):
        if _JSON_ID_KEY_RE.search(key) and len(value) <= 4096:
            found.add(value)
            found.update(part for part in re.split(r"[/:]", value) if part)
            for token_re in _TOKEN_RES:
                found.update(token_re.findall(value))
    return found


def public_hashes(text: str, path: str = "Pulumi.yaml") -> set[str]:
    """The detect-secrets hashes of the public identifiers in a stack file's (or an adopt file's) text."""
    values = adopt_file_values(text) if is_adopt_file(path) else public_values(text)
    return {hash_secret(value) for value in values}


def without_public_ids(findings: list[Finding], public: dict[str, set[str]]) -> list[Finding]:
    """`findings` less the entropy hits on a public identifier of the stack file they are in (`public`: path ->
    public_hashes of any version of that file)."""
    return [f for f in findings
            if not (f.type in ENTROPY_TYPES and f.hashed_secret in public.get(f.path, ()))]
