import json
from datetime import datetime

import pytest
from kinerja_contracts import (
    EVENT_TYPES,
    AppraisalCompleted,
    BerakhlakValue,
    ClosedPeriodEmployee,
    DevelopmentPlanCreated,
    EmployeeRegistered,
    FeedbackReceived,
    PerformancePeriodOpened,
    RealizationRecorded,
    TargetSet,
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
def test_models_reject_extra_fields(event_type: str):
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        EVENT_TYPES[event_type].model_validate(_data(event_type) | {"giver_nip": "1" * 18})


def test_nested_values_are_frozen_and_reject_extra_fields():
    target_set = EXAMPLES[TargetSet.event_type]
    with pytest.raises(ValidationError):
        target_set.rhk[0].indikator[0].target = 1  # type: ignore[misc]
    data = _data(TargetSet.event_type)
    data["rhk"][0]["indikator"][0]["weight"] = 0.5
    with pytest.raises(ValidationError, match="Extra inputs"):
        TargetSet.model_validate(data)


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
