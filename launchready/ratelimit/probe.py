"""The rate-limit probe: does a declared rate limit answer with its action once the threshold is passed?

For a rule of `waf.rateLimits` (path, methods, requestsPerPeriod, periodSeconds, action), send
requestsPerPeriod + 1 requests, one after the other, to the rule's path on a hostname the stack declares,
all within the rule's period, and expect the limit's action on the last one at the latest: 429 for
`block` (Cloudflare's default block response for rate limiting rules), a challenge for `managed_challenge`
(403 with `cf-mitigated: challenge`, or Cloudflare's challenge page). Bounded: at most MAX_REQUESTS
requests, each with a timeout, and never past the period. `--base-url` only changes where the connection
goes; the Host header (and TLS SNI) is always the declared hostname.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from components.config import RateLimit, StackConfig

MAX_REQUESTS = 500
CHALLENGE_MARKERS = (b"challenge-platform", b"cf-chl", b"Just a moment")


class ProbeError(Exception):
    """The probe cannot run as asked (unknown rule or host, rule too large to probe). Exit 2."""


@dataclass
class RuleProbe:
    rule: RateLimit
    host: str
    method: str
    sent: int = 0
    #: 1-based number of the first request answered with the limit's action
    limited_at: int | None = None
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    elapsed_seconds: float = 0.0
    cut_short: str = ""

    @property
    def threshold(self) -> int:
        return self.rule.requests_per_period

    def problems(self) -> list[str]:
        if self.limited_at is not None:
            return []
        expected = "429" if self.rule.action == "block" else "a challenge (403 with cf-mitigated: challenge)"
        if self.cut_short:
            return [f"inconclusive: {self.cut_short}"]
        if self.errors and not self.statuses:
            failures = ", ".join(f"{k} x{n}" for k, n in sorted(self.errors.items()))
            return [f"inconclusive: no request got an answer ({failures}); check the address and the network"]
        return [f"{self.sent} requests to {self.method} {self.rule.path} in {self.elapsed_seconds:.1f}s and none "
                f"was answered with {expected}; the rule allows {self.threshold} per {self.rule.period_seconds}s: "
                "check it is deployed on this zone and the path matches"]

    def notes(self) -> list[str]:
        out = []
        if self.limited_at is not None and self.limited_at <= self.threshold:
            out.append(f"limited at request {self.limited_at}, before the threshold of {self.threshold}: an "
                       "earlier run or another client behind the same address was still being counted")
        if self.limited_at is not None:
            out.append(f"this address is now limited on {self.rule.path} for up to "
                       f"{self.rule.mitigation_timeout_seconds}s (mitigationTimeoutSeconds)")
        return out

    @property
    def passed(self) -> bool:
        return not self.problems()

    def to_json(self) -> dict[str, Any]:
        r = self.rule
        return {"name": r.name, "path": r.path, "method": self.method, "host": self.host,
                "threshold": r.requests_per_period, "periodSeconds": r.period_seconds, "action": r.action,
                "sent": self.sent, "limitedAt": self.limited_at,
                "statuses": dict(sorted(self.statuses.items())), "errors": dict(sorted(self.errors.items())),
                "elapsedSeconds": round(self.elapsed_seconds, 3), "passed": self.passed,
                "problems": self.problems(), "notes": self.notes()}


def pick_host(cfg: StackConfig, wanted: str | None) -> str:
    """The fqdn to probe: --host as a label or fqdn of the stack, default the canonical host."""
    declared = {cfg.fqdn(label): label for label in cfg.hostnames}
    if wanted is None:
        return cfg.canonical_host
    name = wanted.strip().lower().rstrip(".")
    if name in declared:
        return name
    if name in cfg.hostnames:
        return cfg.fqdn(name)
    from launchready.load.setup import shown

    raise ProbeError(f"--host {shown(wanted)}: not a hostname of the stack; the probe only sends to declared hosts "
                     f"({', '.join(sorted(declared))})")


def pick_rules(cfg: StackConfig, names: list[str]) -> list[RateLimit]:
    rules = list(cfg.waf.rate_limits)
    if not rules:
        raise ProbeError("the stack declares no rate limits (waf.rateLimits): nothing to probe")
    if names:
        unknown = sorted(set(names) - {r.name for r in rules})
        if unknown:
            from launchready.load.setup import shown

            raise ProbeError(f"--rule {', '.join(map(shown, unknown))}: not a rate limit of the stack (declared: "
                             f"{', '.join(r.name for r in rules)})")
        rules = [r for r in rules if r.name in names]
    for rule in rules:
        if rule.requests_per_period + 1 > MAX_REQUESTS:
            raise ProbeError(f"waf.rateLimits {rule.name}: allows {rule.requests_per_period} requests per period; "
                             f"the probe sends at most {MAX_REQUESTS}, so it cannot show this limit (use --rule to "
                             "probe the others)")
    return rules


def is_limited(rule: RateLimit, response: httpx.Response, body: bytes) -> bool:
    if rule.action == "block":
        return response.status_code == 429
    if response.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    return response.status_code in (403, 429, 503) and any(m in body for m in CHALLENGE_MARKERS)


def probe_rule(client: httpx.Client, rule: RateLimit, host: str, origin: str, timeout: float) -> RuleProbe:
    """Send up to threshold+1 requests within the rule's period; stop at the first limited answer."""
    method = rule.methods[0] if rule.methods else "GET"
    result = RuleProbe(rule, host, method)
    started = time.monotonic()
    deadline = started + rule.period_seconds
    headers = {"Host": host, "User-Agent": "launchready-ratelimit-probe"}
    content = b"" if method in ("POST", "PUT", "PATCH") else None
    if content is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    extensions = {"sni_hostname": host} if origin.startswith("https://") else {}
    for i in range(1, rule.requests_per_period + 2):
        left = deadline - time.monotonic()
        if left <= 0:
            result.cut_short = (f"only {result.sent} of {rule.requests_per_period + 1} requests fit in the "
                                f"{rule.period_seconds}s period (the server answered too slowly)")
            break
        request = client.build_request(method, origin + rule.path, headers=headers, content=content,
                                       timeout=min(timeout, left), extensions=extensions)
        result.sent += 1
        try:
            response = client.send(request)
            body = response.content[:65536]
        except httpx.HTTPError as exc:
            result.errors["timeout" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__] += 1
            continue
        result.statuses[str(response.status_code)] += 1
        if is_limited(rule, response, body):
            result.limited_at = i
            break
    result.elapsed_seconds = time.monotonic() - started
    return result


def run_probe(cfg: StackConfig, rules: list[RateLimit], host: str, base_url: str | None,
              timeout: float = 10.0, verify: bool | str = True) -> list[RuleProbe]:
    origin = (base_url or f"https://{host}").rstrip("/")
    with httpx.Client(follow_redirects=False, verify=verify, trust_env=False) as client:
        return [probe_rule(client, rule, host, origin, timeout) for rule in rules]
