"""The config reference and the stack-file JSON Schema stay in step with the models, and the stack files
(the examples, the reference example, what `launchready init` writes) are valid against the schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from launchready import PROJECT_ROOT
from launchready.configref.__main__ import generated, main
from launchready.configref.example import EXAMPLE_STACK, environment_defaults, example_config
from launchready.configref.reference import rows
from launchready.configref.schema import SCHEMA_PATH, build_schema
from launchready.init.gather import gather
from launchready.init.stackgen import stack_document


def validator() -> jsonschema.Draft202012Validator:
    schema = build_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(doc)]


def test_committed_reference_and_schema_match_the_models() -> None:
    for rel, text in generated().items():
        path = PROJECT_ROOT / rel
        assert path.is_file(), f"{rel} is missing: run python -m launchready.configref"
        assert path.read_text(encoding="utf-8") == text, f"{rel} is stale: run python -m launchready.configref"


def test_check_mode_reports_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--root", str(tmp_path), "--check"]) == 0
    (tmp_path / SCHEMA_PATH).write_text("{}\n", encoding="utf-8")
    assert main(["--root", str(tmp_path), "--check"]) == 1
    assert SCHEMA_PATH in capsys.readouterr().err


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_example_stacks_are_valid_and_name_the_schema(stack: str) -> None:
    text = (PROJECT_ROOT / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=./{SCHEMA_PATH}"
    assert errors(yaml.safe_load(text)) == []


def test_the_reference_example_is_valid_for_schema_and_models() -> None:
    assert errors(yaml.safe_load(EXAMPLE_STACK)) == []
    assert example_config().domain == "example.com"


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda c: c["launchready:zone"].update(zoneID="x"), "config/launchready:zone"),
        (lambda c: c.update({"launchready:zones": {"domain": "example.com"}}), "config/launchready:zones"),
        (lambda c: c["launchready:redirects"].update(canonical="both"), "config/launchready:redirects/canonical"),
        (lambda c: c["launchready:cache"].update(edgeTtlSeconds=5), "config/launchready:cache/edgeTtlSeconds"),
        (lambda c: c.pop("launchready:monitoring"), "config"),
        (lambda c: c.update({"launchready:databaseUrl": "postgres://plain"}), "config/launchready:databaseUrl"),
    ],
)
def test_the_schema_rejects_what_the_models_reject(mutate: Any, where: str) -> None:
    doc = yaml.safe_load(EXAMPLE_STACK)
    mutate(doc["config"])
    found = errors(doc)
    assert any(e.startswith(where) for e in found), found


def test_other_namespaces_and_secrets_are_allowed() -> None:
    doc = yaml.safe_load(EXAMPLE_STACK)
    doc["config"]["cloudflare:apiToken"] = {"secure": "v1:abc"}
    doc["config"]["pulumi:tags"] = {"team": "web"}
    assert errors(doc) == []


def test_every_key_of_the_models_is_in_the_reference_with_a_description() -> None:
    text = (PROJECT_ROOT / "docs/config.md").read_text(encoding="utf-8")
    keys = [r.path for r in rows()]
    assert {"zone.zoneId", "hostnames.<name>.origin", "dns.extraRecords[].priority",
            "monitoring.endpoints.apiHealth.expectText"} <= set(keys)
    for row in rows():
        area_heading = "." not in row.path and row.type.startswith("object")
        assert (f"## `launchready:{row.path}`" if area_heading else f"| `{row.path}` |") in text
        assert row.description, row.path


def test_prod_defaults_come_from_the_models() -> None:
    defaults = environment_defaults()
    assert defaults["email.dmarc.policy"] == ("none", "quarantine")
    assert defaults["tls.hsts.maxAgeSeconds"][1] >= 15552000
    text = (PROJECT_ROOT / "docs/config.md").read_text(encoding="utf-8")
    assert "| `email.dmarc.policy` | `none` \\| `quarantine` \\| `reject` | `none` | `quarantine` |" in text


def test_what_init_writes_is_valid_against_the_schema() -> None:
    import argparse

    from launchready.init.cli import configure_parser

    parser = argparse.ArgumentParser()
    configure_parser(parser)
    args = parser.parse_args(["--domain", "example.org", "--host", "@=203.0.113.50", "--internal",
                              "ops=ops.example.net"])
    opts = gather(args)
    for env in ("staging", "prod"):
        doc, _ = stack_document(env, opts)
        plain = json.loads(json.dumps(doc))
        assert errors(plain) == [], env
