"""Rules for TLS and HSTS (`launchready:tls`); the floors are facts shared with the policy pack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from components.config.problems import Problem, key
from components.config.rules.registry import rule
from components.config.tls import HSTS_MIN_MAX_AGE_PROD, HSTS_PRELOAD_MIN_MAX_AGE

if TYPE_CHECKING:
    from components.config.stack import StackConfig


@rule.when(lambda cfg: cfg.is_prod)
def prod_keeps_hsts(cfg: StackConfig) -> Iterator[Problem]:
    if cfg.hsts_max_age < HSTS_MIN_MAX_AGE_PROD:
        yield Problem(
            key("tls.hsts.maxAgeSeconds"),
            "prod may not shorten or disable HSTS below six months",
            value=str(cfg.hsts_max_age),
            fix=f"remove the key (one year) or set at least {HSTS_MIN_MAX_AGE_PROD}",
        )


@rule
def preload_meets_the_preload_list_requirements(cfg: StackConfig) -> Iterator[Problem]:
    hsts = cfg.tls.hsts
    if hsts.preload and (not hsts.include_subdomains or cfg.hsts_max_age < HSTS_PRELOAD_MIN_MAX_AGE):
        yield Problem(
            key("tls.hsts.preload"),
            "preload needs includeSubdomains and a max-age of a year",
            value="true",
            fix=f"set includeSubdomains: true and maxAgeSeconds: {HSTS_PRELOAD_MIN_MAX_AGE}, or drop preload",
        )
