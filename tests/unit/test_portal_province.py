"""The admin provinsi (province admin) pages on fake services (httpx.MockTransport): the dev
sign-in offering the province admin, every report page rendered from the services' /province/*
answers with the agencies named by target-service's registry (or by their ids while it does not
answer), the curve drawn by the calibration chart, and the role kept to its own pages."""

import json
import re
import xml.etree.ElementTree as ET

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient
from web_portal.app import create_app
from web_portal.settings import PortalSettings

SETTINGS = PortalSettings(dev_agency="dinas-a")
ADMIN_NIP, PROVINCE = SETTINGS.dev_province_admin_nip, SETTINGS.dev_province_agency
HR_NIP = SETTINGS.dev_hr_nip
SVG = "{http://www.w3.org/2000/svg}"
COUNTS_A = {"sangat_baik": 1, "baik": 8, "butuh_perbaikan": 1, "kurang_misconduct": 0, "sangat_kurang": 0}
COUNTS_B = {"sangat_baik": 2, "baik": 1, "butuh_perbaikan": 0, "kurang_misconduct": 0, "sangat_kurang": 0}
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
ANSWERS = {
    ("target-service", "/agencies"): {
        "items": [
            {"agency_id": "dinas-a", "name": "Dinas Arjasari", "kind": "dinas", "timezone": "Asia/Jakarta"},
            {"agency_id": "dinas-b", "name": "Badan Banjaran", "kind": "badan", "timezone": "Asia/Makassar"},
        ]
    },
    ("appraisal-service", "/province/predikat-distribution"): {
        "year": 2026,
        "agencies": [
            {
                "agency_id": "dinas-a",
                "period_id": "pa",
                "total": 10,
                "proposed": 1,
                "counts": COUNTS_A,
                "organisation_predikat": "baik",
                "bounds": BAIK_BOUNDS,
                "violations": [BAIK_BOUNDS[0]],
                "ok": False,
            },
            {
                "agency_id": "dinas-b",
                "period_id": "pb",
                "total": 3,
                "proposed": 0,
                "counts": COUNTS_B,
                "organisation_predikat": None,
                "bounds": [],
                "violations": [],
                "ok": None,
            },
        ],
        "with_violations": 1,
        "without_organisation_predikat": 1,
    },
    ("appraisal-service", "/province/objections"): {
        "year": 2026,
        "agencies": [
            {"agency_id": "dinas-a", "period_id": "pa", "filed": 4, "open": 1, "decided": 3, "upheld": 2, "changed": 1},
            {"agency_id": "dinas-b", "period_id": "pb", "filed": 0, "open": 0, "decided": 0, "upheld": 0, "changed": 0},
        ],
        "totals": {"filed": 4, "open": 1, "decided": 3, "upheld": 2, "changed": 1},
    },
    ("target-service", "/province/skp-progress"): {
        "year": 2026,
        "on": "2026-01-31",
        "agencies": [
            {
                "agency_id": "dinas-a",
                "period_id": "pa",
                "period_status": "open",
                "employees": 40,
                "drafted": 38,
                "submitted": 30,
                "approved": 25,
                "without_skp": 2,
            },
            {
                "agency_id": "dinas-c",
                "period_id": None,
                "period_status": None,
                "employees": 7,
                "drafted": 0,
                "submitted": 0,
                "approved": 0,
                "without_skp": 7,
            },
        ],
        "totals": {"employees": 47, "drafted": 38, "submitted": 30, "approved": 25, "without_skp": 9},
    },
    ("feedback-service", "/province/satisfaction"): {
        "year": 2026,
        "units": [
            {
                "agency_id": "dinas-a",
                "unit_id": "loket",
                "name": "Loket Perizinan",
                "period_id": "pa",
                "answers": 30,
                "ikm": 87.5,
                "mutu": "B",
                "mutu_label": "Baik",
                "element_means": {},
            },
            {
                "agency_id": "dinas-b",
                "unit_id": "puskesmas",
                "name": "Puskesmas Banjaran",
                "period_id": "pb",
                "answers": 0,
                "ikm": None,
                "mutu": None,
                "mutu_label": None,
                "element_means": None,
            },
        ],
        "by_mutu": {"A": 0, "B": 1, "C": 0, "D": 0},
        "without_answers": 1,
        "limit": 100,
        "offset": 0,
        "next_offset": None,
    },
    ("training-service", "/province/development"): {
        "year": 2026,
        "entitlement_jp": 20,
        "agencies": [
            {
                "agency_id": "dinas-a",
                "plans_by_status": {"active": 5, "completed": 3, "superseded": 1},
                "plans": 8,
                "employees": 40,
                "with_jp": 30,
                "fulfilled": 10,
                "not_fulfilled": 30,
            }
        ],
        "totals": {"plans": 8, "employees": 40, "with_jp": 30, "fulfilled": 10, "not_fulfilled": 30},
    },
    ("training-service", "/province/talent-pool"): {
        "year": 2026,
        "nominations": [
            {
                "agency_id": "dinas-b",
                "nip": "199001012015012001",
                "name": "Rina Bintang",
                "position": "Analis Kebijakan",
                "unit": "Bidang Perencanaan",
                "years": [2025, 2026],
                "appraisal_ids": ["a1", "a2"],
                "nominated_at": "2027-01-15T03:00:00+00:00",
            }
        ],
        "limit": 100,
        "offset": 0,
        "next_offset": None,
    },
}
ROSTER = {"items": [{"nip": "199001012015011002", "name": "Siti Staf", "appraiser_nip": None}]}


