"""Reads the projections into the inputs the pure appraisal rules need.

``checkpoint`` narrows a read to one periodic checkpoint (realisations and feedback tagged
with its id, citizen answers dated inside it); None reads the whole year.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, FeedbackSource, RhkKind
from kinerja_runtime import bulk, roster
from sqlalchemy import and_, func, or_, select
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
    stored = await session.scalar(
        select(roster.known_periods.c.checkpoints).where(
            roster.known_periods.c.agency_id == agency_id,
            roster.known_periods.c.period_id == period_id,
        )
    )
    for item in stored or []:
        if item["checkpoint_id"] == checkpoint_id:
            return Checkpoint(
                item["checkpoint_id"],
                item["name"],
                date.fromisoformat(item["starts_on"]),
                date.fromisoformat(item["ends_on"]),
            )
    return None


async def targets_in_period(session: AsyncSession, agency_id: str, period_id: str) -> list:
    """The employees (``.nip``) with an approved SKP in the period."""
    return (
        await session.execute(
            select(targets.c.nip)
            .where(targets.c.agency_id == agency_id, targets.c.period_id == period_id)
            .order_by(targets.c.nip)
        )
    ).all()


async def target_of(session: AsyncSession, agency_id: str, period_id: str, nip: str):
    return (
        await session.execute(
            select(targets).where(
                targets.c.agency_id == agency_id, targets.c.period_id == period_id, targets.c.nip == nip
            )
        )
    ).first()


async def realization_count(session: AsyncSession, skp_id: str) -> int:
    return await session.scalar(select(func.count()).select_from(realizations).where(realizations.c.skp_id == skp_id))


def indikator_inputs(rhk: list[dict], realized: dict[str, float]) -> list[IndikatorInput]:
    return [
        IndikatorInput(
            iki_id=iki["iki_id"],
            rhk_id=r["rhk_id"],
            rhk_kind=RhkKind(r["kind"]),
            aspect=Aspect(iki["aspect"]),
            description=iki["description"],
            target=iki["target"],
            higher_is_better=iki["higher_is_better"],
            realization=realized.get(iki["iki_id"]),
        )
        for r in rhk
        for iki in r["indikator"]
    ]


async def feedback_of(
    session: AsyncSession, agency_id: str, period_id: str, nip: str, checkpoint: Checkpoint | None = None
) -> tuple[list[FeedbackAnswer], int]:
    query = select(feedback_answers.c.source, feedback_answers.c.ratings).where(
        feedback_answers.c.agency_id == agency_id,
        feedback_answers.c.period_id == period_id,
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


# --- organisation ------------------------------------------------------------------


async def unit_tree(session: AsyncSession, agency_id: str) -> dict[str, str | None]:
    rows = (
        await session.execute(
            select(roster.known_units.c.unit_id, roster.known_units.c.parent_unit_id).where(
                roster.known_units.c.agency_id == agency_id,
            )
        )
    ).all()
    return {row.unit_id: row.parent_unit_id for row in rows}


# --- bulk reads: one statement per kind for a whole batch of employees ----------------

Key = tuple[str, str, str]
"""(agency_id, period_id, nip): one employee's year."""

_SOURCES = {s.value: s for s in FeedbackSource}
_VALUES = {v.value: v for v in BerakhlakValue}
_LEVELS = {e.value: e for e in Ekspektasi}


@dataclass(frozen=True)
class Target:
    agency_id: str
    period_id: str
    nip: str
    skp_id: str
    version: int
    rhk: list


@dataclass
class Realized:
    """An SKP's realisations: the latest value per IKI and how many were recorded."""

    latest: dict[str, float] = field(default_factory=dict)
    count: int = 0


@dataclass
class Evidence:
    """One employee's 360 answers (as many forms) and citizens' score, of the year or a checkpoint."""

    answers: list[FeedbackAnswer] = field(default_factory=list)
    forms: int = 0
    citizen_score: float | None = None


