import re

import pytest
from kinerja_contracts import (
    ALL_EVENTS,
    ALL_TOPICS,
    DEAD_LETTER,
    EVENT_TYPES,
    PARTITIONS_ENV,
    TOPICS,
    Event,
    TargetSet,
    UnknownEventType,
    model_for,
    topic_of,
    topic_partitions,
)
from kinerja_contracts.examples import EXAMPLES

EVENT_TYPE_RE = re.compile(r"^kinerja\.[a-z]+\.[A-Z][A-Za-z]+\.v[1-9][0-9]*$")


def test_topics_are_declared_once_with_partitions_for_scaling_out():
    names = [t.name for t in ALL_TOPICS]
    assert names == [
        "kinerja.employees",
        "kinerja.organisation",
        "kinerja.periods",
        "kinerja.targets",
        "kinerja.feedback",
        "kinerja.citizen-satisfaction",
        "kinerja.appraisals",
        "kinerja.development",
        "kinerja.recognitions",
        "kinerja.deadletter",
    ]
    per_employee = [t for t in TOPICS if t.key == "nip"]
    assert {t.name for t in per_employee} == {
        "kinerja.employees",
        "kinerja.targets",
        "kinerja.feedback",
        "kinerja.appraisals",
        "kinerja.development",
        "kinerja.recognitions",
    }
    assert all(t.partitions == 12 for t in per_employee)
    assert all(3 <= t.partitions <= 6 for t in TOPICS if t.key != "nip")
    assert DEAD_LETTER.partitions == 12
    assert DEAD_LETTER in ALL_TOPICS and DEAD_LETTER not in TOPICS
    assert DEAD_LETTER.event_types == ()


def test_every_event_is_in_exactly_one_topic():
    listed = [cls for t in TOPICS for cls in t.event_types]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(ALL_EVENTS)
    assert set(EVENT_TYPES.values()) == set(ALL_EVENTS)


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda c: c.__name__)
def test_model_classvars_agree_with_catalogue(cls: type[Event]):
    topic = topic_of(cls)
    assert cls.topic == topic.name
    assert cls.key_field == topic.key_of(cls)
    assert cls.key_field in cls.model_fields
    assert EVENT_TYPE_RE.match(cls.event_type), cls.event_type
    # A legacy model kept for decoding carries its version in the class name.
    legacy_suffix = f"V{cls.event_type.rsplit('.v', 1)[1]}" if cls.superseded_by else ""
    assert cls.event_type.split(".")[2] + legacy_suffix == cls.__name__
    assert EVENT_TYPES[cls.event_type] is cls
    assert model_for(cls.event_type) is cls


def test_topic_of_accepts_class_instance_and_type_string():
    example = EXAMPLES[TargetSet.event_type]
    assert topic_of(TargetSet) is topic_of(example) is topic_of(TargetSet.event_type)
    assert topic_of(TargetSet).name == "kinerja.targets"


def test_unknown_event_type_is_a_clear_key_error():
    with pytest.raises(UnknownEventType) as info:
        model_for("kinerja.target.Nope.v1")
    assert isinstance(info.value, KeyError)
    assert "kinerja.target.Nope.v1" in str(info.value)
    assert "kinerja.target.TargetSet.v1" in str(info.value)
    with pytest.raises(UnknownEventType):
        topic_of("kinerja.target.Nope.v1")


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_record_key_is_the_aggregate_id(event_type: str):
    event = EXAMPLES[event_type]
    aggregate = {
        "kinerja.periods": "period_id",
        "kinerja.organisation": "unit_id",
        "kinerja.citizen-satisfaction": "unit_id",
    }
    # The organisation topic carries the agencies too, each keyed by its own id.
    by_type = {"AgencyRegistered": "agency_id"}
    expected = getattr(event, by_type.get(type(event).__name__) or aggregate.get(type(event).topic, "nip"))
    assert event.key() == expected


def test_partitions_are_the_catalogue_s_unless_the_deployment_overrides_them():
    assert topic_partitions({}) == {t.name: t.partitions for t in ALL_TOPICS}
    named = topic_partitions({PARTITIONS_ENV: "kinerja.targets=24, kinerja.employees=24"})
    assert (named["kinerja.targets"], named["kinerja.employees"], named["kinerja.periods"]) == (24, 24, 3)
    everywhere = topic_partitions({PARTITIONS_ENV: "*=2,kinerja.targets=6"})
    assert everywhere["kinerja.targets"] == 6
    assert {n for name, n in everywhere.items() if name != "kinerja.targets"} == {2}


@pytest.mark.parametrize("setting", ["kinerja.target=24", "kinerja.targets=0", "kinerja.targets", "*=many"])
def test_a_mistyped_partition_override_fails_loudly(setting: str):
    with pytest.raises(ValueError, match=PARTITIONS_ENV):
        topic_partitions({PARTITIONS_ENV: setting})
