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

It applies only to the pulumi-policy version it was written against (1.21.x, pinned in requirements.txt)
and is skipped when LAUNCHREADY_POLICY_PLAIN_SDK is set, which the tests use to show that results are
identical either way.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
from collections import OrderedDict
from types import ModuleType
from typing import Any

from google.protobuf import json_format

CACHE_SIZE = 8192
DISABLE_ENV = "LAUNCHREADY_POLICY_PLAIN_SDK"


class _Memo:
    """A function of one object argument, memoized per argument object (kept alive while cached)."""

    def __init__(self, function: Any) -> None:
        self._function = function
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, tuple[Any, Any]] = OrderedDict()

    def __call__(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:  # e.g. Remediate's secret-preserving decode: not memoized
            return self._function(value, *args, **kwargs)
        key = id(value)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] is value:
                self._cache.move_to_end(key)
                return hit[1]
        result = self._function(value)
        with self._lock:
            self._cache[key] = (value, result)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result


class _MemoJsonFormat:
    """Stands in for the `json_format` module inside `pulumi_policy.policy` only."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module
        self.MessageToDict = _Memo(module.MessageToDict)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


def install() -> bool:
    """Install the memoization into the SDK's servicer module; False when it does not apply."""
    if os.environ.get(DISABLE_ENV):
        return False
    from pulumi_policy import policy as sdk
    from pulumi_policy.version import VERSION

    expected = {"json_format": json_format, "signature": inspect.signature}
    if not VERSION.startswith("1.21.") or any(getattr(sdk, k, None) is not v for k, v in expected.items()) or \
            not all(hasattr(sdk, k) for k in ("deserialize_properties", "unknown_checking_proxy")):
        return False
    sdk.json_format = _MemoJsonFormat(json_format)  # type: ignore[assignment]
    sdk.deserialize_properties = _Memo(sdk.deserialize_properties)  # type: ignore[assignment]
    sdk.unknown_checking_proxy = _Memo(sdk.unknown_checking_proxy)  # type: ignore[assignment]
    sdk.signature = functools.lru_cache(maxsize=32)(inspect.signature)  # type: ignore[assignment]
    return True
