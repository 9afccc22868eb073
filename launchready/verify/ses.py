"""`email.ses`: is the SES identity ready to send? Through boto3's sesv2 GetEmailIdentity.

Ready means verified for sending, Easy DKIM status SUCCESS and MAIL FROM status SUCCESS. Without AWS
credentials the check is a warning that says so (verify still runs everything else). The DKIM tokens the
identity reports feed `email.dkim` when no `--dkim-selector` is given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import botocore.config
import botocore.exceptions

from launchready.probe.model import CheckResult, fail, passed, warn
from launchready.verify.expectations import Expectations

#: region -> sesv2 client (tests pass a client wrapped in botocore's Stubber)
ClientFactory = Callable[[str], Any]


def default_client_factory(timeout: float) -> ClientFactory | None:
    """A sesv2 client factory, or None when no AWS credentials can be found."""
    from launchready.common.aws import aws_session

    session = aws_session()  # AwsSetupError (a usage error) for a missing profile; the CLI checks first
    try:
        credentials = session.get_credentials()
    except botocore.exceptions.BotoCoreError:  # e.g. a credential process that fails: treat as none
        credentials = None
    if credentials is None:
        return None
    config = botocore.config.Config(
        connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 2, "mode": "standard"}
    )

    def make(region: str) -> Any:
        return session.client("sesv2", region_name=region, config=config)

    return make


def judge_identity(identity: str, region: str, response: dict[str, Any], expected_mail_from: str | None) -> CheckResult:
    dkim = response.get("DkimAttributes") or {}
    mail_from = response.get("MailFromAttributes") or {}
    info = response.get("VerificationInfo") or {}
    details: dict[str, Any] = {
        "region": region,
        "verified_for_sending": bool(response.get("VerifiedForSendingStatus")),
        "verification_status": response.get("VerificationStatus"),
        "dkim_status": dkim.get("Status"),
        "dkim_signing_enabled": dkim.get("SigningEnabled"),
        "dkim_tokens": list(dkim.get("Tokens") or []),
        "mail_from_domain": mail_from.get("MailFromDomain"),
        "mail_from_status": mail_from.get("MailFromDomainStatus"),
        "error_type": info.get("ErrorType"),
    }
    problems = []
    if not details["verified_for_sending"]:
        problems.append(f"not verified for sending (status {details['verification_status']})")
    if details["dkim_status"] != "SUCCESS":
        problems.append(f"DKIM status {details['dkim_status']}")
    if expected_mail_from and (details["mail_from_domain"] or "").lower() != expected_mail_from:
        problems.append(f"MAIL FROM domain is {details['mail_from_domain'] or 'not set'}, not {expected_mail_from}")
    elif details["mail_from_status"] != "SUCCESS":
        problems.append(f"MAIL FROM status {details['mail_from_status']}")
    if problems:
        hint = f" (SES reports {details['error_type']})" if details["error_type"] else ""
        pending = any(
            s == "PENDING"
            for s in (details["dkim_status"], details["mail_from_status"], details["verification_status"])
        )
        more = "; SES keeps looking for the records for up to 72 hours" if pending else ""
        return fail("email.ses", identity, f"SES identity in {region}: " + "; ".join(problems) + hint + more, **details)
    return passed("email.ses", identity, f"SES identity in {region} verified; DKIM and MAIL FROM SUCCESS", **details)


def _get_identity(factory: ClientFactory, region: str, identity: str) -> dict[str, Any]:
    client = factory(region)
    return dict(client.get_email_identity(EmailIdentity=identity))


async def check_ses(exp: Expectations, factory: ClientFactory | None, timeout: float) -> tuple[CheckResult, list[str]]:
    """The result, and the DKIM tokens SES handed out (empty when unknown)."""
    identity, region = exp.ses_identity, exp.ses_region
    if identity is None or region is None:
        return warn("email.ses", exp.domain, "the stack does not send email through SES"), []
    if factory is None:
        return warn(
            "email.ses",
            identity,
            "no AWS credentials found (AWS_PROFILE, AWS_ACCESS_KEY_ID or an instance role): SES status not checked",
            region=region,
        ), []
    try:
        async with asyncio.timeout(timeout * 3):
            response = await asyncio.to_thread(_get_identity, factory, region, identity)
    except TimeoutError:
        return fail("email.ses", identity, f"SES in {region} did not answer within {timeout * 3:g}s", region=region), []
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        message = exc.response.get("Error", {}).get("Message", "")
        if code == "NotFoundException":
            return fail("email.ses", identity, f"no SES identity {identity} in {region}", region=region), []
        if code in (
            "AccessDeniedException",
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "ExpiredTokenException",
        ):
            return warn("email.ses", identity, f"SES status not checked: {code}: {message}", region=region), []
        return fail("email.ses", identity, f"SES error {code}: {message}", region=region), []
    except botocore.exceptions.NoCredentialsError:
        return warn("email.ses", identity, "no AWS credentials found: SES status not checked", region=region), []
    except (botocore.exceptions.BotoCoreError, OSError) as exc:
        return fail("email.ses", identity, f"could not reach SES in {region}: {exc}", region=region), []
    result = judge_identity(identity, region, response, exp.mail_from_domain)
    return result, list(result.details.get("dkim_tokens") or [])
