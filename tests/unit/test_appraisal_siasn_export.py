"""appraisal-service's SIASN export on the fake unit of work: which results of the year become
records (final, the latest revision, of the caller's scope), their SIASN fields and codes from
the shared mapping and the roster, the two formats, paging, and the refusals."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from appraisal_fakes import FakeAppraisalUnitOfWork
from appraisal_service.domain import Appraisal, Status, scope_of
from appraisal_service.service_layer.siasn_export import siasn_export
from kinerja_contracts.siasn import PERIODIK_FIELDS, SKP22_FIELDS
from kinerja_runtime.auth import Principal
from kinerja_runtime.exports import ExportFormat
from kinerja_runtime.refusals import InvalidInput, NotPermitted

A, B = "dinas-a", "dinas-b"
KADIS, BUDI, ANI, SITI = "198808082012121002", "197801012005011001", "199001012015012001", "198503122010012002"
ATAS, SESUAI, BAWAH = "di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"
CHECKPOINTS = [
    {"checkpoint_id": "tw1", "name": "Triwulan I", "starts_on": "2025-01-01", "ends_on": "2025-03-31"},
    {"checkpoint_id": "jan", "name": "Januari", "starts_on": "2025-01-01", "ends_on": "2025-01-31"},
    {"checkpoint_id": "s1", "name": "Semester I", "starts_on": "2025-01-01", "ends_on": "2025-06-30"},
]

HR_A = Principal(nip="196805051990031001", agency=A, roles=frozenset({"hr"}))
PROVINCE = Principal(nip="197001011995031001", agency="bkd-provinsi", roles=frozenset({"province_admin"}))


def result(
    agency_id: str,
    period_id: str,
    nip: str,
    *,
    checkpoint_id: str | None = None,
    revision: int = 1,
    status: Status = Status.FINAL,
    ratings: tuple[str, str, str] = (SESUAI, SESUAI, "baik"),
    appraiser_nip: str | None = BUDI,
) -> Appraisal:
    hasil, perilaku, predikat = ratings
    final = status is not Status.PROPOSED
    return Appraisal(
        appraisal_id=f"{agency_id}-{nip}-{checkpoint_id or 'annual'}-{revision}",
        agency_id=agency_id,
        period_id=period_id,
        nip=nip,
        kind="periodic" if checkpoint_id else "annual",
        checkpoint_id=checkpoint_id,
        scope=scope_of(checkpoint_id),
        revision=revision,
        status=status,
        proposed_rating_hasil_kerja=hasil,
        proposed_rating_perilaku=perilaku,
        proposed_predikat=predikat,
        proposed_at=datetime(2026, 1, 5, tzinfo=UTC),
        policy_version="default-2026.1",
        summary={},
        explanation={},
        rating_hasil_kerja=hasil if final else None,
        rating_perilaku=perilaku if final else None,
        predikat=predikat if final else None,
        appraiser_nip=appraiser_nip if final else None,
        completed_at=datetime(2026, 1, 10, tzinfo=UTC) if final else None,
    )


@pytest.fixture
def uow() -> FakeAppraisalUnitOfWork:
    """Agency A's 2025: Budi appraises Ani and Siti; Ani's annual result was revised after an
    objection (di bawah -> sesuai), Siti's is only proposed; Ani has three periodic results (a
    quarter, a month, a semester). A's 2024 and agency B's 2025 have one result each."""
    uow = FakeAppraisalUnitOfWork()
    uow.roster.add_period(A, "a-2025", 2025, checkpoints=CHECKPOINTS)
    uow.roster.add_period(A, "a-2024", 2024)
    uow.roster.add_period(B, "b-2025", 2025)
    uow.roster.add_unit(A, "bidang", name="Bidang Pengaduan")
    uow.roster.add_employee(A, KADIS, name="Kadis A", position="Kepala Dinas", unit="Dinas A", unit_id="dinas")
    uow.roster.add_employee(
        A, BUDI, appraiser_nip=KADIS, name="Budi", position="Kepala Bidang", unit="Bidang (lama)", unit_id="bidang"
    )
    uow.roster.add_employee(A, ANI, appraiser_nip=BUDI, name="Ani", unit_id="bidang")
    uow.roster.add_employee(A, SITI, appraiser_nip=BUDI, name="Siti", unit_id="bidang")
    uow.roster.add_employee(B, ANI, appraiser_nip=None, name="Ani di B")
    rows = [
        result(A, "a-2025", ANI, status=Status.SUPERSEDED, ratings=(BAWAH, SESUAI, "butuh_perbaikan")),
        result(A, "a-2025", ANI, revision=2, ratings=(SESUAI, SESUAI, "baik")),
        result(A, "a-2025", SITI, status=Status.PROPOSED),
        result(A, "a-2025", BUDI, appraiser_nip=KADIS, ratings=(ATAS, ATAS, "sangat_baik")),
        result(A, "a-2025", ANI, checkpoint_id="tw1", ratings=(BAWAH, BAWAH, "sangat_kurang")),
        result(A, "a-2025", ANI, checkpoint_id="jan", ratings=(ATAS, SESUAI, "baik")),
        result(A, "a-2025", ANI, checkpoint_id="s1"),
        result(A, "a-2024", ANI),
        result(B, "b-2025", ANI, appraiser_nip="199999999999999999"),
    ]
    for row in rows:
        uow.appraisals.rows[row.appraisal_id] = row
    return uow


async def read(export) -> str:
    return b"".join([chunk async for chunk in export.chunks]).decode()


def lines(text: str) -> list[dict]:
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


async def test_hr_exports_the_agencys_final_results_of_the_year_as_json_lines(uow):
    export = await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.JSONL)
    assert (export.filename, export.media_type) == (
        "siasn-skp22-kinerja-periodik-2025.jsonl",
        "application/x-ndjson; charset=utf-8",
    )
    records = lines(await read(export))
    # By NIP, the annual result before the checkpoints; Siti's proposal, A's 2024 and B are not there.
    assert [(r["kind"], r["pnsDinilaiOrang"]) for r in records] == [
        ("skp22", BUDI),
        ("skp22", ANI),
        ("kinerja-periodik", ANI),
        ("kinerja-periodik", ANI),
        ("kinerja-periodik", ANI),
    ]
    budi, ani = records[0], records[1]
    assert list(ani) == [*SKP22_FIELDS, "kind", "missing"]
    # The revision replaces the superseded result: Ani is sesuai / baik once.
    assert ani == {
        "tahun": 2025,
        "pnsDinilaiOrang": ANI,
        "hasilKinerjaNilai": 2,
        "perilakuKerjaNilai": 2,
        "kuadranKinerjaNilai": 2,
        "penilaiNama": "Budi",
        "penilaiNipNrp": BUDI,
        "penilaiGolongan": None,
        "penilaiJabatan": "Kepala Bidang",
        "penilaiUnorNama": "Bidang Pengaduan",  # the unit's own name, not the roster's text
        "statusPenilai": "ASN",
        "kind": "skp22",
        "missing": ["penilaiGolongan"],
    }
    assert (budi["hasilKinerjaNilai"], budi["kuadranKinerjaNilai"], budi["penilaiNama"]) == (1, 1, "Kadis A")
    assert budi["penilaiUnorNama"] == "Dinas A", "an unknown unit id: the roster's unit text"


async def test_periodic_results_carry_the_checkpoints_months(uow):
    records = lines(
        await read(await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.JSONL, kind="kinerja-periodik"))
    )
    by_months = {(r["bulanMulaiPenilaian"], r["bulanSelesaiPenilaian"]): r for r in records}
    assert set(by_months) == {(1, 1), (1, 3), (1, 6)}
    quarter, month, semester = by_months[1, 3], by_months[1, 1], by_months[1, 6]
    assert list(quarter) == [*PERIODIK_FIELDS, "kind", "missing"]
    assert {k: quarter[k] for k in ("periodikId", "tahunMulaiPenilaian", "tahunSelesaiPenilaian", "pnsDinilaiId")} == {
        "periodikId": 2,
        "tahunMulaiPenilaian": 2025,
        "tahunSelesaiPenilaian": 2025,
        "pnsDinilaiId": ANI,
    }
    assert (quarter["hasilKinerjaNilai"], quarter["kuadranKinerjaNilai"]) == (3, 5)
    assert month["periodikId"] == 1 and month["missing"] == ["penilaiGolongan", "koefisienId"]
    assert semester["periodikId"] is None and "periodikId" in semester["missing"]


async def test_csv_has_one_kind_its_field_names_as_header_and_null_as_an_empty_cell(uow):
    with pytest.raises(InvalidInput):
        await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.CSV)
    export = await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.CSV, kind="skp22")
    assert export.filename == "siasn-skp22-2025.csv" and export.media_type.startswith("text/csv")
    text = await read(export)
    assert not text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(SKP22_FIELDS)
    assert [r[1] for r in rows[1:]] == [BUDI, ANI]
    ani = dict(zip(rows[0], rows[2], strict=True))
    assert (ani["hasilKinerjaNilai"], ani["penilaiGolongan"], ani["tahun"]) == ("2", "", "2025")

    with_bom = await read(await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.CSV, kind="skp22", bom=True))
    assert with_bom == "\ufeff" + text


async def test_an_empty_year_is_an_empty_file(uow):
    assert await read(await siasn_export(uow, HR_A, year=2030, fmt=ExportFormat.JSONL)) == ""
    header = await read(await siasn_export(uow, HR_A, year=2030, fmt=ExportFormat.CSV, kind="kinerja-periodik"))
    assert header == ",".join(PERIODIK_FIELDS) + "\r\n"


async def test_pages_follow_each_other_without_repeating_or_losing_a_record(uow):
    whole = await read(await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.JSONL))
    calls = []
    page_of = uow.appraisals.final_page

    async def counted(*args, **kwargs):
        calls.append(kwargs["after"])
        return await page_of(*args, **kwargs)

    uow.appraisals.final_page = counted
    paged = await read(await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.JSONL, page_size=2))
    assert paged == whole
    assert calls == [None, (ANI, "annual"), (ANI, "periodic:s1")]  # 2 + 2 + 1 of 5


async def test_the_province_admin_exports_every_agency_or_one(uow):
    everyone = lines(await read(await siasn_export(uow, PROVINCE, year=2025, fmt=ExportFormat.JSONL, kind="skp22")))
    assert [r["pnsDinilaiOrang"] for r in everyone] == [BUDI, ANI, ANI]
    b = everyone[-1]
    # B's Ani names a penilai nobody registered: named by NIP, the rest missing.
    assert (b["penilaiNipNrp"], b["penilaiNama"], b["missing"]) == (
        "199999999999999999",
        None,
        ["penilaiNama", "penilaiGolongan", "penilaiJabatan", "penilaiUnorNama"],
    )
    only_b = lines(await read(await siasn_export(uow, PROVINCE, year=2025, fmt=ExportFormat.JSONL, agency_id=B)))
    assert [r["pnsDinilaiOrang"] for r in only_b] == [ANI]


async def test_others_may_not_export(uow):
    with pytest.raises(NotPermitted):
        await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.JSONL, agency_id=B)
    assert await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.JSONL, agency_id=A)
    for roles in ({"employee"}, {"appraiser"}, {"employee", "appraiser"}):
        with pytest.raises(NotPermitted):
            await siasn_export(uow, Principal(ANI, A, frozenset(roles)), year=2025, fmt=ExportFormat.JSONL)
