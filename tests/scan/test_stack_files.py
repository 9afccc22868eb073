"""Stack files as an adopter writes them: their public ids pass, and each plaintext secret gets its exact fix."""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from launchready.scan.publicids import public_values
from launchready.scan.stackfiles import derived_key, scan_stack_text
from tests.scan.gitrepos import commit, new_repo, scan, write

_RNG = random.Random(1717)


def _hex(n: int) -> str:
    return "".join(_RNG.choice("0123456789abcdef") for _ in range(n))


ZONE_ID, ACCOUNT_ID, RULESET_ID = _hex(32), _hex(32), _hex(32)
IDP_ID = f"{_hex(8)}-{_hex(4)}-4{_hex(3)}-8{_hex(3)}-{_hex(12)}"
AWS_ACCOUNT = "".join(_RNG.choice(string.digits) for _ in range(12))
KMS_KEY = f"{_hex(8)}-{_hex(4)}-4{_hex(3)}-a{_hex(3)}-{_hex(12)}"
WEBHOOK_TOKEN = "".join(_RNG.choice(string.ascii_letters + string.digits) for _ in range(24))
PLAINTEXT = "pw-" + "".join(_RNG.choice(string.ascii_letters + string.digits) for _ in range(20))

VERIFICATION = "".join(_RNG.choice(string.ascii_letters + string.digits) for _ in range(43))

ADOPTER_STACK = f"""\
# Pulumi.prod.yaml of a new product
config:
  aws:region: eu-central-1
  aws:allowedAccountIds:
    - "{AWS_ACCOUNT}"
  shop:zone:
    domain: shop.example
    zoneId: {ZONE_ID}
    accountId: "{ACCOUNT_ID}"
  shop:edge:
    rulesetId: {RULESET_ID}
  shop:access:
    identityProviderId: {IDP_ID}
  shop:email:
    kmsKeyArn: arn:aws:kms:eu-central-1:{AWS_ACCOUNT}:key/{KMS_KEY}
    topicArn: "arn:aws:sns:eu-central-1:{AWS_ACCOUNT}:shop-prod-alerts"
  shop:apiToken:
    secure: v1:AAAABBBBCCCC
  shop:dns:
    extraRecords:
      - name: "@"
        type: TXT
        content: google-site-verification={VERIFICATION}
"""


@pytest.fixture
def adopter_repo(tmp_path: Path) -> Path:
    repo = new_repo(tmp_path / "shop")
    write(repo, "Pulumi.yaml", "name: shop\nruntime: python\n")
    write(repo, "Pulumi.prod.yaml", ADOPTER_STACK)
    write(repo, "infra/Pulumi.staging.yaml", ADOPTER_STACK.replace("prod", "staging"))
    commit(repo, "the shop's stacks")
    return repo


def test_an_adopters_zone_account_and_arn_ids_do_not_fail_the_scan(adopter_repo: Path) -> None:
    run = scan("--path", str(adopter_repo), "--json")
    assert run.code == 0, [(f["path"], f["line"], f["type"]) for f in run.json()["findings"]]
    assert run.json()["findings"] == []


def test_the_same_ids_outside_a_stack_file_are_still_reported(adopter_repo: Path) -> None:
    write(adopter_repo, "notes.txt", f'token = "{ZONE_ID}"\n')
    run = scan("--path", str(adopter_repo), "--no-history", "--json")
    assert [(f["path"], f["type"]) for f in run.json()["findings"]] == [("notes.txt", "Hex High Entropy String")]


def test_an_id_shaped_value_under_a_secret_key_is_still_a_secret(adopter_repo: Path) -> None:
    extra = f"  shop:apiKeyId: {_hex(32)}\n  shop:clientSecret: {_hex(32)}\n"
    write(adopter_repo, "Pulumi.prod.yaml", ADOPTER_STACK + extra)
    run = scan("--path", str(adopter_repo), "--no-history", "--json")
    found = sorted((f["line"], f["key"], f["type"]) for f in run.json()["findings"])
    last = ADOPTER_STACK.count("\n")
    assert found == [(last + 1, "shop:apiKeyId", "Plaintext secret in Pulumi stack file"),
                     (last + 2, "shop:clientSecret", "Plaintext secret in Pulumi stack file")]


def test_public_values_names_ids_and_arn_parts_only() -> None:
    values = public_values(ADOPTER_STACK)
    assert {ZONE_ID, ACCOUNT_ID, RULESET_ID, IDP_ID, AWS_ACCOUNT} <= values
    assert "v1:AAAABBBBCCCC" not in values and "shop.example" not in values


def test_a_top_level_plaintext_gets_the_command_that_replaces_its_line() -> None:
    text = f"config:\n  aws:region: eu-west-1\n  shop:stripeApiKey: {PLAINTEXT}\n"
    [found] = scan_stack_text("Pulumi.prod.yaml", text, "tree")
    assert found.fix is not None and PLAINTEXT not in found.fix
    assert ("pulumi config set --secret shop:stripeApiKey '<value>' --stack prod (it replaces the plaintext line 3 "
            "of Pulumi.prod.yaml with a secure: value)") in found.fix


