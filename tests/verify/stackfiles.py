"""A test stack for --stack mode: the prod example moved to example.test and matched to the test zone."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from launchready import PROJECT_ROOT
from tests.verify.conftest import DOMAIN


def write_stack(root: Path, name: str = "launch", **overrides: Any) -> Path:
    shutil.copy(PROJECT_ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    doc = yaml.safe_load((PROJECT_ROOT / "Pulumi.prod.yaml").read_text())
    text = yaml.safe_dump(doc).replace("fanloom.io", DOMAIN)
    doc = yaml.safe_load(text)
    config = doc["config"]
    config["launchready:dns"] = {
        "caaIssuers": ["letsencrypt.org", "pki.goog"],
        "extraRecords": [
            {"name": "@", "type": "MX", "content": f"mx.{DOMAIN}", "priority": 10, "purpose": "inbound mail"},
            {"name": "@", "type": "TXT", "content": "google-site-verification=abc123", "purpose": "search console"},
        ],
    }
    config["launchready:email"]["dmarc"] = {"policy": "quarantine", "rua": [f"dmarc@{DOMAIN}"]}
    config["launchready:email"]["spf"] = {"all": "-all"}
    config["launchready:monitoring"]["endpoints"] = {
        "homepage": {"host": "@", "path": "/", "expectText": "Welcome"},
        "login": {"host": "app", "path": "/login", "expectText": "Sign in"},
        "apiHealth": {"host": "api", "path": "/healthz", "expectText": '"status":"ok"'},
    }
    for key, value in overrides.items():
        config[key] = value
    path = root / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return root
