"""The shared roster projection applies by event time, not by arrival (issue 8, item 13):
feedback-service's own consumer, in-process on its migrated PostgreSQL database, is fed real
broker records whose CloudEvents times say which event is newer. A late or replayed older
registration, unit definition, period opening or agency registration never rolls the
projection back, whether it meets the newer event in one batch or comes in a later one; and a
batch of roster events costs the same statements however many it holds."""

import asyncio
import dataclasses
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from kinerja_contracts import (
    AgencyRegistered,
    CloudEventAttributes,
    EmployeeRegistered,
    EmployeeTransferred,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    WorkUnitDefined,
    encode,
)
from kinerja_contracts.vocabulary import AgencyKind, AgencyTimezone
from kinerja_runtime.migrations import upgrade_to_head
from sqlalchemy import event

pytestmark = pytest.mark.integration

T0 = datetime(2026, 1, 5, 8, tzinfo=UTC)
T1, T2, T3 = T0 + timedelta(hours=1), T0 + timedelta(hours=2), T0 + timedelta(hours=3)


@pytest.fixture
async def feedback(feedback_app, database_url):
    """feedback-service (not started: no subscriber competes for the records) on its migrated database."""
    import feedback_service.main

    app = feedback_app(database_url)
    await asyncio.to_thread(upgrade_to_head, Path(feedback_service.main.__file__).parent / "migrations", database_url)
    return app


@pytest.fixture
def send(publish_raw, broker, feedback):
    """``await send(batch, ...)``: each argument a list of (event, time) published now and then
    consumed, in that order, as one batch by feedback-service's consumer."""

    async def publish(event, at: datetime) -> tuple[str, int, int]:
        attributes = dataclasses.replace(CloudEventAttributes.for_event(event, "/kinerja/target-service"), time=at)
        meta = await publish_raw(event.topic, encode(event), event.key(), attributes.to_headers())
        return meta.topic, meta.partition, meta.offset

    async def consume(*batches: list[tuple[object, datetime]]) -> None:
        for batch in batches:
            positions = [await publish(e, at) for e, at in batch]
            await feedback.state.runtime.consumer.consume(await fetch(broker.bootstrap_servers, positions))

    return consume


async def fetch(bootstrap: str, positions: list[tuple[str, int, int]]) -> list:
    """The broker records at ``positions``, in that order, as the consumer receives them."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await reader.start()
    try:
        partitions = {(topic, partition) for topic, partition, _ in positions}
        reader.assign([TopicPartition(*tp) for tp in partitions])
        for topic, partition in partitions:
            reader.seek(
                TopicPartition(topic, partition), min(o for t, p, o in positions if (t, p) == (topic, partition))
            )
        wanted, found = set(positions), {}
        deadline = time.monotonic() + 30
        while not wanted <= set(found):
            assert time.monotonic() < deadline, "the published records could not be read back"
            for records in (await reader.getmany(timeout_ms=500)).values():
                found.update({(r.topic, r.partition, r.offset): r for r in records})
        return [found[p] for p in positions]
    finally:
        await reader.stop()


def registered(agency: str, nip: str, name: str = "Siti Rahayu", unit_id: str = "umum") -> EmployeeRegistered:
    return EmployeeRegistered(
        agency_id=agency, nip=nip, name=name, position="Analis SDM Aparatur", unit=f"Unit {unit_id}", unit_id=unit_id
    )


def transferred(source: str, destination: str, nip: str, unit_id: str = "keuangan") -> EmployeeTransferred:
    return EmployeeTransferred(
        agency_id=destination,
        nip=nip,
        previous_agency_id=source,
        unit_id=unit_id,
        unit=f"Unit {unit_id}",
        position="Analis Keuangan",
        effective_on=date(2026, 1, 5),
    )


def opened(agency: str, period_id: str, ends_on: date = date(2026, 12, 31)) -> PerformancePeriodOpened:
    return PerformancePeriodOpened(
        agency_id=agency, period_id=period_id, year=2026, starts_on=date(2026, 1, 1), ends_on=ends_on
    )


def closed(agency: str, period_id: str) -> PerformancePeriodClosed:
    return PerformancePeriodClosed(agency_id=agency, period_id=period_id, year=2026, closed_at=T2, employee_count=0)


def unit(agency: str, name: str, unit_id: str = "umum") -> WorkUnitDefined:
    return WorkUnitDefined(agency_id=agency, unit_id=unit_id, name=name, serves_public=False)


@pytest.fixture
def where_is(sql, database_url, agency):
    """``await where_is(nip)`` -> {agency: (name, unit_id)} over this test's two agencies."""

    async def find(nip: str) -> dict[str, tuple[str, str]]:
        rows = await sql(
            database_url,
            "SELECT agency_id, name, unit_id FROM known_employees WHERE nip = :n AND agency_id IN (:a, :b)",
            n=nip,
            a=agency,
            b=f"{agency}-b",
        )
        return {r["agency_id"]: (r["name"], r["unit_id"]) for r in rows}

    return find


