"""Uptime checks, alarms, metrics source and log groups (`launchready:monitoring`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from components.config.fields import EmailAddress, HttpsUrl, Label, Model, UrlPath


class Endpoint(Model):
    host: Label = Field(description='Hostname label ("@" for the apex) that serves it.')
    path: UrlPath = Field(description="Path that is checked.")
    expect_text: str = Field(description="Text that must appear in the first 5120 bytes of the body.", min_length=1)


class Endpoints(Model):
    homepage: Endpoint = Field(description="The public homepage.")
    login: Endpoint = Field(description="The login page or endpoint.")
    api_health: Endpoint = Field(description="The API health endpoint.")


class RouteClass(Model):
    p95_ms: int = Field(ge=10, le=60000, description="p95 latency threshold in milliseconds.")


def _default_route_classes() -> dict[str, RouteClass]:
    return {"core": RouteClass(p95_ms=500), "reports": RouteClass(p95_ms=2000)}


class WebhookRef(Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9-]{1,40}$")] = Field(description="Stable name of the receiver.")
    url: HttpsUrl | None = Field(None, description="The https endpoint, when it holds no token.")
    config_key: str | None = Field(
        None, description="The launchready: config key holding the URL as a secret, when it holds a token."
    )

    @model_validator(mode="after")
    def _one_source(self) -> WebhookRef:
        if (self.url is None) == (self.config_key is None):
            raise ValueError("give exactly one of url or configKey")
        return self


class MetricsSource(Model):
    type: Literal["custom", "alb", "apigateway"] = Field("custom", description="Where latency and errors come from.")
    namespace: str = Field(
        "LaunchReady/App", description="With custom: the CloudWatch namespace the app publishes in EMF."
    )
    load_balancer: str | None = Field(None, description='With alb: the "app/<name>/<id>" dimension value.')
    api_name: str | None = Field(None, description="With apigateway: the API name.")

    @model_validator(mode="after")
    def _needs(self) -> MetricsSource:
        if self.type == "alb" and not self.load_balancer:
            raise ValueError("type alb needs loadBalancer")
        if self.type == "apigateway" and not self.api_name:
            raise ValueError("type apigateway needs apiName")
        return self


class LogGroup(Model):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_/.#-]{1,512}$")] = Field(description="Log group name.")
    retention_days: int | None = Field(None, description="Days kept; default 90 in prod, 14 in staging.")


CLOUDWATCH_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


class Monitoring(Model):
    alert_emails: list[EmailAddress] = Field(default_factory=list, description="People paged by email.")
    alert_webhooks: list[WebhookRef] = Field(default_factory=list, description="Chat/paging webhooks.")
    endpoints: Endpoints = Field(description="Uptime checks.")
    route_classes: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")], RouteClass] = Field(
        default_factory=_default_route_classes, description="p95 thresholds per route class."
    )
    error_rate_percent: float = Field(5.0, gt=0, le=100, description="Alarm when 5xx exceed this % of requests.")
    failed_jobs_threshold: int = Field(1, ge=1, description="Alarm when this many background jobs fail in 5 min.")
    uptime_target_percent: float = Field(99.9, gt=90, lt=100, description="Uptime objective.")
    metrics_source: MetricsSource = Field(default_factory=MetricsSource, description="The app's metrics.")
    log_groups: list[LogGroup] = Field(default_factory=list, description="The app's log groups.")
