"""The pengelola kinerja (HR) pages on fake services (httpx.MockTransport): the pure helpers (the
calibration chart's SVG, the CSV import report, the home page's to-dos, the QR code) and every HR
page rendered from the services' answers, the CSV sent to the service as text/csv."""

import re
import xml.etree.ElementTree as ET
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from web_portal.app import create_app
from web_portal.calibration_chart import bound_rows, bound_text, chart_description, chart_svg, distribution_bars
from web_portal.i18n import translator
from web_portal.pages.hr_common import Pager, flatten_units
from web_portal.pages.hr_home import period_todos, transfer_todos
from web_portal.pages.hr_public_units import qr_svg, survey_url
from web_portal.pages.hr_roster import import_report
from web_portal.settings import PortalSettings

AGENCY = "dinas-uji"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HR_NIP = PortalSettings().dev_hr_nip
_ = translator("id")
SVG = "{http://www.w3.org/2000/svg}"

# The SE 3/2023 curve of organisation predikat "baik" as appraisal-service answers it.
BAIK_BOUNDS = [
    {
        "bound": "baik_at_most_70_percent",
        "predikat": ["baik"],
        "limit": "at_most",
        "percent": 70,
        "count": None,
        "allowed_count": 7,
        "actual_count": 8,
        "actual_percent": 80.0,
        "ok": False,
    },
    {
        "bound": "butuh_perbaikan_or_kurang_misconduct_at_least_1",
        "predikat": ["butuh_perbaikan", "kurang_misconduct"],
        "limit": "at_least",
        "percent": None,
        "count": 1,
        "allowed_count": 1,
        "actual_count": 1,
        "actual_percent": 10.0,
        "ok": True,
    },
]
COUNTS = {"sangat_baik": 1, "baik": 8, "butuh_perbaikan": 1, "kurang_misconduct": 0, "sangat_kurang": 0}


# -- the calibration chart -------------------------------------------------------------------------------
def test_bars_give_each_predikat_its_share_best_first():
    bars = distribution_bars(COUNTS)
    assert [(b.predikat, b.count, b.percent) for b in bars] == [
        ("sangat_baik", 1, 10.0),
        ("baik", 8, 80.0),
        ("butuh_perbaikan", 1, 10.0),
        ("kurang_misconduct", 0, 0.0),
        ("sangat_kurang", 0, 0.0),
    ]
    assert all(b.percent == 0 for b in distribution_bars({}))  # no results: no division by zero


def test_a_bound_reads_as_words_and_a_count_bound_lies_on_the_percent_scale():
    assert bound_text(BAIK_BOUNDS[0], _) == "Baik paling banyak 70%"
    assert bound_text(BAIK_BOUNDS[1], _) == "Butuh Perbaikan atau Kurang/Misconduct paling sedikit 1 orang"
    assert bound_text(BAIK_BOUNDS[1], translator("en")) == "Needs improvement or Poor/Misconduct at least 1 person(s)"
    rows = bound_rows(BAIK_BOUNDS, total=10, _=_)
    assert [(r.limit_percent, r.actual_percent, r.ok) for r in rows] == [(70.0, 80.0, False), (10.0, 10.0, True)]


def test_the_svg_is_an_image_with_title_and_desc_and_names_the_broken_bound():
    bars, rows = distribution_bars(COUNTS), bound_rows(BAIK_BOUNDS, 10, _)
    svg = chart_svg(bars, rows, title="Sebaran <2026>", desc=chart_description(bars, rows, _), chart_id="k", _=_)
    root = ET.fromstring(str(svg))  # well-formed XML, the title escaped
    assert root.get("role") == "img" and root.get("aria-labelledby") == "k-judul k-uraian"
    assert root.find(f"{SVG}title").text == "Sebaran <2026>"
    assert "Dilanggar: Baik paling banyak 70%." in root.find(f"{SVG}desc").text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Baik paling banyak 70%: DILANGGAR — nyata 80%" in texts  # in words, not only in colour
    assert "Butuh Perbaikan atau Kurang/Misconduct paling" in texts  # a long bound wraps
    assert "sedikit 1 orang: terpenuhi — nyata 10%" in texts
    assert "8 (80%)" in texts
    markers = [line for line in root.iter(f"{SVG}line")]
    assert [float(m.get("x1")) for m in markers] == [300 * 0.7, 300 * 0.1]


