"""Recognition in feedback-service: the top-band rule (domain), and the use cases on the fake unit
of work: a checkpoint's candidates, recording a recognition (RecognitionGiven), a duplicate
refused, and who may read what."""

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from feedback_fakes import FakeFeedbackUnitOfWork
from feedback_service.adapters.surveys import SurveyAnswer
from feedback_service.domain import recognition as rules
from feedback_service.domain.model import Giver
from feedback_service.domain.recognition import MIN_CITIZEN_ANSWERS, TOP_BAND, OfficerTotals, RecognitionRefused
from feedback_service.service_layer import recognition
from kinerja_contracts import RecognitionGiven
from kinerja_contracts.vocabulary import Mutu, RecognitionKind, SkmElement
from kinerja_runtime.refusals import InvalidInput, NotFound, NotPermitted, WrongState

WIB = timezone(timedelta(hours=7))
AGENCY, PERIOD = "pemprov", "2026"
APPRAISER, OTHER_APPRAISER, HR_NIP = "2" * 18, "3" * 18, "9" * 18
STAR, GOOD, FEW, LEFT, OTHER_TEAM = "1" * 18, "4" * 18, "5" * 18, "6" * 18, "7" * 18
CHECKPOINTS = [
    {"checkpoint_id": "q1", "name": "Triwulan I", "starts_on": "2026-01-01", "ends_on": "2026-03-31"},
    {"checkpoint_id": "q2", "name": "Triwulan II", "starts_on": "2026-04-01", "ends_on": "2026-06-30"},
]
hr = Giver(HR_NIP, is_hr=True)
appraiser = Giver(APPRAISER)
K = RecognitionKind


# --- the rule --------------------------------------------------------------------------------


def totals(nip: str, answers: int, score_total: int) -> OfficerTotals:
    return OfficerTotals(nip, answers, score_total)


def test_the_index_is_the_ikm_formula_over_the_officers_answers_and_banded_like_a_units():
    perfect = rules.citizen_rating(totals(STAR, 10, 360))
    assert (perfect.index, perfect.mutu) == (Decimal("100.00"), Mutu.A)
    # Ten answers: 318 of 360 points is 88.33 (A, the top band); 317 is 88.06 (B).
    assert rules.citizen_rating(totals(STAR, 10, 318)).index == Decimal("88.33")
    assert rules.citizen_rating(totals(STAR, 10, 318)).in_top_band
    assert rules.citizen_rating(totals(STAR, 10, 317)).mutu is Mutu.B
    assert not rules.citizen_rating(totals(STAR, 10, 317)).in_top_band
    assert TOP_BAND is Mutu.A


def test_too_few_answers_are_never_the_top_band_however_good():
    assert MIN_CITIZEN_ANSWERS == 10
    assert not rules.citizen_rating(totals(STAR, MIN_CITIZEN_ANSWERS - 1, 36 * (MIN_CITIZEN_ANSWERS - 1))).in_top_band
    assert rules.citizen_rating(totals(STAR, MIN_CITIZEN_ANSWERS, 36 * MIN_CITIZEN_ANSWERS)).in_top_band


def test_candidates_are_the_top_band_best_first_then_more_answers_then_by_nip():
    found = rules.candidates(
        [
            totals("a" * 18, 10, 340),  # 94.44
            totals("b" * 18, 20, 680),  # 94.44, more answers
            totals("c" * 18, 12, 432),  # 100
            totals("d" * 18, 10, 300),  # 83.33: B
            totals("e" * 18, 2, 72),  # 100 on two answers
            totals("0" * 18, 10, 340),  # 94.44, same as "a", earlier NIP
        ]
    )
    assert [(r.nip[0], r.answers) for r in found] == [("c", 12), ("b", 20), ("0", 10), ("a", 10)]


def test_a_checkpoint_is_counted_in_the_agencys_local_days():
    window = rules.window_of("q2", CHECKPOINTS, date(2026, 1, 1), date(2026, 12, 31), WIB)
    assert (window.starts_on, window.ends_on) == (date(2026, 4, 1), date(2026, 6, 30))
    assert window.start == datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 1 April 00:00 WIB
    assert window.end == datetime(2026, 6, 30, 17, 0, tzinfo=UTC)  # 1 July 00:00 WIB, excluded