class FakeServices:
    def __init__(self, with_registry: bool = True):
        self.with_registry = with_registry
        self.sent: list[tuple[str, httpx.Request]] = []

    def answer(self, service: str, request: httpx.Request) -> httpx.Response:
        self.sent.append((service, request))
        path = request.url.path
        if path == "/employees":
            return httpx.Response(200, json=ROSTER)
        if path == "/agencies" and not self.with_registry:
            return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "no such route"})
        if (service, path) in ANSWERS:
            return httpx.Response(200, json=ANSWERS[(service, path)])
        return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "no such thing"})

    def params_of(self, path: str) -> dict:
        return dict(next(r for _, r in reversed(self.sent) if r.url.path == path).url.params)


def portal(fake: FakeServices) -> TestClient:
    transports = {
        name: httpx.MockTransport(lambda request, name=name: fake.answer(name, request))
        for name in ("target-service", "feedback-service", "appraisal-service", "training-service")
    }
    return TestClient(create_app(SETTINGS, transports))


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, nip: str, agency: str):
    page = client.get("/masuk")
    return client.post(
        "/masuk/dev", data={"nip": nip, "agency": agency, "csrf_token": csrf(page.text)}, follow_redirects=False
    )


@pytest.fixture
def fake() -> FakeServices:
    return FakeServices()


@pytest.fixture
def admin(fake):
    with portal(fake) as client:
        signed = sign_in(client, ADMIN_NIP, PROVINCE)
        assert signed.status_code == 303 and signed.headers["location"] == "/provinsi"
        yield client


# -- signing in --------------------------------------------------------------------------------------------------
def test_the_dev_sign_in_offers_the_province_admin_with_a_clear_label(fake):
    with portal(fake) as client:
        page = client.get("/masuk").text
    group = page[page.index("<h3>Admin provinsi</h3>") :]
    assert "tidak ada dalam daftar pegawai instansi mana pun" in group.split("</ul>")[0]
    assert "Admin Provinsi (BKD)" in group.split("</ul>")[0] and ADMIN_NIP in group.split("</ul>")[0]
    assert page.index("<h3>Admin provinsi</h3>") < page.index("<h3>Pengelola kinerja</h3>")


def test_the_province_admin_is_offered_without_a_demo_agency():
    with TestClient(create_app(PortalSettings(data_dir="/nonexistent"), {})) as client:
        page = client.get("/masuk").text
        assert "Admin Provinsi (BKD)" in page
        assert sign_in(client, ADMIN_NIP, PROVINCE).headers["location"] == "/provinsi"


def test_the_roles_keep_to_their_pages(fake):
    with portal(fake) as client:
        sign_in(client, HR_NIP, "dinas-a")
        assert client.get("/provinsi/predikat").status_code == 403
    with portal(fake) as client:
        sign_in(client, ADMIN_NIP, PROVINCE)
        assert client.get("/pengelola").status_code == 403
        home = client.get("/provinsi").text
        nav = home[home.index('class="main-nav"') : home.index("</nav>")]
        assert [label for label in re.findall(r">([^<>]+)</a>", nav)] == [
            "Beranda",
            "Sebaran Predikat",
            "Kemajuan SKP",
            "Keberatan",
            "IKM layanan publik",
            "Pengembangan dan 20 JP",
            "Talent pool",
        ]


