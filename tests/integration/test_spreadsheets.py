"""Spreadsheets through the real services (issue 11): a roster imported as .xlsx (NIPs as text, a
NIP stored as a number refused naming its cell) and as Indonesian Excel's semicolon CSV, read back
through target-service; and the three report exports (the predikat distribution with its
calibration sheet, a unit's IKM, the development report) downloaded and opened with openpyxl,
their figures checked against the JSON reports of the same routes' siblings.

One small agency's year is driven through the four services in-process (kinerja_devtools'
Scenario: roster, SKPs, realisations, 360° feedback, citizen surveys, appraisals confirmed), plus
a JP record, so every report has figures to check."""

import io
import uuid

import openpyxl
import pytest
from kinerja_devtools.scenario import Scenario
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings
from kinerja_runtime.spreadsheets import XLSX
from two_agencies import ServiceStack, build_apps

pytestmark = pytest.mark.integration

ISSUER = TokenIssuer(ServiceSettings())
SITI = "198503302010012001"  # 18 digits: Excel would keep 198503302010012000 of it as a number
BUDI = "197801012005011001"
ANI = "199001012015012003"


def headers(agency: str, nip: str, roles: list[str], **extra) -> dict:
    return {"Authorization": f"Bearer {ISSUER.issue(nip, agency, roles)}", **extra}


