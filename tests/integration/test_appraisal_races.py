"""appraisal-service's state changes under concurrency, on PostgreSQL over HTTP (issue 8,
item 12): two decisions on one objection, two confirmations of one proposal and two
objections to one result, each fired at once, land exactly once; the other gets 409.

The requests do not race by luck: the test holds the contested row (or a pending objection of
its own) in a transaction, waits until both requests queue behind it in PostgreSQL, then
lets go. Both have read the object as still open by then, which is the race the guards close.
"""

import asyncio
import json
import uuid
import zlib
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

pytestmark = pytest.mark.integration

KADIS, BUDI, ANI = "198808082012121002", "197801012005011001", "199001012015012001"
SESUAI, BAWAH = "sesuai_ekspektasi", "di_bawah_ekspektasi"
PERIOD = "2025"


@pytest.fixture
def appraisal_app(broker, database_url):
    from appraisal_service.main import create_app
    from appraisal_service.settings import AppraisalSettings

    if not database_url.startswith("postgresql"):
        pytest.skip("row locks and concurrent transactions need PostgreSQL")
    app = create_app(
        AppraisalSettings(
            database_url=database_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_group=f"appraisal-service-{zlib.crc32(database_url.encode()):08x}",
            consumer_backoff_seconds=0.05,
            log_json=False,
            log_level="WARNING",
        )
    )
    from appraisal_service.entrypoints.deps import fixed_day

    app.dependency_overrides[fixed_day] = lambda: date(2026, 2, 2)
    return app


@pytest.fixture
async def engine(database_url):
    engine = create_async_engine(database_url, poolclass=NullPool)
    yield engine
    await engine.dispose()


async def seed(engine, agency: str, *, status: str, objection: bool) -> tuple[str, str | None]:
    """Kadis appraises Budi, Budi appraises Ani; Ani's annual appraisal with ``status`` (final
    on 2026-01-30 when not proposed) and, if ``objection``, her open objection to it.
    Returns (appraisal_id, objection_id)."""
    from appraisal_service.adapters.orm import appraisals, objections
    from kinerja_runtime.roster import known_employees

    appraisal_id, objection_id = str(uuid.uuid4()), str(uuid.uuid4()) if objection else None
    final = status != "proposed"
    summary = {
        "indikator": [],
        "perilaku": [],
        "average_capaian_utama": 100.0,
        "feedback_answers": 0,
        "citizen_service_score": None,
    }
    async with engine.begin() as conn:
        await conn.execute(
            insert(known_employees),
            [
                {
                    "agency_id": agency,
                    "nip": nip,
                    "name": f"Pegawai {nip[-4:]}",
                    "position": "Analis",
                    "unit": "Bidang",
                    "appraiser_nip": appraiser,
                    "unit_id": None,
                }
                for nip, appraiser in ((KADIS, None), (BUDI, KADIS), (ANI, BUDI))
            ],
        )
        await conn.execute(
            insert(appraisals).values(
                appraisal_id=appraisal_id,
                agency_id=agency,
                period_id=PERIOD,
                nip=ANI,
                kind="annual",
                checkpoint_id=None,
                scope="annual",
                revision=1,
                status=status,
                proposed_rating_hasil_kerja=BAWAH,
                proposed_rating_perilaku=SESUAI,
                proposed_predikat="butuh_perbaikan",
                proposed_at=datetime.now(UTC),
                rating_hasil_kerja=BAWAH if final else None,
                rating_perilaku=SESUAI if final else None,
                predikat="butuh_perbaikan" if final else None,
                appraiser_nip=BUDI if final else None,
                completed_at=datetime.now(UTC) if final else None,
                final_on=date(2026, 1, 30) if final else None,
                policy_version="default-2026.1",
                summary=summary,
                explanation={},
            )
        )
        if objection:
            await conn.execute(
                insert(objections).values(
                    objection_id=objection_id,
                    agency_id=agency,
                    period_id=PERIOD,
                    nip=ANI,
                    appraisal_id=appraisal_id,
                    reasons="Bukti gangguan sistem.",
                    filed_on=date(2026, 2, 1),
                    filed_at=datetime.now(UTC),
                    superior_nip=KADIS,
                    status="open",
                )
            )
    return appraisal_id, objection_id