def test_a_chart_without_bounds_is_the_distribution_alone():
    root = ET.fromstring(str(chart_svg(distribution_bars(COUNTS), [], title="t", desc="d", chart_id="x", _=_)))
    assert len(list(root.iter(f"{SVG}line"))) == 0
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#0b4f8a"]) == 5


# -- the CSV import report -------------------------------------------------------------------------------
def test_the_import_report_lists_refused_lines_in_file_order():
    report = import_report(
        {
            "registered": 2,
            "updated": 1,
            "unchanged": 3,
            "errors": [
                {"line": 5, "nip": "123", "reason": "nip: must be 18 digits"},
                {"line": 3, "nip": None, "reason": "expected 4 fields, got 2"},
            ],
        }
    )
    assert (report.registered, report.updated, report.unchanged, report.kept) == (2, 1, 3, 6)
    assert [(e.line, e.nip, e.reason) for e in report.errors] == [
        (3, "", "expected 4 fields, got 2"),
        (5, "123", "nip: must be 18 digits"),
    ]
    assert import_report({}).errors == ()


# -- small helpers ----------------------------------------------------------------------------------------
def test_units_flatten_in_reading_order_with_their_depth():
    tree = [
        {
            "unit_id": "a",
            "name": "A",
            "units": [
                {"unit_id": "b", "name": "B", "units": [{"unit_id": "c", "name": "C", "units": []}]},
                {"unit_id": "d", "name": "D", "units": []},
            ],
        }
    ]
    assert [(u["unit_id"], u["depth"]) for u in flatten_units(tree)] == [("a", 0), ("b", 1), ("c", 2), ("d", 1)]


def test_pager_knows_its_neighbours():
    assert (Pager(0, 50, 50, 120).previous, Pager(0, 50, 50, 120).next) == (None, 50)
    assert (Pager(100, 50, 20, 120).previous, Pager(100, 50, 20, 120).next) == (50, None)
    assert Pager(0, 50, 50).next == 50 and Pager(0, 50, 49).next is None  # total unknown: a full page has more


def test_home_todos_for_the_year():
    today = date(2026, 3, 1)
    periods = [{"period_id": "p25", "year": 2025, "status": "open", "ends_on": "2025-12-31"}]
    todos = period_todos(periods, {"p25": 2}, today)
    assert [t.text for t in todos] == [
        "Buka periode kinerja tahun {year}",
        "Periode {year} sudah berakhir: tutup agar penilaian dimulai",
    ]
    periods.append({"period_id": "p26", "year": 2026, "status": "open", "ends_on": "2026-12-31"})
    assert [t.text for t in period_todos(periods, {"p25": 2}, today)] == [
        "Periode {year} sudah berakhir: tutup agar penilaian dimulai",
        "Tetapkan IKU instansi periode {year}",
    ]
    assert transfer_todos(0) == [] and transfer_todos(2)[0].values == {"count": 2}


def test_the_poster_qr_code_is_an_accessible_svg_of_the_survey_address():
    url = survey_url("http://portal.example/", "dinas-a", "loket-1")
    assert url == "http://portal.example/survei/dinas-a/loket-1"
    root = ET.fromstring(str(qr_svg(url, url)))
    assert root.get("role") == "img" and root.get("aria-label") == url
    assert root.find(f"{SVG}path") is not None


