"""The stack files `launchready init` writes, as ruamel.yaml documents with comments.

Every value the user still has to supply is written as a placeholder that validates (so the offline plan
runs) and carries a `TODO(init)` comment saying what to put there; `Placeholder` rows list them too.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from launchready.init.options import Host, InitOptions

SCHEMA_LINE = "# yaml-language-server: $schema=./schema/stack-config.schema.json"
TODO = "TODO(init)"
#: Placeholder ids: visibly not real, and one per stack (two stacks may not share a zone).
PLACEHOLDER_ZONE_IDS = {"staging": "0" * 31 + "1", "prod": "0" * 31 + "2"}
PLACEHOLDER_ACCOUNT_ID = "0" * 32
NS = "launchready"


@dataclass(frozen=True)
class Placeholder:
    """A value the user still has to supply: which stack, which key, what to put there."""

    stack: str
    key: str
    what: str

    def to_json(self) -> dict[str, str]:
        return {"stack": self.stack, "key": self.key, "what": self.what}


@dataclass(frozen=True)
class SecretCommand:
    stack: str
    key: str

    @property
    def command(self) -> str:
        return f"pulumi config set --secret --stack {self.stack} {self.key} '<value>'"


def config_key(secret: str) -> str:
    """`database-url` -> `databaseUrl`: the camelCase key the value is stored under."""
    head, *rest = secret.split("-")
    return head + "".join(part.capitalize() for part in rest)


def secure_placeholder(stack: str, secret: str) -> str:
    """A `secure:` value that is visibly not ciphertext: `pulumi config set --secret` replaces it."""
    return "v1:" + base64.b64encode(f"REPLACE_ME:{stack}-{secret}".encode()).decode()


def _flow(items: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


class _Stack:
    """One stack file being built; `todo` adds a placeholder comment and row."""

    def __init__(self, env: str, opts: InitOptions) -> None:
        self.env = env
        self.opts = opts
        self.prod = env == "prod"
        self.domain = opts.domain if self.prod else opts.staging_domain
        self.placeholders: list[Placeholder] = []
        self.config = CommentedMap()

    def todo(self, parent: CommentedMap, key: str, value: Any, path: str, what: str) -> None:
        parent[key] = value
        parent.yaml_add_eol_comment(f"{TODO}: {what}", key)
        self.placeholders.append(Placeholder(self.env, path, what))

    def origin_of(self, host: Host) -> str:
        if self.prod:
            return host.origin
        if host.origin == self.opts.domain:  # e.g. www -> the apex: staging's own apex
            return self.domain
        return self.opts.staging_origins.get(host.label, host.origin)

    def zone(self) -> CommentedMap:
        opts = self.opts
        zone = CommentedMap(domain=self.domain)
        zone_id = opts.zone_id if self.prod else opts.staging_zone_id
        key = f"{NS}:zone"
        if zone_id:
            zone["zoneId"] = zone_id
        else:
            self.todo(zone, "zoneId", PLACEHOLDER_ZONE_IDS[self.env], f"{key}.zoneId",
                      f"the zone id of {self.domain} (Cloudflare dashboard, zone Overview, right column)")
        if opts.account_id:
            zone["accountId"] = opts.account_id
        else:
            self.todo(zone, "accountId", PLACEHOLDER_ACCOUNT_ID, f"{key}.accountId",
                      "the Cloudflare account id (zone Overview, right column)")
        zone["plan"] = opts.plan if self.prod else opts.staging_plan
        return zone

    def hostnames(self) -> CommentedMap:
        out = CommentedMap()
        for host in self.opts.hosts:
            fqdn = self.domain if host.label == "@" else f"{host.label}.{self.domain}"
            entry = CommentedMap(origin=self.origin_of(host))
            if host.internal:
                entry["internal"] = True
            if host.label == "www" and self.opts.canonical == "apex":
                purpose = "redirects to the apex"
            elif host.label == "@" and self.opts.canonical == "www":
                purpose = "redirects to www"
            else:
                purpose = f"{'internal ' if host.internal else ''}web traffic for {fqdn}"
            entry["purpose"] = purpose
            entry["owner"] = "platform"
            out[host.label] = entry
            if not self.prod and host.label not in self.opts.staging_origins and host.origin != self.opts.domain:
                out[host.label].yaml_add_eol_comment(
                    f"{TODO}: the staging origin (the prod one is used until you change it)", "origin")
                self.placeholders.append(Placeholder(self.env, f"{NS}:hostnames.{host.label}.origin",
                                                     "the staging origin of this hostname"))
        return out

    def email(self) -> CommentedMap:
        opts = self.opts
        email = CommentedMap(enabled=opts.email)
        if opts.email:
            email["sesRegion"] = opts.ses_region
            email["mailFromSubdomain"] = "mail"
        dmarc = CommentedMap()
        rua = [f"dmarc-reports@{self.domain}"]
        dmarc["rua"] = _flow(rua)
        dmarc.yaml_add_eol_comment(f"{TODO}: a mailbox that receives DMARC aggregate reports", "rua")
        self.placeholders.append(Placeholder(self.env, f"{NS}:email.dmarc.rua",
                                             "a mailbox that receives DMARC aggregate reports"))
        email["dmarc"] = dmarc
        return email

    def secrets(self) -> CommentedMap:
        items = CommentedSeq()
        for name in self.opts.secrets:
            items.append(CommentedMap(name=name, description=f"{name} of the app (set with pulumi config set "
                                      "--secret)", owner="platform", rotationDays=90, source="config",
                                      configKey=config_key(name)))
        if "session-signing-key" not in self.opts.secrets:
            items.append(CommentedMap(name="session-signing-key", description="Key that signs session cookies",
                                      owner="platform", rotationDays=90, source="generated", length=64))
        return CommentedMap(appRoleName=f"{self.opts.project}-app-{self.env}", items=items)

    def monitoring(self) -> CommentedMap:
        opts = self.opts
        mon = CommentedMap()
        key = f"{NS}:monitoring"
        if opts.alert_emails:
            mon["alertEmails"] = _flow(list(opts.alert_emails))
        else:
            self.todo(mon, "alertEmails", _flow([f"oncall@{opts.domain}"]), f"{key}.alertEmails",
                      "who is paged when an alarm fires")
        public = [h.label for h in opts.hosts if not h.internal]
        canonical = "www" if opts.canonical == "www" else "@"
        login = "app" if "app" in public else canonical
        api = "api" if "api" in public else canonical
        endpoints = CommentedMap()
        for name, host, path in (("homepage", canonical, "/"), ("login", login, "/login"),
                                 ("apiHealth", api, "/healthz")):
            endpoint = CommentedMap(host=host, path=path, expectText="REPLACE_ME")
            endpoint.fa.set_flow_style()
            endpoints[name] = endpoint
            endpoints.yaml_add_eol_comment(f"{TODO}: check the path and the text this page always shows", name)
            self.placeholders.append(Placeholder(self.env, f"{key}.endpoints.{name}",
                                                 "the path and a text the page always shows (expectText)"))
        mon["endpoints"] = endpoints
        mon["metricsSource"] = CommentedMap(type="custom", namespace=f"{opts.project}/App")
        return mon

    def build(self) -> CommentedMap:
        opts, cfg = self.opts, self.config
        cfg["aws:region"] = opts.aws_region
        cfg[f"{NS}:environment"] = self.env
        cfg[f"{NS}:zone"] = self.zone()
        cfg[f"{NS}:hostnames"] = self.hostnames()
        cfg[f"{NS}:redirects"] = CommentedMap(canonical=opts.canonical)
        cookies = list(opts.session_cookies)
        cache = CommentedMap()
        if cookies:
            cache["sessionCookies"] = _flow(cookies)
        else:
            self.todo(cache, "sessionCookies", _flow(["session"]), f"{NS}:cache.sessionCookies",
                      "the names of the cookies that carry a login session (never cached)")
        cfg[f"{NS}:cache"] = cache
        internal = [h for h in opts.hosts if h.internal]
        if internal:
            cfg[f"{NS}:access"] = self.access()
        cfg[f"{NS}:email"] = self.email()
        cfg[f"{NS}:secrets"] = self.secrets()
        for name in opts.secrets:
            key = f"{NS}:{config_key(name)}"
            cfg[key] = CommentedMap(secure=secure_placeholder(self.env, name))
            cfg.yaml_add_eol_comment(f"{TODO}: pulumi config set --secret {key} (replaces this placeholder)", key)
            self.placeholders.append(Placeholder(self.env, key, f"the value of the {name} secret"))
        cfg[f"{NS}:monitoring"] = self.monitoring()
        return cfg

    def access(self) -> CommentedMap:
        opts = self.opts
        access = CommentedMap()
        if opts.access_emails:
            access["allowEmails"] = _flow(list(opts.access_emails))
        if opts.access_domains or not opts.access_emails:
            domains = list(opts.access_domains) or [opts.domain]
            access["allowEmailDomains"] = _flow(domains)
            if not opts.access_domains:
                access.yaml_add_eol_comment(f"{TODO}: who may reach the internal hostnames", "allowEmailDomains")
                self.placeholders.append(Placeholder(self.env, f"{NS}:access.allowEmailDomains",
                                                     "who may reach the internal hostnames through Access"))
        return access


def stack_document(env: str, opts: InitOptions) -> tuple[CommentedMap, list[Placeholder]]:
    """The `Pulumi.<env>.yaml` document and the placeholders left in it."""
    stack = _Stack(env, opts)
    config = stack.build()
    doc = CommentedMap(config=config)
    which = "Production" if env == "prod" else "Staging"
    header = [
        SCHEMA_LINE[2:],
        f"{which} stack of {opts.project} ({stack.domain}), written by `launchready init`.",
        "Every key is described in docs/config.md. Values marked TODO(init) are placeholders you still",
        "have to supply; secrets are set with `pulumi config set --secret` and appear only as secure: values.",
    ]
    if env == "staging" and opts.staging_is_subdomain:
        header += [
            f"{stack.domain} is a subdomain of {opts.domain}: zone settings and entry-point rulesets belong to",
            "the Cloudflare zone, so give staging its own zone (a subdomain zone) or a domain of its own.",
        ]
    doc.yaml_set_start_comment("\n".join(header))
    return doc, stack.placeholders


def secret_commands(opts: InitOptions) -> list[SecretCommand]:
    return [SecretCommand(env, f"{NS}:{config_key(name)}") for env in ("staging", "prod") for name in opts.secrets]
