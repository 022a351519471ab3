"""kinerja-admin against the real parts: PostgreSQL, the embedded broker and the services'
own code, driven through the CLI's main function (and once as the installed console script),
with the environment an operator gives it (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS)."""

import asyncio
import re
import subprocess
import sys
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from kinerja_contracts import (
    EmployeePeriodClosed,
    EmployeeRegistered,
    FeedbackReceived,
    PerformancePeriodOpened,
    RealizationRecorded,
    TargetSet,
)
from kinerja_contracts.vocabulary import BerakhlakValue

pytestmark = pytest.mark.integration

DEAD_LETTER = "kinerja.deadletter"
EMPLOYEES = "kinerja.employees"
PERIOD = "2025"


@pytest.fixture
def admin(monkeypatch, capsys, broker):
    """``await admin(database_url, *argv, bootstrap=None)`` -> (exit status, stdout, stderr)."""
    from kinerja_runtime.admin.cli import main

    async def run(database_url: str, *argv: str, bootstrap: str | None = None) -> tuple[int, str, str]:
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", bootstrap or broker.bootstrap_servers)
        capsys.readouterr()
        status = await asyncio.to_thread(main, list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def settings_of(service: str, database_url: str, bootstrap: str, **overrides):
    from appraisal_service.settings import AppraisalSettings
    from kinerja_runtime.settings import ServiceSettings

    kind = AppraisalSettings if service == "appraisal-service" else ServiceSettings
    return kind(
        service_name=service,
        database_url=database_url,
        kafka_bootstrap_servers=bootstrap,
        # Its own group: no test waits for the broker to rebalance a group an earlier test left.
        consumer_group=f"{service}-{zlib.crc32(database_url.encode()):08x}",
        consumer_backoff_seconds=0.05,
        log_json=False,
        log_level="WARNING",
        **overrides,
    )


def target_app(database_url: str, bootstrap: str, **overrides):
    from target_service.main import create_app

    return create_app(settings_of("target-service", database_url, bootstrap, **overrides))


def feedback_app(database_url: str, bootstrap: str, **overrides):
    from feedback_service.main import create_app

    return create_app(settings_of("feedback-service", database_url, bootstrap, **overrides))


def appraisal_app(database_url: str, bootstrap: str):
    from appraisal_service.main import create_app

    return create_app(settings_of("appraisal-service", database_url, bootstrap))


async def publish(app, events) -> list[str]:
    """Commit ``events`` to the service's outbox, as a use case does; their event ids."""
    async with app.state.runtime.uows() as uow:
        published = await uow.publish_many(events)
        await uow.commit()
    return [attributes.id for attributes in published]


def employee(agency: str, nip: str, name: str = "Siti Rahayu") -> EmployeeRegistered:
    return EmployeeRegistered(agency_id=agency, nip=nip, name=name, position="Analis SDM Aparatur", unit="Umum")


@pytest.fixture
def fresh_broker(broker, tmp_path):
    """``fresh_broker()`` -> a new, empty embedded broker with the catalogue's topics: a broker
    that lost its data (Tansu keeps topics in memory). All are stopped after the test."""
    from kinerja_runtime.embedded_broker import EmbeddedBroker

    if broker.external:
        pytest.skip("needs the embedded broker: an external one cannot be made to lose its topics")
    started: list[EmbeddedBroker] = []

    def start() -> EmbeddedBroker:
        instance = EmbeddedBroker(log_file=tmp_path / f"tansu-{len(started)}.log")
        with ThreadPoolExecutor(1) as pool:  # start() runs its own event loop
            pool.submit(instance.start).result()
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.stop()


async def test_a_database_of_another_service_or_none_is_refused(admin, postgres_url_factory):
    from kinerja_runtime.migrations import upgrade_to_head

    feedback_db = postgres_url_factory("admin-feedback")
    import feedback_service.main

    await asyncio.to_thread(upgrade_to_head, Path(feedback_service.main.__file__).parent / "migrations", feedback_db)

    # training-service's head has feedback-service's revision id: its tables tell them apart.
    status, out, err = await admin(feedback_db, "outbox", "parked", "list", "--service", "training-service")
    assert (status, out) == (1, "")
    assert "lacks training-service's tables" in err and err.count("\n") == 1, err

    status, _, err = await admin(feedback_db, "deadletter", "list", "--service", "target-service")
    assert status == 1 and "is at revision 0009_recognitions, which is not one of target-service's" in err, err

    status, _, err = await admin(postgres_url_factory("admin-empty"), "projections", "rebuild", "feedback-service")
    assert status == 1 and "holds no Kinerja schema" in err, err

    status, out, _ = await admin(feedback_db, "outbox", "parked", "list", "--service", "feedback-service")
    assert (status, out) == (0, "no parked outbox rows in feedback-service\n")


def test_the_console_script_refuses_another_services_database(postgres_url_factory, broker):
    """The installed `kinerja-admin`, as an operator runs it in the service's image."""
    import training_service.main
    from kinerja_runtime.migrations import upgrade_to_head

    url = postgres_url_factory("admin-script")
    upgrade_to_head(Path(training_service.main.__file__).parent / "migrations", url)
    script = Path(sys.executable).parent / "kinerja-admin"
    environment = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers}

    refused = subprocess.run(
        [script, "outbox", "parked", "list", "--service", "appraisal-service"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert refused.returncode == 1 and refused.stdout == "", refused
    assert (
        refused.stderr.startswith("kinerja-admin: ") and "not one of appraisal-service's migrations" in refused.stderr
    )

    unknown = subprocess.run(
        [script, "outbox", "parked", "list", "--service", "payroll"], capture_output=True, text=True, env=environment
    )
    assert unknown.returncode == 2 and "invalid choice: 'payroll'" in unknown.stderr

    fine = subprocess.run(
        [script, "outbox", "parked", "list", "--service", "training-service"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert (fine.returncode, fine.stdout) == (0, "no parked outbox rows in training-service\n"), fine


async def test_outbox_replay_after_the_broker_lost_its_topics_republishes_and_consumers_apply_once(
    admin, fresh_broker, postgres_url_factory, running, eventually, sql, agency, new_nip
):
    target_db, consumer_db, newcomer_db = (postgres_url_factory(n) for n in ("admin-t", "admin-f", "admin-new"))
    lost = fresh_broker()
    since = datetime.now(UTC) - timedelta(seconds=1)
    nips = [new_nip() for _ in range(3)]
    consumer_rows = "SELECT nip, name FROM known_employees WHERE agency_id = :a ORDER BY nip"

    async def inbox(url: str, ids: list[str]) -> int:
        rows = await sql(url, "SELECT event_id FROM inbox WHERE consumer = 'feedback-service'")
        return sum(1 for r in rows if r["event_id"] in ids)

    # The producing service and a consumer, on the broker that is about to lose everything.
    producer = target_app(target_db, lost.bootstrap_servers)
    async with running(producer), running(feedback_app(consumer_db, lost.bootstrap_servers)):
        ids = await publish(producer, [employee(agency, nip) for nip in nips])

        async def applied() -> None:
            assert len(await sql(consumer_db, consumer_rows, a=agency)) == 3

        await eventually(applied, timeout=60, what="the consumer applied the three employees")
    lost.stop()
    projected = await sql(consumer_db, consumer_rows, a=agency)

    # The broker comes back empty; the consumer kept its database, a newcomer starts afresh.
    empty = fresh_broker()
    producer = target_app(target_db, empty.bootstrap_servers)
    async with (
        running(producer),
        running(feedback_app(consumer_db, empty.bootstrap_servers)),
        running(feedback_app(newcomer_db, empty.bootstrap_servers)),
    ):
        status, out, err = await admin(
            target_db,
            "outbox",
            "replay",
            "--service",
            "target-service",
            "--since",
            since.isoformat(),
            bootstrap=empty.bootstrap_servers,
        )
        assert status == 0, err
        assert out.startswith("3 outbox rows of target-service created since "), out

        async def republished() -> None:
            assert len(await sql(newcomer_db, consumer_rows, a=agency)) == 3
            assert await inbox(consumer_db, ids) == 3

        await eventually(republished, timeout=60, what="the rows republished and applied by the newcomer")

        # Again (an operator unsure it ran): the same rows go out once more, and change nothing.
        status, out, _ = await admin(
            target_db,
            "outbox",
            "replay",
            "--service",
            "target-service",
            "--since",
            since.isoformat(),
            bootstrap=empty.bootstrap_servers,
        )
        assert status == 0 and out.startswith("3 outbox rows"), out

        async def sent() -> None:
            rows = await sql(target_db, "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
            assert rows == [{"n": 0}]

        await eventually(sent, timeout=60, what="the relay sent the rows queued again")
        assert await inbox(consumer_db, ids) == 3 and await inbox(newcomer_db, ids) == 3
    assert await sql(consumer_db, consumer_rows, a=agency) == projected
    assert await sql(newcomer_db, consumer_rows, a=agency) == projected


async def test_parked_rows_are_listed_and_queued_again_once_the_cause_is_fixed(
    admin, broker, database_url, running, eventually, sql, agency, new_nip
):
    # The producer's limit below any record: the relay parks what it cannot send.
    tight = target_app(database_url, broker.bootstrap_servers, kafka_max_request_bytes=400)
    async with running(tight):
        ids = await publish(tight, [employee(agency, new_nip(), name="Siti " + "Rahayu " * 20) for _ in range(2)])

        async def parked() -> None:
            rows = await sql(database_url, "SELECT count(*) AS n FROM outbox WHERE parked_at IS NOT NULL")
            assert rows == [{"n": 2}]

        await eventually(parked, timeout=60, what="both rows parked")
        status, out, _ = await admin(database_url, "outbox", "parked", "list", "--service", "target-service")
    assert status == 0
    assert all(event_id in out for event_id in ids) and "MessageSizeTooLargeError" in out, out
    assert out.splitlines()[-1] == "2 parked outbox rows"
    assert "Rahayu" not in out, "payloads are not shown"

    async def sent(event_ids: list[str]) -> None:
        rows = await sql(database_url, "SELECT event_id FROM outbox WHERE published_at IS NOT NULL")
        assert set(event_ids) <= {r["event_id"] for r in rows}

    # The limit raised (the cause fixed): one row queued by its id, then the rest.
    fixed = target_app(database_url, broker.bootstrap_servers)
    async with running(fixed):
        status, out, _ = await admin(database_url, "outbox", "parked", "retry", "--service", "target-service", ids[0])
        assert status == 0 and out.startswith(f"outbox row {ids[0]} queued again"), out
        await eventually(lambda: sent(ids[:1]), timeout=60, what="the first row sent")

        status, out, _ = await admin(database_url, "outbox", "parked", "retry", "--service", "target-service", ids[0])
        assert (status, out) == (0, f"outbox row {ids[0]} is not parked (it is sent): nothing to do\n")

        status, out, _ = await admin(database_url, "outbox", "parked", "retry", "--service", "target-service", "--all")
        assert status == 0 and out.startswith("1 parked outbox row of target-service queued again"), out
        await eventually(lambda: sent(ids), timeout=60, what="the second row sent")

        status, out, _ = await admin(database_url, "outbox", "parked", "retry", "--service", "target-service", "--all")
        assert (status, out) == (0, "no parked outbox rows in target-service: nothing to do\n")

        unknown = str(uuid.uuid4())
        status, out, err = await admin(
            database_url, "outbox", "parked", "retry", "--service", "target-service", unknown
        )
        assert (status, out) == (1, "") and f"has no outbox row with event id {unknown}" in err


async def test_dead_letters_are_listed_by_filter_shown_without_payload_and_replayed_once(
    admin, broker, database_url, running, eventually, sql, agency, new_nip, publish_event, publish_raw, read_topic
):
    from kinerja_contracts import CloudEventAttributes

    app = feedback_app(database_url, broker.bootstrap_servers)
    nip, other = new_nip(), new_nip()
    known = "SELECT nip FROM known_employees WHERE agency_id = :a ORDER BY nip"
    async with running(app):
        # Caught up with what the shared topic already holds before the fault is made.
        await publish_event(employee(agency, other))
        await eventually(
            lambda: _has(sql, database_url, known, agency, [other]), timeout=120, what="the consumer caught up"
        )
        since = datetime.now(UTC) - timedelta(seconds=1)
        # A fault of the database (fixed below), and a record no fix will make valid.
        await sql(database_url, "ALTER TABLE known_employees RENAME TO known_employees_away")
        event_id, _ = await publish_event(employee(agency, nip, name="Budi Santoso"))
        broken = employee(agency, new_nip())
        headers = CloudEventAttributes.for_event(broken, "/kinerja/target-service").to_headers()
        await publish_raw(EMPLOYEES, b'{"agency_id": "x"}', broken.nip, headers)
        ours = await read_topic(
            DEAD_LETTER, until=lambda rs: len(rs) >= 2, timeout=60, where=lambda r: r.headers.get("ce_agency") == agency
        )
        assert {r.headers["ce_id"] for r in ours} == {event_id, headers["ce_id"]}
        await sql(database_url, "ALTER TABLE known_employees_away RENAME TO known_employees")

        async def listed(*filters: str) -> list[str]:
            status, out, err = await admin(
                database_url, "deadletter", "list", "--service", "feedback-service", "--agency", agency, *filters
            )
            assert status == 0, err
            return out.splitlines()

        lines = await listed("--since", since.isoformat())
        assert len(lines) == 4 and lines[0].startswith("DEAD LETTER") and lines[-1].startswith("2 of "), lines
        [undefined] = (await listed("--reason", "undefinedtable"))[1:-1]
        assert event_id in undefined and "kinerja.employees/" in undefined
        [by_class] = (await listed("--reason", "handler_error"))[1:-1]
        assert event_id in by_class, "the reason's class, as the alert names it"
        [invalid] = (await listed("--type", "employeeregistered", "--reason", "invalid"))[1:-1]
        assert headers["ce_id"] in invalid
        assert (await listed("--until", since.isoformat()))[-1].startswith("0 of ")
        assert (await listed("--consumer", "appraisal-service"))[-1].startswith("0 of ")

        status, out, _ = await admin(database_url, "deadletter", "show", "--service", "feedback-service", event_id)
        assert status == 0 and "UndefinedTableError" in out and f"ce_id: {event_id}" in out, out
        assert "Budi" not in out and nip not in out and "--payload prints it" in out, "no key, no payload unless asked"
        status, out, _ = await admin(
            database_url, "deadletter", "show", "--service", "feedback-service", event_id, "--payload"
        )
        assert status == 0 and "Budi Santoso" in out and nip in out, out

        replay = (
            "deadletter",
            "replay",
            "--service",
            "feedback-service",
            "--agency",
            agency,
            "--reason",
            "UndefinedTable",
        )
        status, out, err = await admin(database_url, *replay)
        assert status == 0 and out.startswith("1 of 1 matching dead letter of feedback-service replayed"), err
        await eventually(
            lambda: _has(sql, database_url, known, agency, [nip, other]), timeout=60, what="the replayed event applied"
        )
        copies = await read_topic(
            EMPLOYEES, until=lambda rs: len(rs) >= 2, where=lambda r: r.headers.get("ce_id") == event_id
        )
        replayed = [r for r in copies if "kinerja_replay_id" in r.headers]
        assert len(replayed) == 1 and replayed[0].key == nip
        assert not any(k.startswith("dlq_") for k in replayed[0].headers)
        assert replayed[0].headers["ce_type"] == "kinerja.target.EmployeeRegistered.v1"

        # Replaying again sends nothing; --again sends it once more, and it still applies once.
        status, out, _ = await admin(database_url, *replay)
        assert status == 0 and out.startswith("0 of 1 matching") and "1 dead letter replayed before left out" in out, (
            out
        )
        status, out, _ = await admin(database_url, *replay, "--again")
        assert status == 0 and out.startswith("1 of 1 matching"), out
        copies = await read_topic(
            EMPLOYEES, until=lambda rs: len(rs) >= 3, where=lambda r: r.headers.get("ce_id") == event_id
        )
        assert len(copies) == 3
        assert len(await read_topic(EMPLOYEES, where=lambda r: r.headers.get("ce_id") == event_id)) == 3

        async def applied_once() -> None:
            rows = await sql(
                database_url,
                "SELECT count(*) AS n FROM inbox WHERE event_id = :e AND consumer = 'feedback-service'",
                e=event_id,
            )
            assert rows == [{"n": 1}]
            offsets = await _committed_past(app, copies)
            assert offsets

        await eventually(applied_once, timeout=60, what="the copies consumed, the event applied once")
        assert await sql(database_url, "SELECT count(*) AS n FROM dead_letter_replays") == [{"n": 1}]
        [row] = (await listed("--reason", "undefinedtable"))[1:-1]
        assert len(re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row)) == 2, "dead-lettered, and replayed at"
    assert await sql(database_url, known, a=agency) == [{"nip": n} for n in sorted([nip, other])]


async def _has(sql, url: str, statement: str, agency: str, nips: list[str]) -> None:
    rows = await sql(url, statement, a=agency)
    assert {r["nip"] for r in rows} >= set(nips), rows


async def _committed_past(app, records) -> bool:
    """Whether the service's consumer has committed past every one of ``records``."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    runtime = app.state.runtime
    consumer = AIOKafkaConsumer(
        bootstrap_servers=runtime.settings.kafka_bootstrap_servers,
        group_id=runtime.consumer.group_id,
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        for record in records:
            committed = await consumer.committed(TopicPartition(record.topic, record.partition))
            if committed is None or committed <= record.offset:
                return False
        return True
    finally:
        await consumer.stop()


PROJECTIONS = ["known_employees", "known_periods", "targets", "realizations", "feedback_answers"]


def year_of(agency: str, nip: str) -> list:
    """An employee's year as appraisal-service hears it: the roster, the period, the SKP, a
    realisation, a peer's feedback, and the close (to which the service reacts)."""
    indikator = {
        "iki_id": "iki-1",
        "aspect": "kuantitas",
        "description": "Layanan",
        "target": 10,
        "unit": "x",
        "higher_is_better": True,
    }
    rhk = [{"rhk_id": "rhk-1", "kind": "utama", "description": "Layanan", "indikator": [indikator]}]
    return [
        employee(agency, nip),
        PerformancePeriodOpened(
            agency_id=agency, period_id=PERIOD, year=2025, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31)
        ),
        TargetSet(agency_id=agency, period_id=PERIOD, nip=nip, skp_id="skp-1", version=1, approved_by=nip, rhk=rhk),
        RealizationRecorded(
            agency_id=agency,
            period_id=PERIOD,
            nip=nip,
            skp_id="skp-1",
            iki_id="iki-1",
            realization_id=f"r-{nip}",
            value=9.0,
            recorded_at=datetime(2025, 6, 1, tzinfo=UTC),
        ),
        FeedbackReceived(
            agency_id=agency,
            period_id=PERIOD,
            nip=nip,
            feedback_id=f"f-{nip}",
            source="peer",
            ratings={v: "sesuai_ekspektasi" for v in BerakhlakValue},
            submitted_at=datetime(2025, 11, 3, tzinfo=UTC),
        ),
        EmployeePeriodClosed(
            agency_id=agency,
            period_id=PERIOD,
            year=2025,
            nip=nip,
            closed_at=datetime(2026, 1, 2, tzinfo=UTC),
            skp_id="skp-1",
            skp_version=1,
            realization_count=1,
        ),
    ]


async def test_projections_rebuild_restores_a_wiped_projection_and_reacts_to_nothing(
    admin, broker, database_url, running, eventually, sql, agency, new_nip, publish_event, consumer_lag
):
    nip = new_nip()
    app = appraisal_app(database_url, broker.bootstrap_servers)
    async with running(app):
        for event in year_of(agency, nip):
            await publish_event(event)

        async def reacted() -> None:
            rows = await sql(database_url, "SELECT nip FROM appraisals_due WHERE agency_id = :a", a=agency)
            assert rows == [{"nip": nip}]
            for table in PROJECTIONS:
                assert await sql(database_url, f"SELECT 1 AS one FROM {table} WHERE agency_id = :a", a=agency), table

        await eventually(reacted, timeout=240, what="the year projected and the close queued")
        # The snapshot below is of whole tables: the service's new group replays every earlier
        # test's events on the suite's broker too, and the rebuild reads the topics to their end,
        # so the service must have applied them all before it stops (else the rebuild has more).
        runtime = app.state.runtime

        async def caught_up() -> None:
            assert await consumer_lag(runtime.consumer.group_id, runtime.consumer.topics) == 0

        await eventually(caught_up, timeout=240, what="the service caught up with its topics")
        status, out, err = await admin(database_url, "projections", "rebuild", "appraisal-service")
        assert (status, out) == (1, ""), "refused while the service runs"
        assert "appraisal-service is running" in err and "scale it to 0" in err, err

    async def snapshot() -> dict[str, list]:
        tables = ["known_employees", "known_periods", "known_units", "known_agencies", "known_departures"]
        tables += ["targets", "realizations", "feedback_answers", "citizen_ratings", "inbox"]
        return {t: sorted(map(repr, await sql(database_url, f"SELECT * FROM {t}"))) for t in tables}

    before = await snapshot()
    outbox = await sql(database_url, "SELECT count(*) AS n FROM outbox")
    # The projection is lost; the reaction's work is done and must not come back.
    for table in PROJECTIONS:
        await sql(database_url, f"DELETE FROM {table}")
    await sql(database_url, "DELETE FROM appraisals WHERE agency_id = :a", a=agency)
    await sql(database_url, "DELETE FROM appraisals_due WHERE agency_id = :a", a=agency)

    status, out, err = await admin(database_url, "projections", "rebuild", "appraisal-service")
    assert status == 0, err
    assert out.startswith("appraisal-service's projections rebuilt: ") and "events applied again" in out, out
    assert await snapshot() == before
    assert await sql(database_url, "SELECT nip FROM appraisals_due WHERE agency_id = :a", a=agency) == []
    assert await sql(database_url, "SELECT count(*) AS n FROM outbox") == outbox

    # Idempotent: run again, the same rows.
    status, _, err = await admin(database_url, "projections", "rebuild", "appraisal-service")
    assert status == 0, err
    assert await snapshot() == before


async def test_a_rebuild_refuses_topics_that_lost_what_was_projected_unless_told(
    admin, broker, fresh_broker, database_url, running, eventually, sql, agency, new_nip, publish_event
):
    nip = new_nip()
    known = "SELECT nip FROM known_employees WHERE agency_id = :a"
    async with running(feedback_app(database_url, broker.bootstrap_servers)):
        await publish_event(employee(agency, nip))
        await eventually(lambda: _has(sql, database_url, known, agency, [nip]), timeout=120, what="the roster")
    # The broker restarted and lost its topics: they hold nothing the roster was built from.
    lost = fresh_broker().bootstrap_servers

    status, out, err = await admin(database_url, "projections", "rebuild", "feedback-service", bootstrap=lost)
    assert (status, out) == (1, "") and "the topics hold only 0 records" in err and "--accept-loss" in err, err
    assert len(err.strip().splitlines()) == 1
    assert await sql(database_url, known, a=agency) == [{"nip": nip}], "nothing emptied"

    status, out, err = await admin(
        database_url, "projections", "rebuild", "feedback-service", "--accept-loss", bootstrap=lost
    )
    assert status == 0 and "0 events applied again" in out, err
    assert await sql(database_url, known, a=agency) == []


async def test_a_service_without_projections_has_nothing_to_rebuild(admin, broker, database_url, running):
    async with running(target_app(database_url, broker.bootstrap_servers)):
        pass  # migrates its database
    status, out, err = await admin(database_url, "projections", "rebuild", "target-service")
    assert (status, out) == (1, "") and "target-service keeps no projections" in err, err