def keyed(table, keys: Iterable[Key], nip_column: str = "nip"):
    """The rows of ``keys`` ((agency, period, nip) triples), one index range per agency and period."""
    return bulk.keyed_in(table, ["agency_id", "period_id", nip_column], keys)


async def targets_of(session: AsyncSession, keys: Iterable[Key]) -> dict[Key, Target]:
    rows = (await session.execute(select(targets).where(keyed(targets, keys)))).all()
    return {
        (r.agency_id, r.period_id, r.nip): Target(r.agency_id, r.period_id, r.nip, r.skp_id, r.version, r.rhk)
        for r in rows
    }


async def realizations_of(
    session: AsyncSession, skp_ids: Iterable[str], checkpoint: Checkpoint | None = None
) -> dict[str, Realized]:
    skp_ids = sorted(set(skp_ids))
    if not skp_ids:
        return {}
    query = select(realizations.c.skp_id, realizations.c.iki_id, realizations.c.value).where(
        realizations.c.skp_id.in_(skp_ids)
    )
    if checkpoint is not None:
        query = query.where(realizations.c.checkpoint_id == checkpoint.checkpoint_id)
    found: dict[str, Realized] = defaultdict(Realized)
    # In recording order, so the latest realisation of an indicator is its value.
    for row in (await session.execute(query.order_by(realizations.c.recorded_at, realizations.c.realization_id))).all():
        realized = found[row.skp_id]
        realized.latest[row.iki_id] = row.value
        realized.count += 1
    return dict(found)


async def evidence_of(
    session: AsyncSession, keys: Iterable[Key], checkpoint: Checkpoint | None = None
) -> dict[Key, Evidence]:
    """Feedback answers and citizens' score per employee: two statements for all ``keys``."""
    keys = list(keys)
    found: dict[Key, Evidence] = defaultdict(Evidence)
    query = select(
        feedback_answers.c.agency_id,
        feedback_answers.c.period_id,
        feedback_answers.c.nip,
        feedback_answers.c.source,
        feedback_answers.c.ratings,
        feedback_answers.c.round_id,
    ).where(keyed(feedback_answers, keys))
    if checkpoint is not None:
        query = query.where(feedback_answers.c.checkpoint_id == checkpoint.checkpoint_id)
    for row in (await session.execute(query)).all():
        evidence = found[row.agency_id, row.period_id, row.nip]
        source = _SOURCES[row.source]
        evidence.answers.extend(
            FeedbackAnswer(source, _VALUES[v], _LEVELS[level], row.round_id) for v, level in row.ratings.items()
        )
        evidence.forms += 1
    officer = citizen_ratings.c.officer_nip
    query = select(
        citizen_ratings.c.agency_id,
        citizen_ratings.c.period_id,
        officer,
        func.avg(citizen_ratings.c.mean_score).label("mean"),
    ).where(keyed(citizen_ratings, keys, "officer_nip"))
    if checkpoint is not None:
        start = datetime.combine(checkpoint.starts_on, time.min, UTC)
        end = datetime.combine(checkpoint.ends_on + timedelta(days=1), time.min, UTC)
        query = query.where(citizen_ratings.c.answered_at >= start, citizen_ratings.c.answered_at < end)
    query = query.group_by(citizen_ratings.c.agency_id, citizen_ratings.c.period_id, officer)
    for row in (await session.execute(query)).all():
        found[row.agency_id, row.period_id, row.officer_nip].citizen_score = _citizen_score(row.mean)
    return dict(found)


def _citizen_score(mean) -> float:
    """Survey scale 1..4 (2.5 neutral) as a score in -1..+1."""
    return round((float(mean) - 2.5) / 1.5, 4)


