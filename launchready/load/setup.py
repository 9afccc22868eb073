"""From a scenario and a stack to what the runner needs: each flow's origin and thresholds, the effective
load profile (flags over the scenario, within the hard caps), and the credentials' values.

Thresholds default to the stack's: p95 from `monitoring.routeClasses.<class>.p95Ms`, error rate from
`monitoring.errorRatePercent`. Every problem is a SetupError naming the key or flag and the fix.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from components.config import StackConfig
from launchready.load.runner import FlowPlan
from launchready.load.scenario import EnvRef, LoadProfile, Scenario, SecretRef


class SetupError(Exception):
    """The scenario does not fit the stack, a flag is out of bounds, or a credential is missing."""


@dataclass(frozen=True)
class Overrides:
    rate: float | None = None
    ramp_seconds: float | None = None
    hold_seconds: float | None = None
    max_in_flight: int | None = None
    base_url: str | None = None


_FLAGS = {"rate": "--rate", "ramp_seconds": "--ramp", "hold_seconds": "--duration", "max_in_flight": "--max-in-flight"}


def effective_profile(scenario: Scenario, overrides: Overrides) -> LoadProfile:
    """The scenario's load: block with the flags applied, validated against the same caps."""
    given = {k: v for k, v in ((k, getattr(overrides, k)) for k in _FLAGS) if v is not None}
    try:
        return LoadProfile.model_validate({**scenario.load.model_dump(), **given})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else ""
            where = _FLAGS.get(key, "load") if key in given or not key else f"load.{key}"
            problems.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
        raise SetupError("; ".join(problems)) from None


def shown(value: str) -> str:
    """A value for an error message: quoted, unless it looks like a credential (then never shown)."""
    from launchready.redaction import credential_kind

    return "(a value that looks like a credential, not shown)" if credential_kind(value) else repr(value)


def check_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise SetupError("--base-url: a URL with a user or password is not accepted (it would be logged); give "
                         "the origin only and put credentials under credentials: in the scenario")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise SetupError(f"--base-url {shown(url)}: give an origin such as http://127.0.0.1:8080 (scheme, host, "
                         "optional port; no path)")
    return f"{parts.scheme}://{parts.netloc}"


def flow_plans(scenario: Scenario, cfg: StackConfig, base_url: str | None) -> list[FlowPlan]:
    classes = cfg.monitoring.route_classes
    plans = []
    for i, flow in enumerate(scenario.flows):
        if flow.route_class not in classes:
            raise SetupError(f"flows[{i}].routeClass: {shown(flow.route_class)} is not a route class of the stack "
                             f"(monitoring.routeClasses has {', '.join(sorted(classes))}); use one of those or "
                             "declare it in the stack file")
        label = flow.host or scenario.host
        if label not in cfg.hostnames:
            where = f"flows[{i}].host" if flow.host else "host"
            raise SetupError(f"{where}: {shown(label)} is not a hostname label of the stack (known: "
                             f"{', '.join(sorted(cfg.hostnames))})")
        origin = base_url or f"https://{cfg.fqdn(label)}"
        t = flow.thresholds
        plans.append(FlowPlan(flow, origin,
                              t.p95_ms if t.p95_ms is not None else float(classes[flow.route_class].p95_ms),
                              t.error_rate_percent if t.error_rate_percent is not None
                              else cfg.monitoring.error_rate_percent))
    return plans


def _secret_value(name: str, ref: SecretRef, default_region: str | None) -> str:
    import boto3  # only when a scenario names a secret
    import botocore.exceptions

    try:
        client = boto3.client("secretsmanager", region_name=ref.region or default_region)
        text = client.get_secret_value(SecretId=ref.secret).get("SecretString")
    except botocore.exceptions.BotoCoreError as exc:
        raise SetupError(f"credentials.{name}: cannot read secret {ref.secret}: {exc}") from None
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        raise SetupError(f"credentials.{name}: cannot read secret {ref.secret} ({code})") from None
    if not isinstance(text, str):
        raise SetupError(f"credentials.{name}: secret {ref.secret} has no string value")
    if ref.field is None:
        return text
    try:
        value: Any = json.loads(text)[ref.field]
    except (ValueError, KeyError, TypeError):
        raise SetupError(f"credentials.{name}: secret {ref.secret} is not a JSON object with the key "
                         f"{ref.field!r}") from None
    return str(value)


def credential_values(scenario: Scenario, default_region: str | None,
                      environ: dict[str, str] | None = None) -> dict[str, str]:
    """Resolve every credential; a missing one names the credential and the variable to set (never a value)."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    missing = []
    for name, ref in scenario.credentials.items():
        if isinstance(ref, EnvRef):
            if env.get(ref.env):
                values[name] = env[ref.env]
            else:
                missing.append(f"credentials.{name}: the environment variable {ref.env} is not set (export it, "
                               "or map the CI secret into the job's env)")
        else:
            values[name] = _secret_value(name, ref, default_region)
    if missing:
        raise SetupError("; ".join(missing))
    return values


def warnings(scenario: Scenario, cfg: StackConfig, base_url: str | None) -> list[str]:
    """Things that will make a run fail for reasons other than the app: said before it starts."""
    out = []
    if base_url is None:
        for label in dict.fromkeys(f.host or scenario.host for f in scenario.flows):
            if label in cfg.hostnames and cfg.is_internal(label):
                out.append(f"{cfg.fqdn(label)} is internal (behind Cloudflare Access): requests without an Access "
                           "service token get Access's login page instead of the app; send "
                           "CF-Access-Client-Id/-Secret headers from credentials, or load a public host")
    return out
