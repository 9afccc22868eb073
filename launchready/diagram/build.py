"""The path model of one stack: its config and its plan document (`Plan.to_json()`)."""

from __future__ import annotations

from typing import Any

from components.config import StackConfig
from launchready.diagram.alerts import alerts_graph
from launchready.diagram.mail import mail_graph
from launchready.diagram.model import PathModel
from launchready.diagram.web import host_paths


def build_model(cfg: StackConfig, plan: dict[str, Any]) -> PathModel:
    return PathModel(host_paths(cfg, plan), mail_graph(cfg, plan), alerts_graph(cfg, plan))
