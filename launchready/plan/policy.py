"""Run the policy pack over planned resources through the Analyzer gRPC protocol, as the Pulumi CLI does.

The CLI launches a Python pack as `python -u -m pulumi.policy <engine> .` in the pack's directory, reads
the gRPC port from its first stdout line, then calls GetAnalyzerInfo, ConfigureStack, Configure (with
the config it reconciled: schema defaults, then the pack's initial config, then the user's
`--policy-pack-config`), Analyze for every resource and AnalyzeStack once. `PolicyPackClient` does
exactly that, so the offline plan and the tests exercise the same contract the CLI does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as apb
from pulumi.runtime.proto import analyzer_pb2_grpc

from launchready import PROJECT_ROOT

STARTUP_TIMEOUT = 30.0
CALL_TIMEOUT = 60.0
LEVELS = {"advisory": apb.ADVISORY, "mandatory": apb.MANDATORY, "disabled": apb.DISABLED,
          "remediate": apb.REMEDIATE}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}
SEVERITY_NAMES = {0: "unspecified", 1: "low", 2: "medium", 3: "high", 4: "critical"}


class PolicyPackError(RuntimeError):
    """The pack could not be started or answered with an error."""


def _struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(json.loads(json.dumps(value)))
    return struct


class PolicyPackClient:
    """One running pack process and a gRPC stub to it. Use as a context manager."""

    def __init__(self, pack_dir: Path, *, stack: str, project: str, python: str | None = None) -> None:
        self.pack_dir = pack_dir
        env = dict(os.environ)
        env.update(PULUMI_PROJECT=project, PULUMI_STACK=stack, PULUMI_DRY_RUN="true", PULUMI_CONFIG="{}")
        if not (pack_dir / "PulumiPolicy.yaml").is_file():
            raise PolicyPackError(f"{pack_dir} is not a policy pack (no PulumiPolicy.yaml)")
        self.proc = subprocess.Popen(
            [python or sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
            cwd=pack_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.stack, self.project = stack, project
        self._stderr: list[str] = []
        port = self._read_port()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            grpc.channel_ready_future(self.channel).result(timeout=STARTUP_TIMEOUT)
        except grpc.FutureTimeoutError:
            self.close()
            raise PolicyPackError("the policy pack did not accept connections") from None
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.info = self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=CALL_TIMEOUT)

    def _read_port(self) -> int:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline() if self.proc.stdout
                                                               else ""), daemon=True)
        reader.start()
        reader.join(STARTUP_TIMEOUT)
        line = result[0].strip() if result else ""
        if not line.isdigit():
            self.proc.kill()
            _, err = self.proc.communicate(timeout=5)
            tail = "\n".join(err.strip().splitlines()[-5:])
            raise PolicyPackError(f"the policy pack failed to start:\n{tail}")
        return int(line)

    # ---- configuration, merged the way the CLI's ReconcilePolicyPackConfig merges it ----

    def reconciled_config(self, user: Mapping[str, Any] | None = None) -> dict[str, tuple[int, dict[str, Any]]]:
        """policy name -> (enforcement level, properties): schema defaults, initial config, user config."""
        initial = json_format.MessageToDict(self.info.initialConfig) if self.info.initialConfig else {}
        user = dict(user or {})
        all_level = user.pop("all", None)
        merged: dict[str, tuple[int, dict[str, Any]]] = {}
        for policy in self.info.policies:
            level = policy.enforcementLevel
            props: dict[str, Any] = {}
            schema = json_format.MessageToDict(policy.configSchema.properties) if policy.configSchema else {}
            for key, spec in schema.items():
                if isinstance(spec, dict) and "default" in spec:
                    props[key] = spec["default"]
            for layer in (initial.get(policy.name), all_level, user.get(policy.name)):
                if layer is None:
                    continue
                if isinstance(layer, str):
                    level = LEVELS[layer]
                elif isinstance(layer, Mapping):
                    layer = dict(layer)
                    if "enforcementLevel" in layer:
                        level = LEVELS[str(layer.pop("enforcementLevel"))]
                    props.update(layer)
            merged[policy.name] = (level, props)
        return merged

    def configure(self, user: Mapping[str, Any] | None = None, tags: Mapping[str, str] | None = None) -> None:
        self.stub.ConfigureStack(
            apb.AnalyzerStackConfigureRequest(stack=self.stack, project=self.project, dry_run=True,
                                              tags=dict(tags or {})),
            timeout=CALL_TIMEOUT,
        )
        merged = self.reconciled_config(user)
        request = apb.ConfigureAnalyzerRequest(policyConfig={
            name: apb.PolicyConfig(enforcementLevel=level, properties=_struct(props))
            for name, (level, props) in merged.items()
        })
        self.stub.Configure(request, timeout=CALL_TIMEOUT)

    # ---- analysis ----

    def analyze(self, resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Analyze each resource, then the stack; return violations as plain dicts."""
        by_urn = {r["urn"]: r for r in resources}
        violations: list[dict[str, Any]] = []
        stack_items = []
        for res in resources:
            provider = None
            prov = by_urn.get(res.get("provider") or "")
            if prov is not None:
                provider = apb.AnalyzerProviderResource(type=prov["type"], urn=prov["urn"], name=prov["name"],
                                                        properties=_struct(prov["inputs"]))
            props = _struct(res["inputs"])
            if res.get("custom", True):
                response = self.stub.Analyze(
                    apb.AnalyzeRequest(type=res["type"], name=res["name"], urn=res["urn"], properties=props,
                                       provider=provider),
                    timeout=CALL_TIMEOUT,
                )
                violations += [self._violation(d, res["urn"]) for d in response.diagnostics]
            stack_items.append(apb.AnalyzerResource(
                type=res["type"], name=res["name"], urn=res["urn"], properties=props, parent=res.get("parent", ""),
                dependencies=list(res.get("dependencies", [])), provider=provider,
                propertyDependencies={k: apb.AnalyzerPropertyDependencies(urns=list(v))
                                      for k, v in (res.get("propertyDependencies") or {}).items()},
            ))
        response = self.stub.AnalyzeStack(apb.AnalyzeStackRequest(resources=stack_items), timeout=CALL_TIMEOUT)
        violations += [self._violation(d, "") for d in response.diagnostics]
        return violations

    @staticmethod
    def _violation(diag: Any, urn: str) -> dict[str, Any]:
        message = diag.message
        prefix = diag.description + "\n"
        if message.startswith(prefix):  # the SDK prepends the policy's description
            message = message[len(prefix):]
        return {
            "policy": diag.policyName,
            "enforcement": LEVEL_NAMES.get(diag.enforcementLevel, "advisory"),
            "urn": diag.urn or urn,
            "message": message,
            "severity": SEVERITY_NAMES.get(diag.severity, "unspecified"),
            "description": diag.description,
        }

    def close(self) -> None:
        if getattr(self, "channel", None) is not None:
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


