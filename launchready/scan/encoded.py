"""Secrets hidden in base64: an `.env` file or a PEM key pasted as one base64 string (a Kubernetes Secret's
`data:`, a CI variable, `base64 -w0 key.pem`), or wrapped over lines as `base64` prints it.

Every run of base64 of plausible length is decoded; when the result is text, it is scanned line by line with
the same detectors as any file (detect-secrets' plugins and filters in force, and this project's named
detectors), and again for base64 inside it. The work is bounded per file: 500 runs, 512 KiB decoded, base64
inside base64 once (about 1.5 s of detect-secrets at most per file); text with no `=`, `:`, newline or PEM
header is not scanned (no credential line can be in it). Findings are reported on the line of the encoded text, as
`<type> (base64-encoded)`, with the SHA-1 of the decoded secret; the decoded text is never written to disk.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from launchready.scan import named
from launchready.scan.detector import scan_lines_in_memory
from launchready.scan.findings import Finding

SUFFIX = " (base64-encoded)"
#: shorter runs cannot hold a credential line worth decoding (30 bytes); longer ones are cut here
MIN_CHARS, MAX_CHARS = 40, 1024 * 1024
#: per file: runs decoded, bytes decoded, base64 inside base64
MAX_RUNS, MAX_DECODED_BYTES, MAX_DEPTH = 500, 512 * 1024, 2
#: decoded text without any of these holds no `KEY=value`, `key: value`, PEM or JSON credential to find
_STRUCTURE = ("\n", "=", ":", "-----BEGIN")
#: decoded text with fewer printable characters than this is binary (a DER key body, an image), not text
MIN_PRINTABLE = 0.95

_RUN_RE = re.compile(r"(?<![A-Za-z0-9+/_-])(?:[A-Za-z0-9+/]{40,}={0,2}|[A-Za-z0-9_-]{40,}={0,2})(?![A-Za-z0-9+/=_-])")
_WHOLE_LINE_RE = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


def is_encoded_type(secret_type: str) -> bool:
    return secret_type.endswith(SUFFIX)


@dataclass(frozen=True)
class _Run:
    text: str
    #: the file's line number of each piece the run was joined from, with its length
    pieces: tuple[tuple[int, int], ...]

    def line_at(self, decoded_offset: int) -> int:
        """The file line holding the encoded form of the decoded byte at `decoded_offset`."""
        encoded = decoded_offset * 4 // 3
        for line, length in self.pieces:
            if encoded < length:
                return line
            encoded -= length
        return self.pieces[-1][0]


def _runs(lines: Iterable[tuple[int, str]]) -> Iterator[_Run]:
    """Runs of base64 within lines, and blocks of whole base64 lines of one width (as `base64` wraps its
    output; the last line may be shorter)."""
    block: list[tuple[int, str]] = []
    for number, line in lines:
        stripped = line.strip()
        if _WHOLE_LINE_RE.match(stripped):
            if block and len(stripped) <= len(block[0][1]):
                block.append((number, stripped))
                if len(stripped) < len(block[0][1]) or stripped.endswith("="):  # the last line
                    yield from _block(block)
                    block = []
                continue
            yield from _block(block)
            block = [(number, stripped)] if len(stripped) >= MIN_CHARS else []
            continue
        yield from _block(block)
        block = []
        for match in _RUN_RE.finditer(line):
            yield _Run(match.group(0)[:MAX_CHARS], ((number, len(match.group(0))),))
    yield from _block(block)


def _block(block: list[tuple[int, str]]) -> Iterator[_Run]:
    if block:
        yield _Run("".join(text for _, text in block)[:MAX_CHARS], tuple((n, len(t)) for n, t in block))


def _decode(text: str) -> str | None:
    """The text a base64 run encodes, or None when it is not base64 of printable UTF-8 text."""
    padded = text + "=" * (-len(text) % 4)
    try:
        if "-" in text or "_" in text:
            raw = base64.urlsafe_b64decode(padded)
        else:
            raw = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(1 for ch in decoded if ch.isprintable() or ch in "\n\r\t")
    if not decoded or printable < MIN_PRINTABLE * len(decoded):
        return None
    if any(mark in decoded for mark in _STRUCTURE) or _RUN_RE.fullmatch(decoded.strip()):
        return decoded  # text with structure, or base64 again (read at the next depth)
    return None


def _detect(path: str, decoded: str) -> Iterator[tuple[int, str, str]]:
    """(offset in the decoded text of the line, secret type, secret hash) for each secret in it."""
    starts: list[int] = []
    offset = 0
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(decoded.splitlines(keepends=True), start=1):
        starts.append(offset)
        offset += len(line.encode("utf-8"))
        lines.append((number, line.rstrip("\r\n")))
    for number, secret_type, hashed in scan_lines_in_memory(path, lines):
        yield starts[number - 1], secret_type, hashed
    for f in named.scan_lines(path, lines, "decoded"):
        yield starts[f.line - 1], f.type, f.hashed_secret


class _Budget:
    def __init__(self) -> None:
        self.runs = MAX_RUNS
        self.bytes = MAX_DECODED_BYTES

    def spend(self, size: int) -> bool:
        self.runs -= 1
        self.bytes -= size
        return self.runs >= 0 and self.bytes >= 0


def _scan(path: str, lines: Iterable[tuple[int, str]], depth: int, budget: _Budget) -> Iterator[tuple[int, str, str]]:
    """(file line, type, hash) of the secrets in the base64 runs of `lines`."""
    for run in _runs(lines):
        if not budget.spend(len(run.text) * 3 // 4):
            return
        decoded = _decode(run.text)
        if decoded is None:
            continue
        for offset, secret_type, hashed in _detect(path, decoded):
            yield run.line_at(offset), secret_type, hashed
        if depth < MAX_DEPTH:
            inner = enumerate(decoded.splitlines(), start=1)
            for _, secret_type, hashed in _scan(path, inner, depth + 1, budget):
                yield run.pieces[0][0], secret_type, hashed


#: `KEY: <base64>` as a Kubernetes Secret's `data:` holds it (short values too: a password is short)
_KEYED_RE = re.compile(
    r"""^\s*["']?([A-Za-z_][A-Za-z0-9_.-]{0,100})["']?\s*[:=]\s*["']?([A-Za-z0-9+/]{8,}={0,2})["']?,?\s*$"""
)


