"""The result of one check, and of a whole run: what `--json` prints and what the exit code comes from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    passed = "pass"
    warn = "warn"
    fail = "fail"


#: Every check id `verify` reports; others (dashboards, the handover) key on these names.
VERIFY_CHECK_IDS = (
    "dns.records",
    "dns.dangling_cname",
    "dns.caa",
    "dns.caa_issuer",
    "dns.dnssec",
    "redirect.https",
    "redirect.canonical",
    "redirect.legacy",
    "tls.certificate",
    "tls.expiry",
    "tls.versions",
    "http.hsts",
    "web.headers",
    "web.cookies",
    "web.cors",
    "web.access",
    "web.noindex",
    "web.mixed_content",
    "web.bundle_secrets",
    "web.security_txt",
    "email.spf",
    "email.dmarc",
    "email.dkim",
    "email.mail_from",
    "email.ses",
    "email.mta_sts",
    "email.tls_rpt",
)


@dataclass(frozen=True)
class CheckResult:
    """One check on one target: a stable id, what was checked, pass/warn/fail, one line, and the data."""

    id: str
    target: str
    status: Status
    summary: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "status": self.status.value,
            "summary": self.summary,
            "details": self.details,
        }


def passed(check_id: str, target: str, summary: str, **details: Any) -> CheckResult:
    return CheckResult(check_id, target, Status.passed, summary, details)


def warn(check_id: str, target: str, summary: str, **details: Any) -> CheckResult:
    return CheckResult(check_id, target, Status.warn, summary, details)


def fail(check_id: str, target: str, summary: str, **details: Any) -> CheckResult:
    return CheckResult(check_id, target, Status.fail, summary, details)


def worst(statuses: Iterable[Status]) -> Status:
    found = set(statuses)
    if Status.fail in found:
        return Status.fail
    if Status.warn in found:
        return Status.warn
    return Status.passed


@dataclass(frozen=True)
class Report:
    """All results of a run, in a stable order (by check id order, then target)."""

    checks: list[CheckResult]

    @property
    def summary(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for check in self.checks:
            counts[check.status.value] += 1
        return counts

    @property
    def failed(self) -> bool:
        return any(c.status is Status.fail for c in self.checks)

    @property
    def risks(self) -> list[dict[str, Any]]:
        from launchready.probe.risks import rank_risks

        return rank_risks(self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"checks": [c.to_json() for c in self.checks], "summary": self.summary, "risks": self.risks}


def sort_results(results: Iterable[CheckResult], order: tuple[str, ...] = VERIFY_CHECK_IDS) -> list[CheckResult]:
    rank = {check_id: i for i, check_id in enumerate(order)}
    return sorted(results, key=lambda r: (rank.get(r.id, len(rank)), r.id, r.target))
