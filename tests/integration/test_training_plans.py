"""training-service from appraisal events to plans, through the real broker and database:
the JP top-up, a recommended plan for Baik, periodic appraisals recorded only, a revision
superseding a plan without losing completed hours, and the talent pool."""

import json
import uuid
import zlib
from datetime import UTC, date, datetime, timedelta

import pytest
from kinerja_contracts import (
    AppraisalCompleted,
    AppraisalRevised,
    EmployeeRegistered,
    IndikatorResult,
    PerformancePeriodOpened,
    PerilakuResult,
)
from kinerja_contracts.appraisal import AppraisalSummary
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, Predikat, RhkKind

pytestmark = pytest.mark.integration

DEVELOPMENT = "kinerja.development"
COMPLETED_AT = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)
HR_NIP = "9" * 18
RATING = {
    Predikat.SANGAT_BAIK: (Ekspektasi.DI_ATAS, Ekspektasi.DI_ATAS),
    Predikat.BAIK: (Ekspektasi.SESUAI, Ekspektasi.SESUAI),
    Predikat.BUTUH_PERBAIKAN: (Ekspektasi.DI_BAWAH, Ekspektasi.SESUAI),
    Predikat.KURANG_MISCONDUCT: (Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH),
    Predikat.SANGAT_KURANG: (Ekspektasi.DI_BAWAH, Ekspektasi.DI_BAWAH),
}


