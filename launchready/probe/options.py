"""Argument types and validation shared by `verify` and `smoke`: every bad input is a one-line usage error."""

from __future__ import annotations

import argparse
import re
import ssl
from pathlib import Path
from typing import TypedDict

from launchready.probe.resolver import NameserverSpec, UsageError, parse_nameserver

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)((?!-)[a-z0-9_-]{1,63}(?<!-)\.)+[a-z0-9-]{2,63}$")
_LABEL_RE = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$", re.IGNORECASE)


def nameserver_arg(text: str) -> NameserverSpec:
    try:
        return parse_nameserver(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix(f"--nameserver {text!r}: ")) from None


def port_arg(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1-65535)")
    return int(text)


def timeout_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 120:
        raise argparse.ArgumentTypeError("the timeout must be more than 0 and at most 120 seconds")
    return value


def domain_arg(text: str) -> str:
    value = text.strip().lower().rstrip(".")
    if value.startswith(("http://", "https://")) or not _DOMAIN_RE.match(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a domain name such as example.com")
    return value


def label_arg(text: str) -> str:
    value = text.strip().lower().rstrip(".")
    if not all(_LABEL_RE.match(part) for part in value.split(".")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a DNS label such as 'mail' or 's1'")
    return value


def add_common(parser: argparse.ArgumentParser, *, timeout_help: str) -> None:
    from launchready.common.arguments import add_stack_arguments

    add_stack_arguments(
        parser,
        stack_required=False,
        stack_help="take targets and expectations from Pulumi.<NAME>.yaml",
        json_help="print the results as JSON (a contract: fields are only ever added)",
    )
    parser.add_argument(
        "--nameserver",
        metavar="IP[:PORT]",
        action="append",
        type=nameserver_arg,
        default=[],
        help="resolve every name through this server (repeatable); the system resolver is then never used",
    )
    parser.add_argument("--http-port", type=port_arg, default=80, help="port for http:// URLs without one (default 80)")
    parser.add_argument(
        "--https-port", type=port_arg, default=443, help="port for https:// URLs without one (default 443)"
    )
    parser.add_argument(
        "--ca-bundle", metavar="FILE", help="an extra trusted CA certificate (PEM), besides the system's"
    )
    parser.add_argument("--timeout", metavar="SECONDS", type=timeout_arg, default=5.0, help=timeout_help)


def check_ca_bundle(path: str | None) -> str | None:
    if path is None:
        return None
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"--ca-bundle {path}: no such file")
    try:
        ssl.create_default_context().load_verify_locations(cafile=str(file))
    except (ssl.SSLError, ValueError, OSError) as exc:
        raise UsageError(f"--ca-bundle {path}: not a PEM certificate file ({exc})") from None
    return str(file)


class CommonOptions(TypedDict):
    """What the arguments of `add_common` say, as keywords of `VerifyOptions` and `SmokeOptions`."""

    nameservers: list[NameserverSpec]
    timeout: float
    http_port: int
    https_port: int
    ca_bundle: str | None


def common_options(args: argparse.Namespace) -> CommonOptions:
    """The options given by the arguments of `add_common`; raises UsageError for a bad --ca-bundle."""
    return CommonOptions(
        nameservers=args.nameserver,
        timeout=args.timeout,
        http_port=args.http_port,
        https_port=args.https_port,
        ca_bundle=check_ca_bundle(args.ca_bundle),
    )
