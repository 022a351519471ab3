"""training-service's set-based handlers on a real database: one batch of appraisals from
several employees, with a duplicate appraisal id and several events for one employee, gives
exactly one decision per appraisal id, the right plans, and names each event's cause."""

import asyncio
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from kinerja_contracts import (
    AppraisalCompleted,
    CloudEventAttributes,
    EmployeeRegistered,
    IndikatorResult,
    PerformancePeriodOpened,
    PerilakuResult,
)
from kinerja_contracts.appraisal import AppraisalSummary
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, Predikat, RhkKind

pytestmark = pytest.mark.integration

RATING = {
    Predikat.SANGAT_BAIK: (Ekspektasi.DI_ATAS, Ekspektasi.DI_ATAS),
    Predikat.BAIK: (Ekspektasi.SESUAI, Ekspektasi.SESUAI),
    Predikat.BUTUH_PERBAIKAN: (Ekspektasi.DI_BAWAH, Ekspektasi.SESUAI),
    Predikat.SANGAT_KURANG: (Ekspektasi.DI_BAWAH, Ekspektasi.DI_BAWAH),
}


def appraisal(
    agency,
    nip,
    period_id,
    predikat,
    *,
    weak=(),
    kind="annual",
    appraisal_id=None,
    at=datetime(2026, 1, 20, 3, 0, tzinfo=UTC),
) -> AppraisalCompleted:
    hasil, perilaku = RATING[predikat]
    return AppraisalCompleted(
        agency_id=agency,
        period_id=period_id,
        nip=nip,
        appraisal_id=appraisal_id or f"apr-{uuid.uuid4().hex[:12]}",
        rating_hasil_kerja=hasil,
        rating_perilaku=perilaku,
        predikat=predikat,
        policy_version="default-1",
        completed_at=at,
        kind=kind,
        checkpoint_id="q2" if kind == "periodic" else None,
        summary=AppraisalSummary(
            indikator=[
                IndikatorResult(
                    iki_id="iki-1",
                    rhk_id="rhk-1",
                    rhk_kind=RhkKind.UTAMA,
                    aspect=Aspect.WAKTU,
                    description="Waktu respon pengaduan",
                    target=14,
                    realization=14,
                    capaian=100,
                    met=True,
                )
            ],
            perilaku=[
                PerilakuResult(value=v, level=Ekspektasi.DI_BAWAH if v in weak else Ekspektasi.SESUAI, answers=5)
                for v in BerakhlakValue
            ],
            average_capaian_utama=100.0,
            feedback_answers=5,
        ),
    )


def delivered(events):
    """Each event as the consumer hands it over: fresh CloudEvents attributes (a copy of an
    event published twice has a new id), in offset order."""
    from kinerja_runtime.messaging import Delivered, Envelope

    return [
        Delivered(e, Envelope(CloudEventAttributes.for_event(e, "/kinerja/test"), e.topic, 0, offset, e.key()))
        for offset, e in enumerate(events)
    ]


@pytest.fixture
async def uows(database_url):
    """A migrated, seeded training-service database and its unit-of-work factory."""
    import training_service.main
    from kinerja_runtime.db import create_engine, session_factory
    from kinerja_runtime.migrations import upgrade_to_head
    from kinerja_runtime.uow import UnitOfWorkFactory
    from training_service.service_layer import catalogue
    from training_service.service_layer.unit_of_work import TrainingUnitOfWork

    await asyncio.to_thread(upgrade_to_head, Path(training_service.main.__file__).parent / "migrations", database_url)
    engine = create_engine(database_url)
    factory = UnitOfWorkFactory(session_factory(engine), source="/kinerja/training-service", kind=TrainingUnitOfWork)
    await catalogue.seed(factory())
    yield factory
    await engine.dispose()


async def apply(uows, handlers, batch):
    async with uows() as uow:
        for handler in handlers:
            await handler(batch, uow)
        await uow.commit()


