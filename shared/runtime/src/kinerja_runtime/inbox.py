"""Inbox: remembers which events a consumer has applied, in the same transaction as the effect."""

from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from kinerja_runtime.tables import inbox


async def already_processed(session: AsyncSession, consumer: str, event_id: str) -> bool:
    found = await session.scalar(
        select(inbox.c.event_id).where(inbox.c.consumer == consumer, inbox.c.event_id == event_id)
    )
    return found is not None


async def remember(session: AsyncSession, consumer: str, event_id: str, event_type: str) -> None:
    # A concurrent duplicate fails on the primary key at commit; the retry then sees it processed.
    await session.execute(
        insert(inbox).values(consumer=consumer, event_id=event_id, event_type=event_type, processed_at=datetime.now(UTC))
    )
