"""Reads the projections into the inputs the pure appraisal rules need."""

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, FeedbackSource, RhkKind
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters.orm import citizen_ratings, feedback_answers, realizations, targets
from appraisal_service.domain import FeedbackAnswer, IndikatorInput


async def target_of(session: AsyncSession, agency_id: str, period_id: str, nip: str):
    return (await session.execute(
        select(targets).where(targets.c.agency_id == agency_id, targets.c.period_id == period_id, targets.c.nip == nip)
    )).first()


async def realization_count(session: AsyncSession, skp_id: str) -> int:
    return await session.scalar(select(func.count()).select_from(realizations).where(realizations.c.skp_id == skp_id))


async def latest_realizations(session: AsyncSession, skp_id: str) -> dict[str, float]:
    rows = (await session.execute(
        select(realizations.c.iki_id, realizations.c.value)
        .where(realizations.c.skp_id == skp_id)
        .order_by(realizations.c.recorded_at, realizations.c.realization_id)
    )).all()
    # The latest realisation of an indicator is its value for the appraisal.
    return {row.iki_id: row.value for row in rows}


def indikator_inputs(rhk: list[dict], realized: dict[str, float]) -> list[IndikatorInput]:
    return [
        IndikatorInput(
            iki_id=iki["iki_id"], rhk_id=r["rhk_id"], rhk_kind=RhkKind(r["kind"]), aspect=Aspect(iki["aspect"]),
            description=iki["description"], target=iki["target"], higher_is_better=iki["higher_is_better"],
            realization=realized.get(iki["iki_id"]),
        )
        for r in rhk
        for iki in r["indikator"]
    ]


async def feedback_of(session: AsyncSession, agency_id: str, period_id: str, nip: str) -> tuple[list[FeedbackAnswer], int]:
    rows = (await session.execute(
        select(feedback_answers.c.source, feedback_answers.c.ratings).where(
            feedback_answers.c.agency_id == agency_id, feedback_answers.c.period_id == period_id,
            feedback_answers.c.nip == nip,
        )
    )).all()
    answers = [
        FeedbackAnswer(FeedbackSource(row.source), BerakhlakValue(value), Ekspektasi(level))
        for row in rows
        for value, level in row.ratings.items()
    ]
    return answers, len(rows)


async def citizen_service_score(session: AsyncSession, agency_id: str, period_id: str, nip: str) -> float | None:
    """Citizens' ratings naming this officer as a score in -1..+1 (survey scale 1..4, 2.5 neutral)."""
    mean = await session.scalar(select(func.avg(citizen_ratings.c.mean_score)).where(
        citizen_ratings.c.agency_id == agency_id, citizen_ratings.c.period_id == period_id,
        citizen_ratings.c.officer_nip == nip,
    ))
    return None if mean is None else round((float(mean) - 2.5) / 1.5, 4)
