"""appraisal-service's set-based parts on the real database, without the broker: the
projection handlers applied to whole batches (several events of one key, duplicates), the
queue fed by each employee's close, and the batch processor turning due rows into proposals
with a constant number of statements whatever the batch size."""

import asyncio
import contextlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kinerja_contracts import (
    CitizenSurveyAnswered,
    ClosedPeriodEmployee,
    EmployeePeriodClosed,
    EmployeeRegistered,
    FeedbackReceived,
    PerformancePeriodClosedV1,
    RealizationRecorded,
    TargetRevised,
    TargetSet,
)
from kinerja_contracts.cloudevents import CloudEventAttributes
from kinerja_contracts.vocabulary import BerakhlakValue, SkmElement
from kinerja_runtime import roster
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.messaging import Delivered, Envelope
from kinerja_runtime.migrations import upgrade_to_head
from kinerja_runtime.uow import UnitOfWorkFactory
from sqlalchemy import event, text

pytestmark = pytest.mark.integration

PERIOD = "2025"
ATAS, SESUAI = "di_atas_ekspektasi", "sesuai_ekspektasi"


@pytest.fixture
async def db(database_url):
    """appraisal-service's schema on a fresh database: (uows, statements) where
    ``statements`` is a list each SQL statement sent to the database is appended to."""
    import appraisal_service.main

    migrations = Path(appraisal_service.main.__file__).parent / "migrations"
    await asyncio.to_thread(upgrade_to_head, migrations, database_url)
    engine = create_engine(database_url)
    statements: list[str] = []
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda _conn, _cursor, statement, *_: statements.append(statement)
    )
    from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork

    yield UnitOfWorkFactory(session_factory(engine), source="/kinerja/test", kind=AppraisalUnitOfWork), statements
    await engine.dispose()


def delivered(*events) -> list[Delivered]:
    """The events as one batch would hand them to a handler, in offset order."""
    return [
        Delivered(
            e, Envelope(CloudEventAttributes.for_event(e, "/kinerja/target-service"), e.topic, 0, offset, e.key())
        )
        for offset, e in enumerate(events)
    ]


async def apply(uows, handler, batch) -> None:
    async with uows() as uow:
        await handler(batch, uow)
        await uow.commit()


async def rows(uows, statement: str, **params) -> list[dict]:
    async with uows() as uow:
        return [dict(r._mapping) for r in await uow.session.execute(text(statement), params)]


def as_json(value):
    """A JSON column read with plain SQL: text on some drivers, decoded on others."""
    return json.loads(value) if isinstance(value, str) else value


def nip(i: int) -> str:
    return f"19800101{2000 + i % 25:04d}011{i:03d}"


def rhk(target: float = 100.0) -> list[dict]:
    return [
        {
            "rhk_id": "rhk-1",
            "kind": "utama",
            "description": "Layanan",
            "indikator": [
                {
                    "iki_id": "iki-1",
                    "aspect": "kuantitas",
                    "description": "Layanan selesai",
                    "target": target,
                    "unit": "layanan",
                    "higher_is_better": True,
                }
            ],
        }
    ]


def target_set(agency, n, version=1, target=100.0):
    cls = TargetSet if version == 1 else TargetRevised
    extra = {} if version == 1 else {"previous_version": version - 1}
    return cls(
        agency_id=agency,
        period_id=PERIOD,
        nip=n,
        skp_id=f"skp-{n}",
        version=version,
        approved_by=nip(999),
        rhk=rhk(target),
        **extra,
    )


def realised(agency, n, value, suffix="a", month=6):
    return RealizationRecorded(
        agency_id=agency,
        period_id=PERIOD,
        nip=n,
        skp_id=f"skp-{n}",
        iki_id="iki-1",
        realization_id=f"r-{n}-{suffix}",
        value=value,
        recorded_at=datetime(2025, month, 1, tzinfo=UTC),
    )


