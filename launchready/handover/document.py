"""The handover document for a gathered input, with every secret value the stack file holds redacted."""

from __future__ import annotations

from typing import Any

from launchready.stackfile import SECRET_PLACEHOLDER


def redact(text: str, secret_values: list[str]) -> str:
    """Last line of defence: no secret value the stack file holds ever leaves in the document."""
    for value in sorted(secret_values, key=len, reverse=True):
        if value and value != SECRET_PLACEHOLDER and len(value) >= 4:
            text = text.replace(value, SECRET_PLACEHOLDER)
    return text


def build_document(inp: Any) -> str:
    """The handover Markdown for a gathered input (launchready.handover.gather.HandoverInput)."""
    from launchready.handover.sections import render

    sf = inp.stack_file
    secrets = [v for k, v in sf.values.items() if k in sf.secret_keys and isinstance(v, str)]
    return redact(render(inp), secrets)