def test_the_window_is_a_checkpoint_of_the_period_or_the_period_without_checkpoints():
    with pytest.raises(RecognitionRefused) as unknown:
        rules.window_of("q9", CHECKPOINTS, date(2026, 1, 1), date(2026, 12, 31), WIB)
    assert unknown.value.field == "checkpoint_id" and isinstance(unknown.value, InvalidInput)
    with pytest.raises(RecognitionRefused, match="name one of the period's checkpoints"):
        rules.window_of(None, CHECKPOINTS, date(2026, 1, 1), date(2026, 12, 31), WIB)
    whole = rules.window_of(None, [], date(2026, 1, 1), date(2026, 12, 31), WIB)
    assert (whole.checkpoint_id, whole.starts_on, whole.ends_on) == (None, date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(RecognitionRefused, match="no checkpoints"):
        rules.window_of("q1", [], date(2026, 1, 1), date(2026, 12, 31), WIB)


def test_hr_and_the_appraiser_recognise_nobody_themself_and_the_employee_reads_their_own():
    assert rules.may_recognise(HR_NIP, True, STAR, APPRAISER)
    assert rules.may_recognise(APPRAISER, False, STAR, APPRAISER)
    assert not rules.may_recognise(OTHER_APPRAISER, False, STAR, APPRAISER)
    assert not rules.may_recognise(HR_NIP, True, HR_NIP, None), "not even HR recognises themself"
    assert rules.may_read(STAR, False, STAR, APPRAISER)
    assert rules.may_read(APPRAISER, False, STAR, APPRAISER) and rules.may_read(HR_NIP, True, STAR, APPRAISER)
    assert not rules.may_read(OTHER_APPRAISER, False, STAR, APPRAISER)


def test_a_reason_is_trimmed_and_may_not_be_blank():
    assert rules.check_reason("  Pelayanan ramah  ") == "Pelayanan ramah"
    with pytest.raises(RecognitionRefused) as blank:
        rules.check_reason("   ")
    assert blank.value.field == "reason"


# --- the use cases -----------------------------------------------------------------------------


@pytest.fixture
def uow() -> FakeFeedbackUnitOfWork:
    uow = FakeFeedbackUnitOfWork()
    roster = uow.roster
    for nip in (STAR, GOOD, FEW):
        roster.add_employee(AGENCY, nip, appraiser_nip=APPRAISER, name=f"Petugas {nip[0]}")
    roster.add_employee(AGENCY, OTHER_TEAM, appraiser_nip=OTHER_APPRAISER, name="Petugas lain")
    roster.add_employee(AGENCY, APPRAISER)
    roster.add_employee(AGENCY, OTHER_APPRAISER)
    roster.add_employee(AGENCY, HR_NIP)
    roster.add_period(AGENCY, PERIOD, checkpoints=CHECKPOINTS)
    # In Triwulan II (local days): STAR all 4s x 12, GOOD 10 answers of 3.6 on average, FEW all 4s
    # x 9 (one short), OTHER_TEAM all 4s x 10, LEFT (no longer on the roster) all 4s x 10.
    q2 = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)
    rate(uow, STAR, 12, q2)
    rate(uow, GOOD, 6, q2)
    rate(uow, GOOD, 4, q2, score=3)  # 6x36 + 4x27 = 324 of 360: 90.00
    rate(uow, FEW, 8, q2)
    rate(uow, OTHER_TEAM, 10, q2)
    rate(uow, LEFT, 10, q2)
    # Outside Triwulan II: 31 March 23:30 WIB is Triwulan I; 30 June 23:30 WIB is still Triwulan II.
    rate(uow, FEW, 1, datetime(2026, 3, 31, 16, 30, tzinfo=UTC))
    rate(uow, FEW, 1, datetime(2026, 6, 30, 16, 30, tzinfo=UTC))
    return uow


