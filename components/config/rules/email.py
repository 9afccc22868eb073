"""Rules for sending email (`launchready:email`): DMARC that enforces in prod, an SPF record receivers accept.

Every rule here applies only when the stack sends email (`email.enabled`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.email import SPF_MAX_LENGTH, SPF_MAX_LOOKUPS, SPF_MECHANISM_RE, DmarcPolicy, spf_ip_ok
from components.config.problems import Problem, key
from components.config.rules.registry import rule

if TYPE_CHECKING:
    from components.config.stack import StackConfig

sending = rule.when(lambda cfg: cfg.email.enabled)


@sending
def mail_from_is_not_a_web_hostname(cfg: StackConfig) -> Iterator[Problem]:
    if cfg.email.mail_from_subdomain in cfg.hostnames:
        yield Problem(
            key("email.mailFromSubdomain"),
            "the MAIL FROM subdomain is also a web hostname; it must only carry the bounce MX and SPF",
            value=cfg.email.mail_from_subdomain,
            fix='pick another subdomain such as "mail" or "bounce"',
        )


#: (key, message, fix) of the DMARC policies prod may not set to none.
_PROD_DMARC_POLICIES = (
    ("email.dmarc.policy", "prod may not use p=none: spoofed mail would still be delivered",
     "use quarantine (default) or reject"),
    ("email.dmarc.subdomainPolicy", "prod may not use sp=none: mail spoofing any subdomain would still be delivered",
     "remove the key (subdomains then follow the policy) or use quarantine or reject"),
)


@sending
def prod_dmarc_enforces(cfg: StackConfig) -> Iterator[Problem]:
    """In prod neither p= nor sp= may be none (sp= unset follows p=)."""
    if not cfg.is_prod:
        return
    for (path, message, fix), policy in zip(
        _PROD_DMARC_POLICIES, (cfg.dmarc_policy, cfg.email.dmarc.subdomain_policy), strict=True
    ):
        if policy is DmarcPolicy.none:
            yield Problem(key(path), message, value="none", fix=fix)


@sending
def dmarc_report_addresses_are_bare(cfg: StackConfig) -> Iterator[Problem]:
    for i, address in enumerate(cfg.email.dmarc.rua):
        if address.lower().startswith("mailto:"):
            yield Problem(
                key(f"email.dmarc.rua[{i}]"),
                "write the bare address: mailto: is added in the DMARC record",
                value=address,
                fix=f"use {address[len('mailto:'):]}",
            )
        elif any(c in address for c in ",;!"):
            yield Problem(
                key(f"email.dmarc.rua[{i}]"),
                "a report address may not contain , ; or ! (they separate URIs, tags and size limits in DMARC)",
                value=address,
            )


@sending
def spf_within_the_lookup_limit(cfg: StackConfig) -> Iterator[Problem]:
    lookups = cfg.email.spf.lookup_count
    if lookups > SPF_MAX_LOOKUPS:
        yield Problem(
            key("email.spf.extraSenders"),
            f"the SPF record would cost {lookups} DNS lookups; "
            f"receivers reject more than {SPF_MAX_LOOKUPS} (permerror)",
            value=str(lookups),
            fix="drop senders you no longer use or replace includes with ip4:/ip6: ranges",
        )


@sending
def spf_record_fits_one_udp_answer(cfg: StackConfig) -> Iterator[Problem]:
    length = len(cfg.email.spf.record)
    if length > SPF_MAX_LENGTH:
        yield Problem(
            key("email.spf.extraSenders"),
            f"the SPF record would be {length} characters; above {SPF_MAX_LENGTH} its DNS answer may "
            "not fit in 512 bytes and some receivers fail SPF",
            value=str(length),
            fix="replace lists of ip4:/ip6: ranges with one include: of a record that holds them",
        )


def _sender_problem(mech: str) -> tuple[str, str] | None:
    """(message, fix) for an extraSenders term that is not a usable SPF mechanism, None when it is."""
    term = mech.strip().lower().rstrip(".")
    if mech.lower() in ("+all", "?all", "all", "-all", "~all") or mech.lower().startswith("redirect="):
        return "the all/redirect term is set by email.spf.all", "remove it from extraSenders"
    if not SPF_MECHANISM_RE.match(mech.lower()):
        return "not an SPF mechanism this stack supports (include:, ip4:, ip6:, a, mx)", ""
    if term.startswith(("ip4:", "ip6:")) and not spf_ip_ok(term):
        return (
            f"not a valid {'IPv4' if term.startswith('ip4:') else 'IPv6'} address or range; "
            "receivers fail the whole SPF record on it (permerror)",
            'write it as "ip4:203.0.113.5", "ip4:203.0.113.0/24" or "ip6:2001:db8::/32"',
        )
    if term == "include:amazonses.com":
        return "SES is always included", "remove it"
    return None


@sending
def spf_extra_senders_are_mechanisms(cfg: StackConfig) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, mech in enumerate(cfg.email.spf.extra_senders):
        path = key(f"email.spf.extraSenders[{i}]")
        term = mech.strip().lower().rstrip(".")
        if term in seen:
            yield Problem(path, "listed twice; every repeat costs its DNS lookups again", value=mech,
                          fix="remove the duplicate")
            continue
        seen.add(term)
        found = _sender_problem(mech)
        if found is not None:
            yield Problem(path, found[0], value=mech, fix=found[1])