def test_the_province_admin_is_of_the_province_whatever_agency_the_form_names(fake):
    """The form names a person; the roles and agency come from the settings or the roster, never
    from the form."""
    with portal(fake) as client:
        assert sign_in(client, ADMIN_NIP, "dinas-a").headers["location"] == "/provinsi"
        assert client.get("/provinsi").status_code == 200
        client.get("/provinsi/keberatan?year=2026")  # the services see the province's token
        sent = next(r for _, r in reversed(fake.sent) if r.url.path == "/province/objections")
        claims = jwt.decode(sent.headers["authorization"].split()[1], options={"verify_signature": False})
        assert (claims["sub"], claims["agency"], claims["roles"]) == (ADMIN_NIP, PROVINCE, ["province_admin"])
    with portal(fake) as client:
        refused = sign_in(client, "199001012015019999", "dinas-a")  # nobody of the roster
        assert refused.headers["location"].startswith("/masuk")


# -- the pages -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "seen"),
    [
        ("/provinsi", "Laporan provinsi"),
        ("/provinsi/predikat?year=2026", "Dinas Arjasari"),
        ("/provinsi/skp?year=2026", "Kemajuan SKP per instansi 2026"),
        ("/provinsi/keberatan?year=2026", "Hasil dipertahankan"),
        ("/provinsi/ikm?year=2026", "Loket Perizinan"),
        ("/provinsi/pengembangan?year=2026", "Memenuhi 20 JP"),
        ("/provinsi/talenta?year=2026", "Rina Bintang"),
    ],
)
def test_every_province_page_renders_what_the_services_answer(admin, path, seen):
    page = admin.get(path)
    assert page.status_code == 200, page.text[:500]
    assert seen in page.text and "Traceback" not in page.text


def test_the_distribution_draws_each_agencys_curve_and_names_the_broken_bound(admin, fake):
    page = admin.get("/provinsi/predikat?year=2026").text
    assert fake.params_of("/province/predikat-distribution") == {"year": "2026"}
    summary = page[page.index("<caption>Predikat akhir per instansi</caption>") : page.index("</table>")]
    assert re.search(r"Dinas Arjasari</a></th>\s*<td[^>]*>Baik</td>", summary)
    assert re.search(r"Badan Banjaran</a></th>\s*<td[^>]*>Belum dicatat</td>", summary)
    assert "DILANGGAR" in summary
    charts = [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", page, re.S)]
    assert len(charts) == 2
    a, b = charts
    assert a.find(f"{SVG}title").text == "Sebaran Predikat Dinas Arjasari 2026 terhadap kurva Predikat organisasi Baik"
    assert "Baik paling banyak 70%: DILANGGAR — nyata 80%" in [t.text for t in a.iter(f"{SVG}text")]
    assert len(list(b.iter(f"{SVG}line"))) == 0, "no organisation predikat: the distribution alone"
    assert "Predikat organisasi belum dicatat: kurva tidak dapat diperiksa." in page
    assert "1 instansi melanggar kurvanya; 1 belum mencatat Predikat organisasi." in page


def test_the_skp_progress_asks_for_the_day_and_marks_an_agency_without_a_period(admin, fake):
    page = admin.get("/provinsi/skp?year=2026&on=2026-01-31").text
    assert fake.params_of("/province/skp-progress") == {"year": "2026", "on": "2026-01-31"}
    assert "Keadaan pada akhir hari 31 Januari 2026" in page
    assert re.search(r"Dinas Arjasari</th>\s*<td>40</td><td>38</td><td>30</td><td>25</td>", page)
    assert re.search(r'dinas-c <span class="tag">tanpa periode</span>', page)  # not in the registry: its id
    assert "62.5%" in page  # 25 of 40 approved
    admin.get("/provinsi/skp?year=2026")
    assert fake.params_of("/province/skp-progress") == {"year": "2026"}  # the service's today


def test_the_year_defaults_to_this_year_and_pages_are_asked_by_offset(admin, fake):
    admin.get("/provinsi/ikm")
    params = fake.params_of("/province/satisfaction")
    assert params["limit"] == "100" and params["offset"] == "0" and int(params["year"]) >= 2026
    admin.get("/provinsi/talenta?year=2026&offset=100")
    assert fake.params_of("/province/talent-pool") == {"year": "2026", "limit": "100", "offset": "100"}


def test_agencies_are_named_by_their_ids_while_the_registry_does_not_answer():
    fake = FakeServices(with_registry=False)
    with portal(fake) as client:
        sign_in(client, ADMIN_NIP, PROVINCE)
        page = client.get("/provinsi/keberatan?year=2026")
        assert page.status_code == 200
        assert re.search(r"<th scope=\"row\">dinas-a</th><td>4</td><td>1</td><td>3</td><td>2</td><td>1</td>", page.text)
        assert "Dinas Arjasari" not in page.text


def test_a_report_its_service_cannot_give_is_the_unavailable_page(admin, fake):
    answer = fake.answer

    def down(service, request):
        if request.url.path.startswith("/province/"):
            return httpx.Response(503)
        return answer(service, request)

    fake.answer = down
    page = admin.get("/provinsi/pengembangan?year=2026")
    assert page.status_code == 503 and "Layanan sedang tidak tersedia" in page.text


def test_the_pages_in_english(admin):
    admin.get("/bahasa/en?next=/provinsi")
    page = admin.get("/provinsi/pengembangan?year=2026").text
    assert "Competency development per agency, 2026" in page and "Reached 20 JP" in page
    assert "Province admin" in admin.get("/provinsi").text


# -- the HR calibration page records the organisation predikat the province view reads -------------------
PERIOD = {"period_id": "pa", "year": 2026, "starts_on": "2026-01-01", "ends_on": "2026-12-31", "status": "open"}


class FakeAgencyServices(FakeServices):
    """HR's side: the period, the distribution (with what HR recorded) and the calibration."""

    def __init__(self, recorded: str | None):
        super().__init__()
        self.recorded = recorded

    def answer(self, service: str, request: httpx.Request) -> httpx.Response:
        self.sent.append((service, request))
        path, method = request.url.path, request.method
        if path == "/employees":
            return httpx.Response(200, json=ROSTER)
        if path == "/periods":
            return httpx.Response(200, json={"items": [PERIOD]})
        if path == "/units":
            return httpx.Response(200, json={"units": []})
        if path == "/periods/pa/distribution":
            body = {"period_id": "pa", "include_proposals": True, "organisation_predikat": self.recorded}
            return httpx.Response(200, json={**body, "agency": {"total": 10, "counts": COUNTS_A}, "units": []})
        if path == "/periods/pa/calibration":
            return httpx.Response(
                200,
                json={
                    "period_id": "pa",
                    "unit_id": None,
                    "organisation_predikat": json.loads(request.content)["organisation_predikat"],
                    "include_proposals": True,
                    "counts": COUNTS_A,
                    "total": 10,
                    "proposals_counted": 0,
                    "bounds": BAIK_BOUNDS,
                    "violations": [BAIK_BOUNDS[0]],
                    "ok": False,
                },
            )
        if path == "/periods/pa/organisation-predikat" and method == "PUT":
            self.recorded = json.loads(request.content)["organisation_predikat"]
            return httpx.Response(200, json={"period_id": "pa", "organisation_predikat": self.recorded})
        return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "no such thing"})


