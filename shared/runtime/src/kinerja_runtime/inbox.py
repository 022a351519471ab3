"""Inbox: remembers which events a consumer has applied, in the same transaction as the effect."""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from kinerja_runtime.db import Executor, dialect_name
from kinerja_runtime.tables import inbox


async def claim(session: Executor, consumer: str, events: Sequence[tuple[str, str]]) -> set[str]:
    """Record ``(event_id, event_type)`` pairs as processed by ``consumer`` in one statement;
    returns the ids this call claimed, i.e. those no earlier transaction had.

    A concurrent transaction claiming the same id waits for the other to finish and then claims
    nothing, so each event's effect lands once.
    """
    if not events:
        return set()
    now = datetime.now(UTC)
    rows = [
        {"consumer": consumer, "event_id": event_id, "event_type": event_type, "processed_at": now}
        for event_id, event_type in dict(events).items()
    ]
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    # Rows as parameters of one cached statement (SQLAlchemy sends them as multi-row VALUES
    # batches), not compiled into its text each time.
    statement = (
        dialect.insert(inbox)
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(inbox.c.event_id)
    )
    return set((await session.scalars(statement, rows)).all())


async def already_processed(session: Executor, consumer: str, event_id: str) -> bool:
    found = await session.scalar(
        select(inbox.c.event_id).where(inbox.c.consumer == consumer, inbox.c.event_id == event_id)
    )
    return found is not None


async def processed_among(session: Executor, consumer: str, events: Sequence[tuple[str, str]]) -> set[str]:
    """Of ``(event_id, event_type)`` pairs, the ids ``consumer`` has processed, in one statement;
    records nothing. A projection rebuild applies these again and leaves the rest to the
    service's own consumer (kinerja_runtime.admin.rebuild)."""
    if not events:
        return set()
    ids = list(dict(events))
    found = await session.scalars(
        select(inbox.c.event_id).where(inbox.c.consumer == consumer, inbox.c.event_id.in_(ids))
    )
    return set(found.all())