async def rows(uows, statement, **params):
    from sqlalchemy import text

    async with uows() as uow:
        return [dict(r._mapping) for r in (await uow.session.execute(text(statement), params)).all()]


async def test_one_batch_decides_each_appraisal_once_with_the_right_plans(uows, agency, new_nip):
    from kinerja_runtime import roster
    from training_service.service_layer import plans, talent

    low, steady, checked, star, mentor = (new_nip() for _ in range(5))
    period, earlier = f"{agency}-2025", f"{agency}-2024"
    await apply(
        uows,
        [roster.on_employees_registered],
        delivered(
            [
                EmployeeRegistered(
                    agency_id=agency, nip=nip, name="Pegawai", position="Analis", unit="Bidang", appraiser_nip=mentor
                )
                for nip in (low, steady, checked, star)
            ]
        ),
    )
    opened = delivered(
        [
            PerformancePeriodOpened(
                agency_id=agency, period_id=p, year=y, starts_on=date(y, 1, 1), ends_on=date(y, 12, 31)
            )
            for p, y in ((earlier, 2024), (period, 2025))
        ]
    )
    await apply(uows, [roster.on_periods_opened, talent.on_periods_opened], opened)

    low_result = appraisal(agency, low, period, Predikat.BUTUH_PERBAIKAN, weak=[BerakhlakValue.LOYAL])
    events = [
        low_result,
        appraisal(agency, checked, period, Predikat.SANGAT_KURANG, kind="periodic"),
        appraisal(agency, steady, period, Predikat.BAIK),
        low_result,  # the same appraisal published twice: a new event id, decided once
        appraisal(agency, checked, period, Predikat.SANGAT_KURANG),
        appraisal(agency, star, earlier, Predikat.SANGAT_BAIK, at=datetime(2025, 1, 15, tzinfo=UTC)),
        appraisal(agency, star, period, Predikat.SANGAT_BAIK),
    ]
    batch = delivered(events)
    await apply(uows, [plans.on_appraisals_completed], batch)

    decisions = await rows(uows, "SELECT * FROM plan_decisions WHERE agency_id = :a", a=agency)
    assert sorted(d["appraisal_id"] for d in decisions) == sorted({e.appraisal_id for e in events})
    by_id = {d["appraisal_id"]: d for d in decisions}
    periodic, annual = events[1], events[4]
    assert (by_id[periodic.appraisal_id]["kind"], by_id[periodic.appraisal_id]["plan_id"]) == ("periodic", None)
    assert by_id[events[2].appraisal_id]["plan_id"] is None, "Baik with no weak value makes no plan"

    stored = await rows(uows, "SELECT * FROM plans WHERE agency_id = :a", a=agency)
    assert sorted(p["appraisal_id"] for p in stored) == sorted([low_result.appraisal_id, annual.appraisal_id])
    assert all(p["mandatory"] and p["year"] == 2026 and p["total_jp"] >= 20 for p in stored)
    assert {by_id[p["appraisal_id"]]["plan_id"] for p in stored} == {p["plan_id"] for p in stored}
    items = await rows(uows, "SELECT i.* FROM plan_items i JOIN plans p USING (plan_id) WHERE p.nip = :n", n=low)
    assert [i["gap"] for i in items if i["gap_kind"] == "perilaku"] == ["loyal"]
    assert {i["mentor_nip"] for i in items} == {mentor}

    pool = await rows(uows, "SELECT * FROM talent_nominations WHERE agency_id = :a", a=agency)
    assert [(n["nip"], n["first_year"], n["year"]) for n in pool] == [(star, 2024, 2025)]

    outbox = await rows(uows, "SELECT event_type, headers FROM outbox ORDER BY id")
    caused = [(o["event_type"].split(".")[2], o["headers"]["ce_causationid"]) for o in outbox]
    assert caused == [
        ("DevelopmentPlanCreated", batch[0].event_id),
        ("DevelopmentPlanCreated", batch[4].event_id),
        ("TalentPoolNominated", batch[6].event_id),
    ], "each event names the appraisal that caused it"

    # The whole year again (a replay, or the producer's copies): nothing decided twice.
    await apply(uows, [plans.on_appraisals_completed], delivered(events))
    assert len(await rows(uows, "SELECT * FROM plan_decisions WHERE agency_id = :a", a=agency)) == len(decisions)
    assert len(await rows(uows, "SELECT * FROM plans WHERE agency_id = :a", a=agency)) == 2
    assert len(await rows(uows, "SELECT * FROM outbox")) == 3


