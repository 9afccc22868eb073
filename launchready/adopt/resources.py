"""The declared resources other than DNS records that already exist: entry-point rulesets per phase, zone
settings, the SES identity (and its configuration set and MAIL FROM), SNS topics. Each gets the import id
in its provider's documented format and what `pulumi up` will change on it."""

from __future__ import annotations

from typing import Any

from launchready.adopt.declared import (
    CONFIGURATION_SET,
    EMAIL_IDENTITY,
    MAIL_FROM,
    RULESET,
    SNS_TOPIC,
    ZONE_SETTING,
    Declared,
)
from launchready.adopt.diff import setting_changes
from launchready.adopt.model import LiveAws, LiveZone, ResourceAdoption
from launchready.plan.runner import PlannedResource


def _adoption(res: PlannedResource, import_id: str, **kw: Any) -> ResourceAdoption:
    return ResourceAdoption(res.urn, res.type, res.name, res.parent, res.provider, import_id, **kw)


def zone_settings(declared: Declared, zone: LiveZone) -> list[ResourceAdoption]:
    out = []
    for res in declared.of_type(ZONE_SETTING):
        setting = str(res.inputs.get("settingId", ""))
        # pulumi_cloudflare ZoneSetting: `<zone_id>/<setting_id>`; a zone always has every setting.
        import_id = f"{zone.zone_id}/{setting}"
        if zone.settings is None:
            out.append(_adoption(res, import_id, note="live value unknown (read from a zone file)"))
            continue
        live = zone.settings.get(setting)
        out.append(_adoption(res, import_id, live={"value": live},
                             changes=setting_changes(live, res.inputs.get("value"))))
    return out


def rulesets(declared: Declared, zone: LiveZone) -> list[ResourceAdoption]:
    if zone.rulesets is None:
        return []
    entry_points = {r.phase: r for r in zone.rulesets if r.kind == "zone"}
    out = []
    for res in declared.of_type(RULESET):
        phase = str(res.inputs.get("phase", ""))
        live = entry_points.get(phase)
        if live is None or res.inputs.get("kind") != "zone":
            continue
        rules = res.inputs.get("rules")
        count = len(rules) if isinstance(rules, list) else 0
        changes: dict[str, dict[str, Any]] = {"rules": {"live": "the entry point's rules (replaced)",
                                                       "declared": f"{count} rules"}}
        if live.name != res.inputs.get("name"):
            changes["name"] = {"live": live.name, "declared": res.inputs.get("name")}
        # pulumi_cloudflare Ruleset: `zones/<zone_id>/<ruleset_id>`
        out.append(_adoption(res, f"zones/{zone.zone_id}/{live.id}", live={"id": live.id, "name": live.name,
                                                                          "phase": phase}, changes=changes,
                             note=f"the zone's existing {phase} entry point (one per phase per zone)"))
    return out


def aws_resources(declared: Declared, aws: LiveAws) -> list[ResourceAdoption]:
    out = []
    for res in declared.of_type(EMAIL_IDENTITY) + declared.of_type(MAIL_FROM):
        name = str(res.inputs.get("emailIdentity", ""))
        identity = aws.identities.get(name)
        if identity is None or (res.type == MAIL_FROM and not identity.get("mailFromDomain")):
            continue
        live = ({"mailFromDomain": identity.get("mailFromDomain")} if res.type == MAIL_FROM else
                {"verifiedForSending": identity.get("verifiedForSending"), "dkimStatus": identity.get("dkimStatus")})
        changes = {}
        declared_mail_from = res.inputs.get("mailFromDomain")
        if res.type == MAIL_FROM and declared_mail_from and declared_mail_from != identity.get("mailFromDomain"):
            changes["mailFromDomain"] = {"live": identity.get("mailFromDomain"), "declared": declared_mail_from}
        # sesv2 EmailIdentity and its MailFromAttributes are imported by the identity name.
        out.append(_adoption(res, name, protect=res.type == EMAIL_IDENTITY, live=live, changes=changes))
    for res in declared.of_type(CONFIGURATION_SET):
        name = str(res.inputs.get("configurationSetName", ""))
        if name in aws.configuration_sets:
            out.append(_adoption(res, name, live={"configurationSetName": name}))
    for res in declared.of_type(SNS_TOPIC):
        arn = aws.topics.get((declared.region_of(res), str(res.inputs.get("name", ""))))
        if arn:
            out.append(_adoption(res, arn, live={"arn": arn}))  # aws sns Topic: imported by its ARN
    return out


def aws_wanted(declared: Declared) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """What to look up in AWS: SES identities and configuration sets as (region, name), SNS regions."""
    identities = [(declared.region_of(r), str(r.inputs.get("emailIdentity", "")))
                  for r in declared.of_type(EMAIL_IDENTITY)]
    sets = [(declared.region_of(r), str(r.inputs.get("configurationSetName", "")))
            for r in declared.of_type(CONFIGURATION_SET) if r.inputs.get("configurationSetName")]
    regions = [declared.region_of(r) for r in declared.of_type(SNS_TOPIC)]
    return identities, sets, regions