async def test_an_older_registration_after_a_newer_transfer_leaves_the_transfer(send, where_is, agency, new_nip):
    a, b, nip = agency, f"{agency}-b", new_nip()
    await send([(registered(a, nip), T0)], [(transferred(a, b, nip), T1)])
    assert await where_is(nip) == {b: ("Siti Rahayu", "keuangan")}
    # The registration replayed (another event id) or delivered late: the employee stays where
    # the transfer put them, nor does an older change of the destination's row undo it.
    await send([(registered(a, nip), T0)], [(registered(b, nip, unit_id="umum"), T0)])
    assert await where_is(nip) == {b: ("Siti Rahayu", "keuangan")}
    # A newer change applies: the rule is by time, not first come.
    await send([(registered(b, nip, name="Siti Rahayu Putri", unit_id="keuangan"), T2)])
    assert await where_is(nip) == {b: ("Siti Rahayu Putri", "keuangan")}


async def test_a_registration_and_a_transfer_in_one_batch_leave_the_transfer_in_either_order(
    send,
    where_is,
    agency,
    new_nip,
):
    a, b = agency, f"{agency}-b"
    in_order, transfer_first, replayed = new_nip(), new_nip(), new_nip()
    await send([(registered(a, replayed), T0)])
    await send(
        [
            (registered(a, in_order), T0),
            (transferred(a, b, in_order), T1),
            (transferred(a, b, transfer_first), T1),
            (registered(a, transfer_first), T0),
            (transferred(a, b, replayed), T1),
            (registered(a, replayed), T0),
        ]
    )
    assert await where_is(in_order) == {b: ("Siti Rahayu", "keuangan")}
    assert await where_is(replayed) == {b: ("Siti Rahayu", "keuangan")}
    # Its registration never applied, so the transfer had no name to carry: only the NIP.
    assert await where_is(transfer_first) == {b: (transfer_first, "keuangan")}


async def test_a_replayed_period_opening_leaves_a_closed_period_closed(send, sql, database_url, agency):
    async def periods() -> dict[str, tuple[str, date]]:
        rows = await sql(
            database_url, "SELECT period_id, status, ends_on FROM known_periods WHERE agency_id = :a", a=agency
        )
        return {r["period_id"]: (r["status"], r["ends_on"]) for r in rows}

    short, full = date(2026, 6, 30), date(2026, 12, 31)
    # In separate batches: opened, its dates corrected, closed, then the first opening replayed.
    await send(
        [(opened(agency, "p-apart", short), T0)],
        [(opened(agency, "p-apart", full), T1)],
        [(closed(agency, "p-apart"), T2)],
        [(opened(agency, "p-apart", short), T0)],
    )
    # In one batch: the same, and a correction arriving before the opening it corrects.
    await send(
        [
            (opened(agency, "p-batch", short), T0),
            (closed(agency, "p-batch"), T2),
            (opened(agency, "p-batch", short), T0),
            (opened(agency, "p-open", full), T1),
            (opened(agency, "p-open", short), T0),
        ]
    )
    # A later opening after the close (a copy made later still) does not reopen it either.
    await send([(opened(agency, "p-apart", short), T3)])
    assert await periods() == {"p-apart": ("closed", full), "p-batch": ("closed", short), "p-open": ("open", full)}


