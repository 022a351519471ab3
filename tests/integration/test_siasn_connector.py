"""The SIASN connector end to end: contract events on the embedded broker -> the connector (its
own database) -> the SIASN-compatible stub on a loopback port.

Each test has its own agency (the connector forwards that agency only), its own database and
its own consumer group; the stub is shared by the module and reset by each test.
"""

import contextlib
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from kinerja_contracts import (
    AppraisalCompleted,
    AppraisalRevised,
    AppraisalSummary,
    Checkpoint,
    CloudEventAttributes,
    DevelopmentForm,
    DevelopmentPlanCreated,
    Ekspektasi,
    EmployeeRegistered,
    PerformancePeriodOpened,
    PlanItem,
    Predikat,
    TrainingCompleted,
    WorkUnitDefined,
    encode,
)
from siasn_connector.api import create_app
from siasn_connector.settings import ConnectorSettings
from siasn_connector.stub import StubServer

pytestmark = pytest.mark.integration

YEAR = 2025
ATASAN = "196501011990031001"  # the Kepala Dinas's appraiser: outside the agency's roster
KADIS = "197001011995031002"
HEADS = {"bidang-a": "197504052000012003", "bidang-b": "197706072001011004"}
STAFF = {
    "198503122010011002": "bidang-a",
    "198604132011012003": "bidang-a",
    "198705142012011004": "bidang-b",
    "198806152013012005": "bidang-b",
}
QUARTERS = [
    Checkpoint(checkpoint_id="q1", name="Triwulan I", starts_on=date(YEAR, 1, 1), ends_on=date(YEAR, 3, 31)),
    Checkpoint(checkpoint_id="q2", name="Triwulan II", starts_on=date(YEAR, 4, 1), ends_on=date(YEAR, 6, 30)),
    Checkpoint(checkpoint_id="q3", name="Triwulan III", starts_on=date(YEAR, 7, 1), ends_on=date(YEAR, 9, 30)),
    Checkpoint(checkpoint_id="q4", name="Triwulan IV", starts_on=date(YEAR, 10, 1), ends_on=date(YEAR, 12, 31)),
]
SEMESTER = Checkpoint(checkpoint_id="s1", name="Semester I", starts_on=date(YEAR, 1, 1), ends_on=date(YEAR, 6, 30))
SUMMARY = AppraisalSummary(indikator=[], perilaku=[], average_capaian_utama=100.0, feedback_answers=3)
RATINGS = [
    (Ekspektasi.DI_ATAS, Ekspektasi.DI_ATAS, Predikat.SANGAT_BAIK),
    (Ekspektasi.SESUAI, Ekspektasi.SESUAI, Predikat.BAIK),
    (Ekspektasi.DI_BAWAH, Ekspektasi.SESUAI, Predikat.BUTUH_PERBAIKAN),
    (Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH, Predikat.KURANG_MISCONDUCT),
    (Ekspektasi.DI_BAWAH, Ekspektasi.DI_BAWAH, Predikat.SANGAT_KURANG),
]


@pytest.fixture(scope="module")
def stub():
    with StubServer() as server:
        yield server


@pytest.fixture
def agency(stub) -> str:
    stub.state.reset()
    return f"siasn-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def state_url(postgres_url_factory, request) -> str:
    return postgres_url_factory(request.node.name)


@pytest.fixture
def connector(broker, stub, running, agency, state_url):
    """``async with connector(**settings) as api``: the connector in-process, its HTTP API as a client.
    A second ``connector()`` of the same test reuses the database and the consumer group: a restart."""
    group = f"siasn-connector-test-{uuid.uuid4().hex[:8]}"

    @contextlib.asynccontextmanager
    async def run(**overrides):
        values = dict(
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_group=group,
            agencies=agency,
            database_url=state_url,
            siasn_base_url=stub.url,
            siasn_timeout_seconds=5.0,
            siasn_backoff_seconds=0.1,
            siasn_backoff_max_seconds=0.5,
            siasn_roster_grace_seconds=1.0,
            log_level="WARNING",
        )
        settings = ConnectorSettings(**(values | overrides))
        async with running(create_app(settings)) as api:
            api.settings = settings
            yield api

    return run


