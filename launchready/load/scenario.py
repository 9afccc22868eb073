"""The scenario file of `launchready load`: flows of steps, the load profile, where credentials come from.

A scenario is YAML with camelCase keys (like the stack files), validated strictly: an unknown key, a wrong
type, a template naming a value nothing provides, or a literal password is an error that names the key
(`flows[1].steps[0].json.password`) and the fix. Credentials come from the environment (`{env: NAME}`)
or from AWS Secrets Manager (`{secret: NAME, field: KEY}`), never from the file itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from launchready.load.wording import env_name, identifier, problem_lines

#: Hard caps: no scenario or flag may go past these (the benchmark alone lifts them, and says so).
MAX_RATE = 200.0  # flow iterations started per second
MAX_DURATION_SECONDS = 900  # ramp + hold
MAX_IN_FLIGHT = 200
MAX_TIMEOUT_SECONDS = 60.0

TEMPLATE_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: keys whose value must never be written literally in a scenario
SECRET_KEY_RE = re.compile(r"pass(word|wd|phrase)?$|secret|token|api[-_]?key|authorization|^cookie$", re.I)
HEADER_NAME_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class ScenarioError(Exception):
    """A scenario that cannot be used. `problems` are lines `key: what is wrong (fix)`."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))

    def render(self) -> str:
        return f"{self.source} is not a usable scenario:\n" + "\n".join(f"  - {p}" for p in self.problems)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)


class EnvRef(Model):
    env: Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] = Field(
        description="Environment variable holding the value (a CI secret mapped into the job's env).")


class SecretRef(Model):
    secret: str = Field(min_length=1, description="AWS Secrets Manager secret id or ARN.")
    field: str | None = Field(None, description="Key of a JSON secret; the whole string when absent.")
    region: str | None = Field(None, description="Region of the secret; default the stack's aws:region.")


