import json
from datetime import datetime

import pytest
from kinerja_contracts import (
    EVENT_TYPES,
    AppraisalCompleted,
    BerakhlakValue,
    ClosedPeriodEmployee,
    DevelopmentPlanCreated,
    EmployeePeriodClosed,
    EmployeeRegistered,
    FeedbackReceived,
    Iki,
    PerformancePeriodClosed,
    PerformancePeriodClosedV1,
    PerformancePeriodOpened,
    RealizationRecorded,
    TargetSet,
    decode,
    encode,
)
from kinerja_contracts.examples import EXAMPLES
from pydantic import ValidationError


def _data(event_type: str) -> dict:
    return EXAMPLES[event_type].model_dump(mode="json")


def test_one_example_per_event_type():
    assert set(EXAMPLES) == set(EVENT_TYPES)
    for event_type, event in EXAMPLES.items():
        assert type(event) is EVENT_TYPES[event_type]


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_examples_validate_from_json(event_type: str):
    model = EVENT_TYPES[event_type]
    text = json.dumps(_data(event_type))
    assert model.model_validate_json(text) == EXAMPLES[event_type]


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_models_are_frozen(event_type: str):
    event = EXAMPLES[event_type]
    with pytest.raises(ValidationError):
        event.agency_id = "other"  # type: ignore[misc]


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_an_old_consumer_decodes_an_event_with_an_extra_field(event_type: str):
    # A newer producer added an optional field this consumer does not know: it is ignored.
    data = _data(event_type) | {"added_in_a_later_release": {"any": ["shape"]}}
    event = decode(event_type, json.dumps(data))
    assert event == EXAMPLES[event_type]
    assert "added_in_a_later_release" not in event.model_dump()


def test_unknown_fields_in_nested_values_are_ignored_when_decoding():
    data = _data(TargetSet.event_type)
    data["rhk"][0]["indikator"][0]["weight"] = 0.5
    data["rhk"][0]["source"] = "e-kinerja"
    assert decode(TargetSet.event_type, json.dumps(data)) == EXAMPLES[TargetSet.event_type]


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_producers_building_an_event_with_an_unknown_field_are_refused(event_type: str):
    # Our own code builds events strictly: a misspelt field is a bug, not a new field.
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        EVENT_TYPES[event_type].model_validate(_data(event_type) | {"giver_nip": "1" * 18})


def test_nested_values_are_frozen_and_refuse_unknown_fields_when_built():
    target_set = EXAMPLES[TargetSet.event_type]
    with pytest.raises(ValidationError):
        target_set.rhk[0].indikator[0].target = 1  # type: ignore[misc]
    with pytest.raises(ValidationError, match="weight"):
        Iki(**dict(target_set.rhk[0].indikator[0]), weight=0.5)


@pytest.mark.parametrize(
    "nip",
    [
        "12345",
        "19850312201001100",
        "1985031220100110021",
        "19850312201001100X",
        " 198503122010011002",
    ],
)
def test_nip_must_be_18_digits(nip: str):
    data = _data(EmployeeRegistered.event_type)
    with pytest.raises(ValidationError):
        EmployeeRegistered.model_validate(data | {"nip": nip})
    with pytest.raises(ValidationError):
        EmployeeRegistered.model_validate(data | {"appraiser_nip": nip})
    with pytest.raises(ValidationError):
        TargetSet.model_validate(_data(TargetSet.event_type) | {"approved_by": nip})


def test_appraiser_nip_is_optional():
    data = _data(EmployeeRegistered.event_type)
    del data["appraiser_nip"]
    assert EmployeeRegistered.model_validate(data).appraiser_nip is None


def test_datetimes_must_be_timezone_aware():
    data = _data(RealizationRecorded.event_type) | {"recorded_at": "2025-12-20T14:00:00"}
    with pytest.raises(ValidationError, match="timezone"):
        RealizationRecorded.model_validate(data)
    event = RealizationRecorded.model_validate(data | {"recorded_at": "2025-12-20T21:00:00+07:00"})
    assert isinstance(event.recorded_at, datetime) and event.recorded_at.tzinfo is not None


