"""Advisories (never failures): `email.mta_sts`, `email.tls_rpt` and `web.security_txt`.

MTA-STS makes sending servers insist on TLS to the domain's MX, TLS-RPT sends reports when they cannot,
and security.txt (RFC 9116) tells a researcher where to report a vulnerability. Missing or broken, each
is a warning with the record or file to publish.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from launchready.probe.model import CheckResult, passed, warn
from launchready.probe.resolver import Resolver
from launchready.probe.web import Web


def _tags(record: str) -> dict[str, str]:
    out = {}
    for part in record.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            out[key.strip().lower()] = value.strip()
    return out


def parse_sts_policy(text: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            policy.setdefault(key.strip().lower(), []).append(value.strip())
    return policy


async def _records_if_mail(resolver: Resolver, domain: str, name: str, version: str) -> list[str] | None:
    """The TXT records at `name` that start with `version`; None when the domain has no MX (needs none)."""
    mx = await resolver.lookup(domain, "MX")
    if not mx.found:
        return None
    txt = await resolver.lookup(name, "TXT")
    return [r for r in txt.records if r.lower().startswith(version)]


async def check_mta_sts(resolver: Resolver, web: Web, domain: str) -> CheckResult:
    records = await _records_if_mail(resolver, domain, f"_mta-sts.{domain}", "v=stsv1")
    if records is None:
        return passed("email.mta_sts", domain, "the domain receives no mail (no MX): MTA-STS not needed")
    if not records:
        return warn(
            "email.mta_sts",
            domain,
            f"no MTA-STS: publish _mta-sts.{domain} TXT \"v=STSv1; id=<n>\" and a policy at "
            f"https://mta-sts.{domain}/.well-known/mta-sts.txt so mail to you is never sent in clear",
        )
    url = f"https://mta-sts.{domain}/.well-known/mta-sts.txt"
    hops, problem = await web.follow(url, max_hops=0, read_body=True)
    details: dict[str, Any] = {"record": records[0], "policy_url": url}
    if problem or not hops or hops[-1].status != 200:
        why = problem or f"answered {hops[-1].status}"
        return warn("email.mta_sts", domain, f"MTA-STS record found but the policy cannot be read: {why}", **details)
    policy = parse_sts_policy(hops[-1].body.decode("utf-8", errors="replace"))
    mode = (policy.get("mode") or [""])[0].lower()
    details.update(mode=mode, mx=policy.get("mx", []))
    if policy.get("version") != ["STSv1"] or mode not in ("enforce", "testing", "none") or not policy.get("mx"):
        return warn("email.mta_sts", domain, "the MTA-STS policy is malformed (version, mode and mx needed)", **details)
    if mode != "enforce":
        return warn("email.mta_sts", domain, f"MTA-STS mode is {mode}: senders do not yet insist on TLS", **details)
    return passed("email.mta_sts", domain, "MTA-STS policy in enforce mode", **details)


async def check_tls_rpt(resolver: Resolver, domain: str) -> CheckResult:
    records = await _records_if_mail(resolver, domain, f"_smtp._tls.{domain}", "v=tlsrptv1")
    if records is None:
        return passed("email.tls_rpt", domain, "the domain receives no mail (no MX): TLS-RPT not needed")
    if not records:
        return warn(
            "email.tls_rpt",
            domain,
            f"no TLS-RPT: publish _smtp._tls.{domain} TXT \"v=TLSRPTv1; rua=mailto:tls-reports@{domain}\"",
        )
    rua = _tags(records[0]).get("rua", "")
    if not any(u.strip().startswith(("mailto:", "https://")) for u in rua.split(",")):
        return warn("email.tls_rpt", domain, "the TLS-RPT record has no mailto: or https: rua", record=records[0])
    return passed("email.tls_rpt", domain, f"TLS-RPT reports go to {rua}", record=records[0])


def _security_txt_problems(text: str, now: dt.datetime) -> list[str]:
    fields = parse_sts_policy(text)
    problems = []
    if not fields.get("contact"):
        problems.append("no Contact:")
    expires = (fields.get("expires") or [""])[0]
    if not expires:
        problems.append("no Expires:")
    else:
        try:
            when = dt.datetime.fromisoformat(expires.replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"Expires: {expires[:40]!r} is not a date")
        else:
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
            if when < now:
                problems.append(f"it expired on {expires}")
    return problems


async def check_security_txt(web: Web, host: str, now: dt.datetime | None = None) -> CheckResult:
    url = f"https://{host}/.well-known/security.txt"
    hops, problem = await web.follow(url, max_hops=3, read_body=True)
    html = bool(hops) and hops[-1].headers.get("content-type", "").lower().startswith("text/html")
    if problem or not hops or hops[-1].status != 200 or html:
        why = problem or (f"{url} serves an HTML page" if html else f"{url} answers {hops[-1].status}")
        return warn(
            "web.security_txt",
            host,
            f"no security.txt ({why}): publish Contact: and Expires: at /.well-known/security.txt (RFC 9116)",
        )
    problems = _security_txt_problems(hops[-1].body.decode("utf-8", errors="replace"), now or dt.datetime.now(dt.UTC))
    if problems:
        return warn("web.security_txt", host, "security.txt: " + "; ".join(problems), url=url)
    return passed("web.security_txt", host, "security.txt with Contact: and a future Expires:", url=url)
