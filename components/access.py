"""Cloudflare Zero Trust Access in front of every internal hostname (admin by default).

One reusable allow policy built from the config's allow lists, and one self-hosted application per
internal hostname referencing it. The origin should verify the `Cf-Access-Jwt-Assertion` header against
the application's audience tag, exported as `accessApps`.
"""

from __future__ import annotations

import pulumi
import pulumi_cloudflare as cf

from components.config import StackConfig
from components.dns import logical_label


def access_includes(cfg: StackConfig) -> list[cf.ZeroTrustAccessPolicyIncludeArgsDict]:
    """Who may enter, as Access include rules (any one matching lets a person in)."""
    rules: list[cf.ZeroTrustAccessPolicyIncludeArgsDict] = []
    rules += [{"email": {"email": email}} for email in cfg.access.allow_emails]
    rules += [{"email_domain": {"domain": domain}} for domain in cfg.access.allow_email_domains]
    rules += [{"group": {"id": group.id}} for group in cfg.access.allow_groups]
    return rules


class AccessApps(pulumi.ComponentResource):
    def __init__(self, name: str, cfg: StackConfig, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("launchready:access:Apps", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = cfg.zone.account_id
        session = cfg.access_session_duration
        self.apps: dict[str, cf.ZeroTrustAccessApplication] = {}
        self.policy: cf.ZeroTrustAccessPolicy | None = None
        if cfg.internal_labels:
            self.policy = cf.ZeroTrustAccessPolicy(
                "access-allow-staff",
                account_id=account_id,
                name=f"{cfg.domain} staff ({cfg.environment.value})",
                decision="allow",
                includes=access_includes(cfg),
                session_duration=session,
                opts=child,
            )
        for label in cfg.internal_labels:
            host = cfg.fqdn(label)
            self.apps[host] = cf.ZeroTrustAccessApplication(
                f"access-app-{logical_label(label)}",
                account_id=account_id,
                name=f"{host} ({cfg.hostnames[label].purpose})"[:128],
                type="self_hosted",
                domain=host,
                destinations=[{"type": "public", "uri": host}],
                session_duration=session,
                app_launcher_visible=False,
                http_only_cookie_attribute=True,
                same_site_cookie_attribute="lax",
                enable_binding_cookie=True,
                auto_redirect_to_identity=False,
                policies=[{"id": self.policy.id, "precedence": 1}] if self.policy else [],
                opts=child,
            )
        self.register_outputs({"apps": {host: app.aud for host, app in self.apps.items()}})

    def exports(self) -> dict[str, pulumi.Input[object]]:
        """Stack outputs this component contributes (the handover reads them)."""
        return {
            "accessApps": {host: {"aud": app.aud} for host, app in self.apps.items()},
        }