def xlsx_of(rows: list[list], *, nips_as_text: bool = True) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Pegawai"
    for row in rows:
        sheet.append(row)
    if nips_as_text:
        for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
            cell.number_format = "@"
    book.create_sheet("Catatan").append(["nip", "this sheet is not read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def opened(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].startswith('attachment; filename="')
    return openpyxl.load_workbook(io.BytesIO(response.content))


def table(sheet, first_heading: str) -> tuple[tuple, list[tuple]]:
    """The header row (found by its first heading) and the rows below it."""
    rows = list(sheet.iter_rows(values_only=True))
    at = [r[0] for r in rows].index(first_heading)
    return rows[at], rows[at + 1 :]


def about(sheet) -> dict:
    """The label/value lines under the title, up to the blank row."""
    found = {}
    for label, value, *_ in sheet.iter_rows(min_row=2, values_only=True):
        if label is None:
            break
        found[label] = value
    return found


@pytest.fixture(scope="module")
def stack(broker, postgres_url_factory):
    apps = build_apps(broker, postgres_url_factory, "sheets", survey_limit=1_000_000)
    with ServiceStack(apps) as running:
        yield running


@pytest.fixture(scope="module")
def year(stack):
    """One agency's year with surveys and a JP record: the scenario, its results and the HR headers."""
    scenario = Scenario(stack.urls, agency=f"dinas-xlsx-{uuid.uuid4().hex[:6]}", size=3, say=lambda _m: None)
    scenario.http.close()
    scenario.http = stack.client
    scenario.register_roster()
    scenario.open_period()
    for employee in scenario.employees:
        scenario.set_targets(employee)
    scenario.record_realizations()
    scenario.give_feedback()
    scenario.satisfaction = scenario.citizen_surveys(answers_per_unit=6)
    scenario.wait_until_appraisal_knows_everything()
    scenario.close_period()
    scenario.confirm_appraisals()
    result = scenario.results()
    staff = scenario.employees[-1]
    scenario.call(
        "POST",
        "training-service",
        f"/employees/{staff.nip}/jp-ledger",
        **scenario.hr,
        json={
            "title": "Pelatihan pelayanan prima",
            "jp": 24,
            "evidence": "SERT-1",
            "completed_on": f"{scenario.year}-03-02",
        },
    )
    return scenario, result, headers(scenario.agency, scenario.hr_nip, ["hr"])


# -- the roster import ---------------------------------------------------------------------------------------
def test_an_xlsx_roster_is_imported_with_its_18_digit_nips_exact(stack):
    agency = f"dinas-impor-{uuid.uuid4().hex[:6]}"
    hr = headers(agency, "197501012000031001", ["hr"])
    url = f"{stack.urls['target-service']}/employees/import"
    workbook = xlsx_of(
        [
            ["NIP", "Name", "Position", "Unit", "Appraiser_NIP"],
            [BUDI, "Budi Santoso", "Kepala Bidang", "Bidang Pengaduan", None],
            [SITI, "Siti Rahayu", "Analis Pengaduan", "Bidang Pengaduan", BUDI],
            [None, None, None, None, None],
            ["12345", "Pendek", "Staf", "Bidang Pengaduan", None],
        ]
    )
    answer = stack.client.post(url, content=workbook, headers={**hr, "Content-Type": XLSX})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["registered"], report["updated"], report["unchanged"]) == (2, 0, 0)
    assert [(e["line"], e["nip"]) for e in report["errors"]] == [(5, "12345")]  # the sheet's row number
    employees = stack.client.get(f"{stack.urls['target-service']}/employees", headers=hr).json()["items"]
    assert [(e["nip"], e["name"], e["appraiser_nip"]) for e in employees] == [
        (BUDI, "Budi Santoso", None),
        (SITI, "Siti Rahayu", BUDI),
    ]

    # The same roster as Indonesian Excel saves CSV: semicolons; nothing changes.
    semicolons = (
        "nip;name;position;unit;appraiser_nip\r\n"
        f"{BUDI};Budi Santoso;Kepala Bidang;Bidang Pengaduan;\r\n"
        f"{SITI};Siti Rahayu;Analis Pengaduan;Bidang Pengaduan;{BUDI}\r\n"
        f'{ANI};"Lestari; Ani";Pranata Komputer;Bidang Pengaduan;{BUDI}\r\n'
    )
    answer = stack.client.post(url, content=semicolons.encode(), headers={**hr, "Content-Type": "text/csv"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["registered"], answer.json()["unchanged"], answer.json()["errors"]) == (1, 2, [])
    ani = stack.client.get(f"{stack.urls['target-service']}/employees/{ANI}", headers=hr).json()
    assert ani["name"] == "Lestari; Ani"

    # A NIP column Excel took for numbers: refused whole, naming the cell, nothing stored.
    numbers = xlsx_of(
        [
            ["nip", "name", "position", "unit"],
            ["199001012015012004", "Dewi", "Staf", "Umum"],
            [int(SITI), "Siti", "Staf", "Umum"],
        ],
        nips_as_text=False,
    )
    refused = stack.client.post(url, content=numbers, headers={**hr, "Content-Type": XLSX})
    assert refused.status_code == 422
    problem = refused.json()
    assert (problem["line"], problem["field"], problem["cell"]) == (3, "nip", "A3")
    assert "Format the nip column as Text" in problem["detail"]
    total = stack.client.get(f"{stack.urls['target-service']}/employees", headers=hr).json()["total"]
    assert total == 3

    not_a_workbook = stack.client.post(url, content=semicolons.encode(), headers={**hr, "Content-Type": XLSX})
    assert not_a_workbook.status_code == 422 and "not an Excel workbook" in not_a_workbook.json()["detail"]
    wrong_type = stack.client.post(url, content=workbook, headers={**hr, "Content-Type": "application/zip"})
    assert wrong_type.status_code == 415 and XLSX in wrong_type.json()["detail"]
    not_hr = stack.client.post(
        url, content=workbook, headers={**headers(agency, SITI, ["employee"]), "Content-Type": XLSX}
    )
    assert not_hr.status_code == 403


# -- the exports ---------------------------------------------------------------------------------------------
def test_the_distribution_and_its_calibration_download_as_a_workbook(stack, year):
    scenario, _result, hr = year
    base = f"{stack.urls['appraisal-service']}/periods/{scenario.period_id}"
    expected = stack.client.get(f"{base}/distribution", headers=hr).json()
    check = stack.client.post(f"{base}/calibration", json={"organisation_predikat": "baik"}, headers=hr).json()

    book = opened(
        stack.client.get(f"{base}/distribution/export.xlsx", params={"organisation_predikat": "baik"}, headers=hr)
    )

    assert book.sheetnames == ["Sebaran Predikat", "Kalibrasi"]
    sheet = book["Sebaran Predikat"]
    assert sheet["A1"].value == f"Sebaran Predikat Kinerja Pegawai {scenario.year}"
    assert about(sheet) == {
        "Instansi": scenario.agency,
        "Periode": scenario.period_id,
        "Tahun": scenario.year,
        "Usulan ikut dihitung": "ya",
    }
    header, rows = table(sheet, "ID unit")
    predikat = ["sangat_baik", "baik", "butuh_perbaikan", "kurang_misconduct", "sangat_kurang"]
    assert header[2:] == (
        "Jumlah pegawai",
        "Masih usulan",
        "Sangat Baik",
        "Baik",
        "Butuh Perbaikan",
        "Kurang/Misconduct",
        "Sangat Kurang",
    )
    assert [r[:2] for r in rows[:-1]] == [(u["unit_id"], u["name"]) for u in expected["units"]]
    for row, unit in zip(rows, expected["units"], strict=False):
        assert row[2:] == (unit["total"], unit["proposed"], *(unit["counts"][p] for p in predikat))
        assert all(isinstance(n, int) for n in row[2:])  # figures, not texts
    agency = expected["agency"]
    assert rows[-1] == (None, "Seluruh instansi", agency["total"], 0, *(agency["counts"][p] for p in predikat))
    assert agency["total"] == len(scenario.employees)

    calibration = book["Kalibrasi"]
    assert about(calibration)["Jumlah hasil"] == check["total"]
    assert about(calibration)["Sesuai kurva"] == ("ya" if check["ok"] else "tidak")
    _, bounds = table(calibration, "Predikat")
    assert [(b[4], b[5], b[6], b[7]) for b in bounds] == [
        (c["allowed_count"], c["actual_count"], c["actual_percent"], "ya" if c["ok"] else "tidak")
        for c in check["bounds"]
    ]

    unknown = stack.client.get(
        f"{stack.urls['appraisal-service']}/periods/nowhere/distribution/export.xlsx", headers=hr
    )
    assert unknown.status_code == 404
    staff = scenario.employees[-1]
    forbidden = stack.client.get(
        f"{base}/distribution/export.xlsx", headers=headers(scenario.agency, staff.nip, ["employee"])
    )
    assert forbidden.status_code == 403


def test_a_units_ikm_downloads_as_a_workbook(stack, year):
    scenario, _result, hr = year
    unit_id = next(iter(scenario.satisfaction))
    base = f"{stack.urls['feedback-service']}/units/{unit_id}/satisfaction"
    params = {"period_id": scenario.period_id}
    expected = stack.client.get(base, params=params, headers=hr).json()
    assert expected["answers"] == 6

    book = opened(stack.client.get(f"{base}/export.xlsx", params=params, headers=hr))

    figures = about(book["IKM"])
    assert (figures["Instansi"], figures["Unit layanan"], figures["Periode"], figures["Tahun"]) == (
        scenario.agency,
        expected["name"],
        scenario.period_id,
        scenario.year,
    )
    assert (figures["Jumlah jawaban"], figures["IKM"], figures["Mutu"]) == (6, expected["ikm"], expected["mutu"])
    assert isinstance(figures["IKM"], float)
    _, elements = table(book["IKM"], "Unsur")
    assert {code: mean for _name, code, mean in elements} == expected["element_means"]
    _, comments = table(book["Komentar"], "Dijawab (UTC)")
    assert len(comments) == len(expected["recent_comments"])


def test_the_development_report_downloads_as_a_workbook(stack, year):
    scenario, _result, hr = year
    base = f"{stack.urls['training-service']}/reports/development"
    expected = stack.client.get(base, params={"year": scenario.year, "limit": 1000}, headers=hr).json()

    book = opened(stack.client.get(f"{base}/export.xlsx", params={"year": scenario.year}, headers=hr))

    sheet = book["Pemenuhan JP"]
    fulfilment = expected["jp_fulfilment"]
    assert about(sheet) == {
        "Instansi": scenario.agency,
        "Tahun": scenario.year,
        "Jumlah pegawai": fulfilment["total"],
        "Pegawai yang memenuhi 20 JP": fulfilment["fulfilled"],
    }
    assert fulfilment["fulfilled"] == 1  # the 24 JP HR recorded
    _, rows = table(sheet, "NIP")
    assert rows == [
        (e["nip"], e["name"], e["completed_jp"], e["claimed_jp"], 20, "ya" if e["fulfilled"] else "tidak")
        for e in fulfilment["employees"]
    ]
    first = [r[0] for r in sheet.iter_rows(values_only=True)].index("NIP") + 2
    assert all(sheet.cell(first + n, 1).data_type == "s" for n in range(len(rows)))  # NIPs as text
    _, competencies = table(book["Per kompetensi"], "Kompetensi")
    assert competencies == [
        (c["competency"], c["items"], c["completed"], c["overdue"]) for c in expected["by_competency"]
    ]