def rate(uow, officer: str, count: int, at: datetime, score: int = 4, period_id: str = PERIOD) -> None:
    for _ in range(count):
        uow.state.survey_answers.append(
            SurveyAnswer(
                answer_id=str(uuid.uuid4()),
                agency_id=AGENCY,
                unit_id="loket",
                period_id=period_id,
                submission_id=str(uuid.uuid4()),
                elements=dict.fromkeys(SkmElement, score),
                officer_nip=officer,
                comment=None,
                answered_at=at,
            )
        )


async def candidates(uow, caller=hr, checkpoint_id="q2") -> dict:
    return await recognition.candidates(
        uow, agency_id=AGENCY, caller=caller, period_id=PERIOD, checkpoint_id=checkpoint_id
    )


async def record(uow, nip=STAR, kind=K.CITIZEN_RATING, caller=appraiser, checkpoint_id="q2", reason="Ramah") -> dict:
    return await recognition.record_recognition(
        uow,
        agency_id=AGENCY,
        caller=caller,
        nip=nip,
        period_id=PERIOD,
        checkpoint_id=checkpoint_id,
        kind=kind,
        reason=reason,
    )


async def test_hr_sees_the_agencys_candidates_best_first_with_their_counts(uow):
    found = await candidates(uow)
    assert [(c["nip"], c["answers"], c["index"], c["mutu"]) for c in found["candidates"]] == [
        (STAR, 12, 100.0, "A"),
        (OTHER_TEAM, 10, 100.0, "A"),
        (GOOD, 10, 90.0, "A"),
    ]
    assert found["candidates"][0]["name"] == "Petugas 1" and not found["candidates"][0]["recognised"]
    assert (found["min_answers"], found["top_band"]) == (10, "A")
    assert (found["starts_on"], found["ends_on"]) == (date(2026, 4, 1), date(2026, 6, 30))
    # FEW has 10 answers in the period but 9 in Triwulan II (the one on 30 June 23:30 WIB
    # counted): the one on 31 March 23:30 WIB belongs to Triwulan I.
    assert FEW not in {c["nip"] for c in found["candidates"]}
    rate(uow, FEW, 1, datetime(2026, 4, 30, 3, 0, tzinfo=UTC))
    assert FEW in {c["nip"] for c in (await candidates(uow))["candidates"]}


async def test_an_appraiser_sees_only_their_team_and_q1_has_nobody(uow):
    mine = await candidates(uow, caller=appraiser)
    assert [c["nip"] for c in mine["candidates"]] == [STAR, GOOD]
    assert (await candidates(uow, caller=Giver(STAR)))["candidates"] == [], "no team, no candidates"
    assert (await candidates(uow, checkpoint_id="q1"))["candidates"] == []


async def test_candidates_need_a_known_period_and_one_of_its_checkpoints(uow):
    with pytest.raises(NotFound):
        await recognition.candidates(uow, agency_id=AGENCY, caller=hr, period_id="1999", checkpoint_id="q2")
    with pytest.raises(InvalidInput):
        await candidates(uow, checkpoint_id="q9")
    with pytest.raises(InvalidInput):
        await candidates(uow, checkpoint_id=None)


async def test_recording_a_candidate_stores_it_and_publishes_recognition_given(uow):
    made = await record(uow, reason="  Dinilai sangat baik oleh warga  ")
    [stored] = uow.state.recognitions
    assert (stored.nip, stored.kind, stored.checkpoint_id, stored.reason, stored.given_by_nip) == (
        STAR,
        K.CITIZEN_RATING,
        "q2",
        "Dinilai sangat baik oleh warga",
        APPRAISER,
    )
    [event] = uow.events(RecognitionGiven)
    assert event.key() == STAR
    assert (event.recognition_id, event.agency_id, event.period_id, event.checkpoint_id, event.kind) == (
        made["recognition_id"],
        AGENCY,
        PERIOD,
        "q2",
        K.CITIZEN_RATING,
    )
    assert (event.given_by_nip, event.given_at, event.reason) == (APPRAISER, uow.clock.now(), stored.reason)
    assert (await candidates(uow))["candidates"][0]["recognised"] is True


