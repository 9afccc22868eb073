"""policies/pack_aws_ses.py: every aws-ses-* rule (DMARC incl. RFC 7489 6.6.3 inheritance, SPF, DKIM tokens,
DKIM key length) against its pass_*/fail_* fixtures, over the Analyzer gRPC protocol."""

from __future__ import annotations

import base64

import pytest

from launchready.plan.policy import PolicyPackClient
from tests.policies.fixtures import (
    DNS,
    IDENTITY,
    MAIL_FROM_RECORDS,
    PROD,
    SPF,
    STAGING,
    A,
    Case,
    Cases,
    M,
    dkim_from_tokens,
    found,
    mail_from,
    record,
    res,
    sending_domain,
)

CASES = Cases()
case = CASES.add

DMARC = "aws-ses-emailidentity-missing-dmarc"
DMARC_PROD = "aws-ses-emailidentity-disallow-dmarc-none-prod"
DMARC_ADVICE = "aws-ses-emailidentity-configure-dmarc-enforcement"
DKIM = "aws-ses-emailidentity-missing-dkim"
KEY = "aws-ses-emailidentity-configure-dkim-key-length"

case(DMARC, "pass_sending_domain_complete", sending_domain())
case(DKIM, "pass_dkim_tokens_unknown_in_preview", sending_domain(**{f"dkim{i}": dkim_from_tokens(i)
                                                                     for i in range(3)}))
