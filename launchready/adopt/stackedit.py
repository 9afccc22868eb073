"""Writing adopt's changes into the stack file with ruamel.yaml round-trip: comments, order and quoting kept."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from components.config import StackConfig
from launchready.adopt.changes import ConfigChanges
from launchready.adopt.model import AdoptError

NS = "launchready"


def _indents(text: str) -> tuple[int, int, int]:
    """The file's own (mapping, sequence, offset) indentation, so untouched lines keep their layout."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    mapping, sequence, offset = 2, 4, 2
    for line, nxt in itertools.pairwise(lines):
        key = re.match(r"^( *)[^\s-][^:]*:\s*(#.*)?$", line)
        if not key:
            continue
        child = re.match(r"^( *)(- )?", nxt)
        depth = len(child.group(1)) - len(key.group(1)) if child else 0
        if child and child.group(2) and depth >= 0:
            offset, sequence = depth, depth + 2
            break
    for line, nxt in itertools.pairwise(lines):
        key = re.match(r"^( *)[^\s-][^:]*:\s*(#.*)?$", line)
        child = re.match(r"^( *)[^\s-]", nxt)
        if key and child and len(child.group(1)) > len(key.group(1)):
            mapping = len(child.group(1)) - len(key.group(1))
            break
    return mapping, sequence, offset


def _yaml(text: str = "") -> YAML:
    y = YAML()
    y.preserve_quotes = True
    mapping, sequence, offset = _indents(text)
    y.indent(mapping=mapping, sequence=sequence, offset=offset)
    y.width = 4096  # never re-wrap a user's long line
    return y


def load(path: Path) -> tuple[Any, YAML]:
    """The round-trip document and the YAML instance set to the file's own layout (pass both to dump)."""
    try:
        text = path.read_text(encoding="utf-8")
        y = _yaml(text)
        return y.load(text), y
    except Exception as exc:  # ruamel raises many error types; the loader already reported syntax errors
        raise AdoptError(f"{path.name}: cannot be read for editing: {exc}") from None


def dump(doc: Any, y: YAML | None = None) -> str:
    buf = io.StringIO()
    (y or _yaml()).dump(doc, buf)
    return buf.getvalue()


def _area(config: CommentedMap, key: str, after: str) -> CommentedMap:
    full = f"{NS}:{key}"
    if full not in config or config[full] is None:
        keys = list(config)
        position = keys.index(f"{NS}:{after}") + 1 if f"{NS}:{after}" in keys else len(keys)
        config.insert(position, full, CommentedMap())
    area = config[full]
    if not isinstance(area, CommentedMap):
        raise AdoptError(f"{full} in the stack file is not a mapping; fix it and re-run")
    return area


def _list(area: CommentedMap, key: str, flow: bool = False) -> CommentedSeq:
    if key not in area or area[key] is None:
        seq = CommentedSeq()
        if flow:
            seq.fa.set_flow_style()
        area[key] = seq
    if not isinstance(area[key], list):
        raise AdoptError(f"{key} in the stack file is not a list; fix it and re-run")
    return area[key]


def apply(doc: Any, changes: ConfigChanges, cfg: StackConfig) -> Any:
    """Apply the changes to the round-trip document (in place) and return it."""
    if not isinstance(doc, dict) or not isinstance(doc.get("config"), dict):
        raise AdoptError("the stack file has no config: mapping")
    config = doc["config"]
    if changes.hostnames:
        hostnames = _area(config, "hostnames", "zone")
        for label, entry in changes.hostnames.items():
            if label not in hostnames:
                hostnames[label] = CommentedMap(entry)
    if changes.extra_records or changes.caa_issuers or changes.caa_report_email:
        dns = _area(config, "dns", "hostnames")
        if changes.caa_issuers:
            issuers = _list(dns, "caaIssuers", flow=True)
            if not issuers:
                issuers.extend(cfg.dns.caa_issuers)  # the defaults the program used so far
            issuers.extend(i for i in changes.caa_issuers if i not in issuers)
        if changes.caa_report_email and not dns.get("caaReportEmail"):
            dns["caaReportEmail"] = changes.caa_report_email
        if changes.extra_records:
            extras = _list(dns, "extraRecords")
            for row in changes.extra_records:
                extras.append(CommentedMap(row))
    if changes.spf_senders or changes.spf_all:
        email = _area(config, "email", "access")
        spf = email.get("spf")
        if spf is None:
            email["spf"] = spf = CommentedMap()
        if changes.spf_senders:
            senders = _list(spf, "extraSenders", flow=True)
            senders.extend(s for s in changes.spf_senders if s not in senders)
        if changes.spf_all:
            spf["all"] = changes.spf_all
    return doc