# -- the pages on fake services -------------------------------------------------------------------------
UNITS = {
    "units": [
        {
            "unit_id": "dinas",
            "name": "Dinas Uji",
            "parent_unit_id": None,
            "head_nip": None,
            "serves_public": False,
            "units": [
                {
                    "unit_id": "loket",
                    "name": "Loket Layanan",
                    "parent_unit_id": "dinas",
                    "head_nip": None,
                    "serves_public": True,
                    "units": [],
                }
            ],
        }
    ]
}
PERIOD = {
    "period_id": "p1",
    "year": 2026,
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "status": "open",
    "closed_at": None,
    "checkpoints": [{"checkpoint_id": "c1", "name": "Triwulan I", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}],
}
IKU = {
    "iku_id": "i1",
    "period_id": "p1",
    "code": "IKU-1",
    "description": "Indeks kepuasan",
    "target": 80,
    "unit": "indeks",
    "higher_is_better": True,
}


class FakeServices:
    """Answers per (service, method, path); records what the portal sent."""

    def __init__(self):
        self.sent: list[tuple[str, str, str, httpx.Request]] = []
        self.import_answer = {
            "registered": 1,
            "updated": 0,
            "unchanged": 0,
            "errors": [{"line": 3, "nip": "12", "reason": "nip: must be 18 digits"}],
        }

    def answer(self, service: str, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        self.sent.append((service, method, path, request))
        routes = {
            ("target-service", "GET", "/employees"): {
                "items": [
                    {
                        "nip": "199001012015011002",
                        "name": "Siti Staf",
                        "position": "Analis",
                        "unit": "Loket Layanan",
                        "unit_id": "loket",
                        "appraiser_nip": None,
                    }
                ],
                "total": 1,
                "limit": 50,
                "offset": 0,
            },
            ("target-service", "GET", "/units"): UNITS,
            ("target-service", "GET", "/periods"): {"items": [PERIOD]},
            ("target-service", "GET", "/periods/p1"): PERIOD,
            ("target-service", "GET", "/periods/p1/iku"): {"items": [IKU]},
            ("target-service", "GET", "/iku/i1/cascade"): {
                **IKU,
                "rhk": [
                    {
                        "rhk_id": "r1",
                        "kind": "utama",
                        "description": "RHK kepala",
                        "nip": "1",
                        "name": "Kepala",
                        "skp_id": "s1",
                        "skp_status": "approved",
                        "skp_version": 1,
                        "supported_by": [
                            {
                                "rhk_id": "r2",
                                "kind": "utama",
                                "description": "RHK staf",
                                "nip": "2",
                                "name": "Staf",
                                "skp_id": "s2",
                                "skp_status": "draft",
                                "skp_version": 1,
                                "supported_by": [],
                            }
                        ],
                    }
                ],
            },
            ("target-service", "POST", "/employees/import"): self.import_answer,
            ("target-service", "GET", "/transfer-requests"): {
                "items": [
                    {
                        "request_id": "t1",
                        "nip": "199001012015011003",
                        "name": "Andi Pindah",
                        "position": "Analis",
                        "from_agency_id": "dinas-lain",
                        "to_agency_id": AGENCY,
                        "effective_on": "2026-05-01",
                        "proposed_unit_id": None,
                        "proposed_position": None,
                        "status": "pending",
                        "requested_at": "2026-04-01T01:00:00+00:00",
                        "decided_at": None,
                        "reason": None,
                        "requested_by": None,
                        "decided_by": None,
                    }
                ],
                "total": 1,
                "limit": 50,
                "offset": 0,
            },
            ("appraisal-service", "GET", "/periods/p1/distribution"): {
                "period_id": "p1",
                "include_proposals": True,
                "agency": {"total": 10, "counts": COUNTS},
                "units": [{"unit_id": "loket", "name": "Loket Layanan", "total": 10, "proposed": 2, "counts": COUNTS}],
            },
            ("appraisal-service", "POST", "/periods/p1/calibration"): {
                "period_id": "p1",
                "unit_id": None,
                "organisation_predikat": "baik",
                "include_proposals": True,
                "counts": COUNTS,
                "total": 10,
                "proposals_counted": 2,
                "bounds": BAIK_BOUNDS,
                "violations": [BAIK_BOUNDS[0]],
                "ok": False,
            },
            ("feedback-service", "GET", "/units/loket/satisfaction"): {
                "unit_id": "loket",
                "name": "Loket Layanan",
                "period_id": "p1",
                "answers": 3,
                "ikm": 81.25,
                "mutu": "B",
                "mutu_label": "Baik",
                "element_means": {"prosedur": 3.25},
                "serves_public": True,
                "answers_naming_an_officer": 0,
                "recent_comments": [{"comment": "Cepat", "answered_at": "2026-04-02T03:00:00+00:00"}],
            },
            ("training-service", "GET", "/reports/development"): {
                "year": 2026,
                "by_competency": [{"competency": "manajerial", "items": 2, "completed": 1, "overdue": 0}],
                "jp_fulfilment": {
                    "employees": [
                        {
                            "nip": "199001012015011002",
                            "name": "Siti Staf",
                            "completed_jp": 4,
                            "claimed_jp": 3,
                            "entitlement_jp": 20,
                            "fulfilled": False,
                        }
                    ],
                    "fulfilled": 0,
                    "total": 1,
                },
                "limit": 100,
                "offset": 0,
                "next_offset": None,
            },
            ("training-service", "GET", "/talent-pool"): {
                "nominations": [],
                "limit": 100,
                "offset": 0,
                "next_offset": None,
            },
            ("training-service", "GET", "/employees/199001012015011002/jp-ledger"): {
                "nip": "199001012015011002",
                "year": 2026,
                "entitlement_jp": 20,
                "completed_jp": 4,
                "verified_jp": 4,
                "claimed_jp": 3,
                "remaining_jp": 16,
                "limit": 500,
                "offset": 0,
                "next_offset": None,
                "entries": [
                    {
                        "entry_id": "e1",
                        "nip": "199001012015011002",
                        "year": 2026,
                        "jp": 3,
                        "catalogue_code": "X",
                        "title": "Pelatihan luar",
                        "competency": None,
                        "plan_id": None,
                        "item_id": None,
                        "evidence": "https://bukti.example/1",
                        "completed_on": "2026-02-01",
                        "recorded_by": "1",
                        "recorded_at": "2026-02-02T00:00:00+00:00",
                        "status": "claimed",
                        "reviewed_by": None,
                        "reviewed_at": None,
                        "review_note": None,
                    }
                ],
            },
        }
        if path.endswith("/export.xlsx"):
            name = path.strip("/").replace("/", "-")
            return httpx.Response(
                200,
                content=b"PK\x03\x04 " + name.encode(),
                headers={"Content-Type": XLSX, "Content-Disposition": f'attachment; filename="{name}"'},
            )
        if (service, method, path) in routes:
            return httpx.Response(200, json=routes[(service, method, path)])
        return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "no such thing"})