case(SPF, "pass_mail_from_with_spf", [*sending_domain(), mail_from(), *MAIL_FROM_RECORDS])
case(DMARC, "pass_address_identity_needs_no_records", [res(IDENTITY, "addr", {"emailIdentity": "ops@example.com"})])
case(DMARC, "fail_dmarc_missing", sending_domain(dmarc=None), {(DMARC, M, "identity")})
case(DMARC, "fail_dmarc_invalid_policy", sending_domain(
    dmarc=record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=maybe")), {(DMARC, M, "identity")})
case(DMARC, "fail_dmarc_rua_not_mailto", sending_domain(
    dmarc=record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=reject; rua=https://x.example/r")),
    {(DMARC, M, "identity")})
case(DMARC, "fail_dmarc_two_records", sending_domain(
    dmarc2=record("dmarc2", "_dmarc.example.com", "TXT", '"v=DMARC1; p=reject"')), {(DMARC, M, "identity")})
case(DMARC, "fail_dmarc_on_the_wrong_name", sending_domain(
    dmarc=record("dmarc", "dmarc.example.com", "TXT", "v=DMARC1; p=reject")), {(DMARC, M, "identity")})
case(SPF, "fail_spf_missing", sending_domain(spf=None), {(SPF, M, "identity")})
case(SPF, "fail_spf_plus_all", sending_domain(
    spf=record("spf", "example.com", "TXT", "v=spf1 include:amazonses.com +all")), {(SPF, M, "identity")})
case(SPF, "fail_spf_question_all", sending_domain(
    spf=record("spf", "example.com", "TXT", "v=spf1 include:amazonses.com ?all")), {(SPF, M, "identity")})
case(SPF, "fail_spf_bare_all", sending_domain(
    spf=record("spf", "example.com", "TXT", "v=spf1 include:amazonses.com all")), {(SPF, M, "identity")})
case(SPF, "fail_spf_two_records", sending_domain(
    spf2=record("spf2", "example.com", "TXT", "v=spf1 mx -all")), {(SPF, M, "identity")})
case(SPF, "fail_spf_eleven_lookups", sending_domain(
    spf=record("spf", "example.com", "TXT", "v=spf1 include:_spf.google.com include:mailgun.org "
               "include:sendgrid.net include:a.example include:b.example -all")), {(SPF, M, "identity")})
case(SPF, "fail_mail_from_without_spf", [*sending_domain(), mail_from(), MAIL_FROM_RECORDS[0]],
     {(SPF, M, "mail-from")})
case(DKIM, "fail_dkim_two_of_three", sending_domain(dkim2=None), {(DKIM, M, "identity")})
case(DKIM, "fail_dkim_pointing_elsewhere", sending_domain(
    dkim2=record("dkim2", "t2._domainkey.example.com", "CNAME", "t2.dkim.example.net")), {(DKIM, M, "identity")})

NONE_DMARC = {"dmarc": record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=none; rua=mailto:d@example.com")}
case(DMARC_PROD, "fail_dmarc_none_prod", sending_domain(**NONE_DMARC), {(DMARC_PROD, M, "dmarc")}, tags=PROD)
case(DMARC_PROD, "pass_dmarc_quarantine_prod", sending_domain(), tags=PROD)
case(DMARC_ADVICE, "fail_dmarc_none_staging", sending_domain(**NONE_DMARC), {(DMARC_ADVICE, A, "dmarc")},
     tags={"environment": "staging"})
case(DMARC_ADVICE, "pass_dmarc_reject_staging", sending_domain(
    dmarc=record("dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=reject")), tags={"environment": "staging"})

# ---- a subdomain identity inherits the organisational domain's DMARC record (RFC 7489 6.6.3) ----


def subdomain(dmarc: str, domain: str = "mail.example.com", org: str = "example.com") -> list[dict]:
    """An identity for a subdomain with its SPF and DKIM, and only the organisational domain's DMARC."""
    return sending_domain(domain, dmarc=record("dmarc", f"_dmarc.{org}", "TXT", dmarc))


case(DMARC, "pass_subdomain_inherits_org_dmarc", subdomain("v=DMARC1; p=reject; rua=mailto:d@example.com"), tags=PROD)
case(DMARC, "pass_subdomain_of_two_label_suffix_inherits", subdomain("v=DMARC1; p=quarantine",
                                                                     "news.example.co.uk", "example.co.uk"))
case(DMARC, "fail_subdomain_without_any_dmarc", sending_domain("mail.example.com", dmarc=None),
     {(DMARC, M, "identity")})
case(DMARC_PROD, "fail_subdomain_inherits_sp_none_prod", subdomain("v=DMARC1; p=reject; sp=none"),
     {(DMARC_PROD, M, "dmarc")}, tags=PROD)
case(DMARC_PROD, "fail_org_sp_none_prod", sending_domain(dmarc=record(
    "dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=reject; sp=none")), {(DMARC_PROD, M, "dmarc")}, tags=PROD)
case(DMARC_PROD, "fail_pct_below_100_prod", sending_domain(dmarc=record(
    "dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=quarantine; pct=25")), {(DMARC_PROD, M, "dmarc")}, tags=PROD)
case(DMARC_PROD, "pass_pct_100_prod", sending_domain(dmarc=record(
    "dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=reject; sp=quarantine; pct=100")), tags=PROD)
case(DMARC_ADVICE, "pass_pct_below_100_staging_is_not_judged", sending_domain(dmarc=record(
    "dmarc", "_dmarc.example.com", "TXT", "v=DMARC1; p=quarantine; pct=25")), tags=STAGING)
case(DMARC, "pass_ses_v1_identity_complete", [
    res("aws:ses/domainIdentity:DomainIdentity", "identity", {"domain": "example.com"}),
    *[r for r in sending_domain() if r["type"] == DNS]])

# ---- DKIM: each CNAME points at its own token ----
case(DKIM, "fail_dkim_token_mismatch", sending_domain(dkim2=record(
    "dkim2", "t2._domainkey.example.com", "CNAME", "t1.dkim.amazonses.com")),
    {(DKIM, M, "dkim2"), (DKIM, M, "identity")})


def tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    head = bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes(
        (n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + head + body


def rsa_private(bits: int) -> str:
    """A PKCS#1 RSAPrivateKey (version, n, e, ... as zeros) whose modulus has `bits` bits, base64 as SES
    BYODKIM takes it."""
    modulus = (1 << (bits - 1)) | 1
    ints = [b"\x00", b"\x00" + modulus.to_bytes(bits // 8, "big"), b"\x01\x00\x01"] + [b"\x01"] * 6
    return base64.b64encode(tlv(0x30, b"".join(tlv(0x02, i) for i in ints))).decode()

KNOWN = res(IDENTITY, "identity", {"emailIdentity": "example.com",
                                   "dkimSigningAttributes": {"tokens": ["t0", "t1", "t2"]}})
case(DKIM, "pass_dkim_tokens_known_and_matching", sending_domain(identity=KNOWN))
case(DKIM, "fail_dkim_cname_for_a_token_not_the_identitys", sending_domain(identity=KNOWN, dkim2=record(
    "dkim2", "zz._domainkey.example.com", "CNAME", "zz.dkim.amazonses.com")),
    {(DKIM, M, "dkim2"), (DKIM, M, "identity")})


def rsa_spki(bits: int) -> str:
    """A DER SubjectPublicKeyInfo of an RSA key whose modulus has `bits` bits, base64 (what p= holds)."""
    modulus = (1 << (bits - 1)) | 1
    key = tlv(0x30, tlv(0x02, b"\x00" + modulus.to_bytes(bits // 8, "big")) + tlv(0x02, b"\x01\x00\x01"))
    algorithm = tlv(0x30, tlv(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
    return base64.b64encode(tlv(0x30, algorithm + tlv(0x03, b"\x00" + key))).decode()


def dkim_txt(name: str, bits: int) -> dict:
    return record(name, "s1._domainkey.example.com", "TXT", f"v=DKIM1; k=rsa; p={rsa_spki(bits)}")


case(KEY, "fail_byodkim_txt_1024_bit", [dkim_txt("k", 1024)], {(KEY, M, "k")})
case(KEY, "pass_byodkim_txt_2048_bit", [dkim_txt("k", 2048)])
case(KEY, "fail_byodkim_txt_relative_name_1024_bit", [{**dkim_txt("k", 1024), "inputs": {
    **dkim_txt("k", 1024)["inputs"], "name": "s1._domainkey"}}], {(KEY, M, "k")})


def easy_dkim(length: str) -> dict:
    return res(IDENTITY, "id", {"emailIdentity": "ops@example.com",
                                "dkimSigningAttributes": {"nextSigningKeyLength": length}})


case(KEY, "fail_easy_dkim_rsa_1024", [easy_dkim("RSA_1024_BIT")], {(KEY, M, "id")})
case(KEY, "pass_easy_dkim_rsa_2048", [easy_dkim("RSA_2048_BIT")])


def byodkim(bits: int, public_key: bool = True) -> list[dict]:
    """A BYODKIM sending domain: its own private key on the identity, its public key at the selector."""
    identity = res(IDENTITY, "identity", {"emailIdentity": "example.com", "dkimSigningAttributes": {
        "domainSigningSelector": "s1", "domainSigningPrivateKey": rsa_private(bits)}})
    overrides: dict = {f"dkim{i}": None for i in range(3)}
    return sending_domain(identity=identity, **overrides, key=dkim_txt("key", bits) if public_key else None)


case(KEY, "fail_byodkim_private_key_1024", byodkim(1024), {(KEY, M, "identity"), (KEY, M, "key")})
case(KEY, "pass_byodkim_private_key_2048", byodkim(2048))
case(DKIM, "fail_byodkim_without_public_key", byodkim(2048, public_key=False), {(DKIM, M, "identity")})



@pytest.mark.parametrize("case", CASES, ids=CASES.ids())
def test_fixture(pack: PolicyPackClient, case: Case) -> None:
    assert found(pack, case.resources, case.config, case.tags) == case.expected