def test_a_bare_key_also_says_which_line_to_delete() -> None:
    [found] = scan_stack_text("Pulumi.prod.yaml", f"config:\n  dbPassword: {PLAINTEXT}\n", "tree")
    assert "pulumi config set --secret <project>:dbPassword '<value>' --stack prod" in (found.fix or "")
    assert "delete line 2 of Pulumi.prod.yaml" in (found.fix or "")


def test_a_webhook_url_is_moved_to_a_config_key_the_schema_accepts() -> None:
    text = ("config:\n  shop:monitoring:\n    alertWebhooks:\n      - name: ops\n        url: https://hooks.slack.com/"
            f"services/T01/B02/{WEBHOOK_TOKEN}\n")
    [found] = scan_stack_text("Pulumi.staging.yaml", text, "tree")
    assert found.key == "shop:monitoring.alertWebhooks[0].url"
    assert ("pulumi config set --secret shop:monitoringAlertWebhooksUrl '<value>' --stack staging, then replace "
            "`url: ...` on line 5 of Pulumi.staging.yaml with `configKey: monitoringAlertWebhooksUrl`"
            ) in (found.fix or "")
    assert WEBHOOK_TOKEN not in (found.fix or "")


def test_the_text_output_shows_the_fix(adopter_repo: Path) -> None:
    write(adopter_repo, "Pulumi.prod.yaml", ADOPTER_STACK + f"  shop:dbPassword: {PLAINTEXT}\n")
    run = scan("--path", str(adopter_repo), "--no-history")
    assert run.code == 1
    assert "fix: a secret-like key holds a plaintext value: pulumi config set --secret shop:dbPassword" in run.out
    assert PLAINTEXT not in run.out + run.err


@pytest.mark.parametrize(("path", "key"), [
    ("shop:secrets.items[2].dbPass", "secretsItems2DbPass"),
    ("shop:monitoring.alertWebhooks[0].url", "monitoringAlertWebhooksUrl"),
    ("shop:a-b.c_d[0].9x", "abCd9x"),
])
def test_derived_keys_fit_the_config_key_rule(path: str, key: str) -> None:
    assert derived_key(path) == key
    assert derived_key("x:" + "long" * 30).isalnum() and len(derived_key("x:" + "long" * 30)) <= 63


def test_any_detectors_finding_in_a_stack_file_gets_the_key_and_the_fix(adopter_repo: Path) -> None:
    high_entropy = "".join(_RNG.choice(string.ascii_letters + string.digits) for _ in range(48))
    write(adopter_repo, "Pulumi.prod.yaml", ADOPTER_STACK + f"  shop:buildLabel: {high_entropy}\n")
    commit(adopter_repo, "a label")
    run = scan("--path", str(adopter_repo), "--json")
    [found] = [f for f in run.json()["findings"] if f["path"] == "Pulumi.prod.yaml"]
    assert found["type"] == "Base64 High Entropy String" and found["key"] == "shop:buildLabel"
    assert "pulumi config set --secret shop:buildLabel '<value>' --stack prod" in found["fix"]
    assert high_entropy not in run.out


def test_the_files_adopt_writes_do_not_fail_the_scan(adopter_repo: Path) -> None:
    record_id, dkim = _hex(32), "".join(_RNG.choice(string.ascii_letters + string.digits + "+/") for _ in range(300))
    write(adopter_repo, "import-prod.json", (
        '{\n  "nameTable": {"dns": "urn:pulumi:prod::shop::launchready:dns:Records::dns"},\n'
        '  "resources": [\n    {"type": "cloudflare:index/dnsRecord:DnsRecord", "name": "www-cname",\n'
        f'     "id": "{ZONE_ID}/{record_id}", "parent": "dns"}},\n'
        f'    {{"type": "cloudflare:index/ruleset:Ruleset", "name": "redirects",'
        f' "id": "zones/{ZONE_ID}/{RULESET_ID}"}}\n'
        '  ]\n}\n'))
    write(adopter_repo, "adopt-prod.json", (
        f'{{"zoneId": "{ZONE_ID}", "records": [{{"id": "{record_id}", "name": "s1._domainkey.shop.example",\n'
        f'  "type": "TXT", "content": "v=DKIM1; k=rsa; p={dkim}", "status": "adopted"}}]}}\n'))
    commit(adopter_repo, "adopt the zone")
    run = scan("--path", str(adopter_repo), "--json")
    assert run.code == 0, [(f["path"], f["line"], f["type"]) for f in run.json()["findings"]]


def test_a_secret_in_an_adopt_file_outside_an_id_is_still_found(adopter_repo: Path) -> None:
    token = "".join(_RNG.choice(string.ascii_letters + string.digits + "_-") for _ in range(40))
    write(adopter_repo, "adopt-prod.json", f'{{"zoneId": "{ZONE_ID}", "note": "CLOUDFLARE_API_TOKEN={token}"}}\n')
    run = scan("--path", str(adopter_repo), "--no-history", "--json")
    assert [(f["path"], f["type"]) for f in run.json()["findings"]] == [("adopt-prod.json", "Cloudflare API Token")]
