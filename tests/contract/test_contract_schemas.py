import json
from pathlib import Path

import pytest
from kinerja_contracts import EVENT_TYPES, incompatibilities
from kinerja_contracts.schemas import main, render, schema_of, stale_schemas, write_schemas

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "shared" / "contracts" / "schemas"


def test_a_committed_schema_exists_for_every_event_type():
    missing = [t for t in EVENT_TYPES if not (SCHEMA_DIR / f"{t}.json").is_file()]
    assert not missing, f"run `python -m kinerja_contracts.schemas`; missing: {missing}"
    extra = {p.stem for p in SCHEMA_DIR.glob("*.json")} - set(EVENT_TYPES)
    assert not extra, f"schema files for unknown event types: {extra}"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_current_model_is_compatible_both_ways_with_committed_schema(event_type: str):
    committed = json.loads((SCHEMA_DIR / f"{event_type}.json").read_text(encoding="utf-8"))
    current = schema_of(EVENT_TYPES[event_type])
    reasons = incompatibilities(committed, current)
    assert not reasons, f"{event_type} breaks its committed schema; make a new version instead:\n" + "\n".join(reasons)


def test_committed_schemas_are_up_to_date():
    problems = stale_schemas(SCHEMA_DIR)
    assert not problems, "run `python -m kinerja_contracts.schemas`:\n" + "\n".join(problems)


def test_schema_carries_type_topic_and_key():
    schema = schema_of(EVENT_TYPES["kinerja.target.TargetSet.v1"])
    assert schema["x-event-type"] == "kinerja.target.TargetSet.v1"
    assert schema["x-topic"] == "kinerja.targets"
    assert schema["x-key"] == "nip"
    assert schema["x-max-encoded-bytes"] == EVENT_TYPES["kinerja.target.TargetSet.v1"].max_encoded_bytes


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_reader_schemas_allow_additional_properties(event_type: str):
    text = (SCHEMA_DIR / f"{event_type}.json").read_text(encoding="utf-8")
    assert '"additionalProperties": false' not in text


def test_the_legacy_close_keeps_its_v1_schema_marked_deprecated():
    v1 = json.loads((SCHEMA_DIR / "kinerja.target.PerformancePeriodClosed.v1.json").read_text(encoding="utf-8"))
    v2 = json.loads((SCHEMA_DIR / "kinerja.target.PerformancePeriodClosed.v2.json").read_text(encoding="utf-8"))
    assert v1["title"] == v2["title"] == "PerformancePeriodClosed"
    assert v1["deprecated"] is True and v1["x-superseded-by"] == "kinerja.target.PerformancePeriodClosed.v2"
    assert "employees" in v1["required"] and "employees" not in v2["properties"]
    assert v1["properties"]["employees"]["maxItems"] == 15_000


def test_every_field_has_a_description():
    def walk(node, path):
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert prop.get("description"), f"{path}.{name} has no description"
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, path)

    for event_type, model in EVENT_TYPES.items():
        walk(schema_of(model), event_type)


def test_write_and_check_round_trip(tmp_path: Path):
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    written = write_schemas(tmp_path)
    assert len(written) == len(EVENT_TYPES)
    assert stale_schemas(tmp_path) == []
    assert main(["--check", "--dir", str(tmp_path)]) == 0
    first = written[0]
    first.write_text(first.read_text().replace('"title"', '"titel"', 1))
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    assert main(["--dir", str(tmp_path)]) == 0
    assert first.read_text() == render(EVENT_TYPES[first.stem])
