"""boto3 clients for the report: bounded timeouts, few retries, and one error type for "cannot sign in".

Clients honour `AWS_ENDPOINT_URL` (and the per-service variants) as boto3 does, which is how the tests
point them at moto. Percentile queries go through their own client (`percentiles`): moto cannot answer
them, so tests substitute a botocore Stubber there and keep moto for the sums and averages.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config

from components.naming import HEALTH_CHECK_REGION

#: Error codes that mean the credentials themselves are wrong, not that one call failed.
AUTH_ERROR_CODES = frozenset({
    "InvalidClientTokenId", "UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException",
    "SignatureDoesNotMatch", "InvalidSignatureException", "AuthFailure", "InvalidAccessKeyId",
    "MissingAuthenticationToken",
})


class CredentialsProblem(Exception):
    """AWS cannot be used at all: no credentials, or credentials AWS rejects."""


class AwsClients:
    """Creates (and reuses) the clients the report needs."""

    def __init__(self, timeout: float = 10.0, session: boto3.Session | None = None) -> None:
        self.session = session or boto3.Session()
        self.config = Config(
            connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 2, "mode": "standard"}
        )
        self._cache: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()  # creating clients is not thread-safe; using them is

    def check_credentials(self) -> None:
        try:
            creds = self.session.get_credentials()
        except botocore.exceptions.BotoCoreError as exc:
            raise CredentialsProblem(f"AWS credentials cannot be loaded: {exc}") from None
        if creds is None:
            raise CredentialsProblem(
                "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(read-only CloudWatch and Route 53 access is enough)"
            )

    def _client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self.session.client(service, region_name=region, config=self.config)
            return self._cache[key]

    def cloudwatch(self, region: str) -> Any:
        return self._client("cloudwatch", region)

    def percentiles(self, region: str) -> Any:
        """The client for `Stat=p95` queries (the same CloudWatch client unless a test replaces it)."""
        return self.cloudwatch(region)

    def route53(self) -> Any:
        return self._client("route53", HEALTH_CHECK_REGION)


def describe_error(exc: Exception) -> str:
    """A one-line reason for a failed call; raises CredentialsProblem when the credentials are the cause."""
    if isinstance(exc, botocore.exceptions.NoCredentialsError | botocore.exceptions.PartialCredentialsError):
        raise CredentialsProblem(f"AWS credentials are missing or incomplete: {exc}") from None
    if isinstance(exc, botocore.exceptions.ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code") or "")
        if code in AUTH_ERROR_CODES:
            raise CredentialsProblem(f"AWS rejected the credentials ({code}): {err.get('Message', '')}") from None
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = str(err.get("Message") or "")
        if message.lstrip().startswith("<"):  # an HTML error page, not an AWS message
            message = "server error"
        return f"{exc.operation_name} failed: {code or status} {message}".strip()
    if isinstance(exc, botocore.exceptions.BotoCoreError):
        return f"AWS call failed: {exc}"
    raise exc


#: What a failed AWS call raises; everything else is a bug and propagates.
AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
