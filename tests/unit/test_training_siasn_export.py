"""training-service's SIASN export on the fake unit of work: verified ledger entries of the year
as kursus records (the shared mapping, the ledger's title), both formats, paging, the scopes."""

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from kinerja_contracts.siasn import KURSUS_FIELDS
from kinerja_runtime.auth import Principal
from kinerja_runtime.exports import ExportFormat
from kinerja_runtime.refusals import NotPermitted
from training_fakes import FakeTrainingUnitOfWork
from training_service.domain import EntryStatus
from training_service.service_layer.ledger import new_entry
from training_service.service_layer.siasn_export import siasn_export

A, B = "dinas-a", "dinas-b"
ANI, SITI, HR = "199001012015012001", "198503122010012002", "196805051990031001"
HR_A = Principal(nip=HR, agency=A, roles=frozenset({"hr"}))
PROVINCE = Principal(nip="197001011995031001", agency="bkd-provinsi", roles=frozenset({"province_admin"}))


def entry(
    agency_id, nip, completed_on, *, title="Pelatihan Pelayanan Prima", jp=8, status=EntryStatus.VERIFIED, **more
):
    return new_entry(
        agency_id=agency_id,
        nip=nip,
        jp=jp,
        catalogue_code=more.pop("catalogue_code", "PLY-01"),
        title=title,
        competency=None,
        evidence="SERT-123/2025",
        completed_on=completed_on,
        recorded_by=HR,
        now=datetime(2025, 12, 1, tzinfo=UTC),
        status=status,
        **more,
    )


@pytest.fixture
def uow() -> FakeTrainingUnitOfWork:
    uow = FakeTrainingUnitOfWork()
    for e in (
        entry(A, SITI, date(2025, 3, 4), plan_id="plan-1", item_id="item-1"),
        entry(A, ANI, date(2025, 9, 1), title='Seminar "Etika", ASN', jp=2, catalogue_code="outside-plan"),
        entry(A, ANI, date(2025, 2, 1), title="Coaching"),
        entry(A, ANI, date(2025, 5, 1), title="Claimed only", status=EntryStatus.CLAIMED),
        entry(A, ANI, date(2024, 5, 1), title="Last year"),
        entry(B, ANI, date(2025, 6, 1), title="Di agency B"),
    ):
        uow.ledger.entries[e["entry_id"]] = e
    return uow


async def read(export) -> str:
    return b"".join([chunk async for chunk in export.chunks]).decode()


async def test_verified_training_of_the_year_as_kursus_records(uow):
    export = await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.JSONL)
    assert export.filename == "siasn-kursus-2025.jsonl"
    records = [json.loads(line) for line in (await read(export)).splitlines()]
    assert [(r["pnsOrangId"], r["namaKursus"]) for r in records] == [
        (SITI, "Pelatihan Pelayanan Prima"),
        (ANI, "Coaching"),
        (ANI, 'Seminar "Etika", ASN'),
    ], "A's verified entries of 2025, by NIP and day"
    assert list(records[0]) == [*KURSUS_FIELDS, "kind", "missing"]
    assert records[2] == {
        "pnsOrangId": ANI,
        "jenisDiklatId": None,
        "institusiPenyelenggara": None,
        "nomorSertipikat": None,
        "tahunKursus": 2025,
        "jumlahJam": 2,
        "namaKursus": 'Seminar "Etika", ASN',
        "tanggalKursus": None,
        "tanggalSelesaiKursus": "01-09-2025",
        "kind": "kursus",
        "missing": ["jenisDiklatId", "institusiPenyelenggara", "nomorSertipikat", "tanggalKursus"],
    }


async def test_csv_quotes_what_needs_quoting(uow):
    export = await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.CSV)
    assert export.filename == "siasn-kursus-2025.csv"
    text = await read(export)
    assert '"Seminar ""Etika"", ASN"' in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["namaKursus"] for r in rows] == ["Pelatihan Pelayanan Prima", "Coaching", 'Seminar "Etika", ASN']
    assert (rows[0]["jumlahJam"], rows[0]["jenisDiklatId"]) == ("8", "")
    assert (await read(await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.CSV, bom=True))).startswith(
        "\ufeffpnsOrangId,"
    )


async def test_paged_export_is_the_same_file(uow):
    whole = await read(await siasn_export(uow, PROVINCE, year=2025, fmt=ExportFormat.JSONL))
    assert await read(await siasn_export(uow, PROVINCE, year=2025, fmt=ExportFormat.JSONL, page_size=1)) == whole
    assert [json.loads(line)["namaKursus"] for line in whole.splitlines()][-1] == "Di agency B"


async def test_scopes(uow):
    only_b = await read(await siasn_export(uow, PROVINCE, year=2025, fmt=ExportFormat.JSONL, agency_id=B))
    assert [json.loads(line)["namaKursus"] for line in only_b.splitlines()] == ["Di agency B"]
    with pytest.raises(NotPermitted):
        await siasn_export(uow, HR_A, year=2025, fmt=ExportFormat.JSONL, agency_id=B)
    with pytest.raises(NotPermitted):
        await siasn_export(
            uow, Principal(ANI, A, frozenset({"employee", "appraiser"})), year=2025, fmt=ExportFormat.JSONL
        )
