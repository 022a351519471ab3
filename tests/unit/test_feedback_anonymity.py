import pytest
from feedback_service.domain.anonymity import NOT_CLOSED, TOO_FEW, Answer, feedback_view, level_counts, withheld_because
from kinerja_contracts.vocabulary import MIN_ANONYMOUS_ANSWERS, BerakhlakValue, Ekspektasi, FeedbackSource

PEER, SUB, SELF, APPRAISER = (
    FeedbackSource.PEER,
    FeedbackSource.SUBORDINATE,
    FeedbackSource.SELF,
    FeedbackSource.APPRAISER,
)
READER = "9" * 18
_givers = iter(range(10**6))


def answer(source, level=Ekspektasi.SESUAI, comment=None, giver=None) -> Answer:
    return Answer(source, {v.value: level.value for v in BerakhlakValue}, giver or f"{next(_givers):018d}", comment)


def view(answers, *, for_manager=False, reader=READER, final=True):
    return feedback_view(answers, for_manager=for_manager, reader_nip=reader, final=final)


def test_threshold_is_three():
    assert MIN_ANONYMOUS_ANSWERS == 3


@pytest.mark.parametrize("source", [PEER, SUB])
def test_anonymous_sources_shown_only_from_three_answers(source):
    assert withheld_because(source, [answer(source)] * 2, reader_nip=READER, final=True) == TOO_FEW
    assert withheld_because(source, [answer(source) for _ in range(3)], reader_nip=READER, final=True) is None


@pytest.mark.parametrize("source", [SELF, APPRAISER])
def test_open_sources_always_shown(source):
    assert withheld_because(source, [answer(source)], reader_nip=READER, final=False) is None


def test_two_peer_answers_are_withheld_from_the_employee_without_a_count():
    peer = view([answer(PEER, comment="a"), answer(PEER, Ekspektasi.DI_ATAS)])["peer"]
    assert peer == {"shown": False, "reason": TOO_FEW}


def test_managers_see_the_count_of_withheld_answers_but_not_their_content():
    assert view([answer(PEER), answer(PEER)], for_manager=True)["peer"] == {
        "shown": False,
        "reason": TOO_FEW,
        "answers": 2,
    }


def test_three_peer_answers_are_shown_as_per_value_counts_only():
    answers = [answer(PEER, Ekspektasi.DI_ATAS, "rajin"), answer(PEER, comment="ramah"), answer(PEER)]
    peer = view(answers)["peer"]
    assert peer["shown"] is True and peer["answers"] == 3
    assert peer["values"]["akuntabel"] == {"di_atas_ekspektasi": 1, "sesuai_ekspektasi": 2, "di_bawah_ekspektasi": 0}
    assert "comments" not in peer and "forms" not in peer


def test_nothing_anonymous_is_shown_while_the_round_is_open():
    """Watching the counts go from 3 to 4 would give the fourth answer: they wait for the close."""
    answers = [answer(PEER) for _ in range(4)]
    for for_manager in (False, True):
        peer = view(answers, for_manager=for_manager, final=False)["peer"]
        assert peer["shown"] is False and peer["reason"] == NOT_CLOSED and "values" not in peer
    assert view(answers, final=True)["peer"]["shown"] is True


def test_a_reader_who_answered_needs_three_other_givers():
    """A manager named as a peer would subtract their own answer from the counts."""
    answers = [answer(PEER, giver=READER), answer(PEER), answer(PEER)]
    assert view(answers, for_manager=True)["peer"] == {"shown": False, "reason": TOO_FEW, "answers": 3}
    assert view(answers, for_manager=True, reader="1" * 18)["peer"]["shown"] is True, "another reader sees them"
    answers.append(answer(PEER))
    assert view(answers, for_manager=True)["peer"]["shown"] is True, "three givers besides the reader"


def test_one_giver_answering_three_times_is_one_giver():
    answers = [answer(PEER, giver="1" * 18) for _ in range(3)]
    assert view(answers)["peer"]["shown"] is False


def test_managers_get_anonymous_comments_sorted_not_in_arrival_order():
    answers = [answer(SUB, comment="zeta"), answer(SUB, comment="alpha"), answer(SUB)]
    assert view(answers, for_manager=True)["subordinate"]["comments"] == ["alpha", "zeta"]


def test_sources_are_judged_separately():
    answers = [answer(PEER) for _ in range(3)] + [answer(SUB) for _ in range(2)]
    shown = view(answers)
    assert shown["peer"]["shown"] and not shown["subordinate"]["shown"]


def test_appraiser_and_self_answers_are_shown_per_source():
    shown = view([answer(APPRAISER, Ekspektasi.DI_ATAS, "bagus"), answer(SELF)], final=False)
    assert shown["appraiser"] == {
        "answers": 1,
        "forms": [{"ratings": {v.value: "di_atas_ekspektasi" for v in BerakhlakValue}, "comment": "bagus"}],
    }
    assert shown["self"]["answers"] == 1


def test_no_view_names_a_giver():
    answers = [answer(PEER, giver=f"{i}" * 18, comment="c") for i in range(1, 5)] + [answer(SELF, giver="5" * 18)]
    for for_manager in (False, True):
        text = repr(view(answers, for_manager=for_manager))
        assert not any(f"{i}" * 18 in text for i in range(1, 6))


def test_level_counts_cover_every_value_and_level():
    counts = level_counts([])
    assert set(counts) == {v.value for v in BerakhlakValue}
    assert all(set(levels) == {e.value for e in Ekspektasi} for levels in counts.values())
