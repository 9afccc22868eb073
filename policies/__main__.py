"""Launch Ready's CrossGuard policy pack: `pulumi preview --policy-pack policies` loads this file.

Each rule has its own enforcement level (mandatory unless noted) and severity; a stack changes levels
and settings with `--policy-pack-config`. See docs/policies.md.
"""

from pack_alarms import ALARM_RULES
from pack_dns import DNS_RULES
from pack_edge import EDGE_RULES
from pack_email_auth import EMAIL_RULES
from pack_secrets import SECRET_RULES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name="launchready",
    description="Blocks unsafe changes to Launch Ready stacks: edge, email authentication, secrets and alarms.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[*EDGE_RULES, *DNS_RULES, *EMAIL_RULES, *ALARM_RULES, *SECRET_RULES],
)