async def report(api, **params) -> dict:
    response = await api.get("/reconciliation", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def held(stub, kind: str) -> list[dict]:
    return [r.view() for r in stub.state.records[kind].values()]


def by_person(stub, kind: str, person_field: str) -> dict[str, dict]:
    records = held(stub, kind)
    found = {r["data"][person_field]: r for r in records}
    assert len(found) == len(records), "two records of one person"
    return found


async def until_settled(api, eventually, *, sent: int, failed: int = 0, pending: int = 0, timeout: float = 60):
    """The connector has read everything and the counts are these."""

    async def settled():
        got = await report(api)
        totals = got["totals"]
        assert (totals["sent"], totals["failed"], totals["pending"]) == (sent, failed, pending), got["line"]
        assert got["consumer"]["caught_up"], got["consumer"]
        return got

    return await eventually(settled, timeout=timeout, what="the connector's counts")


# -- events of one agency's year ------------------------------------------------------------------


def roster(agency: str) -> list:
    events = [
        WorkUnitDefined(agency_id=agency, unit_id="dinas", name="Dinas Uji", head_nip=KADIS),
        WorkUnitDefined(agency_id=agency, unit_id="bidang-a", name="Bidang Pelayanan", parent_unit_id="dinas"),
        WorkUnitDefined(agency_id=agency, unit_id="bidang-b", name="Bidang Pengaduan", parent_unit_id="dinas"),
        EmployeeRegistered(
            agency_id=agency,
            nip=KADIS,
            name="Kepala Dinas Uji",
            position="Kepala Dinas",
            unit="Dinas Uji",
            unit_id="dinas",
            appraiser_nip=ATASAN,
        ),
    ]
    for unit_id, nip in HEADS.items():
        events.append(
            EmployeeRegistered(
                agency_id=agency,
                nip=nip,
                name=f"Kepala {unit_id}",
                position=f"Kepala {unit_id}",
                unit=f"text {unit_id}",
                unit_id=unit_id,
                appraiser_nip=KADIS,
            )
        )
    for i, (nip, unit_id) in enumerate(STAFF.items()):
        events.append(
            EmployeeRegistered(
                agency_id=agency,
                nip=nip,
                name=f"Pegawai {i}",
                position="Analis",
                unit=unit_id,
                unit_id=unit_id,
                appraiser_nip=HEADS[unit_id],
            )
        )
    events.append(
        PerformancePeriodOpened(
            agency_id=agency,
            period_id=f"{agency}-{YEAR}",
            year=YEAR,
            starts_on=date(YEAR, 1, 1),
            ends_on=date(YEAR, 12, 31),
            checkpoints=[*QUARTERS, SEMESTER],
        )
    )
    return events


def appraiser_of(nip: str) -> str:
    if nip == KADIS:
        return ATASAN
    if nip in HEADS.values():
        return KADIS
    return HEADS[STAFF[nip]]


def completed(agency: str, nip: str, n: int = 0, *, checkpoint: str | None = None, **changes) -> AppraisalCompleted:
    hasil, perilaku, predikat = RATINGS[n % len(RATINGS)]
    values = dict(
        agency_id=agency,
        period_id=f"{agency}-{YEAR}",
        nip=nip,
        appraisal_id=f"apr-{nip}-{checkpoint or 'annual'}",
        rating_hasil_kerja=hasil,
        rating_perilaku=perilaku,
        predikat=predikat,
        policy_version="v1",
        completed_at=datetime(YEAR + 1, 1, 20, tzinfo=UTC) + timedelta(minutes=n),
        summary=SUMMARY,
        kind="periodic" if checkpoint else "annual",
        checkpoint_id=checkpoint,
        appraiser_nip=appraiser_of(nip),
    )
    return AppraisalCompleted(**(values | changes))


def revised(original: AppraisalCompleted, predikat: Predikat, hasil: Ekspektasi) -> AppraisalRevised:
    return AppraisalRevised(
        agency_id=original.agency_id,
        period_id=original.period_id,
        nip=original.nip,
        appraisal_id=f"{original.appraisal_id}-r2",
        supersedes_appraisal_id=original.appraisal_id,
        revision=2,
        objection_id=f"obj-{original.nip}",
        decided_by=KADIS,
        reason="Bukti dukung Desember diterima.",
        rating_hasil_kerja=hasil,
        rating_perilaku=original.rating_perilaku,
        predikat=predikat,
        policy_version="v1",
        kind=original.kind,
        checkpoint_id=original.checkpoint_id,
        summary=original.summary,
        revised_at=original.completed_at + timedelta(days=10),
    )


def plan(agency: str, nip: str) -> DevelopmentPlanCreated:
    item = PlanItem(
        item_id="item-1",
        competency="Berorientasi Pelayanan",
        gap_kind="perilaku",
        gap="berorientasi_pelayanan",
        catalogue_code="KOM-PLY-01",
        title="Pelatihan Pelayanan Prima",
        form=DevelopmentForm.KLASIKAL,
        method="pelatihan",
        jp=16,
    )
    return DevelopmentPlanCreated(
        agency_id=agency,
        period_id=f"{agency}-{YEAR}",
        nip=nip,
        plan_id=f"idp-{nip}",
        appraisal_id=f"apr-{nip}-annual",
        predikat=Predikat.BUTUH_PERBAIKAN,
        items=[item],
        total_jp=16,
        created_at=datetime(YEAR + 1, 1, 21, tzinfo=UTC),
    )


def trained(agency: str, nip: str, *, in_plan: bool) -> TrainingCompleted:
    return TrainingCompleted(
        agency_id=agency,
        nip=nip,
        year=YEAR + 1,
        catalogue_code="KOM-PLY-01" if in_plan else "KOM-LAIN-02",
        jp=16 if in_plan else 4,
        plan_id=f"idp-{nip}" if in_plan else None,
        item_id="item-1" if in_plan else None,
        evidence="Sertifikat BPSDM No. 800/1234/2026",
        completed_on=date(YEAR + 1, 3, 12),
    )


async def publish_all(publish_event, events) -> None:
    for event in events:
        await publish_event(event)


# -- the tests -----------------------------------------------------------------------------------


async def test_a_year_arrives_in_siasn_once(connector, agency, stub, publish_event, eventually):
    staff = list(STAFF)
    every = [KADIS, *HEADS.values(), *staff]
    annual = [completed(agency, nip, n) for n, nip in enumerate(every)]
    periodic = [completed(agency, nip, n, checkpoint=q) for n, nip in enumerate(staff[:2]) for q in ("q1", "q2")]
    plans = [plan(agency, nip) for nip in staff[:2]]
    trainings = [trained(agency, nip, in_plan=True) for nip in staff[:2]] + [trained(agency, staff[3], in_plan=False)]

    async with connector() as api:
        await publish_all(publish_event, roster(agency) + plans)
        await publish_all(publish_event, annual + periodic + trainings)
        # At least once: the same events delivered again, by id and as new ids.
        ce_id, _ = await publish_event(annual[1])
        await publish_event(annual[1], event_id=ce_id)
        await publish_event(periodic[0])
        first = await until_settled(api, eventually, sent=len(annual) + len(periodic) + len(trainings))

    assert first["by_kind"]["skp22"]["sent"] == len(every)
    assert first["by_kind"]["kinerja-periodik"]["sent"] == 4 and first["by_kind"]["kursus"]["sent"] == 3
    assert first["line"] == f"SIASN: {len(annual) + len(periodic) + len(trainings)} sent, 0 failed, 0 pending"

    skp = by_person(stub, "skp22", "pnsDinilaiOrang")
    assert set(skp) == set(every)
    assert all(r["writes"] == 1 for r in held(stub, "skp22") + held(stub, "kinerja-periodik") + held(stub, "kursus"))
    assert stub.state.stats["created"] == len(annual) + len(periodic) + len(trainings)
    assert stub.state.stats.get("replayed", 0) == 0 and stub.state.stats.get("refused", 0) == 0

    # The fields: codes from the ratings, the penilai from the roster (the unit by its WorkUnitDefined name).
    staff_record = skp[staff[0]]["data"]  # rated RATINGS[3]: sesuai, di bawah, Kurang/Misconduct
    assert staff_record == {
        "tahun": YEAR,
        "pnsDinilaiOrang": staff[0],
        "hasilKinerjaNilai": 2,
        "perilakuKerjaNilai": 3,
        "kuadranKinerjaNilai": 4,
        "penilaiNama": "Kepala bidang-a",
        "penilaiNipNrp": HEADS["bidang-a"],
        "penilaiGolongan": None,
        "penilaiJabatan": "Kepala bidang-a",
        "penilaiUnorNama": "Bidang Pelayanan",
        "statusPenilai": "ASN",
    }
    # The Kepala Dinas's penilai is not on the roster: named, never invented.
    kadis = skp[KADIS]["data"]
    assert kadis["penilaiNipNrp"] == ATASAN and kadis["penilaiNama"] is None and kadis["penilaiJabatan"] is None

    periodik = {
        (r["data"]["pnsDinilaiId"], r["data"]["bulanMulaiPenilaian"]): r["data"] for r in held(stub, "kinerja-periodik")
    }
    assert set(periodik) == {(nip, month) for nip in staff[:2] for month in (1, 4)}
    q2 = periodik[(staff[0], 4)]
    assert (q2["periodikId"], q2["bulanSelesaiPenilaian"], q2["tahunMulaiPenilaian"], q2["koefisienId"]) == (
        2,
        6,
        YEAR,
        None,
    )

    kursus = sorted((r["data"] for r in held(stub, "kursus")), key=lambda d: (d["jumlahJam"], d["pnsOrangId"]))
    assert [(k["pnsOrangId"], k["jumlahJam"], k["namaKursus"]) for k in kursus] == [
        (staff[3], 4, None),
        *sorted((nip, 16, "Pelatihan Pelayanan Prima") for nip in staff[:2]),
    ]
    assert all(k["tanggalSelesaiKursus"] == f"12-03-{YEAR + 1}" and k["tahunKursus"] == YEAR + 1 for k in kursus)

    # Per record on request: what was sent as null because Kinerja does not know it.
    async with connector() as api:
        listed = (await report(api, records="true"))["records"]
    mine = {(r["kind"], r["nip"], r["part"]): r for r in listed}
    assert set(mine[("skp22", KADIS, None)]["missing"]) == {
        "penilaiNama",
        "penilaiGolongan",
        "penilaiJabatan",
        "penilaiUnorNama",
    }
    assert mine[("skp22", staff[0], None)]["missing"] == ["penilaiGolongan"]
    assert mine[("kinerja-periodik", staff[0], "q1")]["missing"] == ["penilaiGolongan", "koefisienId"]
    assert all(r["status"] == "sent" and r["siasn_id"] for r in listed)


async def test_a_revision_updates_the_one_record(connector, agency, stub, publish_event, eventually):
    nip = next(iter(STAFF))
    original = completed(agency, nip, 2)  # Butuh Perbaikan
    async with connector() as api:
        await publish_all(publish_event, roster(agency))
        await publish_event(original)
        await until_settled(api, eventually, sent=1)
        [record] = held(stub, "skp22")
        assert record["data"]["kuadranKinerjaNilai"] == 3

        await publish_event(revised(original, Predikat.BAIK, Ekspektasi.SESUAI))

        async def updated():
            got = await report(api)
            assert got["by_kind"]["skp22"]["updates"] == 1 and got["totals"]["sent"] == 1, got
            return got

        await eventually(updated, what="the revision sent")
        # A late copy of the original changes nothing: latest wins.
        await publish_event(original)
        await until_settled(api, eventually, sent=1)

    [after] = held(stub, "skp22")
    assert after["id"] == record["id"] and after["writes"] == 2
    assert (after["data"]["kuadranKinerjaNilai"], after["data"]["hasilKinerjaNilai"]) == (2, 2)
    assert after["data"]["penilaiNipNrp"] == HEADS[STAFF[nip]]  # the penilai, not who decided the objection
    assert stub.state.stats["created"] == 1 and stub.state.stats["puts"] == 1


async def test_siasn_down_for_a_while_loses_nothing(connector, agency, stub, publish_event, eventually):
    """SIASN answers 503 while the year's records come in, the connector is restarted meanwhile,
    a revision arrives before the first send; when SIASN is back every record lands once."""
    staff = list(STAFF)
    stub.state.fail = True
    originals = [completed(agency, nip, n) for n, nip in enumerate(staff)]
    async with connector() as api:
        await publish_all(publish_event, roster(agency) + [plan(agency, staff[0])])
        await publish_all(publish_event, originals + [trained(agency, staff[0], in_plan=True)])

        async def stored_and_retrying():
            got = await report(api)
            assert got["totals"]["pending"] == 5 and got["consumer"]["caught_up"], got
            assert got["pending_retrying"]["records"] >= 1 and "503" in got["pending_retrying"]["last_error"], got
            assert got["siasn"]["reachable"] is False
            return got

        await eventually(stored_and_retrying, what="records stored while SIASN is down")
    assert stub.state.stats["failed"] >= 1 and stub.state.stats.get("created", 0) == 0

    # A new process on the same database and consumer group: the pending records are still there.
    async with connector() as api:
        await publish_event(revised(originals[0], Predikat.SANGAT_BAIK, Ekspektasi.DI_ATAS))

        async def revision_stored():
            got = await report(api, records="true")
            [record] = [r for r in got["records"] if r["nip"] == staff[0] and r["kind"] == "skp22"]
            assert record["revision"] == 2 and record["status"] == "pending"
            return got

        await eventually(revision_stored, what="the revision stored while SIASN is down")
        stub.state.fail = False
        await until_settled(api, eventually, sent=5)

    skp = by_person(stub, "skp22", "pnsDinilaiOrang")
    assert set(skp) == set(staff) and len(held(stub, "kursus")) == 1
    assert all(r["writes"] == 1 for r in held(stub, "skp22") + held(stub, "kursus"))
    assert skp[staff[0]]["data"]["kuadranKinerjaNilai"] == 1  # created with the revised values
    assert stub.state.stats["created"] == 5


async def test_a_slow_siasn_whose_answers_are_lost_gets_no_duplicate(
    connector, agency, stub, publish_event, eventually
):
    """The stub stores the record but answers after the connector gave up; the retry carries the
    same Idempotency-Key, so SIASN holds one record."""
    nip = next(iter(STAFF))
    stub.state.delay_seconds = 1.5
    async with connector(siasn_timeout_seconds=0.5) as api:
        await publish_all(publish_event, roster(agency))
        await publish_event(completed(agency, nip, 1))

        async def written_but_unanswered():
            got = await report(api)
            assert held(stub, "skp22") and got["totals"]["pending"] == 1, got
            assert "did not answer in time" in (got["pending_retrying"]["last_error"] or ""), got
            return got

        await eventually(written_but_unanswered, what="a write whose answer was lost")
        stub.state.delay_seconds = 0
        await until_settled(api, eventually, sent=1)
    assert len(held(stub, "skp22")) == 1 and stub.state.stats["created"] == 1
    assert stub.state.stats["replayed"] >= 1


async def test_an_event_with_fields_the_connector_does_not_know_is_applied(
    connector, agency, stub, publish_event, publish_raw, eventually
):
    nip = next(iter(STAFF))
    event = completed(agency, nip, 0)
    data = json.loads(encode(event))
    data["nilai_tambahan"] = {"angka": 1}  # a field a newer producer might add
    data["summary"]["ringkasan_baru"] = "x"  # nested too
    headers = CloudEventAttributes.for_event(event, "/kinerja/appraisal-service").to_headers()
    async with connector() as api:
        await publish_all(publish_event, roster(agency))
        await publish_raw(event.topic, json.dumps(data).encode(), event.key(), headers)
        await until_settled(api, eventually, sent=1)
    [record] = held(stub, "skp22")
    assert record["data"]["pnsDinilaiOrang"] == nip and record["data"]["kuadranKinerjaNilai"] == 1


async def test_the_reconciliation_report_counts_sent_failed_and_pending(
    connector, agency, stub, state_url, publish_event, publish_raw, eventually
):
    staff = list(STAFF)
    async with connector() as api:
        await publish_all(publish_event, roster(agency))
        await publish_all(publish_event, [completed(agency, nip, n) for n, nip in enumerate(staff[:3])])
        # A semester has no SIASN periodikId: SIASN refuses the record, with its reason.
        await publish_event(completed(agency, staff[0], 0, checkpoint="s1"))
        # Data a reader cannot decode: skipped, and said so.
        bad = completed(agency, staff[1], 0, checkpoint="q1")
        data = json.loads(encode(bad)) | {"predikat": "luar_biasa"}
        bad_headers = CloudEventAttributes.for_event(bad, "/kinerja/appraisal-service").to_headers()
        await publish_raw(bad.topic, json.dumps(data).encode(), bad.key(), bad_headers)
        await until_settled(api, eventually, sent=3, failed=1)

        stub.state.fail = True
        await publish_event(completed(agency, staff[3], 3))
        got = await until_settled(api, eventually, sent=3, failed=1, pending=1)

        assert got["line"] == "SIASN: 3 sent, 1 failed, 1 pending"
        assert got["by_kind"]["kinerja-periodik"] == {"sent": 0, "failed": 1, "pending": 0, "updates": 0}
        [failure] = got["failed_reasons"]
        assert failure["records"] == 1 and "(422): periodikId: required" in failure["reason"]
        skipped = [s for s in got["skipped_events"]["latest"] if s["event_id"] == bad_headers["ce_id"]]
        assert skipped and skipped[0]["reason"] == "invalid data: predikat: enum"
        failed = (await report(api, status="failed"))["records"]
        assert [(r["kind"], r["nip"], r["part"]) for r in failed] == [("kinerja-periodik", staff[0], "s1")]
        assert "periodikId" in failed[0]["missing"]

        # The same report from the command line, on the connector's database.
        env = dict(os.environ, DATABASE_URL=state_url)
        printed = subprocess.run(
            [sys.executable, "-m", "siasn_connector", "report", "--agency", agency, "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert json.loads(printed.stdout)["totals"] | {"records": 5} == {
            "sent": 3,
            "failed": 1,
            "pending": 1,
            "records": 5,
            "updates": 0,
        }
        text = subprocess.run(
            [sys.executable, "-m", "siasn_connector", "report", "--agency", agency, "--status", "failed"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
        assert text.startswith("SIASN: 3 sent, 1 failed, 1 pending\n")
        assert "failed: 1 x SIASN refused the create of a kinerja-periodik record (422): periodikId: required" in text
        assert f"kinerja-periodik  {agency} {staff[0]} {agency}-{YEAR}/s1 failed" in text

        # SIASN back: the pending one goes; a retry of the refused one is refused again.
        stub.state.fail = False
        assert (await api.post("/reconciliation/retry")).json() == {"retried": 1}
        await until_settled(api, eventually, sent=4, failed=1)
