"""launchready/diagram/render.py + markdown.py: the diagrams parse, name every hostname and exactly the
steps on its path, group identical paths, and show no secret and nothing the mocks made up."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from launchready.diagram import render
from launchready.diagram.build import build_model
from launchready.diagram.diff import diff_models
from launchready.diagram.markdown import section
from launchready.diagram.model import PathModel
from launchready.diagram.render import web_diagram
from tests.diagram.mermaid_grammar import Chart, mermaid_blocks, parse

ODD_PURPOSES = ['the "shop" [beta] (v2) {x}', "C# & <b>tags</b> | pipes; semis", "`ticks` %% and # signs",
                "ünïcödé ☃ 日本語", "--> end subgraph"]


def chain_text(chart: Chart, host: str) -> str:
    """Every label on the path drawn for `host`: its host node and everything after it."""
    starts = [n for n, text in chart.nodes.items() if re.search(rf"(^|\n)(\w+: )?{re.escape(host)} — ", text)]
    assert len(starts) == 1, f"{host} is named by {len(starts)} host nodes"
    return "\n".join(chart.nodes[n] for n in chart.following(starts[0]))


def assert_every_path_drawn(model: PathModel, chart: Chart) -> None:
    every_ref = {s.key.split("/", 1)[1] for h in model.hosts for s in h.steps if s.phase != "access"}
    for path in model.hosts:
        text = chain_text(chart, path.host)
        mine = {s.key.split("/", 1)[1] for s in path.steps if s.phase != "access"}
        for ref in every_ref:
            mark = r"(?:• )?(?:(?:added|removed|changed): )?"
            named = re.search(rf"(?m)^{mark}{re.escape(ref)}(?::| \(all hosts\)|$)", text)
            assert (named is not None) is (ref in mine), (path.host, ref)
        assert ("Access (Zero Trust)" in text) is any(s.phase == "access" for s in path.steps)
        assert path.origin in text and ("DNS only" in text) is (not path.proxied)


def test_prod_and_staging_diagrams_parse_and_draw_every_host_path(model_of: Callable[..., PathModel]) -> None:
    for stack in ("prod", "staging"):
        model = model_of(stack)
        chart = parse(web_diagram(diff_models(model, None).hosts))
        assert_every_path_drawn(model, chart)
        assert not chart.classes  # nothing marked without a base


def _thirty_hosts(values: dict[str, Any]) -> None:
    hosts = values["launchready:hostnames"]
    for i in range(30):
        hosts[f"creator-{i:02d}"] = {"origin": f"creators-{i % 3}.fly.dev", "purpose": ODD_PURPOSES[i % 5],
                                     "owner": "growth"}
    hosts["legacy"] = {"origin": "203.0.113.7", "proxied": False, "purpose": 'old "v1" site [frozen]'}


def test_thirty_hostnames_with_odd_purposes_stay_grouped_and_readable(model_of: Callable[..., PathModel]) -> None:
    model = model_of("prod", _thirty_hosts)
    chart = parse(web_diagram(diff_models(model, None).hosts))
    assert_every_path_drawn(model, chart)
    host_nodes = [n for n, shape in chart.shapes.items() if shape == "("]
    # apex, www, app+api+the 30 creators, admin, the DNS-only legacy host
    assert len(host_nodes) == 5
    assert len(chart.nodes) < 40
    creators = next(chart.nodes[n] for n in host_nodes if "creator-00" in chart.nodes[n])
    assert creators.startswith("32 hosts, same path")
    for purpose in ODD_PURPOSES:
        assert purpose in creators  # read back exactly as written, however odd
    assert 'legacy.fanloom.io — old "v1" site [frozen]' in "\n".join(chart.nodes.values())


def test_the_section_shows_no_secret_and_no_value_the_mocks_made_up(planned: Callable[..., Any]) -> None:
    def second_webhook(values: dict[str, Any]) -> None:
        values["launchready:monitoring"]["alertWebhooks"].append({"name": "pager", "configKey": "pagerUrl"})
        values["launchready:pagerUrl"] = "https://hooks.example.com/services/T0KEN/S3CRET"

    cfg, plan = planned("prod", second_webhook, frozenset({"launchready:pagerUrl"}))
    text = section(build_model(cfg, plan))
    out = plan["outputs"]
    made_up = ["123456789012", "arn:", out["dnssecDsFields"]["digest"]]
    made_up += [app["aud"] for app in out["accessApps"].values()]
    made_up += [hc["id"] for hc in out["healthChecks"].values()]
    made_up += [r["name"].split(".")[0] for r in out["emailRecords"] if "_domainkey" in r["name"]]
    made_up += [r["urn"].rsplit("::", 1)[-1] + "_id" for r in plan["resources"]]
    for value in made_up:
        assert value not in text
    for secret in ("[secret]", "T0KEN", "S3CRET", "UkVQTEFDRV9NRT"):
        assert secret not in text
    assert "webhook: pager" in text and "email: oncall@fanloom.io" in text


def test_the_section_holds_three_diagrams_that_parse(model_of: Callable[..., PathModel]) -> None:
    text = section(model_of("prod"))
    blocks = mermaid_blocks(text)
    assert len(blocks) == 3
    web, mail, alerts = (parse(b) for b in blocks)
    assert len(web.nodes) > 10
    mail_text = "\n".join(mail.nodes.values())
    for expected in ("Amazon SES (eu-west-1)", "DKIM: 3 CNAME records", "SPF: TXT fanloom.io",
                     "DMARC: TXT _dmarc.fanloom.io", "dmarc-reports@fanloom.io", "fanloom@rua.dmarcian.com",
                     "MAIL FROM MX: mail.fanloom.io"):
        assert expected in mail_text
    alert_text = "\n".join(alerts.nodes.values())
    for expected in ("Health check homepage", "Alarm launchready-prod-uptime-homepage",
                     "SNS topic launchready-prod-alerts\nus-east-1", "email: founders@fanloom.io",
                     "webhook: slack-incidents", "SES events of launchready-prod"):
        assert expected in alert_text
    uptime = next(n for n, t in alerts.nodes.items() if t.startswith("Alarm launchready-prod-uptime-homepage"))
    topic = next(n for n, t in alerts.nodes.items() if t == "SNS topic launchready-prod-alerts\nus-east-1")
    assert topic in alerts.following(uptime)


def test_no_email_sending_says_so(model_of: Callable[..., PathModel]) -> None:
    def no_mail(values: dict[str, Any]) -> None:
        values["launchready:email"]["enabled"] = False

    text = section(model_of("staging", no_mail))
    mail = parse(mermaid_blocks(text)[1])
    assert list(mail.nodes.values()) == [
        "fanloom-staging.net sends no email through SES (launchready:email.enabled is false)"]


def _host_node(chart: Chart, host: str) -> str:
    return next(n for n, t in chart.nodes.items() if re.search(rf"(^|\n)(\w+: )?{re.escape(host)} — ", t))


def _chain_ids(chart: Chart, host: str) -> set[str]:
    nodes = set(chart.following(_host_node(chart, host)))
    return nodes | {p for n in nodes if (p := chart.parent.get(n))}


def test_a_config_change_changes_the_diagram_text_only_where_it_applies(model_of: Callable[..., PathModel]) -> None:
    def api_dns_only(values: dict[str, Any]) -> None:
        values["launchready:hostnames"]["api"]["proxied"] = False

    before_text = web_diagram(diff_models(model_of("prod"), None).hosts)
    after_text = web_diagram(diff_models(model_of("prod", api_dns_only), None).hosts)
    before, after = parse(before_text), parse(after_text)
    assert _host_node(after, "app.fanloom.io") == _host_node(before, "app.fanloom.io")  # same chain, minus api
    allowed = _chain_ids(before, "app.fanloom.io") | _chain_ids(after, "app.fanloom.io")
    allowed |= _chain_ids(after, "api.fanloom.io")
    changed = set(after_text.splitlines()) ^ set(before_text.splitlines())
    assert changed
    for line in changed:
        ids = set(re.findall(r"\b[ns][0-9a-f]{10}\b", line))
        assert ids and ids <= allowed, line
    for host in ("fanloom.io", "www.fanloom.io", "admin.fanloom.io"):
        assert _chain_ids(before, host) == _chain_ids(after, host)


def test_many_internal_hosts_share_one_chain(model_of: Callable[..., PathModel]) -> None:
    def internal(values: dict[str, Any]) -> None:
        for i in range(30):
            values["launchready:hostnames"][f"admin-{i}"] = {"origin": f"admin-{i}.fly.dev", "purpose": "ops"}

    model = model_of("prod", internal)
    chart = parse(web_diagram(diff_models(model, None).hosts))
    assert_every_path_drawn(model, chart)
    admins = [t for n, t in chart.nodes.items() if chart.shapes[n] == "(" and "admin.fanloom.io — " in t]
    assert len(admins) == 1 and admins[0].startswith("31 hosts, same path")


def test_a_diagram_too_long_for_mermaid_names_rules_by_ref(model_of: Callable[..., PathModel],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    model = model_of("prod")
    hosts = list(diff_models(model, None).hosts)
    full = web_diagram(hosts)
    compact = web_diagram(hosts, compact=True)
    monkeypatch.setattr(render, "MAX_TEXT", len(full) - 1)
    assert web_diagram(hosts) == compact
    assert len(compact) < len(full) and "ratelimit_login (all hosts)" in compact
    assert "5 requests per 60s" in full and "5 requests per 60s" not in compact
    assert_every_path_drawn(model, parse(compact))


def test_the_web_paths_also_come_as_a_table_one_row_per_host(model_of: Callable[..., PathModel]) -> None:
    def api_dns_only(values: dict[str, Any]) -> None:
        values["launchready:hostnames"]["api"]["proxied"] = False

    model = model_of("prod", api_dns_only)
    text = section(model)
    table = text[text.index("<details><summary>The same as a table"):]
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]
    assert [c[0].replace("\\", "") for c in cells] == [h.host for h in model.hosts]
    assert all(len(c) == 4 for c in cells)
    api = cells[3]
    assert api[1:] == ["CNAME record, DNS only", "none (DNS only)", "fanloom-api.fly.dev"]
    assert cells[4][2].endswith("→ Access (Zero Trust): sign-in")


def test_a_topic_nobody_subscribes_to_says_so(planned: Callable[..., Any]) -> None:
    cfg, plan = planned("staging")  # the config refuses a stack without subscribers; the plan may still lack them
    plan["resources"] = [r for r in plan["resources"] if not r["type"].endswith(":TopicSubscription")]
    error_rate = next(r for r in plan["resources"] if r["name"] == "error-rate-alarm")
    error_rate["inputs"].update(alarmActions=[], okActions=[])
    alerts = parse(mermaid_blocks(section(build_model(cfg, plan)))[2])
    silent = next(n for n, t in alerts.nodes.items() if t.startswith("Alarm launchready-staging-error-rate"))
    assert [alerts.nodes[b] for a, b, _, _ in alerts.edges if a == silent] == ["notifies no alert topic"]
    topics = [n for n, t in alerts.nodes.items() if t.startswith("SNS topic ")]
    assert len(topics) == 2
    for topic in topics:
        assert [alerts.nodes[b] for a, b, _, _ in alerts.edges if a == topic] == [
            "nobody is subscribed: its alerts reach no one"]