@pytest.fixture
def fake():
    return FakeServices()


@pytest.fixture
def hr(fake):
    transports = {
        name: httpx.MockTransport(lambda request, name=name: fake.answer(name, request))
        for name in ("target-service", "feedback-service", "appraisal-service", "training-service")
    }
    with TestClient(create_app(PortalSettings(dev_agency=AGENCY), transports)) as client:
        page = client.get("/masuk")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        signed = client.post(
            "/masuk/dev", data={"nip": HR_NIP, "agency": AGENCY, "csrf_token": token}, follow_redirects=False
        )
        assert signed.status_code == 303
        yield client


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize(
    ("path", "seen"),
    [
        ("/pengelola", "Halaman pengelola kinerja"),
        ("/pengelola/unit", "Loket Layanan"),
        ("/pengelola/pegawai", "Siti Staf"),
        ("/pengelola/periode", "2026"),
        ("/pengelola/periode/p1", "IKU-1"),
        ("/pengelola/iku/i1/kaskade", "RHK staf"),
        ("/pengelola/kalibrasi", "Baik paling banyak 70%"),
        ("/pengelola/ikm", "Loket Layanan"),
        ("/pengelola/ikm/loket", "81.25"),
        ("/pengelola/poster/loket", "/survei/dinas-uji/loket"),
        ("/pengelola/pengembangan", "manajerial"),
        ("/pengelola/pengembangan/199001012015011002", "Pelatihan luar"),
        ("/pengelola/mutasi", "Andi Pindah"),
    ],
)
def test_every_hr_page_renders_what_the_services_answer(hr, path, seen):
    page = hr.get(path)
    assert page.status_code == 200, page.text[:500]
    assert seen in page.text
    assert "Traceback" not in page.text