def test_numbers_are_bounded():
    with pytest.raises(ValidationError):
        RealizationRecorded.model_validate(_data(RealizationRecorded.event_type) | {"value": -1})
    data = _data(TargetSet.event_type)
    data["rhk"][0]["indikator"][0]["target"] = 0
    with pytest.raises(ValidationError):
        TargetSet.model_validate(data)
    data = _data(TargetSet.event_type)
    data["rhk"][0]["indikator"] = []
    with pytest.raises(ValidationError):
        TargetSet.model_validate(data)
    data = _data(DevelopmentPlanCreated.event_type)
    data["items"][0]["jp"] = 0
    with pytest.raises(ValidationError):
        DevelopmentPlanCreated.model_validate(data)


def test_plan_total_jp_must_match_items():
    data = _data(DevelopmentPlanCreated.event_type) | {"total_jp": 20}
    with pytest.raises(ValidationError, match="total_jp"):
        DevelopmentPlanCreated.model_validate(data)
    data = _data(DevelopmentPlanCreated.event_type)
    data["items"][0]["gap_kind"] = "kompetensi"
    with pytest.raises(ValidationError):
        DevelopmentPlanCreated.model_validate(data)


def test_feedback_must_rate_all_seven_values_and_carries_no_giver():
    data = _data(FeedbackReceived.event_type)
    assert set(data["ratings"]) == {v.value for v in BerakhlakValue}
    del data["ratings"]["loyal"]
    with pytest.raises(ValidationError):
        FeedbackReceived.model_validate(data)
    data["ratings"]["loyal"] = "luar_biasa"
    with pytest.raises(ValidationError):
        FeedbackReceived.model_validate(data)
    assert not any("giver" in name or "author" in name for name in FeedbackReceived.model_fields)


def test_period_dates_in_order():
    data = _data(PerformancePeriodOpened.event_type) | {"ends_on": "2024-12-31"}
    with pytest.raises(ValidationError, match="ends_on"):
        PerformancePeriodOpened.model_validate(data)


def test_closed_period_employee_skp_fields_consistent():
    ClosedPeriodEmployee(nip="1" * 18, skp_id=None, skp_version=None, realization_count=0)
    with pytest.raises(ValidationError):
        ClosedPeriodEmployee(nip="1" * 18, skp_id="skp", skp_version=None, realization_count=0)
    with pytest.raises(ValidationError):
        ClosedPeriodEmployee(nip="1" * 18, skp_id=None, skp_version=None, realization_count=2)


def test_employee_period_closed_skp_fields_consistent():
    data = _data(EmployeePeriodClosed.event_type)
    assert EmployeePeriodClosed.model_validate(data | {"skp_id": None, "skp_version": None, "realization_count": 0})
    with pytest.raises(ValidationError, match="both be set"):
        EmployeePeriodClosed.model_validate(data | {"skp_version": None})
    with pytest.raises(ValidationError, match="realization_count must be 0"):
        EmployeePeriodClosed.model_validate(data | {"skp_id": None, "skp_version": None})


def test_the_period_close_no_longer_lists_employees():
    assert PerformancePeriodClosed.event_type == "kinerja.target.PerformancePeriodClosed.v2"
    assert set(PerformancePeriodClosed.model_fields) == {
        "agency_id",
        "period_id",
        "year",
        "closed_at",
        "employee_count",
    }
    assert (EmployeePeriodClosed.topic, EmployeePeriodClosed.key_field) == ("kinerja.targets", "nip")
    # The legacy v1 still decodes, and says what replaced it.
    legacy = EXAMPLES[PerformancePeriodClosedV1.event_type]
    assert decode(legacy.event_type, encode(legacy)) == legacy
    assert PerformancePeriodClosedV1.superseded_by == PerformancePeriodClosed.event_type


def test_skp_ids_unique():
    data = _data(TargetSet.event_type)
    data["rhk"][1]["indikator"][0]["iki_id"] = data["rhk"][0]["indikator"][0]["iki_id"]
    with pytest.raises(ValidationError, match="iki_id"):
        TargetSet.model_validate(data)


def test_appraisal_summary_nullable_fields():
    data = _data(AppraisalCompleted.event_type)
    data["summary"]["average_capaian_utama"] = None
    data["summary"]["indikator"][0]["realization"] = None
    event = AppraisalCompleted.model_validate(data)
    assert event.summary.average_capaian_utama is None
