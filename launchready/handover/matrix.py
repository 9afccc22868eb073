"""The environment matrix: every setting whose effective value differs between stacks.

Settings are the stack config flattened to dotted keys, with the environment-dependent defaults resolved
(HSTS max-age, DMARC policy, Access session, secret recovery window, managed rulesets, internal hosts, log
retention), plus the stack file's other plain keys (e.g. `aws:region`). Secret keys are compared only by
whether they are set: their values are never read (the stack file holds them encrypted anyway).
"""

from __future__ import annotations

import re
from typing import Any

from components.config import NAMESPACE, StackConfig
from launchready.stackfile import StackFile

ABSENT = "—"
SECRET_SET = "(secret, set)"
#: For lists of objects: the field that identifies an item, so items line up across stacks by identity,
#: not position. Lists not named here line up by position.
_ITEM_KEYS = {
    "waf.rateLimits": "name",
    "secrets.items": "name",
    "redirects.legacy": "from",
    "monitoring.alertWebhooks": "name",
    "access.allowGroups": "name",
}


def _scalar(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _flatten(value: Any, path: str, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        if not value:
            out[path] = "(none)"
        for key, sub in value.items():
            _flatten(sub, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            out[path] = ", ".join(_scalar(v) for v in value) if value else "(none)"
            return
        id_field = _ITEM_KEYS.get(path)
        out[path] = f"{len(value)} item{'s' if len(value) != 1 else ''}"
        for i, item in enumerate(value):
            ident = item.get(id_field) if isinstance(item, dict) and id_field else None
            _flatten(item, f"{path}[{ident if ident is not None else i}]", out)
    else:
        out[path] = _scalar(value)


def effective_config(cfg: StackConfig) -> dict[str, Any]:
    """The config as data, with every environment-dependent default replaced by the value in force."""
    data: dict[str, Any] = cfg.model_dump(mode="json", by_alias=True)
    data["tls"]["hsts"]["maxAgeSeconds"] = cfg.hsts_max_age
    dmarc = data["email"]["dmarc"]
    dmarc["policy"] = cfg.dmarc_policy.value
    dmarc["subdomainPolicy"] = (cfg.email.dmarc.subdomain_policy or cfg.dmarc_policy).value
    data["access"]["sessionDuration"] = cfg.access_session_duration
    data["secrets"]["recoveryWindowDays"] = cfg.secret_recovery_window_days
    data["waf"]["managedRulesets"] = [r.value for r in cfg.managed_rulesets]
    for label in data["hostnames"]:
        data["hostnames"][label]["internal"] = cfg.is_internal(label)
    for group, model in zip(data["monitoring"]["logGroups"], cfg.monitoring.log_groups, strict=True):
        group["retentionDays"] = cfg.log_retention_days(model)
    for item in data["redirects"]["legacy"]:
        item["statusCode"] = item.get("statusCode") or cfg.redirects.status_code
    for item in data["secrets"]["items"]:
        if item.get("source") == "generated":
            item.pop("configKey", None)
        else:
            item.pop("length", None)
    return data


def settings(cfg: StackConfig, stack_file: StackFile | None = None) -> dict[str, str]:
    """setting -> effective value, for one stack."""
    out: dict[str, str] = {}
    _flatten(effective_config(cfg), "", out)
    if stack_file is not None:
        prefix = f"{NAMESPACE}:"
        for key, value in stack_file.values.items():
            if key in stack_file.secret_keys:
                out[key] = SECRET_SET
            elif not key.startswith(prefix):
                out[key] = _scalar(value) if not isinstance(value, dict | list) else str(value)
    return out


_ITEM_RE = re.compile(r"^(.*?\[[^\]]*\])\.")


def _item_prefix(key: str) -> str | None:
    match = _ITEM_RE.match(key)
    return match.group(1) if match else None


def environment_matrix(stacks: dict[str, dict[str, str]]) -> list[tuple[str, list[str]]]:
    """(setting, [value per stack, in the order given]) for every setting that is not the same everywhere.

    A list item (a rate limit, a legacy redirect...) that only some stacks have is one row that sums it up;
    an item every stack has is compared field by field.
    """
    names = list(stacks)
    keys = sorted({k for values in stacks.values() for k in values}, key=_sort_key)
    rows: list[tuple[str, list[str]]] = []
    done: set[str] = set()
    for key in keys:
        prefix = _item_prefix(key)
        if prefix is not None and prefix in done:
            continue
        if prefix is not None:
            fields = [k for k in keys if _item_prefix(k) == prefix]
            present = [any(k in stacks[name] for k in fields) for name in names]
            if not all(present):
                done.add(prefix)
                rows.append((prefix, [_summary(stacks[name], prefix, fields) if here else ABSENT
                                      for name, here in zip(names, present, strict=True)]))
                continue
        values = [stacks[name].get(key, ABSENT) for name in names]
        if len(set(values)) > 1:
            rows.append((key, values))
    return rows


def _summary(values: dict[str, str], prefix: str, fields: list[str]) -> str:
    parts = [f"{k.removeprefix(prefix + '.')}={values[k]}" for k in fields
             if k in values and values[k] not in ("(not set)", "(none)")]
    return "; ".join(parts)


_AREA_ORDER = ["environment", "zone", "hostnames", "dns", "redirects", "tls", "cache", "waf", "access", "email",
               "secrets", "monitoring"]


def _sort_key(key: str) -> tuple[int, str]:
    area = key.split(".", 1)[0].split("[", 1)[0]
    return (_AREA_ORDER.index(area) if area in _AREA_ORDER else len(_AREA_ORDER), key)
