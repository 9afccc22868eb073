"""Launch Ready's CrossGuard policy pack: `pulumi preview --policy-pack policies` loads this file.

Each rule has its own enforcement level (mandatory unless noted) and severity; a stack changes levels
and settings with `--policy-pack-config`. See docs/policies.md.
"""

import pack_runtime

pack_runtime.install()  # decode each request once, not once per policy (same results; see the module)

from pack_alarms import ALARM_RULES  # noqa: E402
from pack_dns import DNS_RULES  # noqa: E402
from pack_edge import EDGE_RULES  # noqa: E402
from pack_email_auth import EMAIL_RULES  # noqa: E402
from pack_secrets import SECRET_RULES  # noqa: E402
from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

PolicyPack(
    name="launchready",
    description="Blocks unsafe changes to Launch Ready stacks: edge, email authentication, secrets and alarms.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[*EDGE_RULES, *DNS_RULES, *EMAIL_RULES, *ALARM_RULES, *SECRET_RULES],
)