def test_the_home_page_lists_what_needs_doing(hr):
    page = hr.get("/pengelola")
    assert "1 permintaan mutasi masuk menunggu keputusan" in page.text
    assert "Klaim JP dari 1 pegawai menunggu verifikasi" in page.text


def test_the_cascade_is_nested_lists(hr):
    page = hr.get("/pengelola/iku/i1/kaskade").text
    top, below = page.index("RHK kepala"), page.index("RHK staf")
    assert top < below and page[top:below].count('<ul class="tree">') == 1


def test_the_csv_goes_to_the_service_as_text_and_refused_lines_come_back_as_a_table(hr, fake):
    form = hr.get("/pengelola/pegawai")
    csv = b"nip,name,position,unit\n199001012015011002,Siti,Analis,Loket\n12,Bad\n"
    page = hr.post(
        "/pengelola/pegawai/impor",
        data={"csrf_token": csrf(form.text)},
        files={"roster_csv": ("roster.csv", csv, "text/csv")},
    )
    assert page.status_code == 200
    sent = next(r for s, m, p, r in fake.sent if p == "/employees/import")
    assert sent.headers["content-type"] == "text/csv" and sent.content == csv
    table = page.text[page.text.index('class="line-errors"') :]
    assert re.search(
        r'<th scope="row">3</th><td class="text">12</td><td class="text">nip: must be 18 digits</td>', table
    )


def test_an_xlsx_goes_to_the_service_as_a_workbook_and_the_form_accepts_it(hr, fake):
    form = hr.get("/pengelola/pegawai")
    assert 'accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"' in form.text
    assert "Format kolom nip dan appraiser_nip sebagai Teks" in form.text
    workbook = b"PK\x03\x04 a workbook"
    for name, declared in (("pegawai.xlsx", "application/octet-stream"), ("pegawai", XLSX)):
        page = hr.post(
            "/pengelola/pegawai/impor",
            data={"csrf_token": csrf(form.text)},
            files={"roster_csv": (name, workbook, declared)},
        )
        assert page.status_code == 200
        sent = [r for s, m, p, r in fake.sent if p == "/employees/import"][-1]
        assert sent.headers["content-type"] == XLSX and sent.content == workbook
    english = hr.get("/pengelola/pegawai", cookies={"bahasa": "en"})
    assert "CSV or Excel file (.xlsx)" in english.text and "so that all 18 digits are kept" in english.text