def feedback(agency, n, feedback_id, level):
    return FeedbackReceived(
        agency_id=agency,
        period_id=PERIOD,
        nip=n,
        feedback_id=feedback_id,
        source="appraiser",
        ratings={v: level for v in BerakhlakValue},
        submitted_at=datetime(2025, 11, 1, tzinfo=UTC),
    )


def closed(agency, n, skp=True, realizations=1):
    return EmployeePeriodClosed(
        agency_id=agency,
        period_id=PERIOD,
        year=2025,
        nip=n,
        closed_at=datetime.now(UTC),
        skp_id=f"skp-{n}" if skp else None,
        skp_version=1 if skp else None,
        realization_count=realizations if skp else 0,
    )


async def test_projection_handlers_apply_whole_batches(db, agency):
    from appraisal_service.service_layer import due, projection

    uows, _ = db
    a, b = nip(1), nip(2)
    # One batch: A's first approval and its revision (the revision must win), B's revision
    # arriving before B's older version is redelivered (the older must not undo it).
    await apply(uows, projection.on_targets, delivered(target_set(agency, a), target_set(agency, b, 2, 80.0)))
    await apply(uows, projection.on_targets, delivered(target_set(agency, a, 2, 90.0), target_set(agency, a, 3, 95.0)))
    await apply(uows, projection.on_targets, delivered(target_set(agency, b, 1, 70.0)))
    assert await rows(uows, "SELECT nip, version FROM targets ORDER BY nip") == [
        {"nip": a, "version": 3},
        {"nip": b, "version": 2},
    ]

    await apply(
        uows,
        projection.on_realizations,
        delivered(realised(agency, a, 10), realised(agency, a, 10), realised(agency, a, 20, "b")),
    )
    await apply(uows, projection.on_realizations, delivered(realised(agency, a, 10)))
    assert await rows(uows, "SELECT realization_id, value FROM realizations ORDER BY realization_id") == [
        {"realization_id": f"r-{a}-a", "value": 10.0},
        {"realization_id": f"r-{a}-b", "value": 20.0},
    ]

    # A resubmission replaces the ratings by feedback_id; the latest in the batch wins.
    await apply(
        uows,
        projection.on_feedback,
        delivered(
            feedback(agency, a, "f-1", SESUAI), feedback(agency, a, "f-1", ATAS), feedback(agency, b, "f-2", SESUAI)
        ),
    )
    answers = await rows(uows, "SELECT feedback_id, ratings FROM feedback_answers ORDER BY feedback_id")
    assert [(r["feedback_id"], set(as_json(r["ratings"]).values())) for r in answers] == [
        ("f-1", {ATAS}),
        ("f-2", {SESUAI}),
    ]

    survey = dict(
        agency_id=agency,
        unit_id="loket",
        period_id=PERIOD,
        elements={e: 4 for e in SkmElement},
        answered_at=datetime(2025, 7, 1, tzinfo=UTC),
    )
    await apply(
        uows,
        projection.on_citizen_surveys,
        delivered(
            CitizenSurveyAnswered(answer_id="s-1", officer_nip=a, **survey),
            CitizenSurveyAnswered(answer_id="s-2", **survey),  # no officer named: no evidence about a person
            CitizenSurveyAnswered(answer_id="s-1", officer_nip=a, **survey),
        ),
    )
    assert await rows(uows, "SELECT answer_id, officer_nip, mean_score FROM citizen_ratings") == [
        {"answer_id": "s-1", "officer_nip": a, "mean_score": 4.0}
    ]

    # Closes queue each employee once, the per-employee event and the legacy list alike.
    queued = asyncio.Event()
    await apply(
        uows, due.on_employees_closed(queued), delivered(closed(agency, a), closed(agency, a), closed(agency, b, False))
    )
    assert queued.is_set(), "the commit that queued rows wakes the processor"
    legacy = PerformancePeriodClosedV1(
        agency_id=agency,
        period_id=PERIOD,
        year=2025,
        closed_at=datetime.now(UTC),
        employees=[
            ClosedPeriodEmployee(nip=n, skp_id=None, skp_version=None, realization_count=0) for n in (a, nip(3))
        ],
    )
    await apply(uows, due.on_periods_closed_v1(asyncio.Event(), 60), delivered(legacy))
    assert await rows(uows, "SELECT nip, skp_id, status FROM appraisals_due ORDER BY nip") == [
        {"nip": a, "skp_id": f"skp-{a}", "status": "pending"},
        {"nip": b, "skp_id": None, "status": "pending"},
        {"nip": nip(3), "skp_id": None, "status": "pending"},
    ]