async def test_a_second_recognition_of_the_same_kind_and_checkpoint_is_refused(uow):
    await record(uow)
    with pytest.raises(WrongState):
        await record(uow, caller=hr)
    assert len(uow.state.recognitions) == 1 and len(uow.events(RecognitionGiven)) == 1
    # Another kind, or the leader's recognition of the whole period, is another recognition.
    await record(uow, kind=K.LEADER, caller=hr)
    await record(uow, kind=K.LEADER, checkpoint_id=None)
    with pytest.raises(WrongState):
        await record(uow, kind=K.LEADER, checkpoint_id=None, caller=hr)
    assert len(uow.events(RecognitionGiven)) == 3


async def test_citizens_ratings_are_recognised_only_in_the_top_band_with_enough_answers(uow):
    with pytest.raises(InvalidInput) as few:
        await record(uow, nip=FEW)
    assert few.value.field == "kind"
    with pytest.raises(InvalidInput, match="at least 10 answers"):
        await record(uow, checkpoint_id="q1")
    rate(uow, FEW, 3, datetime(2026, 4, 30, 3, 0, tzinfo=UTC), score=1)  # 12 answers, 81.25: B
    with pytest.raises(InvalidInput, match="not in the top band"):
        await record(uow, nip=FEW)
    with pytest.raises(InvalidInput) as whole:
        await record(uow, checkpoint_id=None)
    assert whole.value.field == "checkpoint_id"
    await record(uow, nip=FEW, kind=K.LEADER)  # a leader's recognition needs no ratings
    assert uow.commits and len(uow.events(RecognitionGiven)) == 1


async def test_only_hr_or_the_employees_appraiser_records_others_as_if_the_employee_were_missing(uow):
    with pytest.raises(NotFound) as other_appraiser:
        await record(uow, caller=Giver(OTHER_APPRAISER))
    with pytest.raises(NotFound) as colleague:
        await record(uow, caller=Giver(GOOD))
    with pytest.raises(NotFound) as unknown:
        await record(uow, nip=LEFT, caller=hr)
    assert str(other_appraiser.value) == str(colleague.value) == str(unknown.value)
    assert LEFT not in str(unknown.value)
    with pytest.raises(NotPermitted):
        await record(uow, nip=HR_NIP, kind=K.LEADER, caller=hr)
    with pytest.raises(NotFound):
        await recognition.record_recognition(
            uow,
            agency_id=AGENCY,
            caller=hr,
            nip=STAR,
            period_id="1999",
            checkpoint_id=None,
            kind=K.LEADER,
            reason="x",
        )
    with pytest.raises(InvalidInput):
        await record(uow, kind=K.LEADER, checkpoint_id="q9")
    with pytest.raises(InvalidInput):
        await record(uow, reason=" ")
    assert uow.state.recognitions == [] and uow.published == []


async def test_the_employee_their_appraiser_and_hr_read_recognitions_a_stranger_as_if_missing(uow):
    await record(uow)
    uow.time.at += timedelta(days=1)
    await record(uow, kind=K.LEADER, caller=hr, reason="Teladan")
    for reader in (Giver(STAR), appraiser, hr):
        found = await recognition.recognitions_of(uow, agency_id=AGENCY, caller=reader, nip=STAR)
        assert [(r["kind"], r["reason"]) for r in found["recognitions"]] == [
            ("leader", "Teladan"),
            ("citizen_rating", "Ramah"),
        ]
    with pytest.raises(NotFound) as stranger:
        await recognition.recognitions_of(uow, agency_id=AGENCY, caller=Giver(GOOD), nip=STAR)
    with pytest.raises(NotFound) as missing:
        await recognition.recognitions_of(uow, agency_id=AGENCY, caller=Giver(GOOD), nip=LEFT)
    assert str(stranger.value) == str(missing.value)
    mine = await recognition.my_recognitions(uow, agency_id=AGENCY, nip=STAR)
    assert len(mine["recognitions"]) == 2 and mine["nip"] == STAR
    assert (await recognition.my_recognitions(uow, agency_id=AGENCY, nip=GOOD))["recognitions"] == []
