"""The SIASN bulk export (issue 11) over HTTP on the four real services (in-process, PostgreSQL,
the session's broker), two agencies seeded through the product (``two_agencies``): each agency's
year confirmed, then one result revised after an objection, one periodic result confirmed, and
training recorded (by HR, completed in a plan, and a claim nobody verified yet).

HR exports their agency only, as JSON Lines and as CSV, in SIASN's field names and codes, a
revised result once with its revised values; the province admin exports both agencies, or one;
an employee or an appraiser is refused."""

import csv
import io
import json
from datetime import date

import pytest
from kinerja_contracts.siasn import KURSUS_FIELDS, PERIODIK_FIELDS, SKP22_FIELDS
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings
from two_agencies import Agency, Person, ServiceStack, World, build_apps, seed_two_agencies

pytestmark = pytest.mark.integration

TOKENS = TokenIssuer(ServiceSettings())
YEAR = date.today().year  # the scenario's period is this year's
TODAY = date.today().isoformat()
PROVINCE_ADMIN = Person("197001011995031009", "Admin BKD Provinsi", ("province_admin",))
PROVINCE = "bkd-provinsi"
CODE = {"di_atas_ekspektasi": 1, "sesuai_ekspektasi": 2, "di_bawah_ekspektasi": 3}
KUADRAN = {"sangat_baik": 1, "baik": 2, "butuh_perbaikan": 3, "kurang_misconduct": 4, "sangat_kurang": 5}


def headers(person: Person, agency_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS.issue(person.nip, agency_id, list(person.roles))}"}


def call(world: World, person: Person, agency: Agency | str, method: str, service: str, path: str, **kwargs):
    agency_id = agency if isinstance(agency, str) else agency.agency_id
    response = world.stack.client.request(
        method, f"{world.stack.urls[service]}{path}", headers=headers(person, agency_id), **kwargs
    )
    return response


def ok(response) -> dict:
    assert response.status_code in (200, 201), response.text[:500]
    return response.json()


def revise(world: World, agency: Agency) -> dict:
    """Kadis (the appraiser's superior) changes the employee's result after their objection."""
    employee = agency["employee"]
    hr = agency["hr"]
    before = ok(call(world, hr, agency, "GET", "appraisal-service", f"/appraisals/{employee.appraisal_id}"))
    hasil = "sesuai_ekspektasi" if before["rating_hasil_kerja"] != "sesuai_ekspektasi" else "di_atas_ekspektasi"
    decided = ok(
        call(
            world,
            agency["kadis"],
            agency,
            "POST",
            "appraisal-service",
            f"/objections/{employee.objection_id}/decision",
            json={"outcome": "changed", "reason": "Bukti triwulan IV diterima.", "rating_hasil_kerja": hasil},
        )
    )
    return ok(call(world, hr, agency, "GET", "appraisal-service", f"/appraisals/{decided['revised_appraisal_id']}"))


def periodic(world: World, agency: Agency) -> None:
    """HR asks for the last quarter's appraisals; the appraiser confirms the employee's."""
    hr, path = agency["hr"], f"/periods/{agency.period_id}/checkpoints/{agency.checkpoint_id}/appraisals"
    ok(call(world, hr, agency, "POST", "appraisal-service", path))
    listed = ok(
        call(
            world,
            hr,
            agency,
            "GET",
            "appraisal-service",
            f"/periods/{agency.period_id}/appraisals",
            params={"kind": "periodic", "checkpoint_id": agency.checkpoint_id},
        )
    )
    (row,) = [a for a in listed["appraisals"] if a["nip"] == agency["employee"].nip]
    ok(
        call(
            world,
            agency["appraiser"],
            agency,
            "POST",
            "appraisal-service",
            f"/appraisals/{row['appraisal_id']}/confirm",
            json={},
        )
    )


def train(world: World, agency: Agency) -> None:
    """HR records training for the employee (it counts at once); the colleague completes a plan
    item; the other employee claims training nobody verified (not exported)."""
    employee, colleague, other = agency["employee"], agency["colleague"], agency["other_employee"]
    body = {"title": f"Bimtek SIASN {agency.suffix}", "jp": 6, "evidence": "SERT-001", "completed_on": TODAY}
    ok(call(world, agency["hr"], agency, "POST", "training-service", f"/employees/{employee.nip}/jp-ledger", json=body))
    ok(
        call(
            world,
            colleague,
            agency,
            "POST",
            "training-service",
            f"/plans/{colleague.plan_id}/items/{colleague.item_id}/complete",
            json={"evidence": "SERT-002", "completed_on": TODAY},
        )
    )
    claim = {"title": "Webinar belum diverifikasi", "jp": 2, "evidence": "PIAGAM-9", "completed_on": TODAY}
    ok(call(world, other, agency, "POST", "training-service", f"/employees/{other.nip}/jp-ledger", json=claim))