async def test_a_rolled_back_queueing_wakes_nobody(db, agency):
    from appraisal_service.service_layer import due

    uows, _ = db
    queued = asyncio.Event()
    async with uows() as uow:
        await due.on_employees_closed(queued)(delivered(closed(agency, nip(1))), uow)
    assert not queued.is_set()
    assert await rows(uows, "SELECT nip FROM appraisals_due") == []


async def seed_agency(uows, agency: str, size: int) -> list[str]:
    """An agency of ``size`` staff in two units under a head (``nip(0)``, no SKP of the unit's
    own), each with an approved SKP, one realisation and one appraiser's answer; all closed."""
    from appraisal_service.service_layer import due, projection

    staff = [nip(i) for i in range(1, size + 1)]
    units = [
        {
            "agency_id": agency,
            "unit_id": "dinas",
            "name": "Dinas",
            "parent_unit_id": None,
            "head_nip": nip(0),
            "serves_public": False,
        }
    ] + [
        {
            "agency_id": agency,
            "unit_id": f"bidang-{u}",
            "name": f"Bidang {u}",
            "parent_unit_id": "dinas",
            "head_nip": staff[u],
            "serves_public": True,
        }
        for u in (0, 1)
    ]
    async with uows() as uow:
        await uow.session.execute(roster.known_units.insert(), units)
        await roster.on_employees_registered(
            delivered(
                *(
                    EmployeeRegistered(
                        agency_id=agency,
                        nip=n,
                        name=n,
                        position="Analis",
                        unit="u",
                        unit_id="dinas" if i == 0 else f"bidang-{i % 2}",
                        appraiser_nip=nip(0),
                    )
                    for i, n in enumerate([nip(0), *staff])
                )
            ),
            uow,
        )
        await projection.on_targets(delivered(*(target_set(agency, n) for n in [nip(0), *staff])), uow)
        # Realisations 80..120 spread over the staff; the head of agency's own is 50.
        await projection.on_realizations(
            delivered(
                realised(agency, nip(0), 50.0), *(realised(agency, n, 80.0 + (i % 5) * 10) for i, n in enumerate(staff))
            ),
            uow,
        )
        await projection.on_feedback(delivered(*(feedback(agency, n, f"f-{n}", SESUAI) for n in staff)), uow)
        await due.on_employees_closed(asyncio.Event())(
            delivered(closed(agency, nip(0)), *(closed(agency, n) for n in staff)), uow
        )
        await uow.commit()
    return staff


@contextlib.contextmanager
def counting(statements: list[str]):
    start = len(statements)
    counted: list[str] = []
    yield counted
    counted.extend(statements[start:])