def test_hr_records_the_organisation_predikat_and_the_page_then_calibrates_against_it():
    fake = FakeAgencyServices(recorded=None)
    with portal(fake) as client:
        sign_in(client, HR_NIP, "dinas-a")
        page = client.get("/pengelola/kalibrasi?predikat=istimewa").text
        assert "Predikat organisasi periode ini belum dicatat" in page
        assert "Catat Istimewa sebagai Predikat organisasi instansi" in page
        recorded = client.post(
            "/pengelola/kalibrasi/predikat-organisasi",
            data={"period_id": "pa", "predikat": "istimewa", "csrf_token": csrf(page)},
            follow_redirects=False,
        )
        assert recorded.status_code == 303
        assert recorded.headers["location"] == "/pengelola/kalibrasi?period_id=pa&predikat=istimewa"
        assert fake.recorded == "istimewa"
        # Without a predikat asked for, the page calibrates against the one recorded.
        page = client.get("/pengelola/kalibrasi").text
        assert "Predikat organisasi yang dicatat untuk periode ini: Istimewa." in page
        sent = [r for _, r in fake.sent if r.url.path == "/periods/pa/calibration"][-1]
        assert b'"organisation_predikat":"istimewa"' in sent.content.replace(b" ", b"")
        assert "Catat" not in page.split("Predikat organisasi yang dicatat")[1].split("</form>")[0]
        refused = client.post(
            "/pengelola/kalibrasi/predikat-organisasi",
            data={"period_id": "pa", "predikat": "luar-biasa", "csrf_token": csrf(page)},
        )
        assert "Pilih Predikat organisasi." in refused.text and fake.recorded == "istimewa"
