"""Region names that AWS has: `aws:region` (the provider's, outside the schema) and `email.sesRegion`, which
must also be a region where SES runs. The lists are facts (`components.facts`, read from botocore)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from components.config.problems import Problem, key
from components.config.rules.registry import rule
from components.facts import AWS_REGIONS, SES_REGIONS

if TYPE_CHECKING:
    from components.config.stack import StackConfig


def _nearest(value: str, names: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value.strip().lower(), names, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def region_problem(value: Any, path: str, how: str) -> Problem | None:
    """A problem when `value` is not an AWS region name; `how` says how to set it."""
    if isinstance(value, str) and value in AWS_REGIONS:
        return None
    shown = value if isinstance(value, str) and len(value) <= 40 else None
    hint = _nearest(value, AWS_REGIONS) if isinstance(value, str) else ""
    return Problem(path, f"not an AWS region{hint}", value=shown,
                   fix=f"use a region name such as eu-west-1 or us-east-1 (`aws ec2 describe-regions` lists them): "
                   f"{how}")


def provider_region_is_real(values: Mapping[str, Any]) -> Iterator[Problem]:
    """`aws:region` of a stack's raw config, when it is set: every AWS resource of the stack lands there."""
    if "aws:region" in values:
        problem = region_problem(values["aws:region"], "aws:region", "pulumi config set aws:region eu-west-1")
        if problem is not None:
            yield problem


@rule
def ses_region_is_an_ses_region(cfg: StackConfig) -> Iterator[Problem]:
    region = cfg.email.ses_region
    problem = region_problem(region, key("email.sesRegion"), "sesRegion: eu-west-1 under launchready:email")
    if problem is not None:
        yield problem
    elif cfg.email.enabled and region not in SES_REGIONS:
        yield Problem(key("email.sesRegion"), "Amazon SES does not run in this region", value=region,
                      fix="pick a region where SES runs, e.g. " + _nearest_ses(region))


def _nearest_ses(region: str) -> str:
    same_area = [r for r in SES_REGIONS if r.split("-")[0] == region.split("-")[0]]
    return ", ".join(same_area[:3] or ["us-east-1", "eu-west-1"])
