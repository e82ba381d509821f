"""A small JSON Schema validator for the subset our document schemas use.

Supported keywords: ``type`` (name or list), ``enum``, ``const``, ``properties``,
``required``, ``additionalProperties`` (bool or schema), ``items``, ``minimum``,
``oneOf``, ``$ref`` to ``#/$defs/...`` and ``format: date-time``. Any other keyword
is reported as an error rather than ignored, so a schema cannot silently outgrow it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

KNOWN = {
    "$schema", "$id", "$defs", "title", "description", "type", "enum", "const", "properties",
    "required", "additionalProperties", "items", "minimum", "oneOf", "$ref", "format",
}
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}


def is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[name])


def validate(doc: Any, schema: dict[str, Any]) -> list[str]:
    """Every violation of ``schema`` in ``doc`` as ``"<json path>: <problem>"``."""
    return list(_check(doc, schema, schema, "$"))


def _check(value: Any, node: dict[str, Any], root: dict[str, Any], path: str) -> Iterator[str]:
    unknown = set(node) - KNOWN
    if unknown:
        yield f"{path}: schema uses unsupported keywords {sorted(unknown)}"
    if "$ref" in node:
        yield from _check(value, _resolve(root, node["$ref"]), root, path)
    yield from _scalar(value, node, path)
    if "oneOf" in node:
        matches = sum(1 for sub in node["oneOf"] if not list(_check(value, sub, root, path)))
        if matches != 1:
            yield f"{path}: matches {matches} of oneOf, expected exactly 1"
    if isinstance(value, dict):
        yield from _object(value, node, root, path)
    if isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            yield from _check(item, node["items"], root, f"{path}[{i}]")


def _scalar(value: Any, node: dict[str, Any], path: str) -> Iterator[str]:
    if "type" in node:
        names = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(is_type(value, n) for n in names):
            yield f"{path}: {type(value).__name__} is not {'/'.join(names)}"
    if "enum" in node and value not in node["enum"]:
        yield f"{path}: {value!r} not in {node['enum']}"
    if "const" in node and value != node["const"]:
        yield f"{path}: {value!r} != {node['const']!r}"
    if "minimum" in node and is_type(value, "number") and value < node["minimum"]:
        yield f"{path}: {value} < {node['minimum']}"
    if node.get("format") == "date-time" and isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or "T" not in value:
            yield f"{path}: {value!r} is not an ISO 8601 date-time"


def _object(value: dict[str, Any], node: dict[str, Any], root: dict[str, Any],
            path: str) -> Iterator[str]:
    props: dict[str, Any] = node.get("properties", {})
    for key in node.get("required", []):
        if key not in value:
            yield f"{path}: missing required {key!r}"
    extra = node.get("additionalProperties", True)
    for key, item in value.items():
        if key in props:
            yield from _check(item, props[key], root, f"{path}.{key}")
        elif extra is False:
            yield f"{path}: unexpected property {key!r}"
        elif isinstance(extra, dict):
            yield from _check(item, extra, root, f"{path}.{key}")


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref is supported, not {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    if not isinstance(node, dict):
        raise ValueError(f"$ref {ref!r} does not name a schema")
    return node
