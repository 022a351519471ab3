"""The contract says which event fields are personal data (UU 27/2022): every field whose name
suggests it is classified, the categories hold the fields a reader expects, and each topic's
retention comes from the catalogue (and so reaches the deploy manifests)."""

import pytest
from kinerja_contracts import ALL_TOPICS, TOPICS, personal_data
from kinerja_contracts.events import AppraisalRevised, CitizenSurveyAnswered, EmployeeRegistered, WorkUnitDefined
from kinerja_contracts.personal_data import Category
from kinerja_devtools.manifests import render_topics

EVENTS = [event for topic in TOPICS for event in topic.event_types]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.__name__)
def test_every_field_that_looks_personal_is_classified(event):
    unclassified = [
        path
        for model, name, path in personal_data.fields_of(event)
        if personal_data.MUST_BE_CLASSIFIED.search(name) and not personal_data.is_classified(model, name)
    ]
    assert not unclassified, (
        f"{event.__name__}: classify {unclassified} in kinerja_contracts.personal_data (BY_NAME or BY_FIELD; None when "
        "not personal), then regenerate the contract README's section"
    )


def test_the_categories_hold_what_a_reader_expects():
    employee = personal_data.personal_fields(EmployeeRegistered)
    assert employee[Category.IDENTIFIES] == ["nip", "appraiser_nip"]
    assert employee[Category.NAME] == ["name", "position", "unit"]
    revised = personal_data.personal_fields(AppraisalRevised)
    assert "reason" in revised[Category.FREE_TEXT] and "decided_by" in revised[Category.IDENTIFIES]
    assert {"predikat", "summary.perilaku[].level"} <= set(revised[Category.ASSESSMENT])
    assert personal_data.personal_fields(CitizenSurveyAnswered)[Category.IDENTIFIES] == ["officer_nip"]
    unit = personal_data.personal_fields(WorkUnitDefined)
    assert unit[Category.NAME] == [], "a unit's name is not a person's"


def test_retention_comes_from_the_catalogue_into_the_manifests():
    manifest = render_topics(environ={})
    for topic in ALL_TOPICS:
        assert topic.retention_ms == topic.retention_days * 86_400_000
        block = manifest.split(f"topicName: {topic.name}\n", 1)[1].split("---", 1)[0]
        assert f"retention.ms: {topic.retention_ms}" in block