@pytest.mark.parametrize("size", [10, 200])
async def test_due_rows_are_proposed_in_one_batch_with_a_constant_number_of_statements(db, agency, size):
    from appraisal_service.domain import MEMBERS_EXPLAINED
    from appraisal_service.service_layer.due import process_due_once

    uows, statements = db
    staff = await seed_agency(uows, agency, size)
    with counting(statements) as batch:
        assert await process_due_once(uows, batch_size=1000) == size + 1
    # Claim, roster, targets, realisations, policies, answers, citizens, units, members, insert,
    # settle: the same whatever the batch size. The members' targets and realisations are not
    # read again: the batch holds them all (its head's unit is the agency).
    assert len(batch) == 11, "\n".join(batch)

    proposals = {
        r["nip"]: r
        for r in await rows(
            uows, "SELECT nip, proposed_rating_hasil_kerja, explanation FROM appraisals WHERE agency_id = :a", a=agency
        )
    }
    assert set(proposals) == {nip(0), *staff}
    assert await rows(uows, "SELECT DISTINCT status FROM appraisals_due WHERE agency_id = :a", a=agency) == [
        {"status": "done"}
    ]

    def explanation(n):
        return as_json(proposals[n]["explanation"])

    # The head of agency takes the agency's result: the mean of every member's capaian,
    # heads of bidang included, computed from bulk data.
    head = explanation(nip(0))["hasil_kerja"]
    capaian = [80.0 + (i % 5) * 10 for i in range(size)]
    assert head["basis"] == "unit" and head["average_capaian_utama"] == 50.0
    assert head["unit"]["capaian"] == round(sum(capaian) / size, 2)
    assert head["unit"]["member_count"] == size
    assert len(head["unit"]["members"]) == min(size, MEMBERS_EXPLAINED), "a whole agency is counted, not listed"
    # A head of bidang takes their bidang's (members other than themselves).
    bidang = explanation(staff[1])["hasil_kerja"]["unit"]
    members = [n for i, n in enumerate(staff) if (i + 1) % 2 == 1 and n != staff[1]]
    assert bidang["unit_ids"] == ["bidang-1"] and sorted(m["nip"] for m in bidang["members"]) == sorted(members)
    assert explanation(staff[2])["hasil_kerja"]["basis"] == "own"

    # Nothing is proposed twice: a second round finds nothing due.
    assert await process_due_once(uows, batch_size=1000) == 0


async def test_incomplete_inputs_wait_then_go_ahead_and_failures_are_noted(db, agency):
    from appraisal_service.service_layer import due, projection

    uows, _ = db
    staff = await seed_agency(uows, agency, 4)
    unknown = nip(77)
    async with uows() as uow:
        # One more realisation expected for staff[0] than projected; one employee not in the roster;
        # one whose SKP cannot be assessed (no utama RHK).
        await uow.session.execute(
            text("UPDATE appraisals_due SET realization_count = 2 WHERE nip = :n"), {"n": staff[0]}
        )
        await uow.session.execute(
            text("UPDATE targets SET rhk = :r WHERE nip = :n"),
            {
                "n": staff[1],
                "r": '[{"rhk_id": "r", "kind": "tambahan", "description": "x", "indikator": [{"iki_id": "i", '
                '"aspect": "kuantitas", "description": "x", "target": 1, "unit": "x", "higher_is_better": true}]}]',
            },
        )
        await projection.on_targets(delivered(target_set(agency, unknown)), uow)
        await due.on_employees_closed(asyncio.Event())(delivered(closed(agency, unknown, realizations=0)), uow)
        await uow.commit()

    assert await due.process_due_once(uows, max_wait=3600, retry_seconds=3600) == 6
    status = {r["nip"]: r for r in await rows(uows, "SELECT nip, status, note, due_at FROM appraisals_due")}
    assert status[staff[0]]["status"] == "pending", "waits for its realisation"
    assert status[staff[0]]["due_at"] > datetime.now(UTC) + timedelta(minutes=30)
    assert status[staff[1]]["status"] == "failed" and "utama" in status[staff[1]]["note"]
    assert status[unknown]["status"] == "failed" and "not known" in status[unknown]["note"]
    assert {status[n]["status"] for n in (nip(0), staff[2], staff[3])} == {"done"}

    # Past its wait it goes ahead with what is known.
    async with uows() as uow:
        await uow.session.execute(
            text("UPDATE appraisals_due SET due_at = :t, queued_at = :t WHERE nip = :n"),
            {"n": staff[0], "t": datetime.now(UTC) - timedelta(hours=2)},
        )
        await uow.commit()
    assert await due.process_due_once(uows, max_wait=3600) == 1
    assert (await rows(uows, "SELECT status FROM appraisals_due WHERE nip = :n", n=staff[0])) == [{"status": "done"}]
    assert len(await rows(uows, "SELECT nip FROM appraisals WHERE nip = :n", n=staff[0])) == 1


