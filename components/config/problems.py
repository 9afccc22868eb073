"""The problem type of the stack config: every check, structural or cross-field, reports `Problem`s."""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "launchready"


def key(path: str) -> str:
    """The full config key path of `path` inside the namespace: `key("tls.hsts")` is `launchready:tls.hsts`."""
    return f"{NAMESPACE}:{path}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a stack config: where, what, and how to fix it."""

    path: str  # e.g. "launchready:email.dmarc.policy"
    message: str
    fix: str = ""
    value: str | None = None  # None when the value is secret-like or absent

    def render(self) -> str:
        shown = f" (got {self.value})" if self.value is not None else ""
        fix = f"\n      fix: {self.fix}" if self.fix else ""
        return f"  - {self.path}{shown}: {self.message}{fix}"


class ConfigError(Exception):
    """A stack config that cannot be used. `str()` is the readable list of every problem."""

    def __init__(self, problems: list[Problem], source: str = "stack config") -> None:
        self.problems = problems
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.source} has {count} {noun}; nothing was registered:"]
        lines += [p.render() for p in self.problems]
        return "\n".join(lines)


class RuleViolations(ValueError):
    """Raised inside pydantic; carries every cross-field problem so none is lost in the error list."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))
