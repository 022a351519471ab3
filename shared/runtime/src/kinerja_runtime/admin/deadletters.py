"""The dead-letter topic as an operator works it: list and show its records (filtered by
consumer, event type, reason, agency and time), and replay them to the topic they came from.

A record there is the original record (value, key, ``ce_*`` headers) with where it came from
and why in ``dlq_*`` headers (kinerja_runtime.messaging.EventConsumer._dead_letter). The topic
is read from the beginning by manual assignment: no group, no committed offset. Payloads may
hold personal data (and a feedback answer must stay anonymous): what is shown of a record is its
headers, its reason and its size, the payload only when asked for.

A replay sends the record back to its original topic with its key and headers, less the
``dlq_*`` ones, plus ``kinerja_replay_id`` and ``kinerja_replayed_at``; every consumer's inbox
makes it harmless to those that applied it. What was replayed is recorded in the service's
database (``dead_letter_replays``), so a replay run again sends nothing new unless told
``again``.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import ConsumerRecord
from kinerja_contracts.catalogue import DEAD_LETTER
from sqlalchemy import select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import async_sessionmaker

from kinerja_runtime.admin import kafka
from kinerja_runtime.admin.progress import progress
from kinerja_runtime.admin.services import Service
from kinerja_runtime.settings import ServiceSettings
from kinerja_runtime.tables import dead_letter_replays

REPLAY_ID = "kinerja_replay_id"
REPLAYED_AT = "kinerja_replayed_at"
CHUNK = 500


@dataclass(frozen=True)
class DeadLetter:
    """One record of the dead-letter topic."""

    partition: int
    offset: int
    at: datetime
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @classmethod
    def of(cls, record: ConsumerRecord) -> "DeadLetter":
        headers = {k: v.decode(errors="replace") if isinstance(v, bytes) else v for k, v in (record.headers or ())}
        at = datetime.fromtimestamp(record.timestamp / 1000, UTC)
        return cls(record.partition, record.offset, at, record.key, record.value or b"", headers)

    @property
    def ref(self) -> str:
        """How an operator names it: its partition and offset in the dead-letter topic."""
        return f"{self.partition}:{self.offset}"

    @property
    def place(self) -> tuple[int, int, str]:
        return self.partition, self.offset, self.event_id

    @property
    def event_id(self) -> str:
        return self.headers.get("ce_id", "")

    @property
    def event_type(self) -> str:
        return self.headers.get("ce_type", "")

    @property
    def consumer(self) -> str:
        return self.headers.get("dlq_consumer", "")

    @property
    def agency(self) -> str | None:
        return self.headers.get("ce_agency")

    @property
    def reason(self) -> str:
        return self.headers.get("dlq_error", "")

    @property
    def reason_class(self) -> str:
        """The kind of failure, as the dead-letter metric and alert name it (decode_error, ...)."""
        return self.headers.get("dlq_reason", "")

    @property
    def original_topic(self) -> str:
        return self.headers.get("dlq_original_topic", "")

    @property
    def origin(self) -> str:
        """Where the record was when the consumer gave up on it: topic/partition@offset."""
        h = self.headers
        return f"{self.original_topic}/{h.get('dlq_original_partition', '?')}@{h.get('dlq_original_offset', '?')}"

    def replay_headers(self, replay_id: str, at: datetime) -> list[tuple[str, bytes]]:
        """The original headers, less where it was dead-lettered and why, plus this delivery's."""
        kept = {k: v for k, v in self.headers.items() if not k.startswith("dlq_")}
        kept |= {REPLAY_ID: replay_id, REPLAYED_AT: at.isoformat()}
        return [(k, v.encode()) for k, v in kept.items()]


@dataclass(frozen=True)
class Filter:
    """Which dead letters a command takes; a criterion left None takes all."""

    consumer: str | None = None
    event_type: str | None = None
    reason: str | None = None
    agency: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def __call__(self, letter: DeadLetter) -> bool:
        return (
            (self.consumer is None or letter.consumer == self.consumer)
            and (self.event_type is None or is_type(self.event_type, letter.event_type))
            and (self.reason is None or self._reason_in(letter))
            and (self.agency is None or letter.agency == self.agency)
            and (self.since is None or letter.at >= self.since)
            and (self.until is None or letter.at < self.until)
        )

    def _reason_in(self, letter: DeadLetter) -> bool:
        """The text is in the reason, or is its class, so what an alert names finds its letters."""
        wanted = (self.reason or "").casefold()
        return wanted in letter.reason.casefold() or wanted == letter.reason_class.casefold()


