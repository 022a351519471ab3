"""The largest instance of an event the contract's limits allow, to check the documented sizes.

:func:`largest` fills every string to its maximum length with 4-byte UTF-8 characters, every
list to its maximum item count, every map with every key its enum allows, every number with
its longest JSON form within its bounds, and every optional field. ``encode(largest(Model))``
is then the worst case a producer can reach with text of printable characters;
``tests/contract/test_contract_bounds.py`` checks it against ``Model.max_encoded_bytes``.
(A JSON-escaped control character takes 6 bytes; an event made of those could still exceed
the documented size, which is why producers also measure every event before storing it.)

Building fails with :class:`Unbounded` for a string, list or map without a maximum, so a new
field without one is caught by the same test.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .base import NIP_PATTERN, Event

WIDE = [chr(0x1D400 + n) for n in range(52)]
"""Mathematical alphanumerics: printable, 4 bytes each in UTF-8 (the most a character takes)."""

LONGEST_TIME = datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(-timedelta(hours=9, minutes=30)))
LONGEST_DATE = date(2099, 12, 31)
LARGEST_INT = 2**63 - 1
"""Integers are stored as 64-bit in every service; the longest one a producer can emit."""
LONGEST_FLOAT = -1.7976931348623157e308


class Unbounded(TypeError):
    """A field whose size the contract does not limit."""


def largest(model: type[Event]) -> Event:
    """The largest valid instance of ``model`` (see the module docstring)."""
    builder = _Builder()
    data = builder.model(model, model.__name__)
    return model.model_validate(_ADJUST.get(model, lambda d: d)(data))


class _Builder:
    def __init__(self) -> None:
        self.count = 0

    def model(self, model: type[BaseModel], path: str) -> dict[str, Any]:
        return {
            name: self.value(field.annotation, _constraints(field), f"{path}.{name}")
            for name, field in model.model_fields.items()
        }

    def value(self, tp: Any, limits: dict[str, Any], path: str) -> Any:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            base, *meta = typing.get_args(tp)
            return self.value(base, {**_from_metadata(meta), **limits}, path)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(tp) if a is not type(None)]
            return self.value(options[0], limits, path)
        if origin is typing.Literal:
            return max(typing.get_args(tp), key=lambda v: len(str(v)))
        if origin is list:
            (item,) = typing.get_args(tp)
            return [self.value(item, {}, f"{path}[]") for _ in range(_max_items(limits, path))]
        if origin is dict:
            key, item = typing.get_args(tp)
            if not (isinstance(key, type) and issubclass(key, Enum)):
                raise Unbounded(f"{path}: a map needs enum keys")
            return {k: self.value(item, {}, f"{path}{{}}") for k in list(key)[: _max_items(limits, path)]}
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return self.model(tp, path)
        if isinstance(tp, type) and issubclass(tp, Enum):
            return max(tp, key=lambda v: len(str(v.value)))
        if tp is bool:
            return False
        if tp is int:
            return min(limits.get("le", LARGEST_INT), LARGEST_INT)
        if tp is float:
            return _longest_float(limits)
        if tp is datetime:
            return LONGEST_TIME
        if tp is date:
            return LONGEST_DATE
        if tp is str:
            return self.text(limits, path)
        if typing.get_origin(tp) is None and getattr(tp, "__name__", "") == "AwareDatetime":
            return LONGEST_TIME
        raise Unbounded(f"{path}: no rule for {tp!r}")

    def text(self, limits: dict[str, Any], path: str) -> str:
        if limits.get("pattern") == NIP_PATTERN:
            return "9" * 18
        if limits.get("pattern"):
            raise Unbounded(f"{path}: no rule for the pattern {limits['pattern']!r}")
        if "max_length" not in limits:
            raise Unbounded(f"{path}: a string without max_length")
        # Every string is distinct (ids must be unique): the count, in wide characters, at the end.
        self.count += 1
        tail, n = "", self.count
        while n:
            n, digit = divmod(n, len(WIDE))
            tail = WIDE[digit] + tail
        return (WIDE[0] * limits["max_length"])[: -len(tail)] + tail


def _max_items(limits: dict[str, Any], path: str) -> int:
    if "max_length" not in limits:
        raise Unbounded(f"{path}: a list or map without max_length")
    return limits["max_length"]


def _longest_float(limits: dict[str, Any]) -> float:
    low = limits.get("ge", limits.get("gt"))
    high = limits.get("le", limits.get("lt"))
    if low is None:
        return LONGEST_FLOAT
    if high is None:
        return -LONGEST_FLOAT
    # Many significant digits inside the range, negative when the range allows it.
    return low * 0.12345678901234567 if low < 0 else low + (high - low) * 0.12345678901234567


def _from_metadata(meta: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in meta:
        if isinstance(item, FieldInfo):
            out.update(_from_metadata(list(item.metadata)))
            continue
        for name in ("max_length", "min_length", "ge", "gt", "le", "lt", "pattern"):
            value = getattr(item, name, None)
            if value is not None:
                out[name] = value
    return out


def _constraints(field: FieldInfo) -> dict[str, Any]:
    return _from_metadata(list(field.metadata))


def _revision(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "previous_version": data["version"] - 1}


def _plan(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "total_jp": sum(item["jp"] for item in data["items"])}


def _survey(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "elements": dict.fromkeys(data["elements"], 4)}


def _adjusters() -> dict[type[Event], Any]:
    from .events import CitizenSurveyAnswered, DevelopmentPlanCreated, TargetRevised

    # Cross-field rules the generic fill cannot know: versions in order, totals that add up,
    # scores from 1 to 4.
    return {TargetRevised: _revision, DevelopmentPlanCreated: _plan, CitizenSurveyAnswered: _survey}


_ADJUST = _adjusters()
