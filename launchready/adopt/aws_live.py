"""Existing SES identities, configuration sets and SNS topics through boto3 (read only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config

from launchready.adopt.model import AdoptError, LiveAws

_CONFIG = Config(connect_timeout=5, read_timeout=15, retries={"max_attempts": 3, "mode": "standard"})


def _client(service: str, region: str, endpoint_url: str | None) -> Any:
    return boto3.session.Session().client(service, region_name=region, endpoint_url=endpoint_url, config=_CONFIG)


def _explain(exc: Exception, what: str) -> AdoptError:
    if isinstance(exc, botocore.exceptions.NoCredentialsError):
        return AdoptError(f"AWS: {what}: no credentials found. Configure a read-only profile (AWS_PROFILE) or "
                          "re-run with --no-aws to adopt only the Cloudflare side")
    if isinstance(exc, botocore.exceptions.ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code", "error")
        hint = (" The credentials lack read access (ses:GetEmailIdentity, ses:GetConfigurationSet, "
                "sns:ListTopics)" if code in ("AccessDenied", "AccessDeniedException", "AuthorizationError")
                else "")
        return AdoptError(f"AWS: {what} failed: {code}: {err.get('Message', '')}.{hint}")
    if isinstance(exc, botocore.exceptions.EndpointConnectionError):
        return AdoptError(f"AWS: {what}: cannot reach the endpoint ({exc}). Check --aws-endpoint-url or the network")
    return AdoptError(f"AWS: {what} failed: {exc}")


def _identity(client: Any, name: str) -> dict[str, Any] | None:
    try:
        got = client.get_email_identity(EmailIdentity=name)
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NotFoundException", "NotFound"):
            return None
        raise
    dkim = got.get("DkimAttributes") or {}
    mail_from = got.get("MailFromAttributes") or {}
    return {
        "identityType": got.get("IdentityType"),
        "verifiedForSending": bool(got.get("VerifiedForSendingStatus")),
        "dkimTokens": list(dkim.get("Tokens") or []),
        "dkimStatus": dkim.get("Status"),
        "mailFromDomain": mail_from.get("MailFromDomain"),
        "configurationSetName": (got.get("ConfigurationSetName") or None),
    }


def _configuration_set_exists(client: Any, name: str) -> bool:
    try:
        client.get_configuration_set(ConfigurationSetName=name)
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NotFoundException", "NotFound"):
            return False
        raise
    return True


def _topics(client: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for page in client.get_paginator("list_topics").paginate():
        for topic in page.get("Topics", []):
            arn = str(topic.get("TopicArn", ""))
            out[arn.rsplit(":", 1)[-1]] = arn
    return out


def read_aws(
    identities: Iterable[tuple[str, str]],
    configuration_sets: Iterable[tuple[str, str]],
    topic_regions: Iterable[str],
    endpoint_url: str | None,
) -> LiveAws:
    """identities and configuration sets as (region, name); SNS topics are listed in each region given."""
    live = LiveAws(checked=True)
    what = "reading SES and SNS"
    try:
        for region, name in identities:
            what = f"reading the SES identity {name} in {region}"
            found = _identity(_client("sesv2", region, endpoint_url), name)
            if found is not None:
                live.identities[name] = {**found, "region": region}
        for region, name in configuration_sets:
            what = f"reading the SES configuration set {name} in {region}"
            if _configuration_set_exists(_client("sesv2", region, endpoint_url), name):
                live.configuration_sets.add(name)
        for region in sorted(set(topic_regions)):
            what = f"listing SNS topics in {region}"
            for name, arn in _topics(_client("sns", region, endpoint_url)).items():
                live.topics[(region, name)] = arn
    except botocore.exceptions.NoCredentialsError:
        # No AWS access at all: adopt the Cloudflare side and say what was not checked.
        return LiveAws(checked=False, warning="AWS was not checked: no credentials found (set AWS_PROFILE or "
                       "AWS_ACCESS_KEY_ID to a read-only identity, or pass --no-aws); the SES identity and the "
                       "alert topics are not in the import file")
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
        raise _explain(exc, what) from None
    return live
