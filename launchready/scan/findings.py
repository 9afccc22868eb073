"""A finding of the secret scan: where a secret-looking value is, what kind, never the value itself."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

#: secret type of a plaintext credential in a Pulumi stack file (detect-secrets' types are its plugins' names)
STACK_PLAINTEXT = "Plaintext secret in Pulumi stack file"

TREE = "tree"
HISTORY = "history"


def hash_secret(value: str) -> str:
    """The SHA-1 hex digest detect-secrets uses to identify a secret without storing it."""
    return hashlib.sha1(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Finding:
    """One secret-looking value.

    `source` is TREE for the files as they are now, HISTORY for a blob an old commit added that the working
    tree no longer holds. `commit` is the commit that added it (for a TREE finding: the first commit that
    holds it, or None while it was never committed).
    """

    source: str
    path: str
    line: int
    type: str
    hashed_secret: str
    commit: str | None = None
    key: str | None = None
    fix: str | None = None
    baselined: bool = field(default=False, compare=False)
    #: for a HISTORY finding: the refs (`refs/heads/feature`) whose tip still holds it (launchready.scan.refs)
    refs: tuple[str, ...] = field(default=(), compare=False)

    @property
    def identity(self) -> tuple[str, str, str]:
        """What a baseline entry matches: file, type and secret hash (line numbers drift)."""
        return (self.path, self.type, self.hashed_secret)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "path": self.path,
            "line": self.line,
            "type": self.type,
            "hashed_secret": self.hashed_secret,
            "commit": self.commit,
        }
        if self.key is not None:
            out["key"] = self.key
        if self.fix is not None:
            out["fix"] = self.fix
        out["baselined"] = self.baselined
        if self.source == HISTORY:
            out["refs"] = list(self.refs)
        return out