def _keyed(path: str, lines: list[tuple[int, str]], budget: _Budget) -> Iterator[tuple[int, str, str]]:
    """Secrets in short base64 values under a key, read as `key=<decoded>` (so the keyword detectors see the
    key that says what the value is)."""
    for number, line in lines:
        match = _KEYED_RE.match(line)
        if match is None or len(match.group(2)) >= MIN_CHARS or len(match.group(2)) % 4:
            continue  # long runs are read whole by _scan; unpadded short text is rarely base64
        if not budget.spend(len(match.group(2))):
            return
        try:
            decoded = base64.b64decode(match.group(2), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        if decoded.isprintable() and decoded.strip() == decoded and decoded:
            for _, secret_type, hashed in _detect(path, f"{match.group(1)}={decoded}"):
                yield number, secret_type, hashed


def scan_lines(path: str, lines: Iterable[tuple[int, str]], source: str, commit: str | None = None) -> list[Finding]:
    """Findings in the base64 of `lines` ((line number, text) of one file, or what a version added). Call
    inside `detector.settings(...)`."""
    seen: set[tuple[int, str, str]] = set()
    findings: list[Finding] = []
    listed = list(lines)
    budget = _Budget()
    for line, secret_type, hashed in itertools.chain(_scan(path, listed, 1, budget), _keyed(path, listed, budget)):
        if (line, secret_type, hashed) not in seen:
            seen.add((line, secret_type, hashed))
            findings.append(Finding(source=source, path=path, line=line, type=secret_type + SUFFIX,
                                    hashed_secret=hashed, commit=commit))
    return findings
