"""Rules that need more than one stack's config: the stack's name, and the project's other stack files.

They are not in the registry (a registered rule sees one config only): `launchready.stackfile.validate` runs
them for every command, with the name taken from the file name `Pulumi.<stack>.yaml`; the program can run
`environment_matches_stack(cfg, pulumi.get_stack())` the same way.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from components.config.problems import Problem, key

if TYPE_CHECKING:
    from components.config.stack import StackConfig

#: Words of a stack name that say production, and words that say it is not.
_PROD_WORDS = frozenset({"prod", "production", "prd", "live"})
_NONPROD_WORDS = frozenset({"staging", "stage", "stg", "dev", "development", "test", "testing", "qa", "uat",
                            "preview", "sandbox", "demo", "local"})


def _words(stack: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", stack.lower()) if w}


def stack_environment(stack: str) -> str | None:
    """The environment a stack's name says ("prod", "staging"), or None when it says neither or both."""
    words = _words(stack)
    prod, nonprod = bool(words & _PROD_WORDS), bool(words & _NONPROD_WORDS)
    if prod == nonprod:
        return None
    return "prod" if prod else "staging"


def environment_matches_stack(cfg: StackConfig, stack: str) -> Iterator[Problem]:
    """`Pulumi.prod.yaml` saying `environment: staging` would deploy prod with staging's weaker defaults
    (7-day secret recovery, one-day HSTS, DMARC p=none); a staging stack saying prod is as misleading."""
    said = stack_environment(stack)
    env = cfg.environment.value
    if said is None or said == env:
        return
    if said == "prod":
        why = "this is the production stack by its name, and staging's defaults are the weaker ones"
    else:
        why = "the stack's name says it is not production; prod settings here mislead whoever reads the plan"
    yield Problem(
        key("environment"),
        f"the stack {stack!r} (Pulumi.{stack}.yaml) says environment: {env}; {why}",
        value=env,
        fix=f"set launchready:environment: {said} in Pulumi.{stack}.yaml, or rename the stack",
    )


def zone_not_shared(cfg: StackConfig, siblings: Mapping[str, Any]) -> Iterator[Problem]:
    """Two stacks of one project managing one Cloudflare zone overwrite each other's zone settings, rulesets
    and records on every `pulumi up`. `siblings` maps another stack file's name to its raw `launchready:zone`.
    """
    for file_name, zone in sorted(siblings.items()):
        if not isinstance(zone, Mapping):
            continue
        other_id = str(zone.get("zoneId") or "").strip().lower()
        other_domain = str(zone.get("domain") or "").strip().lower().rstrip(".")
        if other_id and other_id == cfg.zone.zone_id.lower():
            yield Problem(
                key("zone.zoneId"),
                f"{file_name} uses the same zone id; two stacks managing one zone overwrite each other's "
                "settings, rules and records",
                fix="give each stack its own zone (a staging domain such as staging-example.net has its own "
                "zone id on its Cloudflare Overview page)",
            )
        elif other_domain and other_domain == cfg.zone.domain:
            yield Problem(
                key("zone.domain"),
                f"{file_name} declares the same domain under another zone id; one of the two ids is wrong",
                value=cfg.zone.domain,
                fix="use the zone id shown on the domain's Cloudflare Overview page in the one stack that owns it",
            )


#: Characters SNS topic names (CreateTopic), CloudWatch dashboard names (PutDashboard) and SES configuration
#: set names (CreateConfigurationSet) may hold, per each API's documentation: letters, digits, _ and -.
_NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
#: SES configuration set names: 64 characters or fewer (SES API reference, CreateConfigurationSet).
SES_CONFIGURATION_SET_MAX = 64
#: CloudWatch AlarmName: 1-255 characters (botocore's cloudwatch model); SNS topic names: up to 256.
ALARM_NAME_MAX = 255
TOPIC_NAME_MAX = 256


def names_fit_providers(cfg: StackConfig, project: str, stack: str) -> Iterator[Problem]:
    """`<project>-<stack>` starts the alert topic, dashboard, alarm and SES configuration set names."""
    from components.naming import alarm_names, alert_topic_name, name_prefix

    prefix = name_prefix(project, stack)
    where = f"Pulumi.yaml name {project!r} + stack {stack!r}"
    if not _NAME_RE.match(prefix):
        yield Problem(where, f'the names of the alert topic, dashboard and SES configuration set start "{prefix}", '
                      "and those take only letters, digits, _ and -",
                      fix="rename the project (Pulumi.yaml name:) or the stack without dots or other characters")
        return
    if cfg.email.enabled and len(prefix) > SES_CONFIGURATION_SET_MAX:
        yield Problem(where, f"the SES configuration set is named {prefix!r} ({len(prefix)} characters); SES "
                      f"takes at most {SES_CONFIGURATION_SET_MAX}", fix="use a shorter project or stack name")
    longest = max((name for name, _ in alarm_names(cfg, project, stack, "us-east-1")), key=len, default="")
    if len(longest) > ALARM_NAME_MAX or len(alert_topic_name(project, stack)) > TOPIC_NAME_MAX:
        yield Problem(where, f"alarm names such as {longest[:40]}... exceed CloudWatch's {ALARM_NAME_MAX} characters",
                      fix="use a shorter project or stack name")


#: The config namespaces of the providers this program uses, and Pulumi's own (pulumi:tags, ...).
PROVIDER_PACKAGES = {"aws": "pulumi_aws", "cloudflare": "pulumi_cloudflare"}
_SETTING_RE = re.compile(r"__config__\.get(?:_bool|_int|_float|_object)?\('([A-Za-z0-9]+)'\)")


@functools.cache
def provider_settings(namespace: str) -> frozenset[str]:
    """The config keys a provider reads, from its installed SDK's `config/vars.py` (read as text: importing
    the SDK would cost a second). Empty when the SDK is not installed (then nothing is judged)."""
    spec = importlib.util.find_spec(PROVIDER_PACKAGES[namespace])
    if spec is None or spec.origin is None:
        return frozenset()
    try:
        text = (Path(spec.origin).parent / "config" / "vars.py").read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    return frozenset(_SETTING_RE.findall(text))


def config_keys_known(keys: Iterable[str], program: str, region_from_env: bool) -> Iterator[Problem]:
    """Keys outside the program's namespace must be settings some provider reads (a typo such as aws:regoin is
    silently ignored by Pulumi), and pulumi-aws needs aws:region unless AWS_REGION says it."""
    keys = list(keys)
    namespaces = [program, *PROVIDER_PACKAGES, "pulumi"]
    for full in keys:
        namespace, _, name = full.partition(":")
        if namespace in (program, "pulumi"):
            continue
        if namespace in PROVIDER_PACKAGES:
            known = provider_settings(namespace)
            if known and name not in known:
                close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.7)
                hint = f"did you mean {namespace}:{close[0]}?" if close else f"see the {namespace} provider's settings"
                yield Problem(full, f"not a setting of the {namespace} provider, which would ignore it", fix=hint)
            continue
        close = difflib.get_close_matches(namespace, namespaces, n=1, cutoff=0.6)
        yield Problem(full, f"nothing reads the {namespace}: namespace (the program reads {program}:, the "
                      "providers aws: and cloudflare:)",
                      fix=f"did you mean {close[0]}:{name}?" if close else "remove it or fix its namespace")
    if "aws:region" not in keys and not region_from_env:
        yield Problem("aws:region", "not set: pulumi-aws needs the region every AWS resource of the stack goes to",
                      fix="pulumi config set aws:region eu-west-1 (or the region of your SES and alarms)")
