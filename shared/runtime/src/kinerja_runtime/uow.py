"""Unit of work: one database transaction holding the state change and its outgoing events."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import ClassVar

from kinerja_contracts import CloudEventAttributes, Event, EventTooLarge, encode_bounded
from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker

from kinerja_runtime import context, telemetry
from kinerja_runtime.clock import Clock, LocalDays
from kinerja_runtime.db import Executor
from kinerja_runtime.deferred import DeferredRows
from kinerja_runtime.refusals import TooLarge
from kinerja_runtime.tables import outbox

# Built once: every write that publishes sends it (building it per request cost about as much
# CPU as sending it).
_INSERT_OUTBOX = insert(outbox)


class UnitOfWork(LocalDays):
    """``async with uow:`` opens a transaction; ``commit()`` makes state and events durable together.

    A service subclasses it to carry its repositories (``uow.skps``, ``uow.rounds``, ``uow.roster``):
    :meth:`open_repositories` makes them on the transaction's session each time the unit opens,
    so use cases never touch the session and tests can swap the whole unit for a fake one.
    ``await uow.today(agency_id)`` is the agency's date (kinerja_runtime.clock.LocalDays): a
    service's unit of work answers :meth:`agency_timezones` from its agency registry.
    ``uow.tracing`` is the service's tracing (kinerja_runtime.telemetry; ``OFF`` unless configured):
    each outbox row keeps the context of the span current when it is written.
    """

    tracing: telemetry.Off = telemetry.OFF
    plain_connection: ClassVar[bool] = False
    """Set by a service whose repositories only run Core statements (execute, scalar, scalars; no
    flush, no ORM session events): its unit's ``session`` is then a plain connection, with the
    same statements, transaction and commit, without an ORM session's bookkeeping per request and
    the garbage it leaves for the collector (10-20 % of target-service's CPU per write request,
    in alternating runs)."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        source: str,
        on_commit: Callable[[], None] | None = None,
        clock: Clock | None = None,
    ):
        self._sessions = sessions
        self._source = source
        self._on_commit = on_commit
        self._published = 0
        self._at_commit = DeferredRows()
        self._after_commit: list[Callable[[], None]] = []
        self.clock = clock or Clock()
        self.session: Executor
        # The HTTP request this unit of work serves (None for a consumer or a background job):
        # the access log reads the caller and the route from it (kinerja_runtime.access_log).
        self.request = None

    async def __aenter__(self) -> "UnitOfWork":
        self.session = await self._connection() if self.plain_connection else self._sessions()
        self._published = 0
        self._at_commit = DeferredRows()
        self._after_commit = []
        self.open_repositories(self.session)
        return self

    async def _connection(self) -> AsyncConnection:
        connection = self._sessions.kw["bind"].connect()  # the sessions' engine
        await connection.start()
        return connection

    def open_repositories(self, session: Executor) -> None:
        """Make the service's repositories on ``session`` (a subclass's hook; none here)."""

    async def __aexit__(self, exc_type, exc, tb) -> None:
        await self.session.rollback()
        await self.session.close()

    async def commit(self) -> None:
        await self._at_commit.write(self.session)
        await self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()
        if self._published and self._on_commit:
            self._on_commit()
        self._published = 0

    async def publish(self, event: Event, subject: str | None = None) -> CloudEventAttributes:
        """Queue an event in the outbox, inside this transaction; the relay sends it after commit.

        An event over its type's documented maximum size is refused (413 problem+json naming
        the type, the size and the maximum) and, the transaction not being committed, nothing
        of the request is stored.
        """
        attributes, row = self._outbox_row(
            event, subject, context.correlation_id(), context.causation_id(), self.tracing.headers()
        )
        # Written with the commit, in the same statement as the access log's entry where there is one.
        self._at_commit.add(outbox, [row])
        self._published += 1
        return attributes

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once this unit commits (never on a rollback): e.g. wake a worker
        that would find nothing before the commit."""
        self._after_commit.append(callback)

    def insert_at_commit(self, table: Table, rows: list[dict]) -> None:
        """Rows that only need to land with the change (an access log's entries): written just
        before the commit, in one statement with the other such rows where the database allows
        (kinerja_runtime.deferred), not a round trip each."""
        self._at_commit.add(table, rows)

    async def publish_many(
        self, events: Sequence[Event], *, causes: Sequence[CloudEventAttributes] | None = None
    ) -> list[CloudEventAttributes]:
        """Queue many events in one statement (executemany), in order, inside this transaction.

        For a use case that announces something per employee of an agency (tens of thousands
        of events): one round trip instead of one per event. ``causes[i]``, when given, is the
        event that caused ``events[i]`` (its correlation carries on, it is named as cause);
        else the current context's ids are used, as for :meth:`publish`. Each event is checked
        against its bound as in :meth:`publish`.
        """
        events = list(events)
        if not events:
            return []
        published, rows = [], []
        tracing = self.tracing
        current_trace = tracing.headers()
        for i, event in enumerate(events):
            cause = causes[i] if causes is not None else None
            correlation, causation = (
                (cause.correlation_id or cause.id, cause.id)
                if cause is not None
                else (context.correlation_id(), context.causation_id())
            )
            # An event caused by one being applied continues that event's trace.
            trace = tracing.headers_for(cause.id) if cause is not None and tracing.on else current_trace
            attributes, row = self._outbox_row(event, None, correlation, causation, trace)
            published.append(attributes)
            rows.append(row)
        # The events published one by one before these go first: the outbox's order is theirs.
        await self._at_commit.write(self.session)
        await self.session.execute(_INSERT_OUTBOX, rows)
        self._published += len(rows)
        return published

    def _outbox_row(
        self,
        event: Event,
        subject: str | None,
        correlation_id: str | None,
        causation_id: str | None,
        trace: dict[str, str] | None = None,
    ) -> tuple[CloudEventAttributes, dict]:
        if event.superseded_by:
            raise ValueError(f"{event.event_type} is no longer produced; publish {event.superseded_by}")
        try:
            payload = encode_bounded(event)
        except EventTooLarge as exc:
            raise TooLarge(
                f"{exc}; shorten the request's texts or lists",
                limit="max_encoded_bytes",
                event_type=exc.event_type,
                size=exc.size,
                maximum=exc.maximum,
            ) from exc
        attributes = CloudEventAttributes.new(
            type=event.event_type,
            source=self._source,
            subject=subject or event.key(),
            agency=getattr(event, "agency_id", None),
            correlation_id=correlation_id,
            causation_id=causation_id,
        )
        headers = attributes.to_headers()
        if trace:
            headers.update(trace)  # ce_traceparent, ce_tracestate: the relay sends them as they are
        return attributes, {
            "event_id": attributes.id,
            "event_type": event.event_type,
            "topic": event.topic,
            "record_key": event.key(),
            "headers": headers,
            "payload": payload.decode(),
            "created_at": datetime.now(UTC),
        }


class UnitOfWorkFactory:
    """Makes a fresh UnitOfWork per use case; shared by HTTP routes and subscribers."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        source: str,
        on_commit: Callable[[], None] | None = None,
        *,
        kind: type[UnitOfWork] = UnitOfWork,
        clock: Clock | None = None,
        tracing: telemetry.Off = telemetry.OFF,
    ):
        self.sessions = sessions
        self.source = source
        self.on_commit = on_commit
        self.kind = kind
        self.clock = clock or Clock()
        self.tracing = tracing

    def __call__(self) -> UnitOfWork:
        uow = self.kind(self.sessions, self.source, self.on_commit, self.clock)
        uow.tracing = self.tracing
        return uow
