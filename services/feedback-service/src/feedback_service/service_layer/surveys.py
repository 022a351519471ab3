"""Use cases of the citizen satisfaction survey (SKM): take an answer, keep the unit's IKM."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from kinerja_contracts import CitizenSurveyAnswered, UnitSatisfactionChanged
from kinerja_contracts.vocabulary import SkmElement
from kinerja_runtime import roster
from kinerja_runtime.problems import Conflict, NotFound, Unprocessable
from kinerja_runtime.roster import known_units
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from feedback_service.adapters.orm import citizen_survey_answers as answers_table
from feedback_service.adapters.orm import unit_satisfaction as satisfaction_table
from feedback_service.domain.satisfaction import InvalidAnswer, UnitSatisfaction, check_answer, unit_satisfaction
from feedback_service.service_layer.periods import current_open_period, period_to_report

RECENT_COMMENTS = 50
NO_PUBLIC_UNIT = "no such public-service unit"
NO_OPEN_PERIOD = "the agency has no open period"
OfficerCap = Callable[[str], Awaitable[None]]


async def _public_unit(session: AsyncSession, agency_id: str, unit_id: str) -> roster.KnownUnit:
    try:
        unit = await roster.unit(session, agency_id, unit_id)
    except NotFound:
        unit = None
    if unit is None or not unit.serves_public:
        # One answer for an unknown unit, an internal one or an unknown agency: the public
        # learns nothing about which exist.
        raise NotFound(NO_PUBLIC_UNIT)
    return unit


async def _totals(session: AsyncSession, agency_id: str, unit_id: str, period_id: str) -> tuple[int, dict]:
    row = (
        await session.execute(
            select(func.count(), *(func.coalesce(func.sum(answers_table.c[e.value]), 0) for e in SkmElement)).where(
                answers_table.c.agency_id == agency_id,
                answers_table.c.unit_id == unit_id,
                answers_table.c.period_id == period_id,
            )
        )
    ).one()
    return int(row[0]), {e: int(total) for e, total in zip(SkmElement, row[1:], strict=True)}


async def _keep(session: AsyncSession, agency_id: str, unit_id: str, period_id: str, found: UnitSatisfaction) -> bool:
    """Store the unit's latest IKM; True when it differs from what was stored before."""
    where = (
        satisfaction_table.c.agency_id == agency_id,
        satisfaction_table.c.unit_id == unit_id,
        satisfaction_table.c.period_id == period_id,
    )
    before = (await session.execute(select(satisfaction_table.c.ikm, satisfaction_table.c.mutu).where(*where))).first()
    values = {
        "answers": found.answers,
        "ikm": float(found.ikm),
        "mutu": found.mutu.value,
        "element_means": {e.value: float(m) for e, m in found.element_means.items()},
        "updated_at": datetime.now(UTC),
    }
    if before is None:
        await session.execute(
            insert(satisfaction_table).values(agency_id=agency_id, unit_id=unit_id, period_id=period_id, **values)
        )
        return True
    await session.execute(update(satisfaction_table).where(*where).values(**values))
    return Decimal(str(before.ikm)).quantize(Decimal("0.01")) != found.ikm or before.mutu != found.mutu.value


