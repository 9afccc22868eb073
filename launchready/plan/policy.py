"""Run the policy pack over planned resources through the Analyzer gRPC protocol, as the Pulumi CLI does.

The CLI launches a Python pack as `python -u -m pulumi.policy <engine> .` in the pack's directory (with
PULUMI_PROJECT, PULUMI_STACK, PULUMI_DRY_RUN and PULUMI_CONFIG in its environment), reads the gRPC port
from its first stdout line, then calls ConfigureStack, GetAnalyzerInfo, Configure with the config it
reconciled (schema defaults, then the pack's initial config, then the user's `--policy-pack-config`, the
result validated against each policy's schema), Analyze for every resource and AnalyzeStack once.
`PolicyPackClient` does exactly that, so the offline plan, the tests and the benchmark all exercise the
contract the CLI does. `run_policy_pack_report` is the one call the plan makes: the violations (each with
its rule's remediation) and, per rule, how many resources it evaluated (a rule that judged nothing has
not passed); `sarif_document` turns that into SARIF 2.1.0 for code scanning.

How many resources a rule evaluated: a rule names the resource types it judges in its `judges:<type>`
tags (GetAnalyzerInfo); of the resources of those types, those it reported "not applicable" (another
zone setting than its own, say) were not evaluated. A stack rule that reports "not applicable" had
nothing to judge.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeAlias

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as apb
from pulumi.runtime.proto import analyzer_pb2_grpc

from launchready import PROJECT_ROOT

STARTUP_TIMEOUT = 30.0
CALL_TIMEOUT = 60.0
#: The CLI dials analyzers with rpcutil.GrpcChannelOptions() (pulumi sdk/go/common/util/rpcutil:
#: MaxCallRecvMsgSize(1024 * 1024 * 400), pulumi/pulumi#2319); the pack's server accepts the same. gRPC's
#: default of 4 MB ends a large result (thousands of violations) in "Received message larger than max".
MAX_MESSAGE_BYTES = 1024 * 1024 * 400
CHANNEL_OPTIONS = [("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                   ("grpc.max_send_message_length", MAX_MESSAGE_BYTES)]
#: The plan shows at most this many violations of one rule (the rule's row keeps the full count and says
#: how many are not shown): ten thousand copies of one finding help no reader.
MAX_VIOLATIONS_PER_RULE = 50
LEVELS = {"advisory": apb.ADVISORY, "mandatory": apb.MANDATORY, "disabled": apb.DISABLED,
          "remediate": apb.REMEDIATE}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
SEVERITY_NAMES = {0: "unspecified", 1: "low", 2: "medium", 3: "high", 4: "critical"}
#: A policy-config key that names no policy but a stack fact (e.g. `sessionCookies`) never contains "-";
#: policy names always do, so a misspelt policy name is an error rather than a silently ignored fact.
ALL_POLICIES = "all"
JUDGES_TAG = "judges:"  # policies/pack_common.py: the resource types a rule judges
STACK_POLICY = 2  # apb.POLICY_TYPE_STACK

Level: TypeAlias = apb.EnforcementLevel.ValueType  # an int on the wire
Reconciled = dict[str, tuple[Level, dict[str, Any]]]  # policy name -> (enforcement level, properties)


class PolicyPackError(RuntimeError):
    """The pack could not be started, rejected its configuration, or answered with an error."""


def _struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(json.loads(json.dumps(value)))
    return struct


# ---------------------------------------------------------------------------------------------- config


def _level(value: Any, where: str) -> Level:
    if str(value) not in LEVELS:
        raise PolicyPackError(f"{where}: enforcement level {value!r} is not one of {', '.join(LEVELS)}")
    return LEVELS[str(value)]


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "boolean": (bool,), "number": (int, float), "integer": (int, float),
    "array": (list, tuple), "object": (dict,),
}


def schema_problems(value: Any, schema: Mapping[str, Any], where: str) -> list[str]:
    """What in `value` breaks `schema` (the JSON-schema subset policy configs use: type, enum, items,
    properties, required, minimum, maximum), as messages naming the key; [] when it is valid."""
    problems: list[str] = []
    expected = schema.get("type")
    if isinstance(expected, str) and expected in _JSON_TYPES:
        ok = isinstance(value, _JSON_TYPES[expected]) and not (expected != "boolean" and isinstance(value, bool))
        if ok and expected == "integer":
            ok = float(value).is_integer()
        if not ok:
            return [f"{where} must be {expected}, not {type(value).__name__} {value!r}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where} must be one of {schema['enum']}, not {value!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{where} must be at least {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{where} must be at most {schema['maximum']}")
    if isinstance(value, (list, tuple)) and isinstance(schema.get("items"), Mapping):
        for i, item in enumerate(value):
            problems += schema_problems(item, schema["items"], f"{where}[{i}]")
    if isinstance(value, Mapping):
        properties = schema.get("properties") or {}
        for key in schema.get("required") or []:
            if key not in value:
                problems.append(f"{where}.{key} is required")
        for key, sub in value.items():
            if isinstance(properties.get(key), Mapping):
                problems += schema_problems(sub, properties[key], f"{where}.{key}")
    return problems


def reconcile_config(info: Any, user: Mapping[str, Any] | None = None) -> Reconciled:
    """The config the CLI's ReconcilePolicyPackConfig would send: for each policy, its schema defaults,
    then the pack's initial config, then the user's `all` level, then the user's entry for the policy;
    validated against the policy's schema. Raises PolicyPackError listing every problem."""
    initial = {name: json_format.MessageToDict(cfg, preserving_proto_field_name=True)
               for name, cfg in info.initialConfig.items()}
    user = dict(user or {})
    names = {p.name for p in info.policies}
    problems = [f"{key}: no such policy in the pack" for key in user if key != ALL_POLICIES and key not in names]
    all_level = user.get(ALL_POLICIES)
    merged: Reconciled = {}
    for policy in info.policies:
        level = policy.enforcementLevel
        schema = json_format.MessageToDict(policy.configSchema.properties)
        props = {k: spec["default"] for k, spec in schema.items() if isinstance(spec, dict) and "default" in spec}
        layers: list[Any] = []
        if policy.name in initial:
            entry = initial[policy.name]
            layers.append({"enforcementLevel": LEVEL_NAMES.get(apb.EnforcementLevel.Value(
                entry.get("enforcementLevel", "ADVISORY")), "advisory"), **entry.get("properties", {})})
        layers += [all_level, user.get(policy.name)]
        try:
            for layer in layers:
                if layer is None:
                    continue
                if isinstance(layer, str):
                    level = _level(layer, policy.name)
                elif isinstance(layer, Mapping):
                    layer = dict(layer)
                    if "enforcementLevel" in layer:
                        level = _level(layer.pop("enforcementLevel"), policy.name)
                    props.update(layer)
                else:
                    problems.append(f"{policy.name}: expected an enforcement level or an object, not {layer!r}")
        except PolicyPackError as exc:
            problems.append(str(exc))
        full_schema = {"type": "object", "properties": schema,
                       "required": list(policy.configSchema.required)}
        problems += schema_problems(props, full_schema, policy.name)
        merged[policy.name] = (level, props)
    if problems:
        raise PolicyPackError("invalid policy pack config:\n  " + "\n  ".join(problems))
    return merged


