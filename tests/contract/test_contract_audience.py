"""Who may read each topic (issue 8, item 1): a topic that carries single anonymous answers
about a named person is internal, read only by the service that aggregates them under k >= 3."""

import pytest
from kinerja_contracts import (
    ALL_TOPICS,
    DEAD_LETTER,
    OPERATORS,
    PUBLIC_TOPICS,
    CitizenSurveyAnswered,
    FeedbackReceived,
    internal,
    readable_by,
    topic_of,
)


def audience_of(name: str):
    return next(t.audience for t in ALL_TOPICS if t.name == name)


def test_single_feedback_answers_are_read_by_appraisal_service_only():
    feedback = topic_of(FeedbackReceived)
    assert not feedback.audience.public
    assert feedback.audience.readers == ("appraisal-service",)
    assert feedback.audience.allows("appraisal-service")
    for other in ("training-service", "target-service", "siasn-connector", OPERATORS):
        assert not feedback.audience.allows(other)


def test_single_citizen_answers_about_an_officer_are_internal():
    assert topic_of(CitizenSurveyAnswered).audience.readers == ("appraisal-service",)


def test_the_dead_letter_topic_is_for_operators_only():
    assert DEAD_LETTER.audience.readers == (OPERATORS,)


def test_the_subscriber_contract_is_the_public_topics():
    assert [t.name for t in PUBLIC_TOPICS] == [
        "kinerja.employees",
        "kinerja.organisation",
        "kinerja.periods",
        "kinerja.targets",
        "kinerja.appraisals",
        "kinerja.development",
        "kinerja.recognitions",
    ]
    assert readable_by("siasn-connector") == PUBLIC_TOPICS
    assert str(audience_of("kinerja.appraisals")) == "public"
    assert str(audience_of("kinerja.feedback")) == "internal: appraisal-service"


@pytest.mark.parametrize("reader", ["appraisal-service", "training-service", "siasn-connector"])
def test_a_reader_may_read_the_public_topics_and_the_internal_ones_naming_it(reader):
    names = {t.name for t in readable_by(reader)}
    assert {t.name for t in PUBLIC_TOPICS} <= names
    assert ("kinerja.feedback" in names) == (reader == "appraisal-service")
    assert "kinerja.deadletter" not in names


def test_an_internal_topic_names_its_readers():
    with pytest.raises(ValueError):
        internal()