def run_policy_pack(
    resources: list[dict[str, Any]],
    *,
    stack: str,
    project: str,
    pack_dir: Path | None = None,
    stack_settings: Mapping[str, Any] | None = None,
    user_config: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Violations of the pack over these resources. `stack_settings` are the stack's facts that rules read
    (environment, authenticatedPathPrefixes, sessionCookies, internalHosts, defaultRegion): given to every
    rule whose schema has that key; `user_config` is a `--policy-pack-config` document, applied last."""
    pack_dir = pack_dir or PROJECT_ROOT / "policies"
    try:
        with PolicyPackClient(pack_dir, stack=stack, project=project) as client:
            config: dict[str, Any] = {}
            for policy in client.info.policies:
                schema = json_format.MessageToDict(policy.configSchema.properties) if policy.configSchema else {}
                facts = {k: v for k, v in (stack_settings or {}).items() if k in schema}
                if facts:
                    config[policy.name] = facts
            for key, value in (user_config or {}).items():
                if isinstance(value, Mapping) and isinstance(config.get(key), dict):
                    config[key] = {**config[key], **value}
                else:
                    config[key] = value
            client.configure(config)
            return client.analyze(resources)
    except grpc.RpcError as exc:
        raise PolicyPackError(f"the policy pack failed: {exc.details() if hasattr(exc, 'details') else exc}") \
            from None
