"""Rules for the web hostnames and the zone's other DNS records (`launchready:hostnames`, `:dns`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.email import is_spf_record
from components.config.problems import Problem, key
from components.config.rules.registry import rule
from components.facts import is_non_public_address

if TYPE_CHECKING:
    from components.config.stack import StackConfig
    from components.config.zone import ExtraRecord


@rule
def apex_declared(cfg: StackConfig) -> Iterator[Problem]:
    if "@" not in cfg.hostnames:
        yield Problem(key("hostnames"), 'the apex "@" is missing', 'add "@": {origin: ..., purpose: ...}')


@rule
def internal_hostnames_proxied(cfg: StackConfig) -> Iterator[Problem]:
    for label in cfg.internal_labels:
        if not cfg.hostnames[label].proxied:
            yield Problem(
                key(f"hostnames.{label}.proxied"),
                "an internal hostname must be proxied, or Access cannot "
                "protect it and anyone on the internet reaches the origin",
                value="false",
                fix="set proxied: true",
            )


@rule
def origins_reachable(cfg: StackConfig) -> Iterator[Problem]:
    """An origin is another host, never the hostname itself, or a public address (components/facts.py)."""
    for label, host in cfg.hostnames.items():
        if host.record_type == "CNAME" and host.origin == cfg.fqdn(label):
            yield Problem(key(f"hostnames.{label}.origin"), "a hostname cannot point at itself", value=host.origin)
        if host.record_type != "CNAME" and is_non_public_address(host.origin):
            yield Problem(
                key(f"hostnames.{label}.origin"),
                "origin is a private, loopback, link-local or other special-purpose address that the internet "
                "cannot reach",
                value=host.origin,
                fix="use the origin's public address",
            )


def _extra_records(cfg: StackConfig) -> Iterator[tuple[str, ExtraRecord]]:
    for i, rec in enumerate(cfg.dns.extra_records):
        yield key(f"dns.extraRecords[{i}]"), rec


@rule
def one_spf_record_per_name(cfg: StackConfig) -> Iterator[Problem]:
    """A name may hold one SPF record; the email area declares the apex's and the MAIL FROM subdomain's."""
    spf_owner: dict[str, str] = {}
    if cfg.email.enabled:
        spf_owner = {"@": key("email.spf"), cfg.email.mail_from_subdomain: key("email.mailFromSubdomain")}
    for path, rec in _extra_records(cfg):
        if rec.type != "TXT" or not is_spf_record(rec.content):
            continue
        if rec.name not in spf_owner:
            spf_owner[rec.name] = path
            continue
        where = "at the apex" if rec.name == "@" else f'at "{rec.name}"'
        yield Problem(
            f"{path}.content",
            f"a second SPF record {where} makes SPF fail (permerror)",
            fix="move the mechanisms into email.spf.extraSenders"
            if rec.name == "@" and cfg.email.enabled
            else f"merge it into the one declared by {spf_owner[rec.name]}",
        )


@rule.when(lambda cfg: cfg.email.enabled)
def mail_from_carries_only_the_ses_mx(cfg: StackConfig) -> Iterator[Problem]:
    for path, rec in _extra_records(cfg):
        if rec.name == cfg.email.mail_from_subdomain and rec.type == "MX":
            yield Problem(
                f"{path}.name",
                "the MAIL FROM subdomain carries exactly one MX, the SES bounce MX the email area declares",
                value=rec.name,
                fix="remove this record or pick another email.mailFromSubdomain",
            )


@rule
def dmarc_is_declared_by_the_email_area(cfg: StackConfig) -> Iterator[Problem]:
    for path, rec in _extra_records(cfg):
        if rec.type == "TXT" and rec.name == "_dmarc":
            yield Problem(f"{path}.name", "the DMARC record is declared by the email area",
                          fix="configure it under email.dmarc")


@rule
def no_record_beside_a_web_hostname(cfg: StackConfig) -> Iterator[Problem]:
    """Cloudflare flattens a CNAME at the apex, so MX and TXT may sit beside it there; not elsewhere."""
    for path, rec in _extra_records(cfg):
        if rec.name in cfg.hostnames and (
            rec.type in ("CNAME", "A", "AAAA")
            or (rec.name != "@" and cfg.hostnames[rec.name].record_type == "CNAME")
        ):
            yield Problem(
                f"{path}.name",
                f'"{rec.name}" is already a web hostname: declare its address there, and no other record '
                "may sit beside a CNAME",
                value=rec.name,
            )
