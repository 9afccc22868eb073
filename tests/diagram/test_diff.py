"""launchready/diagram/diff.py + changes.py: the diff marks exactly what the config change does to the path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from launchready.diagram.build import build_model
from launchready.diagram.changes import change_lines
from launchready.diagram.diff import diff_models
from launchready.diagram.model import PathModel
from launchready.diagram.render import graph_diagram, web_diagram
from tests.diagram.conftest import plan_values
from tests.diagram.mermaid_grammar import parse
from tests.diagram.test_render import chain_text

STATIC = "Cache rules: cache_static_assets: static assets: long edge TTL, errors not cached, cache deception armor"
PUBLIC = "fanloom.io, www.fanloom.io, app.fanloom.io, api.fanloom.io"


@pytest.fixture(scope="module")
def prod() -> PathModel:
    return build_model(*plan_values("prod"))


def _no_access(values: dict[str, Any]) -> None:
    values["launchready:hostnames"]["admin"]["internal"] = False


def _dns_only(values: dict[str, Any]) -> None:
    values["launchready:hostnames"]["api"]["proxied"] = False


def _no_static(values: dict[str, Any]) -> None:
    values["launchready:cache"].update(staticExtensions=[], staticPathPrefixes=[])


def _thirty(values: dict[str, Any]) -> None:
    for i in range(30):
        values["launchready:hostnames"][f"shop-{i}"] = {"origin": f"shop-{i}.fly.dev", "purpose": f"shop [{i}]"}


def test_unchanged_config_marks_nothing(prod: PathModel, model_of: Callable[..., PathModel]) -> None:
    diff = diff_models(model_of("prod"), prod)
    assert not diff.changed and change_lines(diff) == []
    assert not parse(web_diagram(diff.hosts)).classes


def test_admin_losing_access_is_marked_on_admin_only(prod: PathModel, model_of: Callable[..., PathModel]) -> None:
    diff = diff_models(model_of("prod", _no_access), prod)
    assert change_lines(diff) == [
        f"admin.fanloom.io: gains {STATIC}",
        "admin.fanloom.io: loses Access (Zero Trust): sign-in required; allowed: @fanloom.io, "
        "group trust-and-safety; session 8h",
    ]
    chart = parse(web_diagram(diff.hosts))
    text = chain_text(chart, "admin.fanloom.io")
    assert "removed: sign-in required" in text and "added: cache_static_assets" in text
    removed = sorted(chart.classes["removed"])
    assert len(removed) == 1 and chart.nodes[removed[0]].startswith("Access (Zero Trust)\n• removed: ")
    assert [chart.nodes[n].split("\n")[0] for n in chart.classes["changed"]] == ["Cache rules"]
    for host in PUBLIC.split(", "):
        assert "removed: " not in chain_text(chart, host) and "added: " not in chain_text(chart, host)


def test_a_host_made_dns_only_skips_cloudflare(prod: PathModel, model_of: Callable[..., PathModel]) -> None:
    diff = diff_models(model_of("prod", _dns_only), prod)
    assert change_lines(diff) == [
        "api.fanloom.io: DNS changes from CNAME record, proxied through Cloudflare to CNAME record, DNS only: "
        "Cloudflare is skipped (8 steps no longer apply)"]
    chart = parse(web_diagram(diff.hosts))
    text = chain_text(chart, "api.fanloom.io")
    assert "DNS only: Cloudflare is skipped" in [e[2] for e in chart.edges]
    assert "(was: CNAME record, proxied through Cloudflare)" in text
    assert "app.fanloom.io — " not in text  # app keeps its own, unchanged chain


def test_a_cache_rule_that_now_applies_is_marked_added(model_of: Callable[..., PathModel], prod: PathModel) -> None:
    diff = diff_models(prod, model_of("prod", _no_static))
    assert change_lines(diff) == [f"{PUBLIC}: gains {STATIC}"]
    assert change_lines(diff_models(model_of("prod", _no_static), prod)) == [f"{PUBLIC}: loses {STATIC}"]


def test_thirty_new_hostnames_are_one_line_and_one_chain(prod: PathModel, model_of: Callable[..., PathModel]) -> None:
    diff = diff_models(model_of("prod", _thirty), prod)
    lines = change_lines(diff)
    assert len(lines) == 1
    assert lines[0].startswith("shop-0.fanloom.io, shop-1.fanloom.io") and "shop-29.fanloom.io" in lines[0]
    assert lines[0].endswith(": new host (CNAME record, proxied through Cloudflare, 8 Cloudflare steps)")
    chart = parse(web_diagram(diff.hosts))
    added_hosts = [n for n in chart.classes["added"] if chart.shapes[n] == "("]
    assert len(added_hosts) == 1 and chart.nodes[added_hosts[0]].startswith("30 hosts, same path")
    text = chain_text(chart, "shop-0.fanloom.io")
    assert all(f"shop-{i}.fanloom.io → shop-{i}.fly.dev" in text for i in range(30))


def test_mail_and_alert_changes_name_what_changed(prod: PathModel, model_of: Callable[..., PathModel]) -> None:
    def fewer(values: dict[str, Any]) -> None:
        values["launchready:email"]["dmarc"]["rua"] = ["dmarc-reports@fanloom.io"]
        values["launchready:monitoring"]["alertEmails"].append("sre@fanloom.io")

    diff = diff_models(model_of("prod", fewer), prod)
    lines = change_lines(diff)
    assert lines[1:] == ["mail: removed DMARC aggregate reports (rua) / fanloom@rua.dmarcian.com / "
                         "(outside this domain)", "alerts: added email: sre@fanloom.io"]
    assert lines[0].startswith("mail: DMARC: TXT _dmarc.fanloom.io changes: ")
    alerts = parse(graph_diagram(diff.alerts))
    sre = next(n for n, t in alerts.nodes.items() if t == "added: email: sre@fanloom.io")
    assert alerts.css(sre) == {"added"}
    assert sum(1 for a, b, _, _ in alerts.edges if b == sre) == 2  # both topics reach the new subscriber
    mail = parse(graph_diagram(diff.mail))
    gone = next(n for n, t in mail.nodes.items() if t.startswith("removed: DMARC aggregate reports (rua)\n"))
    assert mail.css(gone) == {"removed"}
    assert [arrow for a, b, _, arrow in mail.edges if b == gone] == ["-.->"]


def test_a_removed_host_is_drawn_removed(prod: PathModel, model_of: Callable[..., PathModel]) -> None:
    def drop_api(values: dict[str, Any]) -> None:
        del values["launchready:hostnames"]["api"]
        values["launchready:monitoring"]["endpoints"]["apiHealth"]["host"] = "app"

    diff = diff_models(model_of("prod", drop_api), prod)
    assert "api.fanloom.io: host removed: no longer declared" in change_lines(diff)
    chart = parse(web_diagram(diff.hosts))
    text = chain_text(chart, "api.fanloom.io")
    assert text.startswith("Host\nremoved: api.fanloom.io — ")
