"""Reading appraisal rows: one by id, the latest of a scope, a revision lineage."""

from kinerja_runtime import roster
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters.orm import appraisals, objections
from appraisal_service.adapters.projections import keyed

CURRENT = ("proposed", "final")  # a superseded revision stays readable but is not current


def scope_of(checkpoint_id: str | None) -> str:
    return "annual" if checkpoint_id is None else f"periodic:{checkpoint_id}"


async def get(session: AsyncSession, agency_id: str, appraisal_id: str):
    return (
        await session.execute(
            select(appraisals).where(
                appraisals.c.agency_id == agency_id,
                appraisals.c.appraisal_id == appraisal_id,
            )
        )
    ).first()


async def latest_in_scope(session: AsyncSession, agency_id: str, period_id: str, nip: str, scope: str):
    return (
        await session.execute(
            select(appraisals)
            .where(
                appraisals.c.agency_id == agency_id,
                appraisals.c.period_id == period_id,
                appraisals.c.nip == nip,
                appraisals.c.scope == scope,
            )
            .order_by(appraisals.c.revision.desc())
            .limit(1)
        )
    ).first()


async def current_appraiser(session: AsyncSession, agency_id: str, nip: str) -> str | None:
    """Who appraises ``nip`` now by the roster; None when nobody does or the employee left it."""
    return await session.scalar(
        select(roster.known_employees.c.appraiser_nip).where(
            roster.known_employees.c.agency_id == agency_id,
            roster.known_employees.c.nip == nip,
        )
    )


async def lineage(session: AsyncSession, row) -> list:
    """Every revision of the same result, oldest first."""
    return (
        await session.execute(
            select(appraisals)
            .where(
                appraisals.c.agency_id == row.agency_id,
                appraisals.c.period_id == row.period_id,
                appraisals.c.nip == row.nip,
                appraisals.c.scope == row.scope,
            )
            .order_by(appraisals.c.revision)
        )
    ).all()


async def objections_on(session: AsyncSession, agency_id: str, appraisal_ids: list[str]) -> list:
    return (
        await session.execute(
            select(objections)
            .where(
                objections.c.agency_id == agency_id,
                objections.c.appraisal_id.in_(appraisal_ids),
            )
            .order_by(objections.c.filed_at)
        )
    ).all()


async def objection(session: AsyncSession, agency_id: str, objection_id: str):
    return (
        await session.execute(
            select(objections).where(
                objections.c.agency_id == agency_id,
                objections.c.objection_id == objection_id,
            )
        )
    ).first()


async def latest_in_scope_of(session: AsyncSession, keys, scope: str) -> dict:
    """The latest revision of ``scope`` per (agency_id, period_id, nip) among ``keys``, in one statement."""
    rows = (
        await session.execute(
            select(appraisals)
            .where(keyed(appraisals, keys), appraisals.c.scope == scope)
            .order_by(appraisals.c.revision)
        )
    ).all()
    return {(r.agency_id, r.period_id, r.nip): r for r in rows}


async def by_ids(session: AsyncSession, appraisal_ids) -> dict:
    ids = sorted(set(appraisal_ids))
    if not ids:
        return {}
    rows = (await session.execute(select(appraisals).where(appraisals.c.appraisal_id.in_(ids)))).all()
    return {r.appraisal_id: r for r in rows}


async def insert_objection(session: AsyncSession, values: dict) -> bool:
    """File an objection unless the result has one already (a concurrent one included);
    returns whether this one was filed."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(objections).values(**values).on_conflict_do_nothing(index_elements=["appraisal_id"])
    return (await session.execute(statement.returning(objections.c.objection_id))).first() is not None