@pytest.fixture(scope="module")
def world(broker, postgres_url_factory):
    with ServiceStack(build_apps(broker, postgres_url_factory, "siasnexport")) as stack:
        world = seed_two_agencies(stack)
        world.revised = revise(world, world.a)
        periodic(world, world.a)
        train(world, world.a)
        train(world, world.b)
        yield world


def export(world: World, person: Person, agency: Agency | str, service: str, **params):
    return call(world, person, agency, "GET", service, "/exports/siasn", params={"year": YEAR, **params})


def jsonl(response) -> list[dict]:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


def csv_rows(response) -> tuple[list[str], list[dict]]:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    return list(reader.fieldnames or []), list(reader)


def test_hr_exports_the_agencys_appraisals_as_json_lines(world):
    a, b = world.a, world.b
    response = export(world, a["hr"], a, "appraisal-service")
    assert (
        response.headers["content-disposition"] == f'attachment; filename="siasn-skp22-kinerja-periodik-{YEAR}.jsonl"'
    )
    records = jsonl(response)
    assert not {s for s in b.identifying() if s in response.text}, "nothing of agency B"

    annual = [r for r in records if r["kind"] == "skp22"]
    assert sorted(r["pnsDinilaiOrang"] for r in annual) == sorted(p.nip for p in a.roster), "each result once"
    assert all(list(r) == [*SKP22_FIELDS, "kind", "missing"] for r in annual)
    employee, appraiser = a["employee"], a["appraiser"]
    (mine,) = [r for r in annual if r["pnsDinilaiOrang"] == employee.nip]
    revised = world.revised
    assert revised["revision"] == 2
    assert mine == {
        "tahun": YEAR,
        "pnsDinilaiOrang": employee.nip,
        "hasilKinerjaNilai": CODE[revised["rating_hasil_kerja"]],
        "perilakuKerjaNilai": CODE[revised["rating_perilaku"]],
        "kuadranKinerjaNilai": KUADRAN[revised["predikat"]],
        "penilaiNama": appraiser.name,
        "penilaiNipNrp": appraiser.nip,  # the revision keeps the penilai, not the superior who decided
        "penilaiGolongan": None,
        "penilaiJabatan": mine["penilaiJabatan"],
        "penilaiUnorNama": next(u["name"] for u in a.units if u["unit_id"] == appraiser.unit_id),
        "statusPenilai": "ASN",
        "kind": "skp22",
        "missing": ["penilaiGolongan"],
    }
    assert mine["penilaiJabatan"]

    (quarter,) = [r for r in records if r["kind"] == "kinerja-periodik"]
    assert list(quarter) == [*PERIODIK_FIELDS, "kind", "missing"]
    assert (quarter["pnsDinilaiOrang"], quarter["pnsDinilaiId"], quarter["penilaiNipNrp"]) == (
        employee.nip,
        employee.nip,
        appraiser.nip,
    )
    assert (quarter["periodikId"], quarter["bulanMulaiPenilaian"], quarter["bulanSelesaiPenilaian"]) == (2, 10, 12)
    assert (quarter["tahunMulaiPenilaian"], quarter["tahunSelesaiPenilaian"]) == (YEAR, YEAR)
    assert quarter["missing"] == ["penilaiGolongan", "koefisienId"]


def test_hr_exports_one_kind_per_csv_file(world):
    a = world.a
    as_jsonl = [r for r in jsonl(export(world, a["hr"], a, "appraisal-service")) if r["kind"] == "skp22"]
    response = export(world, a["hr"], a, "appraisal-service", format="csv", kind="skp22")
    assert response.headers["content-disposition"] == f'attachment; filename="siasn-skp22-{YEAR}.csv"'
    assert not response.content.startswith(b"\xef\xbb\xbf")
    header, rows = csv_rows(response)
    assert header == list(SKP22_FIELDS)
    assert rows == [{k: "" if r[k] is None else str(r[k]) for k in SKP22_FIELDS} for r in as_jsonl]

    header, rows = csv_rows(export(world, a["hr"], a, "appraisal-service", format="csv", kind="kinerja-periodik"))
    assert header == list(PERIODIK_FIELDS) and [r["periodikId"] for r in rows] == ["2"]
    with_bom = export(world, a["hr"], a, "appraisal-service", format="csv", kind="skp22", bom="true")
    assert with_bom.content == b"\xef\xbb\xbf" + response.content

    refused = export(world, a["hr"], a, "appraisal-service", format="csv")
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"


