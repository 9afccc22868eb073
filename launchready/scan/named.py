"""Credentials this project handles, found by the variable that holds them.

detect-secrets has no Cloudflare plugin (a Cloudflare API token is at best a "Base64 High Entropy String",
and only when its entropy happens to be high), and it finds an AWS secret access key only when quoted. These
detectors read the name of the variable (`CLOUDFLARE_API_TOKEN=...`, `aws_secret_access_key: ...`), so they
name the type and the rotation that goes with it. A line marked `pragma: allowlist secret` is skipped, as
detect-secrets does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from launchready.scan.findings import Finding, hash_secret

_ASSIGN = r"""\b["']?\s*[:=]\s*["']?"""

#: secret type -> pattern whose group 1 is the secret
DETECTORS: dict[str, re.Pattern[str]] = {
    "Cloudflare API Token": re.compile(
        r"(?i)(?<![A-Za-z0-9])(?:CLOUDFLARE|CF)_?(?:API_?)?TOKEN" + _ASSIGN + r"([A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])"
    ),
    "Cloudflare Global API Key": re.compile(
        r"(?i)(?<![A-Za-z0-9])(?:CLOUDFLARE|CF)_?(?:GLOBAL_?)?API_?KEY" + _ASSIGN + r"([0-9a-f]{37})(?![0-9a-z])"
    ),
    "AWS Secret Access Key": re.compile(
        r"(?i)(?<![A-Za-z0-9])AWS_?SECRET_?(?:ACCESS_?)?KEY" + _ASSIGN + r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
    ),
}
TYPES = frozenset(DETECTORS)

_ALLOWLIST_RE = re.compile(r"pragma:\s*allowlist[ -]secret", re.IGNORECASE)


def scan_lines(
    path: str, lines: Iterable[tuple[int, str]], source: str, commit: str | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    for number, line in lines:
        if _ALLOWLIST_RE.search(line):
            continue
        for secret_type, pattern in DETECTORS.items():
            for match in pattern.finditer(line):
                findings.append(
                    Finding(
                        source=source,
                        path=path,
                        line=number,
                        type=secret_type,
                        hashed_secret=hash_secret(match.group(1)),
                        commit=commit,
                    )
                )
    return findings
