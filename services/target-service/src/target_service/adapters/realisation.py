"""Recorded realisations and the appraiser's feedback notes of an SKP."""

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from target_service.adapters.orm import realizations, rhk_feedback


async def add_realization(session: AsyncSession, **values) -> None:
    await session.execute(insert(realizations).values(**values))


async def realizations_of(session: AsyncSession, skp_id: str) -> list[dict]:
    rows = await session.execute(
        select(
            realizations.c.realization_id,
            realizations.c.iki_id,
            realizations.c.checkpoint_id,
            realizations.c.value,
            realizations.c.evidence,
            realizations.c.recorded_by,
            realizations.c.recorded_at,
        )
        .where(realizations.c.skp_id == skp_id)
        .order_by(realizations.c.recorded_at, realizations.c.realization_id)
    )
    return [dict(row._mapping) for row in rows]


async def add_feedback(session: AsyncSession, **values) -> None:
    await session.execute(insert(rhk_feedback).values(**values))


async def feedback_of(session: AsyncSession, skp_id: str) -> list[dict]:
    rows = await session.execute(
        select(
            rhk_feedback.c.feedback_id,
            rhk_feedback.c.rhk_id,
            rhk_feedback.c.checkpoint_id,
            rhk_feedback.c.note,
            rhk_feedback.c.given_by,
            rhk_feedback.c.given_at,
        )
        .where(rhk_feedback.c.skp_id == skp_id)
        .order_by(rhk_feedback.c.given_at, rhk_feedback.c.feedback_id)
    )
    return [dict(row._mapping) for row in rows]
