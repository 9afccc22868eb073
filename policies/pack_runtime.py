"""Make the SDK's Analyzer server decode each request once, not once per policy.

pulumi-policy 1.21's servicer turns a request's property Struct into a dict separately for every policy it
runs (`json_format.MessageToDict` inside the per-policy loop, for Analyze and for every resource of
AnalyzeStack) and inspects `pulumi.runtime.Settings`' signature on every call. With ~20 policies that is
most of the pack's time. This module memoizes both, without changing what a policy sees:

- `MessageToDict`, `deserialize_properties` and `unknown_checking_proxy` results are cached per argument
  object (holding a reference, so an id is never reused while cached): every policy of one request gets
  the same decoded, unknown-checking view of the properties. That is safe because the SDK only reads
  them and this pack's rules never write to `args.props`.
- `inspect.signature` of the same class is cached.

- Analyze runs only the resource policies whose `launchready_types` include the request's type (the
  others would return at once without a word).
- The runtime settings (PULUMI_CONFIG, project, stack) are applied once per distinct environment.

It applies only to the pulumi-policy version it was written against (1.21.x, pinned in requirements.txt)
and is skipped when LAUNCHREADY_POLICY_PLAIN_SDK is set, which the tests use to show that results are
identical either way.

Independently of that, `install()` makes the pack stop when the client gave up: each Analyze/AnalyzeStack
call records its gRPC context, long loops in the rules call `check_cancelled()`, which raises `Cancelled`
once the call was cancelled or its deadline passed, and the call ends with CANCELLED/DEADLINE_EXCEEDED
instead of computing on for nobody.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
from types import ModuleType
from typing import Any

from google.protobuf import json_format

CACHE_SIZE = 8192
DISABLE_ENV = "LAUNCHREADY_POLICY_PLAIN_SDK"

_local = threading.local()


class Cancelled(Exception):
    """The client cancelled the call or its deadline passed: stop computing."""


def check_cancelled() -> None:
    """Raise Cancelled when the current Analyze/AnalyzeStack call is no longer wanted (cheap to call often)."""
    context = getattr(_local, "context", None)
    if context is None:
        return
    remaining = context.time_remaining() if hasattr(context, "time_remaining") else None
    if (remaining is not None and remaining <= 0) or not context.is_active():
        raise Cancelled("the client gave up on this call")


def _tracked(method: Any) -> Any:
    @functools.wraps(method)
    def call(self: Any, request: Any, context: Any) -> Any:
        previous = getattr(_local, "context", None)
        _local.context = context
        try:
            return method(self, request, context)
        except Cancelled:
            import grpc

            remaining = context.time_remaining() if context is not None else None
            code = grpc.StatusCode.DEADLINE_EXCEEDED if remaining is not None and remaining <= 0 \
                else grpc.StatusCode.CANCELLED
            if context is not None:
                context.abort(code, "the policy pack stopped: the client gave up")
            raise
        finally:
            _local.context = previous
    return call


class _Memo:
    """A function of one object argument, memoized per argument object (kept alive while cached). Reads take
    no lock (a dict lookup is atomic); the oldest entries go first when the cache is full."""

    def __init__(self, function: Any) -> None:
        self._function = function
        self._lock = threading.Lock()
        self._cache: dict[int, tuple[Any, Any]] = {}

    def __call__(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:  # e.g. Remediate's secret-preserving decode: not memoized
            return self._function(value, *args, **kwargs)
        hit = self._cache.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        result = self._function(value)
        with self._lock:
            self._cache[id(value)] = (value, result)
            while len(self._cache) > CACHE_SIZE:
                del self._cache[next(iter(self._cache))]
        return result


class _MemoJsonFormat:
    """Stands in for the `json_format` module inside `pulumi_policy.policy` only."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self.MessageToDict = _Memo(module.MessageToDict)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


def _type_filtered(analyze: Any) -> Any:
    """Analyze running only the resource policies that judge the request's type (see the module)."""
    views: dict[tuple[int, str], list[Any]] = {}
    attr = "_PolicyAnalyzerServicer__policies"

    @functools.wraps(analyze)
    def call(self: Any, request: Any, context: Any) -> Any:
        policies = getattr(self, attr)
        key = (id(policies), request.type)
        if key not in views:
            views[key] = [p for p in policies if request.type in getattr(p, "launchready_types", (request.type,))]
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        setattr(view, attr, views[key])
        return analyze(view, request, context)
    return call


def _settings_once(configure: Any) -> Any:
    applied: set[tuple[str, ...]] = set()

    @functools.wraps(configure)
    def call(self: Any) -> None:
        key = tuple(os.environ.get(k, "") for k in ("PULUMI_CONFIG", "PULUMI_PROJECT", "PULUMI_STACK",
                                                      "PULUMI_DRY_RUN", "PULUMI_ORGANIZATION"))
        if key not in applied:
            configure(self)
            applied.add(key)
    return call


def install() -> bool:
    """Install cancellation, and the memoization into the SDK's servicer module; False when the
    memoization does not apply (disabled, or another SDK version)."""
    from pulumi_policy import policy as sdk
    from pulumi_policy.version import VERSION

    servicer = sdk._PolicyAnalyzerServicer
    if not getattr(servicer, "_launchready_tracked", False):
        servicer.Analyze = _tracked(servicer.Analyze)  # type: ignore[method-assign]
        servicer.AnalyzeStack = _tracked(servicer.AnalyzeStack)  # type: ignore[method-assign]
        servicer._launchready_tracked = True  # type: ignore[attr-defined]
    if os.environ.get(DISABLE_ENV):
        return False

    expected = {"json_format": json_format, "signature": inspect.signature}
    if not VERSION.startswith("1.21.") or any(getattr(sdk, k, None) is not v for k, v in expected.items()) or \
            not all(hasattr(sdk, k) for k in ("deserialize_properties", "unknown_checking_proxy")):
        return False
    sdk.json_format = _MemoJsonFormat(json_format)  # type: ignore[assignment]
    sdk.deserialize_properties = _Memo(sdk.deserialize_properties)  # type: ignore[assignment]
    sdk.unknown_checking_proxy = _Memo(sdk.unknown_checking_proxy)  # type: ignore[assignment]
    sdk.signature = functools.lru_cache(maxsize=32)(inspect.signature)  # type: ignore[assignment]
    if not getattr(servicer, "_launchready_fast", False) and hasattr(servicer, "_get_enforcement_level"):
        servicer.Analyze = _type_filtered(servicer.Analyze)  # type: ignore[method-assign]
        servicer._configure_runtime_settings = _settings_once(  # type: ignore[method-assign]
            servicer._configure_runtime_settings)
        servicer._launchready_fast = True  # type: ignore[attr-defined]
    return True
