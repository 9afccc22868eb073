"""docs/config.md, generated from the models' schema: every key with its type, default, prod default where
it differs, description and an example (from the reference example stack)."""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from components.config import NAMESPACE, StackConfig
from launchready.configref.example import environment_defaults, example_at
from launchready.configref.schema import SCHEMA_PATH, area_schema

DOC_PATH = "docs/config.md"


@dataclass(frozen=True)
class Row:
    path: str
    type: str
    required: bool
    default: Any
    description: str


class _Walker:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = schema.get("$defs", {})
        self.rows: list[Row] = []

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in node:
            target = self.defs[node["$ref"].rsplit("/", 1)[-1]]
            return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        if "anyOf" in node:
            real = [n for n in node["anyOf"] if n.get("type") != "null"]
            if len(real) == 1:
                return {**self.resolve(real[0]), **{k: v for k, v in node.items() if k != "anyOf"}}
        return node

    def type_of(self, node: dict[str, Any]) -> str:
        node = self.resolve(node)
        if "enum" in node:
            return " \\| ".join(f"`{json.dumps(v)}`" if not isinstance(v, str) else f"`{v}`" for v in node["enum"])
        if "const" in node:
            return f"`{node['const']}`"
        kind = node.get("type")
        if kind == "array":
            return f"list of {self.type_of(node.get('items', {}))}"
        if kind == "object" and isinstance(node.get("additionalProperties"), dict):
            return f"map of {self.type_of(node['additionalProperties'])}"
        if kind == "object" and isinstance(node.get("patternProperties"), dict) and node["patternProperties"]:
            return f"map of {self.type_of(next(iter(node['patternProperties'].values())))}"
        if kind == "object":
            return f"object ({node.get('title', 'mapping')})"
        if "anyOf" in node:
            return " or ".join(self.type_of(n) for n in node["anyOf"] if n.get("type") != "null")
        bounds = [f"{sym} {node[key]}" for key, sym in (("minimum", ">="), ("maximum", "<="),
                                                        ("exclusiveMinimum", ">"), ("exclusiveMaximum", "<"))
                  if key in node]
        return str(kind or "any") + (f" ({', '.join(bounds)})" if bounds else "")

    def walk(self, node: dict[str, Any], path: str, required: bool) -> None:
        res = self.resolve(node)
        self.rows.append(Row(path, self.type_of(node), required, node.get("default", res.get("default")),
                             str(node.get("description") or res.get("description") or "")))
        props = res.get("properties")
        if res.get("type") == "object" and isinstance(props, dict):
            needed = set(res.get("required", []))
            for key, child in props.items():
                self.walk(child, f"{path}.{key}", key in needed)
        elif res.get("type") == "object" and (isinstance(res.get("additionalProperties"), dict)
                                              or res.get("patternProperties")):
            values = res.get("additionalProperties")
            inner = self.resolve(values if isinstance(values, dict) else next(iter(res["patternProperties"].values())))
            if isinstance(inner.get("properties"), dict):
                needed = set(inner.get("required", []))
                for key, child in inner["properties"].items():
                    self.walk(child, f"{path}.<name>.{key}", key in needed)
        elif res.get("type") == "array":
            item = self.resolve(res.get("items", {}))
            if isinstance(item.get("properties"), dict):
                needed = set(item.get("required", []))
                for key, child in item["properties"].items():
                    self.walk(child, f"{path}[].{key}", key in needed)


def rows() -> list[Row]:
    schema = area_schema()
    walker = _Walker(schema)
    needed = set(schema.get("required", []))
    for key, node in schema["properties"].items():
        walker.walk(node, key, key in needed)
    return walker.rows


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation (Optional, list, dict values), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in reversed(typing.get_args(annotation)):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def model_default(path: str) -> Any:
    """The default the models give a key (default factories called, models dumped by alias), or None."""
    cls: type[BaseModel] | None = StackConfig
    parts = path.replace("[]", "").split(".")
    for i, part in enumerate(parts):
        if part == "<name>" or cls is None:
            continue
        field = next((f for name, f in cls.model_fields.items() if (f.alias or name) == part), None)
        if field is None:
            return None
        if i == len(parts) - 1:
            if field.is_required():
                return None
            value = field.get_default(call_default_factory=True)
            if isinstance(value, BaseModel):
                return value.model_dump(by_alias=True, mode="json")
            if isinstance(value, list):
                return [getattr(v, "value", v) for v in value]
            if isinstance(value, dict):
                return {k: v.model_dump(by_alias=True, mode="json") if isinstance(v, BaseModel) else v
                        for k, v in value.items()}
            return getattr(value, "value", value)
        cls = _model_in(field.annotation)
    return None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value)
    return "`" + text.replace("|", "\\|") + "`" if text != "" else '`""`'


def _default(row: Row, env_defaults: dict[str, tuple[Any, Any]]) -> tuple[str, str]:
    if row.path in env_defaults:
        staging, prod = env_defaults[row.path]
        return _cell(staging), _cell(prod) if prod != staging else ""
    if row.required:
        return "required", ""
    default = model_default(row.path)
    if isinstance(default, dict) and row.type.startswith("object"):
        return "", ""  # an object: its keys' defaults are listed below it
    return (_cell(default) if default not in (None, [], {}) else "—"), ""


def _example(row: Row) -> str:
    if row.type.startswith(("object", "list of object", "map of object")):
        return ""
    return _cell(example_at(row.path))


_INTRO = f"""\
# Stack config reference

Generated from the config models (`components/config/`) by `python -m launchready.configref`; do not edit
by hand. A test regenerates this file and fails when it differs, so it is always in step with the models.

A stack file (`Pulumi.<stack>.yaml`) holds one key per area under `config:`, in the `{NAMESPACE}` namespace:
`{NAMESPACE}:zone`, `{NAMESPACE}:hostnames`, ... Keys are camelCase. Secret values live in their own keys
(`pulumi config set --secret {NAMESPACE}:databaseUrl ...`) and are referenced by `configKey`. Editors that
speak the YAML language server validate as you type with the first line

    # yaml-language-server: $schema=./{SCHEMA_PATH}

*Default* is the value used when the key is left out (in staging where it depends on the environment);
*Prod default* is shown where prod's differs. `<name>` stands for a map key you choose (a hostname label,
a route class); `[]` for the items of a list. `launchready init` writes a starting stack for your domain.
"""


def build_markdown() -> str:
    env_defaults = environment_defaults()
    lines = [_INTRO]
    for row in rows():
        area = row.path.split(".", 1)[0]
        if row.path == area:
            lines += ["", f"## `{NAMESPACE}:{area}`", "", row.description + (" Required." if row.required else ""),
                      "", "| Key | Type | Default | Prod default | Description | Example |",
                      "|---|---|---|---|---|---|"]
            if not row.type.startswith("object"):
                default, prod = _default(row, env_defaults)
                lines.append(f"| `{row.path}` | {row.type} | {default} | {prod} | {row.description} | "
                             f"{_example(row)} |")
            continue
        default, prod = _default(row, env_defaults)
        description = row.description.replace("|", "\\|")
        lines.append(f"| `{row.path}` | {row.type} | {default} | {prod} | {description} | {_example(row)} |")
    return "\n".join(lines).rstrip() + "\n"
