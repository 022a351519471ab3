import copy

from kinerja_contracts import TargetSet, breaking_changes, forward_breaking_changes, incompatibilities
from kinerja_contracts.schemas import schema_of


def _base() -> dict:
    return {
        "title": "Thing",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "nip": {"type": "string", "pattern": r"^\d{18}$"},
            "count": {"type": "integer", "minimum": 0},
            "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
            "level": {"$ref": "#/$defs/Level"},
            "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
        },
        "required": ["nip", "count", "level", "items"],
        "$defs": {
            "Level": {"title": "Level", "type": "string", "enum": ["low", "mid", "high"]},
            "Item": {
                "title": "Item",
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string"},
                    "level": {"$ref": "#/$defs/Level"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                },
                "required": ["code"],
            },
        },
    }


def test_identical_schemas_are_compatible():
    assert breaking_changes(_base(), _base()) == []


def _open(schema: dict) -> dict:
    """The tolerant reader's form: no object closed."""
    schema.pop("additionalProperties", None)
    schema["$defs"]["Item"].pop("additionalProperties", None)
    return schema


def test_adding_an_optional_field_is_compatible_both_ways():
    old, new = _open(_base()), _open(_base())
    new["properties"]["extra"] = {"type": "string", "default": ""}
    new["$defs"]["Item"]["properties"]["hint"] = {"type": "string"}
    # a new consumer reads an old event: the new field is optional, so its absence is fine;
    # an old consumer reads a new event: it ignores the field it does not know.
    assert incompatibilities(old, new) == []


def test_an_old_closed_reader_refuses_a_new_field():
    new = _base()
    new["properties"]["extra"] = {"type": "string", "default": ""}
    assert forward_breaking_changes(_base(), new) == ["Thing: new field 'extra' refused by the closed old schema"]


def test_adding_an_enum_value_breaks_old_readers_only():
    new = _base()
    new["$defs"]["Level"]["enum"].append("critical")
    assert breaking_changes(_base(), new) == []
    reasons = forward_breaking_changes(_base(), new)
    assert reasons and all("enum value 'critical' added" in r for r in reasons)


def test_a_new_required_field_breaks_new_readers_of_old_events_only():
    old, new = _open(_base()), _open(_base())
    new["properties"]["unit"] = {"type": "string"}
    new["required"].append("unit")
    assert breaking_changes(old, new) == ["Thing: required field 'unit' added"]
    assert forward_breaking_changes(old, new) == []


def test_relaxing_or_widening_breaks_old_readers():
    new = _base()
    new["properties"]["count"] = {"type": "number", "minimum": 0}
    new["required"].remove("nip")
    new["properties"]["items"]["maxItems"] = 10
    old = _base()
    old["properties"]["items"]["maxItems"] = 5
    reasons = forward_breaking_changes(old, new)
    assert "Thing.count: type widened from integer to number" in reasons
    assert "Thing: field 'nip' no longer required" in reasons
    assert "Thing.items: maxItems relaxed from 5 to 10" in reasons
    assert breaking_changes(old, new) == []


def test_widening_is_compatible_for_new_readers():
    new = _base()
    new["properties"]["count"] = {"type": "number", "minimum": 0}
    new["properties"]["nip"] = {"anyOf": [{"type": "string", "pattern": r"^\d{18}$"}, {"type": "null"}]}
    new["required"].remove("count")
    assert breaking_changes(_base(), new) == []


def test_detects_removed_field():
    new = _base()
    del new["properties"]["note"]
    reasons = breaking_changes(_base(), new)
    assert reasons == ["Thing: field 'note' removed"]


def test_detects_new_required_field():
    new = _base()
    new["properties"]["unit"] = {"type": "string"}
    new["required"].append("unit")
    assert breaking_changes(_base(), new) == ["Thing: required field 'unit' added"]


def test_detects_optional_field_becoming_required():
    new = _base()
    new["required"].append("note")
    assert breaking_changes(_base(), new) == ["Thing: field 'note' became required"]


def test_detects_changed_type():
    new = _base()
    new["properties"]["nip"] = {"type": "integer"}
    reasons = breaking_changes(_base(), new)
    assert reasons == ["Thing.nip: type changed from string to integer"]


def test_detects_narrowed_type():
    old, new = _base(), _base()
    new["properties"]["count"] = {"type": "integer", "minimum": 0}
    old["properties"]["count"] = {"type": "number", "minimum": 0}
    assert breaking_changes(old, new) == ["Thing.count: type changed from number to integer"]
    new["properties"]["note"] = {"type": "string"}
    reasons = breaking_changes(_base(), new)
    assert reasons == ["Thing.note: type changed: null no longer accepted (now string)"]


def test_detects_removed_enum_value_through_refs():
    new = _base()
    new["$defs"]["Level"]["enum"].remove("mid")
    reasons = breaking_changes(_base(), new)
    assert reasons and all("enum value 'mid' removed" in r for r in reasons)
    assert reasons[0].startswith("Thing.level")


def test_checks_nested_defs_recursively():
    new = _base()
    del new["$defs"]["Item"]["properties"]["level"]
    new["$defs"]["Item"]["properties"]["code"] = {"type": "boolean"}
    reasons = breaking_changes(_base(), new)
    assert "Thing.items[]: field 'level' removed" in reasons
    assert "Thing.items[].code: type changed from string to boolean" in reasons


def test_detects_tightened_constraints():
    new = _base()
    new["properties"]["count"]["minimum"] = 1
    new["properties"]["nip"]["pattern"] = r"^\d{20}$"
    new["properties"]["items"]["minItems"] = 1
    reasons = breaking_changes(_base(), new)
    assert len(reasons) == 3
    assert any("minimum tightened" in r for r in reasons)
    assert any("pattern changed" in r for r in reasons)
    assert any("minItems tightened" in r for r in reasons)


def test_detects_closed_object_and_topic_change():
    old = _base()
    old["additionalProperties"] = True
    old["x-topic"] = "kinerja.targets"
    new = _base()
    new["x-topic"] = "kinerja.other"
    reasons = breaking_changes(old, new)
    assert "Thing: no longer accepts additional properties" in reasons
    assert any("x-topic changed" in r for r in reasons)


def test_real_event_schema_change_is_caught():
    old = schema_of(TargetSet)
    new = copy.deepcopy(old)
    del new["$defs"]["Iki"]["properties"]["unit"]
    new["$defs"]["RhkKind"]["enum"].remove("tambahan")
    reasons = breaking_changes(old, new)
    assert "TargetSet.rhk[].indikator[]: field 'unit' removed" in reasons
    assert "TargetSet.rhk[].kind: enum value 'tambahan' removed" in reasons