class Capture(Model):
    """Where a value comes from in a step's response: exactly one of cookie, json, header."""

    cookie: str | None = Field(None, description="A cookie the response sets (Set-Cookie).")
    json_path: str | None = Field(None, alias="json", description="A field of the JSON body: `data.id`, `items.0.id`.")
    header: str | None = Field(None, description="A response header.")

    @model_validator(mode="after")
    def _one(self) -> Capture:
        given = [k for k in ("cookie", "json_path", "header") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of cookie, json, header")
        return self


class Step(Model):
    name: str = Field(min_length=1, description="Step name shown in the summary.")
    method: Method = Field("GET", description="HTTP method.")
    path: str = Field(description="Path (and query) on the flow's host; may hold ${name}.")
    headers: dict[str, str] = Field(default_factory=dict, description="Request headers; may hold ${name}.")
    json_body: Any = Field(None, alias="json", description="A JSON body; strings may hold ${name}.")
    form: dict[str, str] | None = Field(None, description="A form-encoded body.")
    body: str | None = Field(None, description="A raw body (with a Content-Type header).")
    expect: list[int] = Field(default_factory=lambda: list(range(200, 300)),
                              description="Expected status code(s) or classes (2xx); default any 2xx.")
    capture: dict[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")], Capture] = Field(
        default_factory=dict, description="Values taken from the response for later steps.")

    @field_validator("expect", mode="before")
    @classmethod
    def _expect(cls, value: Any) -> Any:
        """`200`, `[200, 201]`, or a class such as `2xx` (any 200-299)."""
        items = value if isinstance(value, list) else [value]
        out: list[Any] = []
        for item in items:
            if isinstance(item, str) and re.fullmatch(r"[1-5][xX][xX]", item.strip()):
                first = int(item.strip()[0]) * 100
                out += range(first, first + 100)
            else:
                out.append(item)
        return out

    @field_validator("method", mode="before")
    @classmethod
    def _method(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("path", mode="before")
    @classmethod
    def _path(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.startswith("/"):
            raise ValueError("a path starts with /; the origin comes from host or --base-url")
        return value

    @field_validator("headers")
    @classmethod
    def _header_text(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not HEADER_NAME_RE.fullmatch(name):
                raise ValueError(f"{name[:40]!r} is not a header name (letters, digits and - only)")
            if "\r" in text or "\n" in text:
                raise ValueError(f"{name}: a header value cannot hold a line break")
            try:
                text.encode("latin-1")
            except UnicodeEncodeError:
                raise ValueError(f"{name}: header values must be plain ASCII (percent- or base64-encode the "
                                 "rest)") from None
        return value

    @field_validator("headers", "form", mode="before")
    @classmethod
    def _scalars(cls, value: Any) -> Any:
        """`X-Count: 5` or `remember: true` in YAML: send them as the text the user wrote."""
        if isinstance(value, dict):
            return {k: (str(v).lower() if isinstance(v, bool) else str(v)) if isinstance(v, int | float) else v
                    for k, v in value.items()}
        return value

    @field_validator("expect")
    @classmethod
    def _codes(cls, value: list[int]) -> list[int]:
        bad = [c for c in value if not 100 <= c <= 599]
        if bad or not value:
            raise ValueError("status codes are 100-599, e.g. expect: 200, expect: [200, 201] or expect: 2xx")
        return value

    @model_validator(mode="after")
    def _one_body(self) -> Step:
        if sum(x is not None for x in (self.json_body, self.form, self.body)) > 1:
            raise ValueError("give at most one of json, form, body")
        return self


class Thresholds(Model):
    p95_ms: float | None = Field(None, gt=0, description="p95 limit; default the route class's p95Ms.")
    error_rate_percent: float | None = Field(None, ge=0, le=100,
                                             description="Error-rate limit; default monitoring.errorRatePercent.")


class Flow(Model):
    name: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="Flow name.")
    route_class: str = Field(description="Route class of the stack (monitoring.routeClasses) it belongs to.")
    host: str | None = Field(None, description="Hostname label of the stack; default the scenario's host.")
    weight: int = Field(1, ge=1, le=1000, description="Share of the arrivals this flow gets.")
    thresholds: Thresholds = Field(default_factory=Thresholds, description="Overrides of the stack's thresholds.")
    steps: list[Step] = Field(min_length=1, description="Requests sent in order by each iteration.")


class LoadProfile(Model):
    rate: float = Field(2.0, gt=0, le=MAX_RATE, description="Flow iterations started per second after the ramp.")
    ramp_seconds: float = Field(10.0, ge=0, le=MAX_DURATION_SECONDS, description="Linear ramp from 0 to rate.")
    hold_seconds: float = Field(30.0, gt=0, le=MAX_DURATION_SECONDS, description="Time at the full rate.")
    max_in_flight: int = Field(20, ge=1, le=MAX_IN_FLIGHT, description="Requests in flight at most.")
    timeout_seconds: float = Field(10.0, gt=0, le=MAX_TIMEOUT_SECONDS, description="Per-request timeout.")

    @model_validator(mode="after")
    def _duration(self) -> LoadProfile:
        if self.ramp_seconds + self.hold_seconds > MAX_DURATION_SECONDS:
            raise ValueError(f"rampSeconds + holdSeconds may be at most {MAX_DURATION_SECONDS}")
        return self


class Scenario(Model):
    host: str = Field("@", description='Default hostname label of the stack ("@" is the apex).')
    load: LoadProfile = Field(default_factory=LoadProfile, description="Arrival rate, ramp, hold and caps.")
    credentials: dict[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")], EnvRef | SecretRef] = Field(
        default_factory=dict, description="Names usable as ${name}, each from the environment or a secret.")
    flows: list[Flow] = Field(min_length=1, description="The flows.")

    @field_validator("credentials", mode="before")
    @classmethod
    def _refs(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for name, ref in value.items():
                if not isinstance(ref, dict):
                    raise ValueError(f"{name}: give where the value comes from, {{env: VARIABLE}} or {{secret: "
                                     "SECRET_ID, field: KEY}}, never the value itself")
        return value


def _strings(value: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """(key path, last key, string) for every string in a JSON-ish value."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str):
                yield f"{where}.{k}", str(k), v
            else:
                yield from _strings(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, str):
                yield f"{where}[{i}]", "", v
            else:
                yield from _strings(v, f"{where}[{i}]")


def _is_template_only(text: str) -> bool:
    if TEMPLATE_RE.fullmatch(text.strip()):
        return True
    scheme, _, rest = text.partition(" ")
    if scheme.lower() in {"bearer", "basic", "token"} and TEMPLATE_RE.fullmatch(rest.strip()):
        return True
    # a Cookie header of captured values: `session=${session}; csrf=${csrf}`
    pairs = [p.strip().partition("=") for p in text.split(";") if p.strip()]
    return bool(pairs) and all(sep and TEMPLATE_RE.fullmatch(v.strip()) for _, sep, v in pairs)


def _credential_kind(text: str, key: str) -> str | None:
    """What kind of credential a literal looks like (the stack files' detector), ignoring ${...} parts."""
    from launchready.redaction import credential_kind

    literal = TEMPLATE_RE.sub("", text)
    return credential_kind(literal, key) if len(literal) >= 8 else None


def step_strings(step: Step, where: str) -> Iterator[tuple[str, str, str]]:
    yield f"{where}.path", "path", step.path
    yield from _strings(step.headers, f"{where}.headers")
    yield from _strings(step.json_body, f"{where}.json")
    yield from _strings(step.form or {}, f"{where}.form")
    if step.body is not None:
        yield f"{where}.body", "body", step.body


def _flow_problems(flow: Flow, where: str, credentials: set[str]) -> list[str]:
    problems = []
    known = set(credentials)
    for j, step in enumerate(flow.steps):
        at = f"{where}.steps[{j}]"
        for key_path, key, text in step_strings(step, at):
            if SECRET_KEY_RE.search(key) and text and not _is_template_only(text):
                problems.append(f"{key_path}: a literal secret in the scenario file; never write credentials here "
                                f"(fix: add credentials: {{{identifier(key)}: {{env: {env_name(key)}}}}} and "
                                f"write \"${{{identifier(key)}}}\")")
            elif (kind := _credential_kind(text, key)) is not None:
                problems.append(f"{key_path}: holds what looks like a credential ({kind}); never write credentials "
                                "here (fix: declare it under credentials: {name: {env: VARIABLE}} and write "
                                "\"${name}\")")
            for name in TEMPLATE_RE.findall(text):
                if name not in known:
                    problems.append(f"{key_path}: ${{{name}}} is neither a credential nor captured by an earlier "
                                    f"step of this flow (known: {', '.join(sorted(known)) or 'none'})")
        if step.body is not None and re.search(r"(^|&)pass(word)?=(?!\$\{)", step.body, re.I):
            problems.append(f"{at}.body: a literal password in a form body; use form: with \"${{password}}\" "
                            "and credentials: {password: {env: LOADTEST_PASSWORD}}")
        known |= set(step.capture)
    return problems


def _cross_checks(scenario: Scenario) -> list[str]:
    problems = []
    names = [f.name for f in scenario.flows]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"flows: the name {dup!r} is used twice; flow names must be unique")
    for i, flow in enumerate(scenario.flows):
        problems += _flow_problems(flow, f"flows[{i}]", set(scenario.credentials))
    return problems


def parse_scenario(data: Any, source: str = "scenario", route_classes: Sequence[str] | None = None) -> Scenario:
    """Validate a parsed YAML document. Raises ScenarioError listing every problem with its key (and, for a
    missing routeClass, the stack's `route_classes` when given)."""
    if not isinstance(data, dict):
        raise ScenarioError(source, ["(top level): a scenario is a mapping with flows: (see examples/"
                                     "load-scenario.yaml)"])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, problem_lines(exc.errors(), data, route_classes)) from None
    problems = _cross_checks(scenario)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def load_scenario(path: Path, route_classes: Sequence[str] | None = None) -> Scenario:
    """Read and validate a scenario file. Raises ScenarioError (missing file, bad YAML with line, bad keys).

    The YAML is read by the stack files' bounded reader (launchready/stackyaml.py): a key written twice, an
    alias bomb, a huge or deeply nested file are errors with their line, never a hang."""
    from launchready.stackyaml import YamlRefused, load

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    try:
        doc = load(data)
    except YamlRefused as exc:
        raise ScenarioError(str(path), [f"line {p.line}:{p.column}: {p.message}" + (f" ({p.fix})" if p.fix else "")
                                        for p in exc.problems]) from None
    return parse_scenario(doc.value, str(path), route_classes)