def is_type(wanted: str, event_type: str) -> bool:
    """``wanted`` is the CloudEvents type (kinerja.target.TargetSet.v1) or the event's name
    (TargetSet), in any case."""
    wanted = wanted.casefold()
    parts = event_type.casefold().split(".")
    return wanted == event_type.casefold() or (len(parts) >= 2 and wanted == parts[-2])


async def read(settings: ServiceSettings, wanted: Filter) -> tuple[list[DeadLetter], int]:
    """The dead letters ``wanted`` takes, as the topic stands now, and how many records were read."""
    found: list[DeadLetter] = []
    async with kafka.reader(kafka.as_operator(settings)) as consumer:
        span = await kafka.span(consumer, [DEAD_LETTER.name])
        with progress(span.total, "reading the dead letters", "records") as bar:
            async for batch in kafka.read(consumer, span):
                found += [letter for letter in map(DeadLetter.of, batch) if wanted(letter)]
                bar.update(len(batch))
    found.sort(key=lambda letter: (letter.at, letter.partition, letter.offset))
    return found, span.total


async def replays_of(sessions: async_sessionmaker, letters: Sequence[DeadLetter]) -> dict[tuple, datetime]:
    """When each of ``letters`` was last replayed, for those that were."""
    t = dead_letter_replays
    found: dict[tuple, datetime] = {}
    async with sessions() as session:
        for start in range(0, len(letters), CHUNK):
            places = [letter.place for letter in letters[start : start + CHUNK]]
            rows = await session.execute(
                select(t.c.dead_letter_partition, t.c.dead_letter_offset, t.c.event_id, t.c.replayed_at).where(
                    tuple_(t.c.dead_letter_partition, t.c.dead_letter_offset, t.c.event_id).in_(places)
                )
            )
            found |= {(r[0], r[1], r[2]): r[3] for r in rows}
    return found


@dataclass(frozen=True)
class Replayed:
    sent: int
    left: int  # replayed before, not sent again
    replay_id: str


async def replay(service: Service, letters: Sequence[DeadLetter], *, again: bool) -> Replayed:
    """Send ``letters`` back to their topics, those replayed before only when ``again``; record
    each as it is acknowledged, a chunk at a time (a replay cut short is taken up by running it
    again)."""
    runtime = service.runtime
    before = await replays_of(runtime.sessions, letters)
    to_send = [letter for letter in letters if again or letter.place not in before]
    replay_id = str(uuid.uuid4())
    with progress(len(to_send), "replaying", "records") as bar:
        async with kafka.writer(kafka.as_operator(runtime.settings)) as producer:
            for start in range(0, len(to_send), CHUNK):
                chunk = to_send[start : start + CHUNK]
                at = datetime.now(UTC)
                acknowledgements = [
                    await producer.send(
                        letter.original_topic,
                        letter.value,
                        key=letter.key,
                        headers=letter.replay_headers(replay_id, at),
                    )
                    for letter in chunk
                ]
                for acknowledgement in acknowledgements:
                    await acknowledgement
                await _record(runtime.sessions, chunk, replay_id, at)
                bar.update(len(chunk))
    return Replayed(len(to_send), len(letters) - len(to_send), replay_id)


async def _record(sessions: async_sessionmaker, letters: Sequence[DeadLetter], replay_id: str, at: datetime) -> None:
    rows = [
        {
            "dead_letter_partition": letter.partition,
            "dead_letter_offset": letter.offset,
            "event_id": letter.event_id,
            "event_type": letter.event_type,
            "consumer": letter.consumer,
            "original_topic": letter.original_topic,
            "replay_id": replay_id,
            "replayed_at": at,
        }
        for letter in letters
    ]
    async with sessions() as session, session.begin():
        dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(dead_letter_replays)
        await session.execute(
            insert.on_conflict_do_update(
                index_elements=["dead_letter_partition", "dead_letter_offset", "event_id"],
                set_={"replay_id": insert.excluded.replay_id, "replayed_at": insert.excluded.replayed_at},
            ),
            rows,
        )