@pytest.mark.parametrize(
    ("page", "link", "service", "path", "params"),
    [
        (
            "/pengelola/kalibrasi?predikat=istimewa&usulan=tidak",
            "/pengelola/kalibrasi/unduh.xlsx?period_id=p1&amp;predikat=istimewa&amp;unit_id=&amp;usulan=tidak",
            "appraisal-service",
            "/periods/p1/distribution/export.xlsx",
            {"include_proposals": "false", "organisation_predikat": "istimewa"},
        ),
        (
            "/pengelola/ikm/loket",
            "/pengelola/ikm/loket/unduh.xlsx?period_id=p1",
            "feedback-service",
            "/units/loket/satisfaction/export.xlsx",
            {"period_id": "p1"},
        ),
        (
            "/pengelola/pengembangan?year=2026",
            "/pengelola/pengembangan/unduh.xlsx?year=2026",
            "training-service",
            "/reports/development/export.xlsx",
            {"year": "2026"},
        ),
    ],
)
def test_each_report_page_links_its_xlsx_which_the_portal_passes_on(hr, fake, page, link, service, path, params):
    shown = hr.get(page)
    assert shown.status_code == 200 and f'href="{link}" download' in shown.text
    answer = hr.get(link.replace("&amp;", "&"))
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"] == XLSX and answer.content.startswith(b"PK\x03\x04")
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert answer.headers["cache-control"] == "no-store"
    sent = [r for s, m, p, r in fake.sent if (s, p) == (service, path)][-1]
    assert dict(sent.url.params) == params


def test_a_download_the_service_refuses_is_a_page_not_a_file(hr, fake):
    routes = fake.answer

    def refuse(service, request):
        if request.url.path.endswith("/export.xlsx"):
            return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "no such period"})
        return routes(service, request)

    fake.answer = refuse
    answer = hr.get("/pengelola/pengembangan/unduh.xlsx?year=2026")
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")


def test_a_csv_the_service_cannot_read_is_said_next_to_the_file_field(hr, fake):
    form = hr.get("/pengelola/pegawai")
    routes = fake.answer

    def refuse(service, request):
        if request.url.path != "/employees/import":
            return routes(service, request)
        return httpx.Response(
            422,
            json={
                "title": "Unprocessable",
                "status": 422,
                "detail": "the first line must be the header nip,name,position,unit",
            },
        )

    fake.answer = refuse
    page = hr.post(
        "/pengelola/pegawai/impor",
        data={"csrf_token": csrf(form.text)},
        files={"roster_csv": ("roster.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert page.status_code == 422
    assert 'id="galat-roster_csv">the first line must be the header' in page.text


def test_an_empty_upload_asks_for_a_file(hr):
    form = hr.get("/pengelola/pegawai")
    page = hr.post(
        "/pengelola/pegawai/impor",
        data={"csrf_token": csrf(form.text)},
        files={"roster_csv": ("roster.csv", b"", "text/csv")},
    )
    assert page.status_code == 422 and "Pilih berkas daftar pegawai (CSV atau Excel)." in page.text


def test_the_calibration_page_names_the_violation_and_has_the_data_table(hr, fake):
    page = hr.get("/pengelola/kalibrasi?predikat=baik").text
    assert "<svg" in page and '<title id="kalibrasi-judul">' in page
    assert "Batas yang dilanggar:" in page and "Sebaran Predikat (data grafik)" in page
    sent = next(r for s, m, p, r in fake.sent if p == "/periods/p1/calibration")
    assert b'"organisation_predikat":"baik"' in sent.content.replace(b" ", b"")


def test_accepting_a_transfer_sends_only_what_hr_chose(hr, fake):
    form = hr.get("/pengelola/mutasi")
    fake_routes = fake.answer

    def accept(service, request):
        if request.url.path == "/transfer-requests/t1/accept":
            fake.sent.append((service, request.method, request.url.path, request))
            return httpx.Response(200, json={})
        return fake_routes(service, request)

    fake.answer = accept
    done = hr.post(
        "/pengelola/mutasi/t1/terima",
        data={"csrf_token": csrf(form.text), "t1.unit_id": "loket", "t1.position": "", "t1.appraiser_nip": ""},
        follow_redirects=False,
    )
    assert done.status_code == 303
    sent = next(r for s, m, p, r in fake.sent if p == "/transfer-requests/t1/accept")
    assert sent.content == b'{"unit_id":"loket"}'
