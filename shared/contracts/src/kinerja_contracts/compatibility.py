"""Compatibility checks between two JSON Schemas of one event version, in both directions.

Readers are tolerant: they ignore fields they do not know. Two questions follow.

:func:`breaking_changes` (backward: a **new consumer reads an old event**) reports, recursively
through properties, array items, map values and ``$ref``-erenced ``$defs``:

* a field removed;
* a required field added, or an optional field made required;
* a type changed or narrowed (a type no longer accepted; ``integer`` -> ``number`` and
  making a field nullable are widenings and allowed);
* an enum value removed, or an enum / const introduced where any value was accepted;
* a constraint tightened (bounds, lengths, item counts, pattern, format,
  ``additionalProperties``);
* the event's topic or record key (``x-topic`` / ``x-key``) changed.

:func:`forward_breaking_changes` (an **old consumer reads a new event**) reports what an old
reader, validating with the old schema, would refuse in a new event: a field it requires
removed or made optional, a type widened, an enum value added, a constraint relaxed, or a new
field where the old schema was closed. A new optional field is ignored by the old reader and
passes.

:func:`incompatibilities` runs both. Adding an optional field is the change both allow.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_EXACT = ("pattern", "format")
_ANNOTATIONS = ("x-topic", "x-key")


def breaking_changes(old_schema: Schema, new_schema: Schema) -> list[str]:
    """Reasons a consumer built on ``new_schema`` cannot read events written under
    ``old_schema`` (backward); empty when compatible."""
    checker = _Checker(old_schema, new_schema)
    for name in _ANNOTATIONS:
        if name in old_schema and old_schema.get(name) != new_schema.get(name):
            checker.report("", f"{name} changed from {old_schema[name]!r} to {new_schema.get(name)!r}")
    checker.compare(old_schema, new_schema, old_schema.get("title", "$"))
    return checker.reasons


def forward_breaking_changes(old_schema: Schema, new_schema: Schema) -> list[str]:
    """Reasons a consumer built on ``old_schema`` (a tolerant reader) cannot read events
    written under ``new_schema``; empty when compatible."""
    # Every event valid under the new (writer's) schema must be valid under the old
    # (reader's): the backward comparison with the roles swapped, worded for old readers.
    checker = _Checker(new_schema, old_schema, forward=True)
    checker.compare(new_schema, old_schema, old_schema.get("title", "$"))
    return checker.reasons


def incompatibilities(old_schema: Schema, new_schema: Schema) -> list[str]:
    """Both directions: ``new consumer reads old event: ...`` and ``old consumer reads new event: ...``."""
    return [f"new consumer reads old event: {r}" for r in breaking_changes(old_schema, new_schema)] + [
        f"old consumer reads new event: {r}" for r in forward_breaking_changes(old_schema, new_schema)
    ]


class _Checker:
    """Checks that every document valid under ``old_root`` is valid under ``new_root``.

    ``forward``: ``old_root`` is the newer writer's schema and ``new_root`` the older reader's;
    fields only the writer has are ignored (tolerant reader) and reasons are worded for that.
    """

    def __init__(self, old_root: Schema, new_root: Schema, forward: bool = False) -> None:
        self.old_root = old_root
        self.new_root = new_root
        self.forward = forward
        self.reasons: list[str] = []
        self._seen: set[tuple[str, str]] = set()

    def report(self, path: str, reason: str) -> None:
        self.reasons.append(f"{path}: {reason}" if path else reason)

    # -- resolution -------------------------------------------------------------------

    @staticmethod
    def _resolve(root: Schema, node: Any) -> Any:
        hops = 0
        while isinstance(node, dict) and "$ref" in node and hops < 50:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                break
            target: Any = root
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, dict) else None
            if target is None:
                break
            extra = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **extra} if extra else target
            hops += 1
        return node

    # -- comparison ----------------------------------------------------------------------

    def compare(self, old: Any, new: Any, path: str) -> None:
        if isinstance(old, dict) and isinstance(new, dict):
            pair = (old.get("$ref", ""), new.get("$ref", ""))
            if pair[0] and pair[1]:
                if pair in self._seen:
                    return  # already compared (or being compared): recursive definitions
                self._seen.add(pair)
        old = self._resolve(self.old_root, old)
        new = self._resolve(self.new_root, new)
        if new is True or new == {}:
            return  # accepts anything
        if old is True or old == {}:
            if self.forward:
                self.report(path, "any value now possible where the old schema restricted it")
            else:
                self.report(path, "now restricted where any value was accepted")
            return
        if new is False:
            self.report(path, "no longer accepts any value")
            return
        if not isinstance(old, dict) or not isinstance(new, dict):
            return
        old_variants = _variants(self.old_root, old)
        new_variants = _variants(self.new_root, new)
        if len(old_variants) == 1 and len(new_variants) == 1:
            self._compare_single(old_variants[0], new_variants[0], path)
            return
        for variant in old_variants:
            match = self._best_match(variant, new_variants, path)
            if match is None and self.forward:
                self.report(path, f"type widened: {_describe(variant)} now possible")
            elif match is None:
                self.report(
                    path,
                    f"type changed: {_describe(variant)} no longer accepted"
                    f" (now {' | '.join(_describe(v) for v in new_variants)})",
                )
            else:
                self._compare_single(variant, match, path)

    def _best_match(self, old: Schema, candidates: list[Schema], path: str) -> Schema | None:
        kinds = _kinds(old)
        same = [c for c in candidates if _accepts_kinds(_kinds(c), kinds)]
        if len(same) <= 1:
            return same[0] if same else None
        for candidate in same:  # several objects (e.g. a union of models): pick a clean one
            probe = _Checker(self.old_root, self.new_root, self.forward)
            probe._seen = set(self._seen)
            probe._compare_single(old, candidate, path)
            if not probe.reasons:
                return candidate
        return same[0]

    def _compare_single(self, old: Schema, new: Schema, path: str) -> None:
        old_kinds, new_kinds = _kinds(old), _kinds(new)
        if not _accepts_kinds(new_kinds, old_kinds):
            if self.forward:
                self.report(path, f"type widened from {_describe(new)} to {_describe(old)}")
            else:
                self.report(path, f"type changed from {_describe(old)} to {_describe(new)}")
            return
        self._compare_enum(old, new, path)
        self._compare_constraints(old, new, path)
        if "object" in old_kinds:
            self._compare_object(old, new, path)
        if "array" in old_kinds:
            self._compare_array(old, new, path)

    def _compare_enum(self, old: Schema, new: Schema, path: str) -> None:
        old_values = _allowed_values(old)
        new_values = _allowed_values(new)
        if new_values is None:
            return
        if old_values is None:
            if self.forward:
                self.report(path, "any value now possible where only an enum was")
            else:
                self.report(path, f"now restricted to the values {sorted(map(repr, new_values))}")
            return
        for value in old_values:
            if value not in new_values:
                self.report(path, f"enum value {value!r} {'added' if self.forward else 'removed'}")

    def _compare_constraints(self, old: Schema, new: Schema, path: str) -> None:
        def tightened(key: str) -> None:
            if self.forward:
                self.report(path, f"{key} relaxed from {new[key]!r} to {old.get(key)!r}")
            else:
                self.report(path, f"{key} tightened from {old.get(key)!r} to {new[key]!r}")

        for key in _LOWER_BOUNDS:
            if key in new and (key not in old or new[key] > old[key]):
                tightened(key)
        for key in _UPPER_BOUNDS:
            if key in new and (key not in old or new[key] < old[key]):
                tightened(key)
        for key in _EXACT:
            if key in new and new.get(key) != old.get(key):
                if self.forward:
                    self.report(path, f"{key} changed from {new[key]!r} to {old.get(key)!r}")
                else:
                    self.report(path, f"{key} changed from {old.get(key)!r} to {new[key]!r}")

    def _compare_object(self, old: Schema, new: Schema, path: str) -> None:
        old_props: Schema = old.get("properties", {})
        new_props: Schema = new.get("properties", {})
        old_required = set(old.get("required", []))
        new_required = set(new.get("required", []))
        new_extra = new.get("additionalProperties", True)
        for name, old_prop in old_props.items():
            if name not in new_props:
                if not self.forward:
                    self.report(path, f"field {name!r} removed")
                elif new_extra is False:
                    self.report(path, f"new field {name!r} refused by the closed old schema")
                continue  # forward: a field the old reader does not know is ignored
            if name in new_required and name not in old_required:
                if self.forward:
                    self.report(path, f"field {name!r} no longer required")
                else:
                    self.report(path, f"field {name!r} became required")
            self.compare(old_prop, new_props[name], f"{path}.{name}")
        for name in sorted(new_required - set(old_props)):
            self.report(path, f"required field {name!r} {'removed' if self.forward else 'added'}")
        old_extra = old.get("additionalProperties", True)
        if self.forward:
            pass  # named fields are handled above; unnamed extras are ignored by tolerant readers
        elif old_extra is not False and new_extra is False:
            self.report(path, "no longer accepts additional properties")
        elif old_extra is not False and isinstance(new_extra, dict):
            old_values = old_extra if isinstance(old_extra, dict) else {}
            self.compare(old_values, new_extra, f"{path}{{}}")
        if "propertyNames" in new:
            self.compare(old.get("propertyNames", {}), new["propertyNames"], f"{path}{{keys}}")

    def _compare_array(self, old: Schema, new: Schema, path: str) -> None:
        if "items" in new:
            self.compare(old.get("items", {}), new["items"], f"{path}[]")
        old_prefix, new_prefix = old.get("prefixItems", []), new.get("prefixItems", [])
        for index, new_item in enumerate(new_prefix):
            old_item = old_prefix[index] if index < len(old_prefix) else old.get("items", {})
            self.compare(old_item, new_item, f"{path}[{index}]")


# -- helpers -----------------------------------------------------------------------------

_JSON_KINDS = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    type(None): "null",
    list: "array",
    dict: "object",
}


def _variants(root: Schema, node: Schema) -> list[Schema]:
    """Split a union (anyOf / oneOf / a list of types) into its alternatives."""
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            out: list[Schema] = []
            for member in node[key]:
                resolved = _Checker._resolve(root, member)
                if isinstance(resolved, dict):
                    out.extend(_variants(root, resolved))
                else:
                    out.append({} if resolved is True else {"not": {}})
            return out
    types = node.get("type")
    if isinstance(types, list) and len(types) > 1:
        return [{**node, "type": t} for t in types]
    return [node]


def _kinds(node: Schema) -> set[str]:
    types = node.get("type")
    if isinstance(types, str):
        return {types}
    if isinstance(types, list):
        return set(types)
    values = _allowed_values(node)
    if values is not None:
        return {_JSON_KINDS.get(type(v), "any") for v in values}
    if "properties" in node:
        return {"object"}
    if "items" in node or "prefixItems" in node:
        return {"array"}
    return {"any"}


def _accepts_kinds(new: set[str], old: set[str]) -> bool:
    if "any" in new:
        return True
    widened = set(new) | ({"integer"} if "number" in new else set())
    return old <= widened


def _allowed_values(node: Schema) -> list[Any] | None:
    if "const" in node:
        return [node["const"]]
    if isinstance(node.get("enum"), list):
        return list(node["enum"])
    return None


def _describe(node: Schema) -> str:
    kinds = "|".join(sorted(_kinds(node)))
    title = node.get("title")
    if title and ("enum" in node or kinds == "object"):
        return f"{kinds} ({title})"
    return kinds