def results_of_every_kind(agency: str, nip: str, i: int) -> list[AppraisalCompleted]:
    """Employee ``i``'s appraisals in a year of every kind, by ``i % 5``: a low result (a plan),
    Baik with a weak value (a recommended plan), plain Baik, a periodic check, Sangat Baik two
    years running (the talent pool)."""
    period, earlier = f"{agency}-2025", f"{agency}-2024"
    return [
        [appraisal(agency, nip, period, Predikat.BUTUH_PERBAIKAN, weak=[BerakhlakValue.LOYAL])],
        [appraisal(agency, nip, period, Predikat.BAIK, weak=[BerakhlakValue.ADAPTIF])],
        [appraisal(agency, nip, period, Predikat.BAIK)],
        [appraisal(agency, nip, period, Predikat.SANGAT_KURANG, kind="periodic")],
        [
            appraisal(agency, nip, earlier, Predikat.SANGAT_BAIK, at=datetime(2025, 1, 15, tzinfo=UTC)),
            appraisal(agency, nip, period, Predikat.SANGAT_BAIK),
        ],
    ][i % 5]


async def test_a_batch_of_appraisals_costs_the_same_statements_for_10_as_for_200(uows, agency, new_nip):
    """A replay's batches: the roster, then appraisals of every kind (low results with a plan,
    Baik with a weak value, plain Baik, periodic checks, Sangat Baik two years running); the
    statements sent do not grow with the batch, and each appraisal is decided once."""
    from kinerja_runtime import roster
    from sqlalchemy import event
    from training_service.service_layer import plans, talent

    async with uows() as uow:
        engine = uow.session.bind
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_):
        sent.append(statement)

    counts = {}
    for size in (10, 200):
        scope, mentor = f"{agency}-{size}", new_nip()
        period, earlier = f"{scope}-2025", f"{scope}-2024"
        await apply(
            uows,
            [roster.on_periods_opened, talent.on_periods_opened],
            delivered(
                [
                    PerformancePeriodOpened(
                        agency_id=scope, period_id=p, year=y, starts_on=date(y, 1, 1), ends_on=date(y, 12, 31)
                    )
                    for p, y in ((earlier, 2024), (period, 2025))
                ]
            ),
        )
        staff = [new_nip() for _ in range(size)]
        registered = delivered(
            [
                EmployeeRegistered(
                    agency_id=scope, nip=nip, name="Pegawai", position="Analis", unit="Bidang", appraiser_nip=mentor
                )
                for nip in staff
            ]
        )
        appraisals = [e for i, nip in enumerate(staff) for e in results_of_every_kind(scope, nip, i)]
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            before = len(sent)
            await apply(uows, [roster.on_employees_registered], registered)
            await apply(uows, [plans.on_appraisals_completed], delivered(appraisals))
            counts[size] = len(sent) - before
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        decided = await rows(uows, "SELECT appraisal_id FROM plan_decisions WHERE agency_id = :a", a=scope)
        assert sorted(d["appraisal_id"] for d in decided) == sorted(e.appraisal_id for e in appraisals)
        nominated = await rows(uows, "SELECT nip FROM talent_nominations WHERE agency_id = :a", a=scope)
        assert len(nominated) == len(staff[4::5]), "each Sangat Baik pair nominated once"
    assert counts[10] == counts[200] <= 20, counts