class Clock:
    """An injectable clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(COMPLETED_AT + timedelta(days=1))


@pytest.fixture
def training_app(broker, clock):
    """``training_app(database_url)`` -> a training-service app (not started) on ``clock``."""
    from kinerja_runtime.settings import ServiceSettings
    from training_service.main import create_app

    def make(database_url: str):
        settings = ServiceSettings(
            service_name="training-service",
            database_url=database_url,
            consumer_group=f"training-service-{zlib.crc32(database_url.encode()):08x}",
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_backoff_seconds=0.05,
            log_json=False,
            log_level="WARNING",
        )
        return create_app(settings, clock=clock)

    return make


def summary(weak=(), missed=()) -> AppraisalSummary:
    indikator = [
        IndikatorResult(
            iki_id=iki,
            rhk_id="rhk-1",
            rhk_kind=RhkKind.UTAMA,
            aspect=Aspect.WAKTU,
            description="Waktu respon pengaduan 14 hari",
            target=14,
            realization=30,
            capaian=47,
            met=False,
        )
        for iki in missed
    ]
    perilaku = [
        PerilakuResult(value=v, level=Ekspektasi.DI_BAWAH if v in weak else Ekspektasi.SESUAI, answers=5)
        for v in BerakhlakValue
    ]
    return AppraisalSummary(indikator=indikator, perilaku=perilaku, average_capaian_utama=80.0, feedback_answers=5)


def appraisal(
    agency, nip, period_id, predikat, *, weak=(), missed=(), kind="annual", appraisal_id=None, at=COMPLETED_AT
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
        summary=summary(weak, missed),
        kind=kind,
        checkpoint_id="q2" if kind == "periodic" else None,
    )


def revised(original: AppraisalCompleted, predikat, *, weak=(), missed=()) -> AppraisalRevised:
    hasil, perilaku = RATING[predikat]
    return AppraisalRevised(
        agency_id=original.agency_id,
        period_id=original.period_id,
        nip=original.nip,
        appraisal_id=f"{original.appraisal_id}-r2",
        supersedes_appraisal_id=original.appraisal_id,
        revision=2,
        objection_id="obj-1",
        decided_by="197001011990031001",
        reason="Bukti dukung baru diterima.",
        rating_hasil_kerja=hasil,
        rating_perilaku=perilaku,
        predikat=predikat,
        policy_version="default-1",
        summary=summary(weak, missed),
        revised_at=original.completed_at + timedelta(days=10),
    )


@pytest.fixture
def staff(publish_event, eventually, auth_headers):
    """``await staff(client, agency, employees, appraiser, periods={period_id: year})``: publish
    the roster and periods, wait until training-service knows every employee."""

    async def publish(client, agency, employees, appraiser, periods):
        await publish_event(
            EmployeeRegistered(
                agency_id=agency, nip=appraiser, name="Kepala Bidang", position="Kepala Bidang", unit="Bidang Pelayanan"
            )
        )
        for nip in employees:
            await publish_event(
                EmployeeRegistered(
                    agency_id=agency,
                    nip=nip,
                    name="Siti Rahayu",
                    position="Analis",
                    unit="Bidang Pelayanan",
                    appraiser_nip=appraiser,
                )
            )
        for period_id, year in periods.items():
            await publish_event(
                PerformancePeriodOpened(
                    agency_id=agency,
                    period_id=period_id,
                    year=year,
                    starts_on=date(year, 1, 1),
                    ends_on=date(year, 12, 31),
                )
            )
        hr = auth_headers(HR_NIP, agency, ["hr"])

        async def known():
            r = await client.get("/reports/development", params={"year": 2026}, headers=hr)
            assert r.status_code == 200, r.text
            assert len(r.json()["jp_fulfilment"]["employees"]) == len(employees) + 1, r.text

        await eventually(known, timeout=60, interval=0.2, what="roster known to training-service")

    return publish


@pytest.fixture
def plans_of(eventually, auth_headers):
    """``await plans_of(client, agency, nip, decisions=n)`` -> GET /employees/{nip}/plans once
    ``n`` decisions are recorded."""

    async def read(client, agency, nip, decisions=1):
        hr = auth_headers(HR_NIP, agency, ["hr"])
        found = {}

        async def decided():
            r = await client.get(f"/employees/{nip}/plans", headers=hr)
            assert r.status_code == 200, r.text
            assert len(r.json()["decisions"]) >= decisions, r.text
            found.update(r.json())

        await eventually(decided, timeout=60, interval=0.2, what=f"{decisions} plan decision(s) for {nip}")
        return found

    return read


def development_events(read_topic, agency):
    """Each event once: delivery is at least once, so a record the relay sent again (same
    ``ce_id``) is the same event, and must neither satisfy nor break a count."""

    def distinct(records):
        first = {}
        for r in records:
            first.setdefault(r.headers["ce_id"], r)
        return list(first.values())

    async def read(types: dict[str, int]):
        def enough(records):
            seen = [r.headers["ce_type"].split(".")[2] for r in distinct(records)]
            return all(seen.count(t) >= n for t, n in types.items())

        records = await read_topic(
            DEVELOPMENT, until=enough, timeout=60, where=lambda r: r.headers.get("ce_agency") == agency
        )
        return [(r.headers["ce_type"].split(".")[2], json.loads(r.value)) for r in distinct(records)]

    return read


async def test_low_result_plan_is_topped_up_to_20_jp_counting_hours_already_completed(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    plans_of,
    publish_event,
    auth_headers,
    read_topic,
):
    fresh, trained, appraiser = new_nip(), new_nip(), new_nip()
    period_id = f"{agency}-2025"
    async with running(training_app(database_url)) as client:
        await staff(client, agency, [fresh, trained], appraiser, {period_id: 2025})
        # 16 JP already completed this year, outside any plan (recorded by HR, so they count).
        done = await client.post(
            f"/employees/{trained}/jp-ledger",
            headers=auth_headers(HR_NIP, agency, ["hr"]),
            json={"catalogue_code": "PEL-K01", "evidence": "SERT/BPSDM/2026/001", "completed_on": "2026-01-10"},
        )
        assert done.status_code == 201, done.text
        for nip in (fresh, trained):
            await publish_event(
                appraisal(agency, nip, period_id, Predikat.BUTUH_PERBAIKAN, weak=[BerakhlakValue.LOYAL])
            )

        (plan,) = (await plans_of(client, agency, fresh))["plans"]
        gaps = [i for i in plan["items"] if i["gap_kind"] != "jp_entitlement"]
        top = [i for i in plan["items"] if i["gap_kind"] == "jp_entitlement"]
        assert [(i["gap"], i["mandatory"], i["mentor_nip"]) for i in gaps] == [("loyal", True, appraiser)]
        assert gaps[0]["due_on"] == str(COMPLETED_AT.date() + timedelta(days=90))
        assert top and all(not i["mandatory"] and i["due_on"] == "2026-12-31" for i in top)
        assert plan["total_jp"] >= 20 and plan["mandatory"] is True and plan["year"] == 2026

        (plan,) = (await plans_of(client, agency, trained))["plans"]
        assert [i["gap_kind"] for i in plan["items"]] == ["perilaku"], "4 planned + 16 completed reach 20 JP"

        events = await development_events(read_topic, agency)({"DevelopmentPlanCreated": 2})
        created = [e for t, e in events if t == "DevelopmentPlanCreated"]
        assert {e["nip"] for e in created} == {fresh, trained}
        assert all(e["mandatory"] is True for e in created)


async def test_baik_with_a_weak_value_gets_a_recommended_plan_and_periodic_results_make_none(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    plans_of,
    publish_event,
):
    baik, steady, appraiser = new_nip(), new_nip(), new_nip()
    period_id = f"{agency}-2025"
    async with running(training_app(database_url)) as client:
        await staff(client, agency, [baik, steady], appraiser, {period_id: 2025})
        await publish_event(appraisal(agency, baik, period_id, Predikat.SANGAT_KURANG, kind="periodic"))
        await publish_event(appraisal(agency, baik, period_id, Predikat.BAIK, weak=[BerakhlakValue.KOLABORATIF]))
        await publish_event(appraisal(agency, steady, period_id, Predikat.BAIK))

        found = await plans_of(client, agency, baik, decisions=2)
        periodic, annual = sorted(found["decisions"], key=lambda d: d["kind"] == "annual")
        assert (periodic["kind"], periodic["plan_id"], periodic["required"]) == ("periodic", None, False)
        assert (annual["required"], annual["recommended"]) == (False, True)
        (plan,) = found["plans"]
        assert plan["mandatory"] is False and plan["plan_id"] == annual["plan_id"]
        assert [i["gap"] for i in plan["items"] if i["gap_kind"] == "perilaku"] == ["kolaboratif"]
        assert not any(i["mandatory"] for i in plan["items"])

        steady_found = await plans_of(client, agency, steady)
        assert steady_found["plans"] == [] and steady_found["decisions"][0]["plan_id"] is None


async def test_revision_supersedes_the_plan_keeping_completed_hours(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    plans_of,
    publish_event,
    auth_headers,
    read_topic,
    clock,
):
    nip, appraiser, cleared = new_nip(), new_nip(), new_nip()
    period_id = f"{agency}-2025"
    async with running(training_app(database_url)) as client:
        await staff(client, agency, [nip, cleared], appraiser, {period_id: 2025})
        original = appraisal(
            agency, nip, period_id, Predikat.SANGAT_KURANG, weak=[BerakhlakValue.LOYAL, BerakhlakValue.ADAPTIF]
        )
        await publish_event(original)
        (plan,) = (await plans_of(client, agency, nip))["plans"]
        loyal = next(i for i in plan["items"] if i["gap"] == "loyal")
        url = f"/plans/{plan['plan_id']}/items/{loyal['item_id']}"
        done = await client.post(
            f"{url}/complete",
            headers=auth_headers(nip, agency),
            json={"evidence": "SERT-LOYAL-01", "completed_on": "2026-01-21"},
        )
        assert done.status_code == 200, done.text

        # The objection succeeds: Butuh Perbaikan, both values still weak.
        await publish_event(
            revised(original, Predikat.BUTUH_PERBAIKAN, weak=[BerakhlakValue.LOYAL, BerakhlakValue.ADAPTIF])
        )
        found = await plans_of(client, agency, nip, decisions=2)
        old, new = sorted(found["plans"], key=lambda p: p["status"] != "superseded")
        assert old["status"] == "superseded" and old["superseded_by_plan_id"] == new["plan_id"]
        assert new["supersedes_plan_id"] == old["plan_id"] and found["current_plan_id"] == new["plan_id"]
        assert new["completed_jp_kept"] == loyal["jp"]
        assert loyal["catalogue_code"] not in {i["catalogue_code"] for i in new["items"]}
        assert "adaptif" in {i["gap"] for i in new["items"]}
        assert new["total_jp"] + loyal["jp"] >= 20, "the top-up counts the hours already completed"
        ledger = (
            await client.get(f"/employees/{nip}/jp-ledger", params={"year": 2026}, headers=auth_headers(nip, agency))
        ).json()
        assert ledger["completed_jp"] == loyal["jp"], "completed hours stay in the ledger"

        stale = await client.post(f"{url}/enrol", headers=auth_headers(nip, agency))
        assert stale.status_code == 409, "the superseded plan takes no more work"

        # A revision to a result that needs no plan supersedes it with an empty plan.
        other = appraisal(agency, cleared, period_id, Predikat.BUTUH_PERBAIKAN, weak=[BerakhlakValue.HARMONIS])
        await publish_event(other)
        await plans_of(client, agency, cleared)
        await publish_event(revised(other, Predikat.BAIK))
        found = await plans_of(client, agency, cleared, decisions=2)
        assert sorted(p["status"] for p in found["plans"]) == ["completed", "superseded"]
        assert next(p for p in found["plans"] if p["status"] == "completed")["items"] == []

        events = await development_events(read_topic, agency)({"DevelopmentPlanRevised": 2})
        revisions = {e["nip"]: e for t, e in events if t == "DevelopmentPlanRevised"}
        assert revisions[nip]["completed_jp_kept"] == loyal["jp"] and revisions[nip]["mandatory"] is True
        assert revisions[cleared]["items"] == [] and revisions[cleared]["mandatory"] is False
        created = [e for t, e in events if t == "DevelopmentPlanCreated"]
        assert len(created) == 2, "a revision makes no second DevelopmentPlanCreated"


async def test_talent_pool_after_two_sangat_baik_years_not_after_one(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    plans_of,
    publish_event,
    auth_headers,
    read_topic,
    eventually,
):
    star, rising, appraiser = new_nip(), new_nip(), new_nip()
    periods = {f"{agency}-2024": 2024, f"{agency}-2025": 2025}
    async with running(training_app(database_url)) as client:
        await staff(client, agency, [star, rising], appraiser, periods)
        for period_id, year in periods.items():
            at = datetime(year + 1, 1, 15, tzinfo=UTC)
            await publish_event(appraisal(agency, star, period_id, Predikat.SANGAT_BAIK, at=at))
            await publish_event(
                appraisal(agency, rising, period_id, Predikat.SANGAT_BAIK if year == 2025 else Predikat.BAIK, at=at)
            )
        await plans_of(client, agency, star, decisions=2)
        await plans_of(client, agency, rising, decisions=2)

        async def nominated_once():
            pool = (await client.get("/talent-pool", headers=auth_headers(HR_NIP, agency, ["hr"]))).json()
            assert [(n["nip"], n["years"]) for n in pool["nominations"]] == [(star, [2024, 2025])], pool

        await eventually(nominated_once, timeout=30, what="talent-pool nomination")
        events = await development_events(read_topic, agency)({"TalentPoolNominated": 1})
        nominated = [e for t, e in events if t == "TalentPoolNominated"]
        assert [(e["nip"], e["years"]) for e in nominated] == [(star, [2024, 2025])]
