import pytest
from feedback_service.domain.anonymity import MIN_ANONYMOUS_ANSWERS, Answer, feedback_view, level_counts, may_show
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource

PEER, SUB, SELF, APPRAISER = FeedbackSource.PEER, FeedbackSource.SUBORDINATE, FeedbackSource.SELF, FeedbackSource.APPRAISER


def answer(source, level=Ekspektasi.SESUAI, comment=None) -> Answer:
    return Answer(source, {v.value: level.value for v in BerakhlakValue}, comment)


def test_threshold_is_three():
    assert MIN_ANONYMOUS_ANSWERS == 3


@pytest.mark.parametrize("source", [PEER, SUB])
def test_anonymous_sources_shown_only_from_three_answers(source):
    assert not may_show(source, 2)
    assert may_show(source, 3)


@pytest.mark.parametrize("source", [SELF, APPRAISER])
def test_open_sources_always_shown(source):
    assert may_show(source, 1)


def test_two_peer_answers_are_withheld_from_the_employee_without_a_count():
    view = feedback_view([answer(PEER, comment="a"), answer(PEER, Ekspektasi.DI_ATAS)], for_manager=False)
    assert view["peer"]["shown"] is False
    assert "values" not in view["peer"] and "answers" not in view["peer"] and "comments" not in view["peer"]


def test_managers_see_the_count_of_withheld_answers_but_not_their_content():
    view = feedback_view([answer(PEER), answer(PEER)], for_manager=True)
    assert view["peer"] == {"shown": False, "reason": view["peer"]["reason"], "answers": 2}


def test_three_peer_answers_are_shown_as_per_value_counts_only():
    answers = [answer(PEER, Ekspektasi.DI_ATAS, "rajin"), answer(PEER, comment="ramah"), answer(PEER)]
    view = feedback_view(answers, for_manager=False)["peer"]
    assert view["shown"] is True and view["answers"] == 3
    assert view["values"]["akuntabel"] == {"di_atas_ekspektasi": 1, "sesuai_ekspektasi": 2, "di_bawah_ekspektasi": 0}
    assert "comments" not in view and "forms" not in view


def test_managers_get_anonymous_comments_sorted_not_in_arrival_order():
    answers = [answer(SUB, comment="zeta"), answer(SUB, comment="alpha"), answer(SUB)]
    assert feedback_view(answers, for_manager=True)["subordinate"]["comments"] == ["alpha", "zeta"]


def test_sources_are_judged_separately():
    answers = [answer(PEER)] * 3 + [answer(SUB)] * 2
    view = feedback_view(answers, for_manager=False)
    assert view["peer"]["shown"] and not view["subordinate"]["shown"]


def test_appraiser_and_self_answers_are_shown_per_source():
    view = feedback_view([answer(APPRAISER, Ekspektasi.DI_ATAS, "bagus"), answer(SELF)], for_manager=False)
    assert view["appraiser"] == {"answers": 1, "forms": [
        {"ratings": {v.value: "di_atas_ekspektasi" for v in BerakhlakValue}, "comment": "bagus"}]}
    assert view["self"]["answers"] == 1


def test_level_counts_cover_every_value_and_level():
    counts = level_counts([])
    assert set(counts) == {v.value for v in BerakhlakValue}
    assert all(set(levels) == {e.value for e in Ekspektasi} for levels in counts.values())