async def answer_survey(
    uow: UnitOfWork,
    *,
    agency_id: str,
    unit_id: str,
    submission_id: str,
    elements: dict[SkmElement, int],
    officer_nip: str | None,
    comment: str | None,
    today: date | None = None,
    officer_cap: OfficerCap | None = None,
) -> dict:
    """Take one citizen's answer. ``officer_cap``, when given, is awaited with the named
    officer's NIP once the answer is known to be new, and raises to refuse it (the per-client
    cap on rating one officer); it sees every NIP alike, on the roster or not."""
    try:
        check_answer(elements)
    except InvalidAnswer as exc:
        raise Unprocessable(str(exc)) from exc
    async with uow:
        session = uow.session
        await _public_unit(session, agency_id, unit_id)
        period_id = await current_open_period(session, agency_id, today or date.today())
        if period_id is None:
            raise Conflict(f"{NO_OPEN_PERIOD}; the survey takes no answers now")
        repeated = await session.scalar(
            select(answers_table.c.answer_id).where(
                answers_table.c.agency_id == agency_id,
                answers_table.c.unit_id == unit_id,
                answers_table.c.submission_id == submission_id,
            )
        )
        if repeated:  # a racing repeat is caught by the unique constraint below
            raise Conflict("this submission was already received; it is counted once")
        if officer_nip is not None:
            if officer_cap is not None:
                # Before the roster is asked, so a known and an unknown NIP are capped alike.
                await officer_cap(officer_nip)
            try:
                await roster.employee(session, agency_id, officer_nip)
            except NotFound:
                # Answered the same either way, so the public endpoint cannot be used to learn
                # who works at the agency; an unknown officer simply gets no credit.
                officer_nip = None
        # Answers to one unit take turns (row lock on PostgreSQL; SQLite has one writer anyway),
        # so each recomputed IKM counts every answer committed before it.
        await session.execute(
            select(known_units.c.unit_id)
            .where(known_units.c.agency_id == agency_id, known_units.c.unit_id == unit_id)
            .with_for_update()
        )
        answer_id, now = str(uuid.uuid4()), datetime.now(UTC)
        try:
            await session.execute(
                insert(answers_table).values(
                    answer_id=answer_id,
                    agency_id=agency_id,
                    unit_id=unit_id,
                    period_id=period_id,
                    submission_id=submission_id,
                    officer_nip=officer_nip,
                    comment=comment,
                    answered_at=now,
                    **{e.value: score for e, score in elements.items()},
                )
            )
        except IntegrityError as exc:
            raise Conflict("this submission was already received; it is counted once") from exc
        count, totals = await _totals(session, agency_id, unit_id, period_id)
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
        if await _keep(session, agency_id, unit_id, period_id, found):
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


async def _satisfaction(session: AsyncSession, agency_id: str, unit: roster.KnownUnit, period_id: str) -> dict:
    count, totals = await _totals(session, agency_id, unit.unit_id, period_id)
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


async def _period_or_404(session: AsyncSession, agency_id: str, period_id: str | None) -> str:
    if period_id is not None:
        await roster.period(session, agency_id, period_id)
        return period_id
    found = await period_to_report(session, agency_id, date.today())
    if found is None:
        raise NotFound("the agency has no period yet")
    return found


async def public_summary(uow: UnitOfWork, *, agency_id: str, unit_id: str, period_id: str | None) -> dict:
    """What anyone may read: the unit's IKM, mutu and element means; no comments, no officers."""
    async with uow:
        unit = await _public_unit(uow.session, agency_id, unit_id)
        period_id = await _period_or_404(uow.session, agency_id, period_id)
        return await _satisfaction(uow.session, agency_id, unit, period_id)


async def unit_report(uow: UnitOfWork, *, agency_id: str, unit_id: str, period_id: str | None) -> dict:
    """HR's view: the IKM with how many answers named an officer and the latest comments."""
    async with uow:
        session = uow.session
        unit = await roster.unit(session, agency_id, unit_id)
        period_id = await _period_or_404(session, agency_id, period_id)
        view = await _satisfaction(session, agency_id, unit, period_id)
        where = (
            answers_table.c.agency_id == agency_id,
            answers_table.c.unit_id == unit_id,
            answers_table.c.period_id == period_id,
        )
        named = await session.scalar(select(func.count()).where(*where, answers_table.c.officer_nip.is_not(None)))
        comments = (
            await session.execute(
                select(answers_table.c.comment, answers_table.c.answered_at)
                .where(*where, answers_table.c.comment.is_not(None))
                .order_by(answers_table.c.answered_at.desc())
                .limit(RECENT_COMMENTS)
            )
        ).all()
    return view | {
        "serves_public": unit.serves_public,
        "answers_naming_an_officer": named,
        "recent_comments": [{"comment": c.comment, "answered_at": c.answered_at} for c in comments],
    }
