"""Live records whose content looks like a credential: redacted as soon as they are read.

A TXT record is public DNS, so a password, API key or webhook URL in one has leaked already. adopt never
shows, saves or declares such content: the record keeps its name and type, its content reads `[redacted]`,
and it is ignored with the kind of secret and what to do (rotate the credential, delete the record). The
judgement is the stack file's own (`launchready.redaction.credential_kind`), so what the loader would refuse
is exactly what is redacted here.
"""

from __future__ import annotations

import dataclasses

from launchready.adopt.model import LiveRecord
from launchready.adopt.records import txt_value
from launchready.redaction import REDACTED, credential_kind

#: What to do about one (it is public: anyone who resolved the name may have it).
SECRET_FIX = ("this is public DNS, so treat the credential as leaked: rotate it, then delete the record "
              "(adopt leaves it out of the stack config)")


def secret_reason(kind: str) -> str:
    return f"holds what looks like a credential ({kind}); not shown, not declared, left as is"


def redact_secret_records(records: list[LiveRecord]) -> list[LiveRecord]:
    """The records with every credential-shaped TXT content replaced by `[redacted]` (its kind kept)."""
    return [_redacted(r) for r in records]


def _redacted(record: LiveRecord) -> LiveRecord:
    if record.type != "TXT" or record.managed:
        return record
    kind = credential_kind(txt_value(record.content))
    if kind is None:
        return record
    return dataclasses.replace(record, content=REDACTED, secret=kind)
