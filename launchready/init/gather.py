"""From `launchready init`'s flags (and, on a terminal only, answers to prompts) to checked InitOptions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from launchready.init import options as o
from launchready.init.options import Host, InitOptions, OptionError

Ask = Callable[[str], str]


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _prompt(question: str) -> str:
    return input(f"{question}: ").strip()


def _fill_from_prompts(args: argparse.Namespace, ask: Ask) -> None:
    """Ask for what the flags left out; only called on a terminal."""
    if not args.domain:
        args.domain = ask("Apex domain of the product (e.g. example.com)")
    if not args.host:
        answer = ask("Public hostnames as LABEL=ORIGIN, comma-separated (e.g. @=web.example.net,app=1.2.3.4)")
        args.host = [part.strip() for part in answer.split(",") if part.strip()]
    if not args.alert_email:
        answer = ask("Alert email addresses, comma-separated (empty: fill in later)")
        args.alert_email = [part.strip() for part in answer.split(",") if part.strip()]


def _staging_domain(args: argparse.Namespace, apex: str, hosts: tuple[Host, ...]) -> str:
    if args.staging_domain:
        staging = o.domain(args.staging_domain, "--staging-domain")
    else:
        sub = o.label(args.staging_subdomain, "--staging-subdomain", apex)
        if sub == "@":
            raise OptionError("--staging-subdomain: staging needs a domain of its own or a subdomain label "
                              "such as staging")
        if sub in {h.label for h in hosts}:
            raise OptionError(f"--staging-subdomain {sub}: {sub}.{apex} is already a hostname of prod; pick "
                              "another label (e.g. staging) or give --staging-domain")
        staging = f"{sub}.{apex}"
    if staging == apex:
        raise OptionError(f"--staging-domain {staging}: staging must not share the prod domain; give a domain "
                          "of its own (e.g. example-staging.com) or use --staging-subdomain staging")
    return staging


def _hosts(args: argparse.Namespace, apex: str) -> tuple[Host, ...]:
    hosts: dict[str, Host] = {}
    for flag, values, internal in (("--host", args.host or [], False), ("--internal", args.internal or [], True)):
        for value in values:
            label, origin = o.host_pair(value, flag, apex)
            if label in hosts:
                raise OptionError(f"{flag} {value!r}: the hostname {label!r} is given twice; give each once")
            if internal and label == "@":
                raise OptionError(f"{flag} {value!r}: the apex cannot be internal; name an internal "
                                  "hostname such as admin")
            if origin == (apex if label == "@" else f"{label}.{apex}"):
                raise OptionError(f"{flag} {value!r}: a hostname cannot point at itself; give its origin "
                                  "(the server or platform host name that serves it)")
            hosts[label] = Host(label, origin, internal)
    if "@" not in hosts:
        raise OptionError("--host: the apex is missing; add --host @=ORIGIN (the server that serves "
                          f"{apex})")
    if args.canonical == "www" and "www" not in hosts:
        raise OptionError("--canonical www needs the www hostname: add --host www=ORIGIN")
    if args.canonical == "apex" and "www" not in hosts and not args.no_www:
        hosts["www"] = Host("www", apex)  # www redirects to the apex
    order = ["@", "www"]
    return tuple(sorted(hosts.values(), key=lambda h: (order.index(h.label) if h.label in order else 2,
                                                        h.internal, h.label)))


def _staging_origins(args: argparse.Namespace, apex: str, hosts: tuple[Host, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    known = {h.label for h in hosts}
    for value in args.staging_host or []:
        label, origin = o.host_pair(value, "--staging-host", apex)
        if label not in known:
            raise OptionError(f"--staging-host {value!r}: {label!r} is not one of the hostnames "
                              f"({', '.join(sorted(known))}); give it with --host or --internal first")
        out[label] = origin
    return out


def gather(args: argparse.Namespace, ask: Ask | None = None) -> InitOptions:
    """Checked options. Raises OptionError naming the flag, the value and the fix."""
    if ask is not None or interactive():
        _fill_from_prompts(args, ask or _prompt)
    if not args.domain:
        raise OptionError("--domain is required: the apex domain of the product, e.g. --domain example.com")
    apex = o.domain(args.domain, "--domain")
    if not args.host:
        raise OptionError("--host is required: the apex and each public hostname with its origin, e.g. "
                          "--host @=web.example.net --host app=203.0.113.10 (LABEL=ORIGIN, repeatable)")
    hosts = _hosts(args, apex)
    plan = o.plan(args.plan, "--plan")
    zone_id, staging_zone_id = o.hex32(args.zone_id, "--zone-id"), o.hex32(args.staging_zone_id, "--staging-zone-id")
    if zone_id and zone_id == staging_zone_id:
        raise OptionError("--staging-zone-id is the same as --zone-id: two stacks managing one zone overwrite each "
                          "other's settings and rulesets; give staging its own zone (its own domain, or a "
                          "subdomain zone) and its zone id")
    return InitOptions(
        project=o.project(args.project) if args.project else o.project_from_domain(apex),
        domain=apex,
        staging_domain=_staging_domain(args, apex, hosts),
        hosts=hosts,
        staging_origins=_staging_origins(args, apex, hosts),
        canonical=args.canonical,
        plan=plan,
        staging_plan=o.plan(args.staging_plan, "--staging-plan") if args.staging_plan else plan,
        ses_region=o.aws_region(args.ses_region, "--ses-region"),
        aws_region=o.aws_region(args.aws_region or args.ses_region, "--aws-region"),
        email=not args.no_email,
        alert_emails=tuple(o.email(v, "--alert-email") for v in args.alert_email or []),
        access_emails=tuple(o.email(v, "--access-email") for v in args.access_email or []),
        access_domains=tuple(o.domain(v, "--access-domain") for v in args.access_domain or []),
        session_cookies=tuple(o.session_cookie(v) for v in args.session_cookie or []),
        secrets=tuple(dict.fromkeys(o.secret_name(v) for v in args.secret)) if args.secret is not None
        else ("database-url",),
        zone_id=zone_id,
        staging_zone_id=staging_zone_id,
        account_id=o.hex32(args.account_id, "--account-id"),
    )