async def employees_of(
    session: AsyncSession, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], roster.KnownEmployee]:
    """Roster entries by (agency_id, nip)."""
    by_agency: dict[str, set[str]] = defaultdict(set)
    for agency_id, nip in keys:
        by_agency[agency_id].add(nip)
    if not by_agency:
        return {}
    table = roster.known_employees
    rows = (
        await session.execute(
            select(*roster.EMPLOYEE_COLUMNS).where(
                or_(
                    *(
                        and_(table.c.agency_id == agency_id, table.c.nip.in_(sorted(nips)))
                        for agency_id, nips in by_agency.items()
                    )
                )
            )
        )
    ).all()
    return {(r.agency_id, r.nip): roster.KnownEmployee(**r._mapping) for r in rows}


async def units_of(session: AsyncSession, agency_ids: Iterable[str]) -> dict[str, list[roster.KnownUnit]]:
    """Every agency's organisation tree (units are few next to employees)."""
    table = roster.known_units
    rows = (
        await session.execute(
            select(*roster.UNIT_COLUMNS)
            .where(table.c.agency_id.in_(sorted(set(agency_ids))))
            .order_by(table.c.agency_id, table.c.unit_id)
        )
    ).all()
    found: dict[str, list[roster.KnownUnit]] = defaultdict(list)
    for r in rows:
        found[r.agency_id].append(roster.KnownUnit(**r._mapping))
    return found


async def member_inputs(
    session: AsyncSession,
    periods: Iterable[tuple[str, str]],
    units: Iterable[tuple[str, str]],
    checkpoint: Checkpoint | None = None,
) -> tuple[dict[Key, str], dict[Key, Target], dict[str, Realized]]:
    """Everyone working in ``units`` ((agency_id, unit_id) pairs) with their targets and
    realisations in ``periods`` ((agency_id, period_id)): the inputs of unit results, in three
    statements however large the units (joins, not lists of NIPs)."""
    units, periods = sorted(set(units)), sorted(set(periods))
    if not units or not periods:
        return {}, {}, {}
    employees = roster.known_employees
    in_units = or_(*(and_(employees.c.agency_id == a, employees.c.unit_id.in_(u)) for a, u in _grouped(units).items()))
    in_periods = or_(
        *(and_(targets.c.agency_id == a, targets.c.period_id.in_(p)) for a, p in _grouped(periods).items())
    )
    members: dict[Key, str] = {}
    rows = (
        await session.execute(select(employees.c.agency_id, employees.c.nip, employees.c.unit_id).where(in_units))
    ).all()
    by_agency: dict[str, list] = defaultdict(list)
    for r in rows:
        by_agency[r.agency_id].append(r)
    for agency_id, period_id in periods:
        for r in by_agency.get(agency_id, []):
            members[agency_id, period_id, r.nip] = r.unit_id
    joined = targets.join(
        employees, and_(employees.c.agency_id == targets.c.agency_id, employees.c.nip == targets.c.nip)
    )
    found = {
        (r.agency_id, r.period_id, r.nip): Target(r.agency_id, r.period_id, r.nip, r.skp_id, r.version, r.rhk)
        for r in (await session.execute(select(targets).select_from(joined).where(in_periods, in_units))).all()
    }
    query = (
        select(realizations.c.skp_id, realizations.c.iki_id, realizations.c.value)
        .select_from(
            realizations.join(targets, targets.c.skp_id == realizations.c.skp_id).join(
                employees, and_(employees.c.agency_id == targets.c.agency_id, employees.c.nip == targets.c.nip)
            )
        )
        .where(in_periods, in_units)
    )
    if checkpoint is not None:
        query = query.where(realizations.c.checkpoint_id == checkpoint.checkpoint_id)
    realized: dict[str, Realized] = defaultdict(Realized)
    for row in (await session.execute(query.order_by(realizations.c.recorded_at, realizations.c.realization_id))).all():
        realized[row.skp_id].latest[row.iki_id] = row.value
        realized[row.skp_id].count += 1
    return members, found, dict(realized)


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for first, second in pairs:
        found[first].append(second)
    return found