async def test_two_processors_share_the_queue_without_proposing_twice(db, agency):
    from appraisal_service.service_layer.due import process_due_once

    uows, _ = db
    staff = await seed_agency(uows, agency, 60)
    done = await asyncio.gather(*(process_due_once(uows, batch_size=20) for _ in range(4)))
    while sum(done) < len(staff) + 1:
        done.append(await process_due_once(uows, batch_size=20))
    proposals = await rows(uows, "SELECT nip, count(*) AS n FROM appraisals GROUP BY nip")
    assert len(proposals) == len(staff) + 1 and {p["n"] for p in proposals} == {1}


async def test_the_processor_wakes_when_rows_are_queued(db, agency):
    """No fixed sleep: a commit queueing rows sets the event and the proposals follow."""
    from appraisal_service.service_layer import due

    uows, _ = db

    class Runtime:
        extras: dict = {}

    Runtime.uows = uows
    queued = asyncio.Event()
    worker = asyncio.create_task(due.process_due_forever(Runtime, queued, idle_seconds=3600))
    try:
        await asyncio.sleep(0)
        assert Runtime.extras["appraisals_queued"] is queued
        staff = await seed_agency(uows, agency, 3)
        async with uows() as uow:
            await due.on_employees_closed(queued)(delivered(closed(agency, staff[0])), uow)
            await uow.commit()
        # seed_agency queued rows without waking; this commit wakes the processor for all.
        for _ in range(200):
            if len(await rows(uows, "SELECT nip FROM appraisals")) == 4:
                break
            await asyncio.sleep(0.05)
        assert len(await rows(uows, "SELECT nip FROM appraisals")) == 4
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker


async def test_the_processor_proposes_when_the_settle_time_ends(db, agency):
    """Rows queued with a settle time are proposed when it ends: no wake and no idle look needed."""
    from appraisal_service.service_layer import due

    uows, _ = db

    class Runtime:
        extras: dict = {}

    Runtime.uows = uows
    await seed_agency(uows, agency, 3)
    async with uows() as uow:
        await uow.session.execute(
            text("UPDATE appraisals_due SET due_at = :t"), {"t": datetime.now(UTC) + timedelta(milliseconds=300)}
        )
        await uow.commit()
    worker = asyncio.create_task(due.process_due_forever(Runtime, asyncio.Event(), idle_seconds=3600))
    try:
        for _ in range(200):
            if len(await rows(uows, "SELECT nip FROM appraisals")) == 4:
                break
            await asyncio.sleep(0.05)
        assert len(await rows(uows, "SELECT nip FROM appraisals")) == 4
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker


async def test_rows_due_before_the_last_look_are_not_waited_on(db, agency):
    """A row already due that the last claim did not get is another worker's (locked): the
    processor does not spin on it; a row falling due later sets the pause."""
    from appraisal_service.service_layer import due

    uows, _ = db
    staff = await seed_agency(uows, agency, 2)
    looked_at = datetime.now(UTC)
    async with uows() as uow:
        await uow.session.execute(
            text("UPDATE appraisals_due SET due_at = :t"), {"t": looked_at - timedelta(seconds=1)}
        )
        await uow.commit()
    assert await due._until_next_due(uows, looked_at, idle_seconds=5.0) == 5.0
    async with uows() as uow:
        await uow.session.execute(
            text("UPDATE appraisals_due SET due_at = :t WHERE nip = :n"),
            {"t": looked_at + timedelta(minutes=1), "n": staff[0]},
        )
        await uow.commit()
    assert await due._until_next_due(uows, looked_at, idle_seconds=5.0) == 5.0, "at most the idle look"
    assert 0 < await due._until_next_due(uows, looked_at, idle_seconds=3600.0) <= 60