def policy_document(info: Any, policy_config: Mapping[str, Any] | None) -> dict[str, Any]:
    """A `--policy-pack-config` document from `policy_config`, whose keys are either policy names (or `all`),
    taken as they are, or stack facts (`environment`, `sessionCookies`, ...) given to every policy whose
    schema has that key. A policy's own entry wins over a fact."""
    document: dict[str, Any] = {}
    facts = {k: v for k, v in (policy_config or {}).items() if k != ALL_POLICIES and "-" not in k}
    for policy in info.policies:
        schema = set(json_format.MessageToDict(policy.configSchema.properties))
        given = {k: v for k, v in facts.items() if k in schema}
        if given:
            document[policy.name] = given
    for key, value in (policy_config or {}).items():
        if key in facts:
            continue
        if isinstance(value, Mapping) and isinstance(document.get(key), dict):
            document[key] = {**document[key], **value}
        elif isinstance(value, str) and isinstance(document.get(key), dict):
            document[key] = {**document[key], "enforcementLevel": value}
        else:
            document[key] = value
    return document


# ---------------------------------------------------------------------------------------------- requests


def _provider_urn(reference: str) -> str:
    """A provider reference is `<urn>::<id>`; the plan may already give the bare URN."""
    parts = reference.split("::")
    return "::".join(parts[:4]) if len(parts) > 4 else reference


