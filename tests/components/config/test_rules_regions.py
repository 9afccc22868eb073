"""aws:region and email.sesRegion must be AWS regions (and SES must run in the SES one)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import botocore
import pytest

from components import facts
from components.config import ConfigError, parse_config
from launchready.stackfile import load_stack_config


def _endpoints() -> dict[str, Any]:
    path = Path(os.path.dirname(botocore.__file__)) / "data" / "endpoints.json"
    return json.loads(path.read_text())


def test_the_region_facts_are_botocores() -> None:
    partitions = _endpoints()["partitions"]
    assert set(facts.AWS_REGIONS) == {r for p in partitions for r in p["regions"]}
    ses = {r for p in partitions for r in p["services"].get("email", {}).get("endpoints", {}) if r in p["regions"]}
    assert set(facts.SES_REGIONS) == ses
    assert "ap-east-1" not in facts.SES_REGIONS  # a region SES does not run in


def _ses_problems(stack_values: Any, region: Any) -> list[Any]:
    values, secret = stack_values("prod")
    values["launchready:email"]["sesRegion"] = region
    with pytest.raises(ConfigError) as info:
        parse_config(values, secret)
    return [p for p in info.value.problems if p.path == "launchready:email.sesRegion"]


def test_a_misspelt_ses_region_is_refused_with_a_suggestion(stack_values: Any) -> None:
    [p] = _ses_problems(stack_values, "eu-west-9")
    assert "not an AWS region" in p.message and p.value == "eu-west-9"
    [p] = _ses_problems(stack_values, "eu-wset-1")
    assert "did you mean eu-west-1?" in p.message


def test_a_region_without_ses_is_refused(stack_values: Any) -> None:
    [p] = _ses_problems(stack_values, "ap-east-1")
    assert "SES does not run in this region" in p.message
    assert "ap-" in p.fix


@pytest.fixture
def project(tmp_path: Path, repo_root: Path) -> Path:
    shutil.copy(repo_root / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copy(repo_root / "Pulumi.prod.yaml", tmp_path / "Pulumi.prod.yaml")
    return tmp_path


@pytest.mark.parametrize("region", ["eu-west-12", "europe-west1", "EU-WEST-1", "1"])
def test_a_provider_region_that_is_not_a_region_is_refused(project: Path, region: str) -> None:
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("aws:region: eu-west-1", f"aws:region: {region}"))
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    [p] = [p for p in info.value.problems if p.path == "aws:region"]
    assert "not an AWS region" in p.message and "pulumi config set aws:region" in p.fix


def test_a_provider_region_is_reported_beside_other_problems(project: Path) -> None:
    path = project / "Pulumi.prod.yaml"
    path.write_text(path.read_text().replace("aws:region: eu-west-1", "aws:region: mars-1")
                    .replace("plan: business", "plan: gold"))
    with pytest.raises(ConfigError) as info:
        load_stack_config("prod", project)
    assert {"aws:region", "launchready:zone.plan"} <= {p.path for p in info.value.problems}
