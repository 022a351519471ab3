"""Rebuilding a service's projections (its copies of other services' events: the roster every
consumer keeps, appraisal-service's targets and evidence, training-service's recognitions)
from the topics, through the service's own set-based consumer and projection handlers.

The inbox is the record of what the service applied, so it is kept, not cleared: in one
transaction the projection tables are emptied; then every topic the projections read is read
from its beginning to its end as it stood at the start (manual assignment, no consumer group,
no committed offset), and each event the inbox says the service applied is applied again by
the projection handlers, and only by them (``consumer.project``, ADR 0007). So nothing the
service does in reaction to an event (a plan made, an appraisal queued, an event published) runs
again, and an event the service has not applied yet is left to its consumer, which will apply it
whole. Projection handlers keep the newest state whatever the order events meet them in, so an
event met twice changes nothing.

The topics keep a year of events, and a broker that restarts may come back without them, so
they may no longer hold what the projections were built from. Before emptying anything the
rebuild compares: if a partition no longer starts at offset 0, or the inbox names more applied
events of the projections' types than the topics hold records, emptying would lose rows the
topics cannot give back, and the rebuild refuses unless told to accept that loss.

The service must be stopped meanwhile: its reads would see half a projection and its consumer
would write beside the rebuild. A replica holding the outbox relay lease is running, and the
rebuild refuses.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Table, delete, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from kinerja_runtime import inbox
from kinerja_runtime.admin import kafka
from kinerja_runtime.admin.guard import Refused
from kinerja_runtime.admin.output import instant
from kinerja_runtime.admin.progress import progress
from kinerja_runtime.admin.services import Service
from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.outbox import LEASE_NAME
from kinerja_runtime.tables import inbox as inbox_table
from kinerja_runtime.tables import relay_lease


class RebuildStopped(Exception):
    """An event the service applied before fails in its projection now."""


class _Rebuilding(EventConsumer):
    """The service's consumer as a rebuild runs it: only the events the inbox names are applied
    (the claim records nothing), and nothing is dead-lettered. A record the service dead-lettered
    when it came (never applied) is passed over as it was then; one it applied but cannot apply
    again stops the rebuild, to be looked at before it is run again."""

    async def _dead_letter(self, raw, headers: dict[str, str], reason: str, reason_class: str) -> None:
        event_id = headers.get("ce_id")
        if not event_id:
            return
        async with self.uows() as uow:
            applied = await inbox.processed_among(uow.session, self.service, [(event_id, "")])
        if applied:
            raise RebuildStopped(
                f"event {event_id} ({headers.get('ce_type', '?')}, {raw.topic}/{raw.partition}@{raw.offset}) was "
                f"applied before and its projection fails now: {reason}"
            )


def loss(span: kafka.Span, applied: int) -> str | None:
    """Why the topics can no longer give back every projected event (``applied``: how many
    the inbox says the service applied of the projections' types), or None."""
    trimmed = sorted(f"{tp.topic}/{tp.partition}" for tp, first in span.start.items() if first > 0)
    if trimmed:
        return f"the topics no longer hold their first records ({', '.join(trimmed)} start past offset 0)"
    if applied > span.total:
        return f"the service applied {applied} events of these types but the topics hold only {span.total} records"
    return None


async def rebuild(service: Service, *, accept_loss: bool = False) -> str:
    runtime = service.runtime
    settings = runtime.settings
    projections = runtime.consumer.projections()
    if not projections:
        raise Refused(
            f"{service.name} keeps no projections (it consumes no other service's events): nothing to rebuild"
        )
    await _refuse_while_running(service)
    consumer = _Rebuilding(
        runtime.broker,
        runtime.uows,
        runtime.consumer.service,
        claim=inbox.processed_among,
        max_attempts=settings.consumer_max_attempts,
        backoff_seconds=settings.consumer_backoff_seconds,
        batch_size=settings.consumer_batch_size,
    )
    for event_class, handler in projections:
        consumer.project(event_class, handler)
    tables = service.declared.projections
    applied = 0
    async with kafka.reader(settings) as reader:
        span = await kafka.span(reader, consumer.topics)
        lost = loss(span, await _applied(runtime.sessions, consumer.service, [c.event_type for c, _ in projections]))
        if lost and not accept_loss:
            raise Refused(
                f"{lost}: rebuilding would drop projected rows the topics cannot give back; "
                "run it with --accept-loss to rebuild only what the topics hold"
            )
        await _empty(runtime.sessions, tables)
        with progress(span.total, f"rebuilding {service.name}'s projections", "records") as bar:
            async for batch in kafka.read(reader, span, max_records=settings.consumer_batch_size):
                try:
                    applied += await consumer.consume(batch)
                except RebuildStopped as exc:
                    raise Refused(f"rebuild stopped: {exc}; fix the cause and run it again") from None
                bar.update(len(batch))
                bar.set_postfix_str(f"{applied} applied")
    counts = await _rows(runtime.sessions, tables)
    return (
        f"{service.name}'s projections rebuilt: {applied} events applied again from {span.total} records of "
        f"{', '.join(consumer.topics)} (the others are of types the projections do not keep, or not applied by "
        f"{service.name} yet); rows now: {', '.join(f'{name} {n}' for name, n in counts.items())}"
    )


async def _refuse_while_running(service: Service) -> None:
    async with service.runtime.sessions() as session:
        held_until = await session.scalar(select(relay_lease.c.expires_at).where(relay_lease.c.name == LEASE_NAME))
    if held_until is not None and held_until > datetime.now(UTC):
        raise Refused(
            f"{service.name} is running (a replica holds its outbox relay lease until {instant(held_until)}): stop it "
            "(scale it to 0 replicas) so nothing reads or writes its projections during the rebuild, then retry"
        )


async def _applied(sessions: async_sessionmaker, service: str, event_types: Sequence[str]) -> int:
    async with sessions() as session:
        return await session.scalar(
            select(func.count())
            .select_from(inbox_table)
            .where(inbox_table.c.consumer == service, inbox_table.c.event_type.in_(event_types))
        )


async def _empty(sessions: async_sessionmaker, tables: Sequence[Table]) -> None:
    async with sessions() as session, session.begin():
        for table in reversed(tables):
            await session.execute(delete(table))


async def _rows(sessions: async_sessionmaker, tables: Sequence[Table]) -> dict[str, int]:
    async with sessions() as session:
        return {t.name: await session.scalar(select(func.count()).select_from(t)) for t in tables}
