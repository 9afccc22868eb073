"""Secrets pasted as base64: a `.env` or a PEM key encoded once (or twice), on one line or wrapped as
`base64` prints it, in the tree and in the history. The planted values are generated here."""

from __future__ import annotations

import base64
import random
import string
import textwrap
import time
from pathlib import Path

import pytest

from launchready.scan import encoded
from launchready.scan.detector import settings
from tests.scan.gitrepos import commit, new_repo, scan, write

_RNG = random.Random(4242)


def _random(alphabet: str, n: int) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


AWS_SECRET = _random(string.ascii_letters + string.digits + "/+", 40)
CF_TOKEN = _random(string.ascii_letters + string.digits + "_-", 40)
DOTENV = f"# production\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\nCLOUDFLARE_API_TOKEN={CF_TOKEN}\n"
PEM = "\n".join(["-----BEGIN RSA " + "PRIVATE KEY-----",
                 *[_random(string.ascii_letters + string.digits + "+/", 64) for _ in range(8)],
                 "-----END RSA " + "PRIVATE KEY-----", ""])


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def types_at(findings: list[dict[str, object]], path: str) -> list[tuple[object, object]]:
    return sorted((f["line"], f["type"]) for f in findings if f["path"] == path)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return new_repo(tmp_path / "repo")


def test_a_base64_dotenv_on_one_line_is_found_with_its_types(repo: Path) -> None:
    write(repo, "deploy/values.yaml", f"image: app\nenvFile: {b64(DOTENV)}\n")
    run = scan("--path", str(repo), "--no-history", "--json")
    found = types_at(run.json()["findings"], "deploy/values.yaml")
    assert (2, "AWS Secret Access Key (base64-encoded)") in found
    assert (2, "Cloudflare API Token (base64-encoded)") in found
    assert all(str(t).endswith("(base64-encoded)") for _, t in found)  # the blob's own entropy hit is explained
    assert AWS_SECRET not in run.out and CF_TOKEN not in run.out


def test_a_wrapped_base64_pem_key_names_the_line_it_starts_on(repo: Path) -> None:
    wrapped = "\n".join(textwrap.wrap(b64(PEM), 76))
    write(repo, "ops/key.b64", "# the deploy key, encoded\n" + wrapped + "\n")
    run = scan("--path", str(repo), "--no-history", "--json")
    assert types_at(run.json()["findings"], "ops/key.b64") == [(2, "Private Key (base64-encoded)")]


def test_a_kubernetes_secret_with_an_encoded_pem_is_found(repo: Path) -> None:
    manifest = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n"
                f"  tls.crt: {b64('not a key, just text for the certificate slot')}\n  tls.key: {b64(PEM)}\n")
    write(repo, "k8s/secret.yaml", manifest)
    run = scan("--path", str(repo), "--no-history", "--json")
    assert (8, "Private Key (base64-encoded)") in types_at(run.json()["findings"], "k8s/secret.yaml")


def test_short_values_of_a_kubernetes_secret_are_read_with_their_key(repo: Path) -> None:
    password = _random(string.ascii_letters + string.digits, 14)
    manifest = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n"
                f"  DB_PASSWORD: {b64(password)}\n  username: {b64('admin')}\n  note: {b64('hello')}\n")
    write(repo, "k8s/db.yaml", manifest)
    run = scan("--path", str(repo), "--no-history", "--json")
    assert types_at(run.json()["findings"], "k8s/db.yaml") == [(6, "Secret Keyword (base64-encoded)")]
    assert password not in run.out


def test_base64_of_base64_is_decoded_too(repo: Path) -> None:
    write(repo, "ci/vars.txt", f"BLOB={b64(b64(DOTENV))}\n")
    run = scan("--path", str(repo), "--no-history", "--json")
    assert (1, "Cloudflare API Token (base64-encoded)") in types_at(run.json()["findings"], "ci/vars.txt")


def test_a_deleted_encoded_file_is_found_in_the_commit_that_added_it(repo: Path) -> None:
    write(repo, "secrets.env.b64", b64(DOTENV) + "\n")
    added = commit(repo, "add the encoded env")
    (repo / "secrets.env.b64").unlink()
    commit(repo, "remove it")
    run = scan("--path", str(repo), "--json")
    found = [(f["source"], f["commit"], f["type"]) for f in run.json()["findings"] if f["path"] == "secrets.env.b64"]
    assert ("history", added, "AWS Secret Access Key (base64-encoded)") in found


def test_harmless_base64_is_not_a_finding(repo: Path) -> None:
    harmless = b64("This is a perfectly ordinary paragraph of documentation text, nothing to see.")
    binary = base64.b64encode(bytes(_RNG.randrange(256) for _ in range(300))).decode()
    write(repo, "docs/blob.md", f"{harmless}\n\n{binary}\n")
    run = scan("--path", str(repo), "--no-history", "--json")
    assert not [f for f in run.json()["findings"] if str(f["type"]).endswith("(base64-encoded)")]


def test_decoding_is_bounded() -> None:
    harmless = b64("".join(f"SETTING_{i}=value-{i}\n" for i in range(40)))
    runs = [b64(DOTENV)] + [harmless] * (encoded.MAX_RUNS + 500) + [b64(DOTENV.replace("prod", "late"))]
    start = time.perf_counter()
    with settings(None):
        found = encoded.scan_lines("big.env.b64", enumerate(runs, start=1), "tree")
    assert time.perf_counter() - start < 20
    assert {f.line for f in found} == {1}  # the first run is read; the budget ends before the last one


def test_random_printable_text_is_not_scanned() -> None:
    assert encoded._decode(b64(_random(string.ascii_letters + " .,!?()", 600))) is None
    assert encoded._decode(b64(DOTENV)) == DOTENV
