import pytest
from feedback_service.domain.rounds import (
    FeedbackRound,
    Nomination,
    NotAGiver,
    RoundClosed,
    RoundRefused,
    RoundStatus,
    check_checkpoint,
    check_nominations,
)
from kinerja_contracts.vocabulary import FeedbackSource

EMPLOYEE, APPRAISER, PEER1, PEER2 = "1" * 18, "2" * 18, "3" * 18, "4" * 18
S = FeedbackSource


def nominate(*pairs):
    return [Nomination(nip, source) for nip, source in pairs]


def check(nominations):
    check_nominations(nominations, employee_nip=EMPLOYEE, appraiser_nip=APPRAISER)


def test_a_usual_round_names_self_appraiser_and_peers():
    check(nominate((EMPLOYEE, S.SELF), (APPRAISER, S.APPRAISER), (PEER1, S.PEER), (PEER2, S.SUBORDINATE)))


@pytest.mark.parametrize(
    ("pairs", "why"),
    [
        ([], "at least one"),
        ([(PEER1, S.SELF)], "only the employee"),
        ([(EMPLOYEE, S.PEER)], "only give 'self'"),
        ([(PEER1, S.APPRAISER)], "appraiser"),
        ([(APPRAISER, S.PEER)], "only give 'appraiser'"),
        ([(PEER1, S.PEER), (PEER1, S.SUBORDINATE)], "more than once"),
    ],
)
def test_sources_must_match_who_the_giver_is(pairs, why):
    with pytest.raises(RoundRefused, match=why):
        check(nominate(*pairs))


@pytest.mark.parametrize(
    ("pairs", "field"),
    [
        ([(EMPLOYEE, S.SELF), (PEER1, S.SELF)], "givers.1.source"),
        ([(EMPLOYEE, S.PEER)], "givers.0.source"),
        ([(EMPLOYEE, S.SELF), (PEER2, S.PEER), (PEER1, S.APPRAISER)], "givers.2.source"),
        ([(PEER1, S.PEER), (PEER2, S.PEER), (PEER1, S.SUBORDINATE)], "givers.2.nip"),
        ([], "givers"),
    ],
)
def test_refusals_name_the_field_at_fault_by_position(pairs, field):
    with pytest.raises(RoundRefused) as refused:
        check(nominate(*pairs))
    assert refused.value.field == field


def test_refusals_name_the_rule_never_a_giver():
    for pairs in (
        [(PEER1, S.SELF)],
        [(EMPLOYEE, S.PEER)],
        [(PEER1, S.APPRAISER)],
        [(APPRAISER, S.PEER)],
        [(PEER1, S.PEER), (PEER1, S.SUBORDINATE)],
        [(PEER2, S.PEER)],
    ):
        with pytest.raises(RoundRefused) as refused:
            check_nominations(nominate(*pairs), employee_nip=EMPLOYEE, appraiser_nip=APPRAISER, opener_nip=PEER2)
        assert not any(nip in str(refused.value) for nip in (EMPLOYEE, APPRAISER, PEER1, PEER2))


@pytest.mark.parametrize("source", [S.PEER, S.SUBORDINATE])
def test_whoever_opens_the_round_cannot_answer_it_anonymously(source):
    """The opener reads the manager view: named as a peer, they would subtract their own answer."""
    with pytest.raises(RoundRefused, match="opens a round or may read its results"):
        check_nominations(
            nominate((EMPLOYEE, S.SELF), (PEER2, source), (PEER1, S.PEER)),
            employee_nip=EMPLOYEE,
            appraiser_nip=APPRAISER,
            opener_nip=PEER2,
        )
    check_nominations(
        nominate((EMPLOYEE, S.SELF), (PEER1, source)), employee_nip=EMPLOYEE, appraiser_nip=APPRAISER, opener_nip=PEER2
    )


def test_without_an_appraiser_nobody_is_the_appraiser_giver():
    with pytest.raises(RoundRefused):
        check_nominations(nominate((PEER1, S.APPRAISER)), employee_nip=EMPLOYEE, appraiser_nip=None)


def test_checkpoint_must_be_one_of_the_period():
    check_checkpoint("q4", ["q1", "q2", "q3", "q4"])
    with pytest.raises(RoundRefused, match="one of"):
        check_checkpoint("q5", ["q1", "q4"])
    with pytest.raises(RoundRefused, match="one of"):
        check_checkpoint(None, ["q1"])


def test_a_period_without_checkpoints_takes_none():
    check_checkpoint(None, [])
    with pytest.raises(RoundRefused, match="no checkpoints"):
        check_checkpoint("q1", [])


def a_round(status=RoundStatus.OPEN) -> FeedbackRound:
    return FeedbackRound("r1", EMPLOYEE, None, {EMPLOYEE: S.SELF, PEER1: S.PEER}, status)


def test_named_giver_answers_as_their_source():
    assert a_round().source_for(PEER1) is S.PEER
    assert a_round().source_for(EMPLOYEE) is S.SELF


def test_others_may_not_answer():
    with pytest.raises(NotAGiver):
        a_round().source_for(PEER2)


def test_closed_round_takes_no_answer_but_a_stranger_still_hears_only_not_a_giver():
    with pytest.raises(RoundClosed):
        a_round(RoundStatus.CLOSED).source_for(PEER1)
    with pytest.raises(NotAGiver):
        a_round(RoundStatus.CLOSED).source_for(PEER2)


def test_a_round_closes_once():
    a_round().check_can_close()
    with pytest.raises(RoundClosed):
        a_round(RoundStatus.CLOSED).check_can_close()


def test_hr_and_the_appraiser_manage_a_round_but_never_about_themselves():
    from feedback_service.domain.rounds import manages

    assert manages(APPRAISER, False, EMPLOYEE, APPRAISER)
    assert manages("9" * 18, True, EMPLOYEE, APPRAISER)
    assert not manages(PEER1, False, EMPLOYEE, APPRAISER)
    assert not manages(EMPLOYEE, True, EMPLOYEE, APPRAISER), "HR reads their own feedback as an employee"
