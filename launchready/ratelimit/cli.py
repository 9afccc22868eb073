"""`launchready ratelimit --stack NAME`: the opt-in probe that each declared rate limit answers with its action
(429, or a challenge) once its threshold is passed. It blocks the probing address for the rule's mitigation
timeout, so it is its own command and not part of `smoke`.

Exit codes: 0 every probed limit answered with its action, 1 one did not (named), 2 usage or config error,
an undeclared host or rule, or prod without --yes.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from launchready.cli import ExitStatus
from launchready.common.arguments import add_stack_arguments


def configure_parser(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser)
    parser.add_argument("--rule", action="append", default=[], metavar="NAME",
                        help="probe only this rate limit of waf.rateLimits (repeatable; default: all)")
    parser.add_argument("--host", metavar="HOST", help="declared hostname (label or name) to probe; default the "
                        "canonical host")
    parser.add_argument("--base-url", metavar="URL", help="connect here instead (e.g. a test server); the Host "
                          "header stays the declared hostname")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per-request timeout")
    parser.add_argument("--ca-bundle", metavar="FILE", help="PEM file of CA certificates to trust; default the "
                        "system's")
    parser.add_argument("--yes", action="store_true", help="confirm probing a prod stack (it blocks this address "
                        "on the probed paths for the rule's mitigation timeout)")


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return ExitStatus.USAGE


def render_text(stack: str, results: list[Any]) -> str:
    lines = [f"rate-limit probe of stack {stack}", ""]
    for r in results:
        mark = "✓" if r.passed else "✗"
        statuses = ", ".join(f"{k}x{v}" for k, v in sorted(r.statuses.items())) or "none"
        lines.append(f"  {mark} {r.rule.name}: {r.method} https://{r.host}{r.rule.path} ({r.threshold} per "
                     f"{r.rule.period_seconds}s, {r.rule.action}): sent {r.sent}, "
                     + (f"limited at request {r.limited_at}" if r.limited_at else "never limited")
                     + f" [statuses {statuses}]")
        lines += [f"      - {p}" for p in r.problems()] + [f"      note: {n}" for n in r.notes()]
    failed = [r.rule.name for r in results if not r.passed]
    lines.append("PASSED: every probed limit answered with its action" if not failed
                 else f"FAILED: {', '.join(failed)}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from components.config import ConfigError
    from launchready.common.project import stack_target
    from launchready.probe.options import check_ca_bundle
    from launchready.probe.resolver import UsageError
    from launchready.ratelimit.probe import ProbeError, pick_host, pick_rules, run_probe
    from launchready.stackfile import load_stack_config

    target = stack_target(args)
    if target is None:
        return ExitStatus.USAGE
    try:
        cfg = load_stack_config(target.stack, target.root)
        rules = pick_rules(cfg, args.rule)
        host = pick_host(cfg, args.host)
        ca_bundle = check_ca_bundle(args.ca_bundle)
    except UsageError as exc:
        return _fail(str(exc))
    except ConfigError as exc:
        return _fail(exc.render())
    except ProbeError as exc:
        return _fail(str(exc))
    if args.base_url:
        from launchready.load.setup import SetupError, check_base_url

        try:
            check_base_url(args.base_url)
        except SetupError as exc:
            return _fail(str(exc))
    if not 0 < args.timeout <= 60:
        return _fail("--timeout: give 0 to 60 seconds")
    if cfg.is_prod and not args.yes:
        return _fail(f"stack {target.stack} is prod: the probe gets this address rate-limited on "
                     f"{', '.join(r.path for r in rules)}; re-run with --yes to confirm")
    results = run_probe(cfg, rules, host, args.base_url, args.timeout, ca_bundle or True)
    passed = all(r.passed for r in results)
    if args.json:
        doc = {"passed": passed, "stack": target.stack, "rules": [r.to_json() for r in results], **target.to_json()}
        print(json.dumps(doc, indent=2))
    else:
        print(render_text(target.stack, results))
    return ExitStatus.OK if passed else ExitStatus.FAILED