def test_hr_exports_the_agencys_completed_training(world):
    a, b = world.a, world.b
    response = export(world, a["hr"], a, "training-service")
    assert response.headers["content-disposition"] == f'attachment; filename="siasn-kursus-{YEAR}.jsonl"'
    records = jsonl(response)
    assert not {s for s in b.identifying() if s in response.text}
    by_nip = {r["pnsOrangId"]: r for r in records}
    assert set(by_nip) == {a["employee"].nip, a["colleague"].nip}, "verified entries only: not the claim"
    hr_recorded = by_nip[a["employee"].nip]
    assert list(hr_recorded) == [*KURSUS_FIELDS, "kind", "missing"]
    day = date.today()
    assert {k: hr_recorded[k] for k in ("tahunKursus", "jumlahJam", "namaKursus", "tanggalSelesaiKursus")} == {
        "tahunKursus": YEAR,
        "jumlahJam": 6,
        "namaKursus": "Bimtek SIASN Arjasari",
        "tanggalSelesaiKursus": day.strftime("%d-%m-%Y"),
    }
    assert by_nip[a["colleague"].nip]["namaKursus"], "a plan item's title"

    header, rows = csv_rows(export(world, a["hr"], a, "training-service", format="csv"))
    assert header == list(KURSUS_FIELDS)
    assert sorted(r["pnsOrangId"] for r in rows) == sorted(by_nip)


def test_the_province_admin_exports_every_agency_or_one(world):
    a, b = world.a, world.b
    for service in ("appraisal-service", "training-service"):
        everyone = jsonl(export(world, PROVINCE_ADMIN, PROVINCE, service))
        nips = {r.get("pnsDinilaiOrang") or r.get("pnsOrangId") for r in everyone}
        assert {a["employee"].nip, b["employee"].nip} <= nips, service
        only_b = export(world, PROVINCE_ADMIN, PROVINCE, service, agency_id=b.agency_id)
        records = jsonl(only_b)
        assert records and not {s for s in a.identifying() if s in only_b.text}, service
    annual = [r for r in jsonl(export(world, PROVINCE_ADMIN, PROVINCE, "appraisal-service")) if r["kind"] == "skp22"]
    assert len(annual) == len(a.roster) + len(b.roster)


def test_nobody_else_exports(world):
    a, b = world.a, world.b
    for service in ("appraisal-service", "training-service"):
        for part in ("employee", "appraiser", "kadis"):
            refused = export(world, a[part], a, service)
            assert refused.status_code == 403, (service, part, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
        assert export(world, a["hr"], a, service, agency_id=b.agency_id).status_code == 403, service
        assert export(world, a["hr"], a, service, agency_id=a.agency_id).status_code == 200, service
        unsigned = world.stack.client.get(f"{world.stack.urls[service]}/exports/siasn", params={"year": YEAR})
        assert unsigned.status_code == 401


def test_each_exported_record_is_in_its_employees_access_log(world):
    """UU 27/2022: the employee sees who exported their records, in their own agency's log, the
    province admin included."""
    b = world.b
    jsonl(export(world, PROVINCE_ADMIN, PROVINCE, "appraisal-service", agency_id=b.agency_id, kind="skp22"))
    jsonl(export(world, PROVINCE_ADMIN, PROVINCE, "training-service", agency_id=b.agency_id))
    employee = b["employee"]
    for service, kind in (("appraisal-service", "appraisal"), ("training-service", "jp-ledger")):
        log = ok(call(world, employee, b, "GET", service, "/me/access-log"))["items"]
        exported = [i for i in log if i["route"] == "GET /exports/siasn" and i["actor_nip"] == PROVINCE_ADMIN.nip]
        assert exported and {i["record_kind"] for i in exported} == {kind}, (service, log[:3])
        assert exported[0]["actor_roles"] == ["province_admin"]
