"""Use cases of the citizen satisfaction survey (SKM): take an answer, keep the unit's IKM."""

import uuid
from collections.abc import Awaitable, Callable

from kinerja_contracts import CitizenSurveyAnswered, UnitSatisfactionChanged
from kinerja_contracts.vocabulary import SkmElement
from kinerja_runtime.refusals import NotFound, WrongState
from kinerja_runtime.roster import KnownUnit
from kinerja_runtime.spreadsheets import workbook_bytes

from feedback_service.adapters.surveys import SurveyAnswer
from feedback_service.domain.satisfaction import check_answer, unit_satisfaction
from feedback_service.service_layer.exports import satisfaction_sheets
from feedback_service.service_layer.periods import NO_SUCH_PERIOD, current_open_period, period_to_report
from feedback_service.service_layer.unit_of_work import FeedbackUnitOfWork

RECENT_COMMENTS = 50
NO_PUBLIC_UNIT = "no such public-service unit"
NO_UNIT = "no such work unit"
NO_OPEN_PERIOD = "the agency has no open period"
NO_PERIOD_YET = "the agency has no period yet"
ALREADY_RECEIVED = "this submission was already received; it is counted once"
OfficerCap = Callable[[str], Awaitable[None]]


async def _public_unit(uow: FeedbackUnitOfWork, agency_id: str, unit_id: str) -> KnownUnit:
    unit = await uow.roster.unit(agency_id, unit_id)
    if unit is None or not unit.serves_public:
        # One answer for an unknown unit, an internal one or an unknown agency: the public
        # learns nothing about which exist.
        raise NotFound(NO_PUBLIC_UNIT)
    return unit


async def answer_survey(
    uow: FeedbackUnitOfWork,
    *,
    agency_id: str,
    unit_id: str,
    submission_id: str,
    elements: dict[SkmElement, int],
    officer_nip: str | None,
    comment: str | None,
    officer_cap: OfficerCap | None = None,
) -> dict:
    """Take one citizen's answer. ``officer_cap``, when given, is awaited with the named
    officer's NIP once the answer is known to be new, and raises to refuse it (the per-client
    cap on rating one officer); it sees every NIP alike, on the roster or not."""
    check_answer(elements)
    async with uow:
        await _public_unit(uow, agency_id, unit_id)
        period_id = current_open_period(await uow.roster.periods(agency_id), await uow.today(agency_id))
        if period_id is None:
            raise WrongState(f"{NO_OPEN_PERIOD}; the survey takes no answers now")
        if await uow.surveys.submitted(agency_id, unit_id, submission_id):
            raise WrongState(ALREADY_RECEIVED)  # a racing repeat is caught when it is stored
        if officer_nip is not None:
            if officer_cap is not None:
                # Before the roster is asked, so a known and an unknown NIP are capped alike.
                await officer_cap(officer_nip)
            if await uow.roster.employee(agency_id, officer_nip) is None:
                # Answered the same either way, so the public endpoint cannot be used to learn
                # who works at the agency; an unknown officer simply gets no credit.
                officer_nip = None
        # Answers to one unit take turns, so each recomputed IKM counts every answer committed before it.
        await uow.roster.lock_unit(agency_id, unit_id)
        answer_id, now = str(uuid.uuid4()), uow.clock.now()
        stored = await uow.surveys.add(
            SurveyAnswer(
                answer_id=answer_id,
                agency_id=agency_id,
                unit_id=unit_id,
                period_id=period_id,
                submission_id=submission_id,
                elements=elements,
                officer_nip=officer_nip,
                comment=comment,
                answered_at=now,
            )
        )
        if not stored:
            raise WrongState(ALREADY_RECEIVED)
        count, totals = await uow.surveys.totals(agency_id, unit_id, period_id)
        found = unit_satisfaction(totals, count)
        await uow.publish(
            CitizenSurveyAnswered(
                agency_id=agency_id,
                unit_id=unit_id,
                period_id=period_id,
                answer_id=answer_id,
                elements=elements,
                officer_nip=officer_nip,
                answered_at=now,
            )
        )
        # The unit's latest IKM is kept; a change of it (or of its mutu) is announced.
        before = await uow.satisfaction.get(agency_id, unit_id, period_id)
        if before is None:
            await uow.satisfaction.add(agency_id, unit_id, period_id, found, now)
        else:
            await uow.satisfaction.replace(agency_id, unit_id, period_id, found, now)
        if before is None or before.ikm != found.ikm or before.mutu != found.mutu:
            await uow.publish(
                UnitSatisfactionChanged(
                    agency_id=agency_id,
                    unit_id=unit_id,
                    period_id=period_id,
                    ikm=float(found.ikm),
                    mutu=found.mutu,
                    answers=found.answers,
                    element_means={e: float(m) for e, m in found.element_means.items()},
                )
            )
        await uow.commit()
    return {"answer_id": answer_id, "period_id": period_id}