def _provider(res: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> apb.AnalyzerProviderResource | None:
    prov = by_urn.get(_provider_urn(str(res.get("provider") or "")))
    if prov is None:
        return None
    return apb.AnalyzerProviderResource(type=prov["type"], urn=prov["urn"], name=prov["name"],
                                        properties=_struct(prov.get("inputs") or {}))


def analyze_request(res: Mapping[str, Any], props: struct_pb2.Struct,
                    provider: apb.AnalyzerProviderResource | None) -> apb.AnalyzeRequest:
    return apb.AnalyzeRequest(type=res["type"], name=res["name"], urn=res["urn"], properties=props,
                              provider=provider,
                              options=apb.AnalyzerResourceOptions(parent=res.get("parent") or ""))


def stack_resource(res: Mapping[str, Any], props: struct_pb2.Struct,
                   provider: apb.AnalyzerProviderResource | None) -> apb.AnalyzerResource:
    return apb.AnalyzerResource(
        type=res["type"], name=res["name"], urn=res["urn"], properties=props, parent=res.get("parent") or "",
        dependencies=list(res.get("dependencies") or []), provider=provider,
        options=apb.AnalyzerResourceOptions(parent=res.get("parent") or ""),
        propertyDependencies={k: apb.AnalyzerPropertyDependencies(urns=list(v))
                              for k, v in (res.get("propertyDependencies") or {}).items()},
    )


def violation(diag: Any, urn: str) -> dict[str, Any]:
    """A diagnostic as the plan reports it. The SDK prepends the policy's description to the message."""
    message = diag.message
    prefix = diag.description + "\n"
    if diag.description and message.startswith(prefix):
        message = message[len(prefix):]
    return {
        "policy": diag.policyName,
        "enforcement": LEVEL_NAMES.get(diag.enforcementLevel, "advisory"),
        "urn": diag.urn or urn,
        "message": message,
        "severity": SEVERITY_NAMES.get(diag.severity, "unspecified"),
        "description": diag.description,
        "policyPack": diag.policyPackName,
    }


# ---------------------------------------------------------------------------------------------- client


class PolicyPackClient:
    """One running pack process and a gRPC stub to it, launched like the CLI launches it. A context manager."""

    def __init__(self, pack_dir: Path, *, stack: str, project: str, python: str | None = None,
                 stack_config: Mapping[str, str] | None = None, organization: str = "organization",
                 env: Mapping[str, str] | None = None) -> None:
        if not (pack_dir / "PulumiPolicy.yaml").is_file():
            raise PolicyPackError(f"{pack_dir} is not a policy pack (no PulumiPolicy.yaml)")
        self.pack_dir, self.stack, self.project, self.organization = pack_dir, stack, project, organization
        environ = {**os.environ, **dict(env or {})}
        environ.update(PULUMI_PROJECT=project, PULUMI_STACK=stack, PULUMI_ORGANIZATION=organization,
                   PULUMI_DRY_RUN="true", PULUMI_CONFIG=json.dumps(dict(stack_config or {})))
        self.channel: grpc.Channel | None = None
        self.proc = subprocess.Popen(
            [python or sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
            cwd=pack_dir, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        port = self._read_port()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=CHANNEL_OPTIONS)
        try:
            grpc.channel_ready_future(self.channel).result(timeout=STARTUP_TIMEOUT)
        except grpc.FutureTimeoutError:
            self.close()
            raise PolicyPackError("the policy pack did not accept connections") from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.info = self._call(self.stub.GetAnalyzerInfo, empty_pb2.Empty())

    def _read_port(self) -> int:
        result: list[str] = []
        stdout = self.proc.stdout
        reader = threading.Thread(target=lambda: result.append(stdout.readline() if stdout else ""), daemon=True)
        reader.start()
        reader.join(STARTUP_TIMEOUT)
        line = result[0].strip() if result else ""
        if not line.isdigit():
            self.proc.kill()
            _, err = self.proc.communicate(timeout=5)
            tail = "\n".join((err or "").strip().splitlines()[-5:])
            raise PolicyPackError(f"the policy pack failed to start:\n{tail}")
        return int(line)

    def _call(self, method: Any, request: Any) -> Any:
        try:
            return method(request, timeout=CALL_TIMEOUT)
        except grpc.RpcError as exc:
            details = exc.details() if isinstance(exc, grpc.Call) else str(exc)
            raise PolicyPackError(f"the policy pack failed: {details}") from exc

    # ---- configuration ----

    def reconciled_config(self, user: Mapping[str, Any] | None = None) -> Reconciled:
        return reconcile_config(self.info, user)

    def configure(self, user: Mapping[str, Any] | None = None, tags: Mapping[str, str] | None = None) -> Reconciled:
        """ConfigureStack, then Configure with `user` (a `--policy-pack-config` document) merged like the CLI.
        Every policy is sent with its level: one sent without would silently become advisory."""
        merged = self.reconciled_config(user)
        self.levels = {name: level for name, (level, _) in merged.items()}
        self._call(self.stub.ConfigureStack, apb.AnalyzerStackConfigureRequest(
            stack=self.stack, project=self.project, organization=self.organization, dry_run=True,
            tags=dict(tags or {})))
        self._call(self.stub.Configure, apb.ConfigureAnalyzerRequest(policyConfig={
            name: apb.PolicyConfig(enforcementLevel=level, properties=_struct(props))
            for name, (level, props) in merged.items()
        }))
        return merged

    # ---- analysis ----

    def analyze(self, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Analyze each custom resource, then AnalyzeStack over all; violations as plain dicts."""
        return self.analyze_with_coverage(resources)[0]

    def analyze_with_coverage(self, resources: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """The violations (each with its rule's `remediation`), and how many resources each enabled rule
        evaluated."""
        by_urn = {r["urn"]: r for r in resources}
        violations: list[dict[str, Any]] = []
        stack_items = []
        pending = []
        for res in resources:
            provider = _provider(res, by_urn)
            props = _struct(res.get("inputs") or {})
            if res.get("custom", True):
                request = analyze_request(res, props, provider)
                pending.append((res["urn"], self.stub.Analyze.future(request, timeout=CALL_TIMEOUT)))
            stack_items.append(stack_resource(res, props, provider))
        skipped: Counter[str] = Counter()
        for urn, future in pending:
            response = self._result(future)
            violations += [violation(d, urn) for d in response.diagnostics]
            skipped.update(n.policy_name for n in response.not_applicable)
        response = self._call(self.stub.AnalyzeStack, apb.AnalyzeStackRequest(resources=stack_items))
        violations += [violation(d, "") for d in response.diagnostics]
        nothing = {n.policy_name for n in response.not_applicable}
        remediation = {p.name: p.remediation_steps for p in self.info.policies}
        for v in violations:
            v["remediation"] = remediation.get(v["policy"], "")
        return violations, self._coverage(resources, skipped, nothing)

    def _coverage(self, resources: list[dict[str, Any]], skipped: Counter[str], nothing: set[str]) -> dict[str, int]:
        levels = getattr(self, "levels", {})
        evaluated: dict[str, int] = {}
        for policy in self.info.policies:
            if levels.get(policy.name, policy.enforcementLevel) == apb.DISABLED:
                continue
            types = {t[len(JUDGES_TAG):] for t in policy.tags if t.startswith(JUDGES_TAG)}
            if policy.policy_type == STACK_POLICY:
                count = 0 if policy.name in nothing else sum(1 for r in resources if not types or r["type"] in types)
            else:
                count = sum(1 for r in resources if r.get("custom", True) and r["type"] in types)
                count -= skipped[policy.name]
            evaluated[policy.name] = max(count, 0)
        return evaluated

    def _result(self, future: Any) -> Any:
        try:
            return future.result()
        except grpc.RpcError as exc:
            details = exc.details() if isinstance(exc, grpc.Call) else str(exc)
            raise PolicyPackError(f"the policy pack failed: {details}") from exc

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.communicate()

    def __enter__(self) -> PolicyPackClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


@dataclass
class PolicyRun:
    """What the pack found over a plan: the violations, and one entry per rule of the pack."""

    violations: list[dict[str, Any]]
    rules: list[dict[str, Any]]

    @property
    def nothing_to_judge(self) -> list[str]:
        return [r["policy"] for r in self.rules if r["status"] == "nothing to judge"]


def _rule_rows(info: Any, levels: Mapping[str, Any], evaluated: Mapping[str, int],
               violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = Counter(v["policy"] for v in violations)
    rows = []
    for policy in info.policies:
        level = LEVEL_NAMES.get(levels.get(policy.name, policy.enforcementLevel), "advisory")
        count = evaluated.get(policy.name, 0)
        if level == "disabled":
            status = "disabled"
        elif found[policy.name]:
            status = "violated"
        elif count == 0:
            status = "nothing to judge"  # green over zero resources is not a pass
        else:
            status = "passed"
        rows.append({"policy": policy.name, "type": "stack" if policy.policy_type == STACK_POLICY else "resource",
                     "enforcement": level, "severity": SEVERITY_NAMES.get(policy.severity, "unspecified"),
                     "evaluated": count, "violations": found[policy.name],
                     "violationsNotShown": max(found[policy.name] - MAX_VIOLATIONS_PER_RULE, 0), "status": status,
                     "description": policy.description, "remediation": policy.remediation_steps})
    return rows


def _sort(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sorted, mandatory first, and at most MAX_VIOLATIONS_PER_RULE of each rule."""
    shown: Counter[str] = Counter()
    kept = []
    for v in sorted(violations, key=lambda v: (v["enforcement"] != "mandatory", v["policy"], v["urn"], v["message"])):
        shown[v["policy"]] += 1
        if shown[v["policy"]] <= MAX_VIOLATIONS_PER_RULE:
            kept.append(v)
    return kept


def run_policy_pack_report(
    resources: list[dict[str, Any]],
    *,
    stack: str,
    project: str,
    pack_dir: Path | None = None,
    policy_config: dict[str, Any] | None = None,
    stack_settings: Mapping[str, Any] | None = None,
    user_config: Mapping[str, Any] | None = None,
    client: PolicyPackClient | None = None,
) -> PolicyRun:
    """The pack over the planned `resources`: violations (sorted, each `{policy, enforcement, urn, message,
    severity, description, policyPack, remediation}`) and one row per rule (`policy, type, enforcement,
    severity, evaluated, violations, violationsNotShown, status` of passed/violated/nothing to judge/disabled,
    `description`, `remediation`). At most MAX_VIOLATIONS_PER_RULE violations of one rule are listed; its row's
    `violations` is the full count and `violationsNotShown` the rest.

    `policy_config` keys are stack facts (`environment`, `authenticatedPathPrefixes`, `sessionCookies`,
    `internalHosts`, `defaultRegion`), given to every rule whose schema has the key, and/or policy names
    (or `all`) with a level or an object, as in `--policy-pack-config`. `stack_settings` (facts) and
    `user_config` (a policy document, applied last) are the older spelling of the same thing.
    `client`: an already started pack (the plan starts it while the program runs); closed afterwards.
    Raises PolicyPackError when the pack cannot start, its config is invalid, or a rule crashes."""
    pack_dir = pack_dir or PROJECT_ROOT / "policies"
    combined: dict[str, Any] = {**dict(stack_settings or {}), **dict(policy_config or {})}
    for key, value in (user_config or {}).items():
        if isinstance(value, Mapping) and isinstance(combined.get(key), Mapping):
            combined[key] = {**combined[key], **value}
        else:
            combined[key] = value
    environment = str(combined.get("environment") or "")
    with client or PolicyPackClient(pack_dir, stack=stack, project=project) as pack:
        merged = pack.configure(policy_document(pack.info, combined),
                                tags={"environment": environment} if environment else None)
        found, evaluated = pack.analyze_with_coverage(resources)
        rules = _rule_rows(pack.info, {k: lvl for k, (lvl, _) in merged.items()}, evaluated, found)
    return PolicyRun(_sort(found), rules)


def run_policy_pack(resources: list[dict[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
    """The violations of `run_policy_pack_report` alone (same arguments)."""
    return run_policy_pack_report(resources, **kwargs).violations


def sarif_document(run: PolicyRun, *, stack_file: str, version: str = "0") -> dict[str, Any]:
    """SARIF 2.1.0 for code scanning: every rule with its description and remediation as help, one result
    per violation at the stack file (code scanning needs a file) with the resource's URN as its logical
    location."""
    from launchready.common.sarif import SarifResult, SarifRule, build_sarif

    def level(enforcement: str) -> str:
        return "error" if enforcement == "mandatory" else "warning"

    rules = [SarifRule(id=r["policy"], short=r["description"], level=level(r["enforcement"]),
                       help=f"{r['description']}\n\nRemediation: {r['remediation']}") for r in run.rules]
    results = [SarifResult(rule_id=v["policy"], level=level(v["enforcement"]), message=v["message"], uri=stack_file,
                           logical=v["urn"] or f"stack:{stack_file}",
                           properties={"severity": v["severity"], "enforcement": v["enforcement"],
                                       "urn": v["urn"], "remediation": v.get("remediation", "")})
               for v in run.violations]
    return build_sarif(tool="launchready policy pack", rules=rules, results=results, version=version)
