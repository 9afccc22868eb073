"""Launch Ready's CrossGuard policy pack: `pulumi preview --policy-pack policies` loads this file.

One module per rule-name prefix (`pack_cloudflare_ruleset.py` holds every cloudflare-ruleset-* rule); each
rule has its own enforcement level and severity; a stack changes levels and settings with
`--policy-pack-config`. See docs/policies.md.
"""

import pack_runtime

pack_runtime.install()  # decode each request once, stop when the client gave up (see the module)

from pack_aws_cloudwatch import CLOUDWATCH_RULES  # noqa: E402
from pack_aws_iam import IAM_RULES  # noqa: E402
from pack_aws_route53 import ROUTE53_RULES  # noqa: E402
from pack_aws_secretsmanager import SECRETSMANAGER_RULES  # noqa: E402
from pack_aws_ses import SES_RULES  # noqa: E402
from pack_cloudflare_dnsrecord import DNSRECORD_RULES  # noqa: E402
from pack_cloudflare_pagerule import PAGERULE_RULES  # noqa: E402
from pack_cloudflare_ruleset import RULESET_RULES  # noqa: E402
from pack_cloudflare_zerotrust import ZEROTRUST_RULES  # noqa: E402
from pack_cloudflare_zonesetting import ZONESETTING_RULES  # noqa: E402
from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

PolicyPack(
    name="launchready",
    description="Blocks unsafe changes to Launch Ready stacks: edge, access, email authentication, IAM, secrets "
                "and alarms.",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[*ZONESETTING_RULES, *RULESET_RULES, *PAGERULE_RULES, *DNSRECORD_RULES, *ZEROTRUST_RULES, *SES_RULES,
              *CLOUDWATCH_RULES, *ROUTE53_RULES, *SECRETSMANAGER_RULES, *IAM_RULES],
)
