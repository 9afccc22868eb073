"""email.ses through boto3's sesv2 client with botocore's Stubber (validated against the service model)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from launchready.probe.model import Status
from launchready.verify.expectations import for_domain
from launchready.verify.ses import check_ses, default_client_factory

D = "example.test"
EXP = dataclasses.replace(for_domain(D, mail_from="mail"), ses_identity=D, ses_region="eu-west-1")


def identity(dkim: str = "SUCCESS", mail_from: str = "SUCCESS", verified: bool = True) -> dict[str, Any]:
    return {
        "IdentityType": "DOMAIN",
        "VerifiedForSendingStatus": verified,
        "VerificationStatus": "SUCCESS" if verified else "PENDING",
        "DkimAttributes": {"SigningEnabled": True, "Status": dkim, "Tokens": ["tok1", "tok2", "tok3"]},
        "MailFromAttributes": {
            "MailFromDomain": f"mail.{D}",
            "MailFromDomainStatus": mail_from,
            "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
        },
    }


def stubbed(response: dict[str, Any] | None = None, error: str | None = None):
    client = boto3.client(
        "sesv2", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stub = Stubber(client)
    if error:
        stub.add_client_error(
            "get_email_identity", service_error_code=error, service_message="nope", http_status_code=404
        )
    else:
        stub.add_response("get_email_identity", response, {"EmailIdentity": D})
    stub.activate()
    return lambda region: client, stub


def test_a_verified_identity_passes_and_hands_out_its_tokens() -> None:
    factory, stub = stubbed(identity())
    result, tokens = asyncio.run(check_ses(EXP, factory, 2.0))
    stub.assert_no_pending_responses()
    assert result.status is Status.passed, result.summary
    assert tokens == ["tok1", "tok2", "tok3"]


@pytest.mark.parametrize(
    ("response", "words"),
    [
        (identity(dkim="PENDING"), ["DKIM status PENDING", "72 hours"]),
        (identity(mail_from="FAILED"), ["MAIL FROM status FAILED"]),
        (identity(verified=False), ["not verified for sending"]),
    ],
)
def test_an_identity_not_ready_fails(response: dict[str, Any], words: list[str]) -> None:
    factory, _ = stubbed(response)
    result, _ = asyncio.run(check_ses(EXP, factory, 2.0))
    assert result.status is Status.fail
    for word in words:
        assert word in result.summary


def test_an_unknown_identity_fails() -> None:
    factory, _ = stubbed(error="NotFoundException")
    result, tokens = asyncio.run(check_ses(EXP, factory, 2.0))
    assert result.status is Status.fail and "no SES identity" in result.summary and tokens == []


def test_without_credentials_it_warns(no_aws_credentials: None) -> None:
    factory = default_client_factory(1.0)
    assert factory is None
    result, _ = asyncio.run(check_ses(EXP, factory, 1.0))
    assert result.status is Status.warn and "no AWS credentials" in result.summary