async def _satisfaction(uow: FeedbackUnitOfWork, agency_id: str, unit: KnownUnit, period_id: str) -> dict:
    count, totals = await uow.surveys.totals(agency_id, unit.unit_id, period_id)
    view = {
        "unit_id": unit.unit_id,
        "name": unit.name,
        "period_id": period_id,
        "answers": count,
        "ikm": None,
        "mutu": None,
        "mutu_label": None,
        "element_means": None,
    }
    if count:
        found = unit_satisfaction(totals, count)
        view |= {
            "ikm": float(found.ikm),
            "mutu": found.mutu.value,
            "mutu_label": found.mutu.label,
            "element_means": {e.value: float(m) for e, m in found.element_means.items()},
        }
    return view


async def _period_or_404(uow: FeedbackUnitOfWork, agency_id: str, period_id: str | None) -> str:
    if period_id is not None:
        if await uow.roster.period(agency_id, period_id) is None:
            raise NotFound(NO_SUCH_PERIOD)
        return period_id
    found = period_to_report(await uow.roster.periods(agency_id), await uow.today(agency_id))
    if found is None:
        raise NotFound(NO_PERIOD_YET)
    return found


async def public_summary(uow: FeedbackUnitOfWork, *, agency_id: str, unit_id: str, period_id: str | None) -> dict:
    """What anyone may read: the unit's IKM, mutu and element means; no comments, no officers."""
    async with uow:
        unit = await _public_unit(uow, agency_id, unit_id)
        period_id = await _period_or_404(uow, agency_id, period_id)
        return await _satisfaction(uow, agency_id, unit, period_id)


async def unit_report(uow: FeedbackUnitOfWork, *, agency_id: str, unit_id: str, period_id: str | None) -> dict:
    """HR's view: the IKM with how many answers named an officer and the latest comments."""
    async with uow:
        return await _unit_report(uow, agency_id, unit_id, period_id)


async def unit_report_workbook(
    uow: FeedbackUnitOfWork, *, agency_id: str, unit_id: str, period_id: str | None
) -> bytes:
    """:func:`unit_report` as an .xlsx: the figures per element, and the comments."""
    async with uow:
        report = await _unit_report(uow, agency_id, unit_id, period_id)
        period = await uow.roster.period(agency_id, report["period_id"])
    return await workbook_bytes(satisfaction_sheets(agency_id, period.year if period else None, report))


async def _unit_report(uow: FeedbackUnitOfWork, agency_id: str, unit_id: str, period_id: str | None) -> dict:
    unit = await uow.roster.unit(agency_id, unit_id)
    if unit is None:
        raise NotFound(NO_UNIT)
    period_id = await _period_or_404(uow, agency_id, period_id)
    view = await _satisfaction(uow, agency_id, unit, period_id)
    named = await uow.surveys.naming_an_officer(agency_id, unit_id, period_id)
    comments = await uow.surveys.latest_comments(agency_id, unit_id, period_id, RECENT_COMMENTS)
    return view | {
        "serves_public": unit.serves_public,
        "answers_naming_an_officer": named,
        "recent_comments": [{"comment": c.comment, "answered_at": c.answered_at} for c in comments],
    }