async def test_a_unit_renamed_twice_keeps_the_newer_name_when_the_older_arrives_last(send, sql, database_url, agency):
    await send(
        [(unit(agency, "Bagian Umum"), T0)],
        [(unit(agency, "Bagian SDM"), T2)],
        [(unit(agency, "Bagian Umum dan Kepegawaian"), T1)],
    )
    await send(
        [
            (unit(agency, "Bagian Umum", "hukum"), T0),
            (unit(agency, "Bagian Hukum", "hukum"), T2),
            (unit(agency, "Bagian Hukum dan HAM", "hukum"), T1),
        ]
    )
    rows = await sql(database_url, "SELECT unit_id, name FROM known_units WHERE agency_id = :a", a=agency)
    assert {r["unit_id"]: r["name"] for r in rows} == {"umum": "Bagian SDM", "hukum": "Bagian Hukum"}


async def test_a_roster_batch_costs_the_same_statements_for_5_employees_as_for_60(send, feedback, agency, new_nip):
    sent: list[str] = []
    engine = feedback.state.runtime.engine.sync_engine

    def seen(_conn, _cursor, statement, *_):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    counts = {}
    try:
        for size in (5, 60):
            a, b = f"{agency}-{size}", f"{agency}-{size}-b"
            batch = []
            for i in range(size):
                nip = new_nip()
                batch += [
                    (registered(a, nip), T0),
                    (transferred(a, b, nip), T1),
                    (registered(a, nip), T0),
                    (unit(a, f"Unit {i}", f"u{i}"), T1),
                    (opened(a, f"p{i}"), T0),
                    (closed(a, f"p{i}"), T2),
                ]
            before = len(sent)
            await send(batch)
            counts[size] = len(sent) - before
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert counts[5] == counts[60], counts


async def test_a_departure_older_than_the_employees_topic_keeps_its_records_is_purged(
    send,
    sql,
    database_url,
    agency,
    new_nip,
):
    """Any event still on the topic is newer than such a departure, so it decides nothing: kept,
    it would be personal data kept for nothing."""
    a, b, early, later = agency, f"{agency}-b", new_nip(), new_nip()
    year_on = T0 + timedelta(days=366)
    await send([(registered(a, early), T0), (registered(a, later), T0)], [(transferred(a, b, early), T1)])
    await send([(transferred(a, b, later), year_on)])
    rows = await sql(database_url, "SELECT nip FROM known_departures WHERE agency_id = :a", a=a)
    assert rows == [{"nip": later}]


async def test_an_agency_moves_zone_only_by_a_newer_registration(send, sql, database_url, agency):
    def agency_in(zone: AgencyTimezone, name: str = "Dinas Papua") -> AgencyRegistered:
        return AgencyRegistered(agency_id=agency, name=name, kind=AgencyKind.DINAS, timezone=zone)

    async def zone() -> list[dict]:
        return await sql(database_url, "SELECT name, timezone FROM known_agencies WHERE agency_id = :a", a=agency)

    # In one batch, the newer first: the older (a late copy) leaves it; in a later batch too.
    await send([(agency_in(AgencyTimezone.WIT), T1), (agency_in(AgencyTimezone.WIB, "Nama Lama"), T0)])
    assert await zone() == [{"name": "Dinas Papua", "timezone": "Asia/Jayapura"}]
    await send([(agency_in(AgencyTimezone.WIB, "Nama Lama"), T0)])
    assert await zone() == [{"name": "Dinas Papua", "timezone": "Asia/Jayapura"}]
    await send([(agency_in(AgencyTimezone.WITA), T2)])
    assert await zone() == [{"name": "Dinas Papua", "timezone": "Asia/Makassar"}]