async def race(engine, eventually, hold: str, params: dict, *requests):
    """Run ``requests`` (coroutines) at once while this test's transaction runs ``hold``; let
    go once every request waits for a lock; return their responses."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await conn.execute(text(hold), params)
        holder = await conn.scalar(text("SELECT pg_backend_pid()"))
        tasks = [asyncio.ensure_future(r) for r in requests]

        async def all_waiting():
            # From another connection: a transaction sees one snapshot of pg_stat_activity.
            async with engine.connect() as probe:
                waiting = await probe.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND pid NOT IN (:holder, pg_backend_pid())"
                    ),
                    {"holder": holder},
                )
            assert waiting == len(tasks), f"{waiting} of {len(tasks)} requests wait for the lock"

        try:
            await eventually(all_waiting, timeout=30, interval=0.05, what="every request queued on the lock")
        finally:
            await transaction.rollback()
        return await asyncio.gather(*tasks)


async def outbox_events(engine, event_type: str, agency: str) -> list[dict]:
    async with engine.connect() as conn:
        rows = (
            await conn.execute(text("SELECT payload FROM outbox WHERE event_type LIKE :t"), {"t": f"%.{event_type}.%"})
        ).all()
    return [p for p in (json.loads(r.payload) for r in rows) if p["agency_id"] == agency]


async def published(read_topic, eventually, engine, agency: str, event_type: str) -> list[dict]:
    """Every ``event_type`` of the agency on kinerja.appraisals once the relay sent the outbox."""

    async def sent():
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")) == 0

    await eventually(sent, timeout=30, interval=0.1, what="outbox relayed")
    records = await read_topic("kinerja.appraisals", where=lambda r: r.headers.get("ce_agency") == agency)
    return [json.loads(r.value) for r in records if r.headers["ce_type"].split(".")[2] == event_type]


async def test_two_decisions_at_once_on_one_objection_land_once(
    appraisal_app,
    running,
    engine,
    agency,
    as_,
    eventually,
    read_topic,
):
    async with running(appraisal_app) as client:
        appraisal_id, objection_id = await seed(engine, agency, status="final", objection=True)
        decide = f"/objections/{objection_id}/decision"
        changed = {"outcome": "changed", "reason": "Bukti diterima.", "rating_hasil_kerja": SESUAI}
        upheld = {"outcome": "upheld", "reason": "Bukti tidak cukup."}
        # The superior on two devices: two clients, two tokens, one changing and one upholding.
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=appraisal_app), base_url="http://test") as other:
            responses = await race(
                engine,
                eventually,
                "SELECT 1 FROM objections WHERE objection_id = :o FOR UPDATE",
                {"o": objection_id},
                client.post(decide, json=changed, headers=as_(KADIS)),
                other.post(decide, json=upheld, headers=as_(KADIS, "appraiser")),
            )
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        won = next(r for r in responses if r.status_code == 200).json()
        lost = next(r for r in responses if r.status_code == 409).json()
        assert lost["detail"] == "this objection was decided meanwhile"

        stored = (await client.get(f"/objections/{objection_id}", headers=as_(ANI))).json()
        assert (stored["status"], stored["revised_appraisal_id"]) == (won["status"], won["revised_appraisal_id"])
        current = (await client.get(f"/periods/{PERIOD}/employees/{ANI}/appraisal", headers=as_(ANI))).json()
        revised = await outbox_events(engine, "AppraisalRevised", agency)
        if won["status"] == "changed":
            assert [(r["revision"], r["status"]) for r in current["revisions"]] == [(1, "superseded"), (2, "final")]
            assert [e["appraisal_id"] for e in revised] == [won["revised_appraisal_id"]]
            on_topic = await published(read_topic, eventually, engine, agency, "AppraisalRevised")
            assert [e["appraisal_id"] for e in on_topic] == [won["revised_appraisal_id"]]
        else:
            assert [(r["revision"], r["status"]) for r in current["revisions"]] == [(1, "final")]
            assert current["appraisal_id"] == appraisal_id and revised == []


async def test_the_same_decision_twice_at_once_lands_once(
    appraisal_app,
    running,
    engine,
    agency,
    as_,
    eventually,
    read_topic,
):
    async with running(appraisal_app) as client:
        _, objection_id = await seed(engine, agency, status="final", objection=True)
        decide = f"/objections/{objection_id}/decision"
        changed = {"outcome": "changed", "reason": "Bukti diterima.", "rating_hasil_kerja": SESUAI}
        responses = await race(
            engine,
            eventually,
            "SELECT 1 FROM objections WHERE objection_id = :o FOR UPDATE",
            {"o": objection_id},
            client.post(decide, json=changed, headers=as_(KADIS)),
            client.post(decide, json=changed, headers=as_(KADIS)),
        )
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        won = next(r for r in responses if r.status_code == 200).json()
        on_topic = await published(read_topic, eventually, engine, agency, "AppraisalRevised")
        assert [(e["appraisal_id"], e["revision"]) for e in on_topic] == [(won["revised_appraisal_id"], 2)]


async def test_two_confirmations_at_once_of_one_proposal_land_once(
    appraisal_app,
    running,
    engine,
    agency,
    as_,
    eventually,
    read_topic,
):
    async with running(appraisal_app) as client:
        appraisal_id, _ = await seed(engine, agency, status="proposed", objection=False)
        confirm = f"/appraisals/{appraisal_id}/confirm"
        responses = await race(
            engine,
            eventually,
            "SELECT 1 FROM appraisals WHERE appraisal_id = :a FOR UPDATE",
            {"a": appraisal_id},
            client.post(confirm, json={}, headers=as_(BUDI, "appraiser")),
            client.post(
                confirm,
                json={"rating_hasil_kerja": SESUAI, "reason": "Target tercapai."},
                headers=as_(BUDI, "appraiser"),
            ),
        )
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        won = next(r for r in responses if r.status_code == 200).json()
        on_topic = await published(read_topic, eventually, engine, agency, "AppraisalCompleted")
        assert [(e["appraisal_id"], e["predikat"]) for e in on_topic] == [(appraisal_id, won["predikat"])]


async def test_two_objections_at_once_to_one_result_file_one(appraisal_app, running, engine, agency, as_, eventually):
    async with running(appraisal_app) as client:
        appraisal_id, _ = await seed(engine, agency, status="final", objection=False)
        reasons = {"reasons": "Keterlambatan karena gangguan sistem."}
        # The test's own uncommitted objection to the result: both filings queue behind it.
        responses = await race(
            engine,
            eventually,
            "INSERT INTO objections (objection_id, agency_id, period_id, nip, appraisal_id, reasons, filed_on, filed_at, "
            "superior_nip, status) VALUES (:o, :g, :p, :n, :a, 'x', '2026-02-01', now(), :s, 'open')",
            {"o": str(uuid.uuid4()), "g": agency, "p": PERIOD, "n": ANI, "a": appraisal_id, "s": KADIS},
            client.post(f"/appraisals/{appraisal_id}/objections", json=reasons, headers=as_(ANI)),
            client.post(f"/appraisals/{appraisal_id}/objections", json=reasons, headers=as_(ANI)),
        )
        assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
        listed = (await client.get("/objections", headers=as_(ANI))).json()["objections"]
        assert [o["objection_id"] for o in listed] == [
            next(r for r in responses if r.status_code == 201).json()["objection_id"]
        ]
