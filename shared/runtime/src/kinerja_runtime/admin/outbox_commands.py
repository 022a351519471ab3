"""The outbox as an operator works it (kinerja_runtime.outbox holds the rules): queue again the
rows the broker lost, list the rows it refused (parked), and queue those again once the cause
is fixed. The relay of a running replica of the service sends what is queued, in id order;
consumers' inboxes make a second copy of an event harmless."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kinerja_runtime.admin.output import counted, instant, shortened, table
from kinerja_runtime.admin.services import Service
from kinerja_runtime.outbox import parked_rows, replay_since, requeue_all_parked, requeue_parked
from kinerja_runtime.tables import outbox


async def replay(service: Service, since: datetime) -> str:
    queued = await replay_since(service.runtime.sessions, since)
    return (
        f"{counted(queued, 'outbox row')} of {service.name} created since {instant(since)} queued again; a running replica's "
        "relay sends them in order (parked rows stay parked: see `outbox parked list`)"
    )


async def parked(service: Service, *, agency: str | None, limit: int) -> str:
    rows = await parked_rows(service.runtime.sessions, agency=agency, limit=limit)
    if not rows:
        return f"no parked outbox rows in {service.name}" + (f" for agency {agency}" if agency else "")
    listing = table(
        ["EVENT ID", "TYPE", "TOPIC", "AGENCY", "CREATED", "PARKED", "BYTES", "REASON"],
        [
            [
                r.event_id,
                r.event_type,
                r.topic,
                r.agency,
                r.created_at,
                r.parked_at,
                r.payload_bytes,
                shortened(r.reason, 80),
            ]
            for r in rows
        ],
    )
    more = f" (the first {limit}; --limit shows more)" if len(rows) == limit else ""
    return f"{listing}\n{counted(len(rows), 'parked outbox row')}{more}"


@dataclass(frozen=True)
class Retried:
    message: str
    found: bool


async def retry(service: Service, event_id: str) -> Retried:
    sessions = service.runtime.sessions
    if await requeue_parked(sessions, event_id):
        return Retried(f"outbox row {event_id} queued again; a running replica's relay sends it next", True)
    async with sessions() as session:
        row = (await session.execute(select(outbox.c.published_at).where(outbox.c.event_id == event_id))).first()
    if row is None:
        return Retried(
            f"{service.name} has no outbox row with event id {event_id}; `outbox parked list` shows the parked ones",
            False,
        )
    state = "sent" if row.published_at is not None else "queued"
    return Retried(f"outbox row {event_id} is not parked (it is {state}): nothing to do", True)


async def retry_all(service: Service) -> str:
    queued = await requeue_all_parked(service.runtime.sessions)
    if not queued:
        return f"no parked outbox rows in {service.name}: nothing to do"
    return (
        f"{counted(queued, 'parked outbox row')} of {service.name} queued again; a running replica's relay sends "
        f"{'it' if queued == 1 else 'them'} next"
    )
