"""Reads the projections into the inputs the pure appraisal rules need.

``checkpoint`` narrows a read to one periodic checkpoint (realisations and feedback tagged
with its id, citizen answers dated inside it); None reads the whole year.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, FeedbackSource, RhkKind
from kinerja_runtime import roster
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters.orm import citizen_ratings, feedback_answers, realizations, targets
from appraisal_service.domain import FeedbackAnswer, IndikatorInput


@dataclass(frozen=True)
class Checkpoint:
    checkpoint_id: str
    name: str
    starts_on: date
    ends_on: date


async def checkpoint_of(session: AsyncSession, agency_id: str, period_id: str, checkpoint_id: str) -> Checkpoint | None:
    stored = await session.scalar(select(roster.known_periods.c.checkpoints).where(
        roster.known_periods.c.agency_id == agency_id, roster.known_periods.c.period_id == period_id,
    ))
    for item in stored or []:
        if item["checkpoint_id"] == checkpoint_id:
            return Checkpoint(item["checkpoint_id"], item["name"], date.fromisoformat(item["starts_on"]),
                              date.fromisoformat(item["ends_on"]))
    return None


async def targets_in_period(session: AsyncSession, agency_id: str, period_id: str) -> list:
    return (await session.execute(
        select(targets).where(targets.c.agency_id == agency_id, targets.c.period_id == period_id).order_by(targets.c.nip)
    )).all()


async def target_of(session: AsyncSession, agency_id: str, period_id: str, nip: str):
    return (await session.execute(
        select(targets).where(targets.c.agency_id == agency_id, targets.c.period_id == period_id, targets.c.nip == nip)
    )).first()


async def realization_count(session: AsyncSession, skp_id: str) -> int:
    return await session.scalar(select(func.count()).select_from(realizations).where(realizations.c.skp_id == skp_id))


async def latest_realizations(
    session: AsyncSession, skp_id: str, checkpoint: Checkpoint | None = None
) -> dict[str, float]:
    query = select(realizations.c.iki_id, realizations.c.value).where(realizations.c.skp_id == skp_id)
    if checkpoint is not None:
        query = query.where(realizations.c.checkpoint_id == checkpoint.checkpoint_id)
    rows = (await session.execute(query.order_by(realizations.c.recorded_at, realizations.c.realization_id))).all()
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


async def feedback_of(
    session: AsyncSession, agency_id: str, period_id: str, nip: str, checkpoint: Checkpoint | None = None
) -> tuple[list[FeedbackAnswer], int]:
    query = select(feedback_answers.c.source, feedback_answers.c.ratings).where(
        feedback_answers.c.agency_id == agency_id, feedback_answers.c.period_id == period_id,
        feedback_answers.c.nip == nip,
    )
    if checkpoint is not None:
        query = query.where(feedback_answers.c.checkpoint_id == checkpoint.checkpoint_id)
    rows = (await session.execute(query)).all()
    answers = [
        FeedbackAnswer(FeedbackSource(row.source), BerakhlakValue(value), Ekspektasi(level))
        for row in rows
        for value, level in row.ratings.items()
    ]
    return answers, len(rows)


async def citizen_service_score(
    session: AsyncSession, agency_id: str, period_id: str, nip: str, checkpoint: Checkpoint | None = None
) -> float | None:
    """Citizens' ratings naming this officer as a score in -1..+1 (survey scale 1..4, 2.5 neutral)."""
    query = select(func.avg(citizen_ratings.c.mean_score)).where(
        citizen_ratings.c.agency_id == agency_id, citizen_ratings.c.period_id == period_id,
        citizen_ratings.c.officer_nip == nip,
    )
    if checkpoint is not None:
        # Days are compared in UTC, as the events carry them.
        start = datetime.combine(checkpoint.starts_on, time.min, UTC)
        end = datetime.combine(checkpoint.ends_on + timedelta(days=1), time.min, UTC)
        query = query.where(citizen_ratings.c.answered_at >= start, citizen_ratings.c.answered_at < end)
    mean = await session.scalar(query)
    return None if mean is None else round((float(mean) - 2.5) / 1.5, 4)


# --- organisation ------------------------------------------------------------------


async def units_headed_by(session: AsyncSession, agency_id: str, nip: str) -> list[str]:
    return list((await session.scalars(select(roster.known_units.c.unit_id).where(
        roster.known_units.c.agency_id == agency_id, roster.known_units.c.head_nip == nip,
    ).order_by(roster.known_units.c.unit_id))).all())


async def unit_tree(session: AsyncSession, agency_id: str) -> dict[str, str | None]:
    rows = (await session.execute(select(roster.known_units.c.unit_id, roster.known_units.c.parent_unit_id).where(
        roster.known_units.c.agency_id == agency_id,
    ))).all()
    return {row.unit_id: row.parent_unit_id for row in rows}


async def members_of(session: AsyncSession, agency_id: str, unit_ids: set[str]) -> list[str]:
    return list((await session.scalars(select(roster.known_employees.c.nip).where(
        roster.known_employees.c.agency_id == agency_id, roster.known_employees.c.unit_id.in_(unit_ids),
    ).order_by(roster.known_employees.c.nip))).all())
