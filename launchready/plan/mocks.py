"""Pulumi mocks that stand in for the engine and the providers during the offline plan.

They fabricate what a real `pulumi up` would return (ids, ARNs, DKIM tokens, Access audience tags, the
DNSSEC DS record), deterministically from the resource's type and name, so that every component downstream
receives realistic values and the plan output is identical run after run. The program never knows.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pulumi

ACCOUNT_ID = "123456789012"
UNKNOWN_REGION = "us-east-1"


def _digest(*parts: str, length: int = 32) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _uuid(*parts: str) -> str:
    return str(uuid.UUID(_digest(*parts, length=32)))


def _dkim_tokens(domain: str) -> list[str]:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    tokens = []
    for i in range(3):
        raw = hashlib.sha256(f"dkim/{domain}/{i}".encode()).digest()
        tokens.append("".join(alphabet[b % 32] for b in raw[:32]))
    return tokens


class PlanMocks(pulumi.runtime.Mocks):
    """Fabricates provider outputs. `provider_regions` maps an aws provider URN to its region."""

    def __init__(self, default_region: str) -> None:
        self.default_region = default_region
        self.provider_regions: dict[str, str] = {}

    # ---- helpers ----

    def _region(self, args: pulumi.runtime.MockResourceArgs) -> str:
        region = args.inputs.get("region")
        if isinstance(region, str) and region:
            return region
        provider_urn = (args.provider or "").split("::")
        if len(provider_urn) >= 4:
            urn = "::".join(provider_urn[:4])
            if urn in self.provider_regions:
                return self.provider_regions[urn]
        return self.default_region

    def _aws_state(self, args: pulumi.runtime.MockResourceArgs, rid: str) -> dict[str, Any]:
        typ, inputs, name = args.typ, args.inputs, args.name
        region = self._region(args)
        phys = str(inputs.get("name") or name)
        arn_prefix = f"arn:aws:{{svc}}:{region}:{ACCOUNT_ID}"
        state: dict[str, Any] = {"region": region}
        if typ == "aws:sns/topic:Topic":
            state["arn"] = f"arn:aws:sns:{region}:{ACCOUNT_ID}:{phys}"
        elif typ == "aws:sns/topicSubscription:TopicSubscription":
            state["arn"] = f"{inputs.get('topic', 'arn:aws:sns:' + region)}:{_uuid(name)}"
            state["pendingConfirmation"] = inputs.get("protocol") == "email"
        elif typ == "aws:secretsmanager/secret:Secret":
            state["arn"] = f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:{phys}-{_digest(phys, length=6)}"
        elif typ == "aws:secretsmanager/secretVersion:SecretVersion":
            state["versionId"] = _uuid(name)
            state["arn"] = inputs.get("secretId")
        elif typ == "aws:kms/key:Key":
            key_id = _uuid(name)
            state.update(keyId=key_id, arn=f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{key_id}")
        elif typ == "aws:kms/alias:Alias":
            state["arn"] = f"arn:aws:kms:{region}:{ACCOUNT_ID}:{phys}"
        elif typ.startswith("aws:iam/"):
            kind = typ.split("/")[1].split(":")[0]
            state["arn"] = f"arn:aws:iam::{ACCOUNT_ID}:{kind.lower()}/{phys}"
        elif typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
            state["arn"] = f"arn:aws:cloudwatch:{region}:{ACCOUNT_ID}:alarm:{phys}"
        elif typ == "aws:cloudwatch/dashboard:Dashboard":
            dash = inputs.get("dashboardName", phys)
            state["dashboardArn"] = f"arn:aws:cloudwatch::{ACCOUNT_ID}:dashboard/{dash}"
        elif typ == "aws:cloudwatch/logGroup:LogGroup":
            state["arn"] = f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{phys}"
        elif typ == "aws:route53/healthCheck:HealthCheck":
            state["arn"] = f"arn:aws:route53:::healthcheck/{rid}"
        elif typ == "aws:sesv2/emailIdentity:EmailIdentity":
            domain = str(inputs.get("emailIdentity", name))
            dkim_in = inputs.get("dkimSigningAttributes") or {}
            length = dkim_in.get("nextSigningKeyLength", "RSA_2048_BIT")
            state.update(
                arn=f"arn:aws:ses:{region}:{ACCOUNT_ID}:identity/{domain}",
                identityType="DOMAIN",
                verifiedForSendingStatus=False,
                dkimSigningAttributes={
                    **dkim_in,
                    "tokens": _dkim_tokens(domain),
                    "status": "PENDING",
                    "signingAttributesOrigin": "AWS_SES",
                    "currentSigningKeyLength": length,
                    "nextSigningKeyLength": length,
                },
            )
        elif typ == "aws:sesv2/configurationSet:ConfigurationSet":
            state["arn"] = f"arn:aws:ses:{region}:{ACCOUNT_ID}:configuration-set/{inputs.get('configurationSetName')}"
        else:
            svc = typ.split(":")[1].split("/")[0]
            state["arn"] = arn_prefix.format(svc=svc) + f":{phys}"
        return state

    @staticmethod
    def _cloudflare_state(args: pulumi.runtime.MockResourceArgs) -> dict[str, Any]:
        typ, name = args.typ, args.name
        state: dict[str, Any] = {}
        if typ == "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication":
            state["aud"] = _digest("aud", name, length=64)
        elif typ == "cloudflare:index/zoneDnssec:ZoneDnssec":
            key_tag = int(_digest("keytag", name, length=4), 16)
            digest = _digest("ds", name, length=64).upper()
            state.update(
                algorithm="13",
                digestType="2",
                digestAlgorithm="SHA256",
                digest=digest,
                keyTag=key_tag,
                flags=257,
                keyType="ECDSAP256SHA256",
                publicKey=_digest("pk", name, length=88),
                ds=f"{args.inputs.get('zoneId', '')}. 3600 IN DS {key_tag} 13 2 {digest}",
                status="pending",
            )
        elif typ == "cloudflare:index/ruleset:Ruleset":
            state.update(version="1", lastUpdated="2026-01-01T00:00:00Z")
        elif typ == "cloudflare:index/dnsRecord:DnsRecord":
            state.update(proxiable=True, createdOn="2026-01-01T00:00:00Z")
        return state

    # ---- the Mocks interface ----

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if not args.custom:
            return f"{args.name}_id", dict(args.inputs)
        typ = args.typ
        if typ == "aws:route53/healthCheck:HealthCheck":
            rid = _uuid("hc", args.name)
        elif typ.startswith("cloudflare:"):
            rid = _digest("cf", typ, args.name)
        elif typ.startswith("pulumi:providers:"):
            rid = _uuid("provider", args.name)
        else:
            rid = f"{args.name}-{_digest(typ, args.name, length=8)}"
        state = dict(args.inputs)
        if typ.startswith("aws:"):
            state.update(self._aws_state(args, rid))
        elif typ.startswith("cloudflare:"):
            state.update(self._cloudflare_state(args))
        return rid, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        token = args.token
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT_ID,
                "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/launchready-plan",
                "userId": "AIDAPLANONLY",
                "id": ACCOUNT_ID,
            }, []
        if token == "aws:index/getRegion:getRegion":
            region = args.args.get("region") or self.default_region
            return {"name": region, "region": region, "id": region}, []
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}, []
        if token == "aws:secretsmanager/getRandomPassword:getRandomPassword":
            length = int(args.args.get("passwordLength", 32))
            return {
                "randomPassword": ("plan-only-" + _digest("pw", str(length), length=length))[:length],
                "id": "random",
            }, []
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            return {
                "json": json.dumps({"Version": "2012-10-17", "Statement": args.args.get("statements", [])}),
                "id": "policy",
            }, []
        return dict(args.args), []
