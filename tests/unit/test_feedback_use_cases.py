"""feedback-service's use cases on the fake unit of work: rounds (open, answer, close, the
period's close), reads of the results, and the citizen survey. No database, no broker."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from feedback_fakes import FakeFeedbackUnitOfWork
from feedback_service.domain.model import Giver
from feedback_service.domain.rounds import READER_AS_ANONYMOUS_GIVER, Nomination, RoundStatus
from feedback_service.service_layer import periods, rounds, surveys
from kinerja_contracts import (
    CitizenSurveyAnswered,
    FeedbackReceived,
    PerformancePeriodClosed,
    UnitSatisfactionChanged,
)
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource, Mutu, SkmElement
from kinerja_runtime.refusals import InvalidInput, NotFound, NotPermitted, WrongState

AGENCY, PERIOD = "pemprov", "2026"
EMPLOYEE, APPRAISER, HR_NIP = "1" * 18, "2" * 18, "9" * 18
PEERS = ["3" * 18, "4" * 18, "5" * 18]
STRANGER = "8" * 18
S = FeedbackSource
ALL_SESUAI = {v: Ekspektasi.SESUAI for v in BerakhlakValue}
ALL_ATAS = {v: Ekspektasi.DI_ATAS for v in BerakhlakValue}

appraiser = Giver(APPRAISER)
hr = Giver(HR_NIP, is_hr=True)


@pytest.fixture
def uow() -> FakeFeedbackUnitOfWork:
    uow = FakeFeedbackUnitOfWork()
    roster = uow.roster
    roster.add_employee(AGENCY, EMPLOYEE, appraiser_nip=APPRAISER)
    roster.add_employee(AGENCY, APPRAISER)
    roster.add_employee(AGENCY, HR_NIP)
    for peer in PEERS:
        roster.add_employee(AGENCY, peer, appraiser_nip=APPRAISER)
    roster.add_period(AGENCY, PERIOD, checkpoints=[{"checkpoint_id": "q2"}, {"checkpoint_id": "q4"}])
    return uow


def usual_givers() -> list[Nomination]:
    return [Nomination(EMPLOYEE, S.SELF), Nomination(APPRAISER, S.APPRAISER)] + [Nomination(p, S.PEER) for p in PEERS]


async def open_usual(uow, caller: Giver = appraiser, checkpoint_id: str | None = "q2", **overrides) -> dict:
    args = dict(
        agency_id=AGENCY,
        caller=caller,
        nip=EMPLOYEE,
        period_id=PERIOD,
        checkpoint_id=checkpoint_id,
        nominations=usual_givers(),
    )
    return await rounds.open_round(uow, **(args | overrides))


async def answer(uow, round_id: str, giver: str, ratings=ALL_SESUAI, comment: str | None = None) -> dict:
    return await rounds.answer_round(
        uow, agency_id=AGENCY, round_id=round_id, giver_nip=giver, ratings=ratings, comment=comment
    )


# --- opening a round -------------------------------------------------------------------------


async def test_the_appraiser_opens_a_round_naming_its_givers(uow):
    opened = await open_usual(uow)

    stored = uow.state.rounds[opened["round_id"]]
    assert (stored.nip, stored.period_id, stored.checkpoint_id, stored.status) == (
        EMPLOYEE,
        PERIOD,
        "q2",
        RoundStatus.OPEN,
    )
    assert stored.opened_by == APPRAISER and stored.opened_at == uow.clock.now()
    assert uow.state.givers[opened["round_id"]][PEERS[0]] is S.PEER
    assert opened["givers"]["peer"] == {"named": 3, "answered": 0}
    assert opened["givers"]["self"] == {"named": 1, "answered": 0}
    assert opened["status"] == "open" and uow.commits == 1
    assert uow.published == [], "nothing is announced before the round closes"


async def test_the_opener_named_as_a_peer_is_refused_naming_the_field(uow):
    givers = usual_givers() + [Nomination(HR_NIP, S.PEER)]

    with pytest.raises(InvalidInput) as refused:
        await open_usual(uow, caller=hr, nominations=givers)

    assert READER_AS_ANONYMOUS_GIVER in refused.value.reason
    assert refused.value.details["errors"] == [{"field": "givers.5.source", "message": READER_AS_ANONYMOUS_GIVER}]
    assert uow.state.rounds == {} and uow.commits == 0


async def test_no_round_opens_in_a_closed_period(uow):
    uow.roster.close_period(AGENCY, PERIOD)

    with pytest.raises(WrongState, match="the period is closed"):
        await open_usual(uow)

    assert uow.state.rounds == {}


async def test_only_hr_or_the_appraiser_opens_a_round(uow):
    with pytest.raises(NotPermitted):
        await open_usual(uow, caller=Giver(PEERS[0]))
    with pytest.raises(NotFound, match="no such employee"):
        await open_usual(uow, nip=STRANGER)
    assert uow.state.rounds == {}


async def test_a_giver_not_on_the_roster_is_refused_by_position(uow):
    givers = usual_givers() + [Nomination(STRANGER, S.SUBORDINATE)]

    with pytest.raises(InvalidInput) as refused:
        await open_usual(uow, nominations=givers)

    assert refused.value.details["errors"][0]["field"] == "givers.5.nip"
    assert STRANGER not in refused.value.reason


async def test_the_checkpoint_must_be_one_of_the_period(uow):
    with pytest.raises(InvalidInput, match="checkpoint_id"):
        await open_usual(uow, checkpoint_id="q3")
    assert uow.state.rounds == {}


async def test_a_second_round_for_the_same_checkpoint_waits_for_the_first_to_close(uow):
    first = await open_usual(uow)

    with pytest.raises(WrongState) as refused:
        await open_usual(uow, caller=hr)

    assert refused.value.details == {"round_id": first["round_id"]}
    assert len(uow.state.rounds) == 1
    await open_usual(uow, checkpoint_id="q4")  # another checkpoint is another round
    assert len(uow.state.rounds) == 2


# --- answering -------------------------------------------------------------------------------


async def test_a_named_giver_answers_once_and_a_second_answer_replaces_the_first(uow):
    round_id = (await open_usual(uow))["round_id"]

    first = await answer(uow, round_id, PEERS[0], comment="rapi")
    again = await answer(uow, round_id, PEERS[0], ratings=ALL_ATAS)

    assert (first["replaced"], again["replaced"]) == (False, True)
    assert first["feedback_id"] == again["feedback_id"] and first["source"] == "peer"
    [stored] = uow.state.answers.values()
    assert stored.giver_nip == PEERS[0] and stored.source is S.PEER
    assert set(stored.ratings.values()) == {Ekspektasi.DI_ATAS.value} and stored.comment is None
    assert uow.published == [], "answers are announced when the round closes"


async def test_a_giver_not_named_in_the_round_is_refused(uow):
    round_id = (await open_usual(uow))["round_id"]

    with pytest.raises(NotPermitted, match="only the givers named"):
        await answer(uow, round_id, HR_NIP)

    assert uow.state.answers == {}


async def test_an_answer_rates_every_value_and_needs_an_open_round_in_an_open_period(uow):
    round_id = (await open_usual(uow))["round_id"]
    with pytest.raises(InvalidInput, match="every BerAKHLAK value"):
        await answer(uow, round_id, PEERS[0], ratings={BerakhlakValue.LOYAL: Ekspektasi.SESUAI})
    with pytest.raises(NotFound, match="no such feedback round"):
        await answer(uow, "no-such-round", PEERS[0])
    uow.roster.close_period(AGENCY, PERIOD)
    with pytest.raises(WrongState, match="the period is closed"):
        await answer(uow, round_id, PEERS[0])
    assert uow.state.answers == {}


# --- closing ---------------------------------------------------------------------------------


async def test_closing_a_round_publishes_each_final_answer_once_without_the_giver(uow):
    round_id = (await open_usual(uow))["round_id"]
    await answer(uow, round_id, EMPLOYEE)
    await answer(uow, round_id, PEERS[0])
    await answer(uow, round_id, PEERS[0], ratings=ALL_ATAS)
    await answer(uow, round_id, PEERS[1])
    uow.time.at += timedelta(hours=1)

    summary = await rounds.close_round(uow, agency_id=AGENCY, round_id=round_id, caller=appraiser)

    assert summary["status"] == "closed" and summary["closed_at"] == uow.clock.now()
    assert summary["givers"]["peer"] == {"named": 3, "answered": 2}
    assert uow.state.rounds[round_id].status is RoundStatus.CLOSED
    received = uow.events(FeedbackReceived)
    assert sorted(e.source for e in received) == [S.PEER, S.PEER, S.SELF]
    assert {e.round_id for e in received} == {round_id} and {e.checkpoint_id for e in received} == {"q2"}
    assert all(e.nip == EMPLOYEE for e in received)
    assert [e.feedback_id for e in received] == sorted(e.feedback_id for e in received), "in feedback_id order"
    assert [set(e.ratings.values()) for e in received if e.source is S.PEER].count({Ekspektasi.DI_ATAS}) == 1, (
        "the replacing answer, not the first"
    )
    assert not any(PEERS[0] in e.model_dump_json() for e in received)


async def test_a_closed_round_takes_no_answer_and_closes_once(uow):
    round_id = (await open_usual(uow))["round_id"]
    await rounds.close_round(uow, agency_id=AGENCY, round_id=round_id, caller=hr)
    published = len(uow.published)

    with pytest.raises(WrongState, match="the round is closed"):
        await answer(uow, round_id, PEERS[0])
    with pytest.raises(WrongState, match="already closed"):
        await rounds.close_round(uow, agency_id=AGENCY, round_id=round_id, caller=hr)
    with pytest.raises(NotPermitted):
        await rounds.close_round(uow, agency_id=AGENCY, round_id=round_id, caller=Giver(PEERS[0]))

    assert len(uow.published) == published


async def test_the_period_closing_closes_its_open_rounds_and_publishes_their_answers(uow):
    round_id = (await open_usual(uow))["round_id"]
    await answer(uow, round_id, PEERS[0])
    closed = PerformancePeriodClosed(
        agency_id=AGENCY, period_id=PERIOD, year=2026, closed_at=uow.clock.now(), employee_count=5
    )
    delivered = SimpleNamespace(event=closed, envelope=SimpleNamespace(attributes=SimpleNamespace(id="e1")))

    async with uow:
        await rounds.on_periods_closed([delivered], uow)
        await uow.commit()

    assert uow.state.rounds[round_id].status is RoundStatus.CLOSED
    assert [e.source for e in uow.events(FeedbackReceived)] == [S.PEER]


# --- reading ---------------------------------------------------------------------------------


async def test_results_stay_anonymous_until_closed_and_strangers_see_no_round(uow):
    round_id = (await open_usual(uow))["round_id"]
    for peer in PEERS:
        await answer(uow, round_id, peer)

    def read(caller):
        return rounds.round_results(uow, agency_id=AGENCY, round_id=round_id, caller=caller)

    assert (await read(appraiser))["sources"]["peer"]["shown"] is False
    await rounds.close_round(uow, agency_id=AGENCY, round_id=round_id, caller=appraiser)
    for_manager, for_employee = await read(appraiser), await read(Giver(EMPLOYEE))
    assert for_manager["sources"]["peer"]["shown"] and for_manager["sources"]["peer"]["answers"] == 3
    assert for_employee["sources"]["peer"]["shown"] and "comments" not in for_employee["sources"]["peer"]
    with pytest.raises(NotFound, match="no such feedback round"):
        await read(Giver(PEERS[0]))
    with pytest.raises(NotFound, match="no such feedback round"):
        await rounds.round_summary(uow, agency_id=AGENCY, round_id=round_id, caller=Giver(PEERS[0]))


async def test_the_assigned_list_says_which_rounds_the_giver_answered(uow):
    answered = (await open_usual(uow))["round_id"]
    waiting = (await open_usual(uow, checkpoint_id="q4"))["round_id"]
    await answer(uow, answered, PEERS[0])

    found = await rounds.assigned_rounds(uow, agency_id=AGENCY, giver_nip=PEERS[0])

    assert {r["round_id"]: r["answered"] for r in found} == {answered: True, waiting: False}
    assert {r["source"] for r in found} == {"peer"}
    assert await rounds.assigned_rounds(uow, agency_id=AGENCY, giver_nip=HR_NIP) == []


async def test_period_feedback_shows_one_view_per_round(uow):
    first = (await open_usual(uow))["round_id"]
    await open_usual(uow, checkpoint_id="q4")

    view = await rounds.period_feedback(uow, agency_id=AGENCY, period_id=PERIOD, nip=EMPLOYEE, caller=Giver(EMPLOYEE))

    assert [r["round_id"] for r in view["rounds"]][0] == first and len(view["rounds"]) == 2
    open_peers, outside_peers = view["rounds"][0]["sources"]["peer"], view["outside_rounds"]["peer"]
    assert open_peers["shown"] is False and "answers" not in open_peers, "no count for the employee"
    assert outside_peers["shown"] is False
    with pytest.raises(NotFound, match="no such employee"):
        await rounds.period_feedback(uow, agency_id=AGENCY, period_id=PERIOD, nip=EMPLOYEE, caller=Giver(PEERS[0]))


async def test_a_periods_checkpoints(uow):
    found = await periods.period_checkpoints(uow, agency_id=AGENCY, period_id=PERIOD)
    assert [c["checkpoint_id"] for c in found["checkpoints"]] == ["q2", "q4"]
    with pytest.raises(NotFound, match="no such period"):
        await periods.period_checkpoints(uow, agency_id=AGENCY, period_id="1999")


# --- the citizen survey ----------------------------------------------------------------------

UNIT = "loket"
GOOD = {e: 4 for e in SkmElement}
FAIR = {e: 3 for e in SkmElement}


@pytest.fixture
def survey_uow(uow) -> FakeFeedbackUnitOfWork:
    uow.roster.add_unit(AGENCY, UNIT, serves_public=True, name="Loket Pelayanan")
    uow.roster.add_unit(AGENCY, "keuangan", serves_public=False)
    uow.roster.add_period(AGENCY, "2027", year=2027)  # opened, but today (2026-06-01) lies in 2026
    return uow


async def answer_survey(uow, submission: str, elements=GOOD, officer_nip=None, comment=None, **kw) -> dict:
    return await surveys.answer_survey(
        uow,
        agency_id=AGENCY,
        unit_id=kw.pop("unit_id", UNIT),
        submission_id=submission,
        elements=elements,
        officer_nip=officer_nip,
        comment=comment,
        **kw,
    )


async def test_a_citizen_answer_counts_in_todays_period_and_announces_the_new_ikm(survey_uow):
    uow = survey_uow
    capped: list[str] = []

    async def officer_cap(nip: str) -> None:
        capped.append(nip)

    taken = await answer_survey(uow, "s-1", officer_nip=PEERS[0], comment="cepat", officer_cap=officer_cap)

    assert taken["period_id"] == PERIOD, "the open period covering today (agency time), not the latest opened"
    [stored] = uow.state.survey_answers
    assert stored.officer_nip == PEERS[0] and stored.answered_at == uow.clock.now() and capped == [PEERS[0]]
    [answered] = uow.events(CitizenSurveyAnswered)
    assert answered.answer_id == taken["answer_id"] and answered.officer_nip == PEERS[0]
    [changed] = uow.events(UnitSatisfactionChanged)
    assert (changed.ikm, changed.mutu, changed.answers) == (100.0, Mutu.A, 1)

    await answer_survey(uow, "s-2")  # the same scores: the IKM stays, nothing new to announce
    assert len(uow.events(CitizenSurveyAnswered)) == 2 and len(uow.events(UnitSatisfactionChanged)) == 1
    await answer_survey(uow, "s-3", elements=FAIR)
    assert [e.ikm for e in uow.events(UnitSatisfactionChanged)] == [100.0, pytest.approx(91.67)]


async def test_a_submission_counts_once_and_an_unknown_officer_gets_no_credit(survey_uow):
    uow = survey_uow
    await answer_survey(uow, "s-1", officer_nip=STRANGER)
    assert uow.state.survey_answers[0].officer_nip is None
    assert uow.events(CitizenSurveyAnswered)[0].officer_nip is None

    with pytest.raises(WrongState, match="already received"):
        await answer_survey(uow, "s-1")
    assert len(uow.state.survey_answers) == 1 and len(uow.events(CitizenSurveyAnswered)) == 1


async def test_the_survey_refuses_internal_units_bad_scores_and_a_closed_year(survey_uow):
    uow = survey_uow
    with pytest.raises(NotFound, match="no such public-service unit"):
        await answer_survey(uow, "s-1", unit_id="keuangan")
    with pytest.raises(InvalidInput, match="1 to 4"):
        await answer_survey(uow, "s-1", elements=GOOD | {SkmElement.BIAYA_TARIF: 5})
    uow.roster.close_period(AGENCY, PERIOD)
    uow.roster.close_period(AGENCY, "2027")
    with pytest.raises(WrongState, match="no open period"):
        await answer_survey(uow, "s-1")
    assert uow.state.survey_answers == [] and uow.published == []


async def test_the_satisfaction_summary_and_hrs_report(survey_uow):
    uow = survey_uow
    await answer_survey(uow, "s-1", officer_nip=PEERS[0], comment="ramah")
    await answer_survey(uow, "s-2", elements=FAIR)

    public = await surveys.public_summary(uow, agency_id=AGENCY, unit_id=UNIT, period_id=None)
    assert (public["period_id"], public["answers"], public["ikm"], public["mutu"]) == (PERIOD, 2, 87.5, "B")
    assert public["element_means"][SkmElement.PERSYARATAN.value] == 3.5 and "recent_comments" not in public
    report = await surveys.unit_report(uow, agency_id=AGENCY, unit_id=UNIT, period_id=PERIOD)
    assert report["answers_naming_an_officer"] == 1
    assert [c["comment"] for c in report["recent_comments"]] == ["ramah"]
    empty = await surveys.public_summary(uow, agency_id=AGENCY, unit_id=UNIT, period_id="2027")
    assert (empty["answers"], empty["ikm"], empty["mutu"]) == (0, None, None)

    with pytest.raises(NotFound, match="no such period"):
        await surveys.public_summary(uow, agency_id=AGENCY, unit_id=UNIT, period_id="1999")
    with pytest.raises(NotFound, match="no such public-service unit"):
        await surveys.public_summary(uow, agency_id=AGENCY, unit_id="keuangan", period_id=None)
    with pytest.raises(NotFound, match="no such work unit"):
        await surveys.unit_report(uow, agency_id=AGENCY, unit_id="gudang", period_id=None)


async def test_hrs_satisfaction_report_exports_as_a_workbook(survey_uow):
    import io

    import openpyxl

    uow = survey_uow
    await answer_survey(uow, "s-1", officer_nip=PEERS[0], comment="=ramah")  # a comment is never a formula
    await answer_survey(uow, "s-2", elements=FAIR)

    data = await surveys.unit_report_workbook(uow, agency_id=AGENCY, unit_id=UNIT, period_id=None)

    book = openpyxl.load_workbook(io.BytesIO(data))
    figures = list(book["IKM"].iter_rows(values_only=True))
    about = {r[0]: r[1] for r in figures[1:12] if r[0]}
    assert (about["Instansi"], about["Periode"], about["Tahun"]) == (AGENCY, PERIOD, 2026)
    assert (about["Jumlah jawaban"], about["IKM"], about["Mutu"], about["Jawaban yang menyebut petugas"]) == (
        2,
        87.5,
        "B",
        1,
    )
    header = [r[0] for r in figures].index("Unsur")
    means = {r[1]: r[2] for r in figures[header + 1 :]}
    assert len(means) == len(SkmElement) and means[SkmElement.PERSYARATAN.value] == 3.5
    comments = list(book["Komentar"].iter_rows(values_only=True))
    assert comments[-1][1] == "=ramah" and book["Komentar"].cell(len(comments), 2).data_type == "s"


async def test_the_day_that_picks_the_period_is_the_agencys(survey_uow):
    uow = survey_uow
    uow.time.at = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # already 1 January 2027 in Jakarta (UTC+7)

    taken = await answer_survey(uow, "s-1")

    assert taken["period_id"] == "2027"


async def test_after_the_year_closes_the_summary_shows_the_latest_period(survey_uow):
    uow = survey_uow
    await answer_survey(uow, "s-1")
    uow.roster.close_period(AGENCY, PERIOD)
    uow.roster.close_period(AGENCY, "2027")

    latest = await surveys.public_summary(uow, agency_id=AGENCY, unit_id=UNIT, period_id=None)

    assert latest["period_id"] == "2027", "no period open: the one that started last"
    assert latest["answers"] == 0


async def test_a_survey_answer_belongs_to_the_period_of_the_agencys_own_day(survey_uow):
    uow = survey_uow
    # 2026-12-31 16:30 UTC: 23:30 on New Year's Eve in WIB, 01:30 on New Year's Day in WIT.
    uow.time.at = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    assert (await answer_survey(uow, "s-wib"))["period_id"] == PERIOD, "not registered: WIB, still 2026"

    uow.roster.add_agency(AGENCY, "Asia/Jayapura")
    assert (await answer_survey(uow, "s-wit"))["period_id"] == "2027"
    assert (await surveys.public_summary(uow, agency_id=AGENCY, unit_id=UNIT, period_id=None))["period_id"] == "2027"
    assert [e.period_id for e in uow.events(CitizenSurveyAnswered)] == [PERIOD, "2027"]
