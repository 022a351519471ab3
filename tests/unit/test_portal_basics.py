"""The portal's foundation on fake services (httpx.MockTransport): CSRF, the session, the
language, problem+json turned into field errors, settings refused in production, the home page's
"what needs doing" rules."""

import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from kinerja_runtime.settings import InsecureSettings
from web_portal import dates, i18n
from web_portal.app import SESSION_COOKIE, create_app
from web_portal.clients import ServiceClient, ServiceNotFound, ServiceProblem, ServiceUnavailable, SignInRequired
from web_portal.pages.employee_home import objection_todos, skp_todos
from web_portal.settings import DEV_SESSION_SECRET, PortalSettings

AGENCY = "dinas-uji"
ROSTER = {
    "items": [
        {"nip": "198001012005011001", "name": "Budi Kepala", "appraiser_nip": None},
        {"nip": "199001012015011002", "name": "Siti Staf", "appraiser_nip": "198001012005011001"},
    ]
}


def fake_services(handler=None):
    """Transports answering like the services: the roster for the dev page, else ``handler``."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/employees":
            return httpx.Response(200, json=ROSTER)
        if handler is not None:
            return handler(request)
        return httpx.Response(200, json={})

    return {
        name: httpx.MockTransport(answer)
        for name in ("target-service", "feedback-service", "appraisal-service", "training-service")
    }


@pytest.fixture
def portal():
    with TestClient(create_app(PortalSettings(dev_agency=AGENCY), fake_services())) as client:
        yield client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, nip: str = "199001012015011002"):
    page = client.get("/masuk")
    return client.post(
        "/masuk/dev", data={"nip": nip, "agency": AGENCY, "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )


# -- CSRF ----------------------------------------------------------------------------------------------
def test_a_post_without_the_session_token_is_refused_with_a_page(portal):
    portal.get("/masuk")
    refused = portal.post("/masuk/dev", data={"nip": "199001012015011002", "agency": AGENCY})
    assert refused.status_code == 403
    assert "Formulir ini sudah kedaluwarsa" in refused.text
    forged = portal.post("/masuk/dev", data={"nip": "199001012015011002", "agency": AGENCY, "csrf_token": "x" * 43})
    assert forged.status_code == 403


def test_a_post_with_the_session_token_passes(portal):
    assert sign_in(portal).headers["location"] == "/pegawai"


def test_the_csrf_header_is_accepted_for_scripts(portal):
    token = csrf_of(portal.get("/masuk").text)
    response = portal.post("/keluar", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert response.status_code == 303


# -- the session ------------------------------------------------------------------------------------------
def test_dev_sign_in_lists_people_by_role_and_signs_in_with_a_cookie_scripts_cannot_read(portal):
    page = portal.get("/masuk")
    assert "Budi Kepala" in page.text and "Siti Staf" in page.text and "Pengelola kinerja" in page.text
    response = sign_in(portal)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    home = portal.get("/pegawai")
    assert home.status_code == 200 and "Siti Staf" in home.text


def test_an_appraiser_switches_role_and_sees_that_roles_home(portal):
    sign_in(portal, "198001012005011001")  # appraises Siti: employee and appraiser
    home = portal.get("/pegawai")
    switched = portal.post("/peran", data={"role": "appraiser", "csrf_token": csrf_of(home.text)})
    assert switched.url.path == "/penilai"
    assert portal.get("/pengelola").status_code == 403  # not HR


def test_sign_out_ends_the_session(portal):
    sign_in(portal)
    home = portal.get("/pegawai")
    portal.post("/keluar", data={"csrf_token": csrf_of(home.text)})
    assert portal.get("/pegawai", follow_redirects=False).headers["location"] == "/masuk?next=%2Fpegawai"


def test_sign_in_never_redirects_off_the_site(portal):
    page = portal.get("/masuk")
    response = portal.post(
        "/masuk/dev",
        data={
            "nip": "199001012015011002",
            "agency": AGENCY,
            "next": "//evil.example",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/pegawai"


def test_a_token_the_services_refuse_sends_the_person_back_to_sign_in():
    refuse = fake_services(lambda request: httpx.Response(401, json={"title": "Unauthorized", "status": 401}))
    with TestClient(create_app(PortalSettings(dev_agency=AGENCY), refuse)) as client:
        sign_in(client)
        home = client.get("/pegawai", follow_redirects=False)
        assert home.status_code == 303 and home.headers["location"] == "/masuk?next=%2Fpegawai"
        assert client.get("/pegawai", follow_redirects=False).headers["location"].startswith("/masuk")  # signed out


# -- language -----------------------------------------------------------------------------------------------
def test_indonesian_by_default_english_by_the_header_link(portal):
    page = portal.get("/masuk")
    assert '<html lang="id">' in page.text and "Masuk ke Kinerja" in page.text
    english = portal.get("/bahasa/en?next=/masuk")
    assert '<html lang="en">' in english.text and "Sign in to Kinerja" in english.text


def test_every_indonesian_text_of_the_pages_has_its_english():
    root = Path(i18n.__file__).parent
    said = set()
    for path in [*root.rglob("*.html"), *root.rglob("*.py")]:
        text = path.read_text()
        said |= set(re.findall(r'_\(\s*"([^"]+)"', text)) | set(re.findall(r"_\(\s*'([^']+)'", text))
        if path.parent.name == "pages":  # texts handed to the templates: NavItem labels, todos, flashes
            said |= set(re.findall(r'NavItem\("\w+", "([^"]+)"', text))
            said |= set(re.findall(r'Todo\("\w+", "([^"]+)"', text))
            said |= set(re.findall(r'flash\(request, "([^"]+)"', text))
    missing = sorted(s for s in said if s not in i18n.ENGLISH)
    assert not missing, f"no English for: {missing}"


def test_translation_fills_values_and_falls_back_to_indonesian():
    assert i18n.translate("Susun SKP tahun {year}", "en", year=2026) == "Draft your SKP for 2026"
    assert i18n.translate("Susun SKP tahun {year}", "id", year=2026) == "Susun SKP tahun 2026"
    assert i18n.translate("teks tanpa terjemahan", "en") == "teks tanpa terjemahan"


# -- problem+json -> the page ------------------------------------------------------------------------------
async def call(response: httpx.Response, token="t"):
    client = ServiceClient(
        "target-service",
        httpx.AsyncClient(base_url="http://target", transport=httpx.MockTransport(lambda request: response)),
    )
    return await client.request("POST", "/skp", token=token, json={})


async def test_a_422_names_each_field_with_its_message():
    body = {
        "title": "Unprocessable content",
        "status": 422,
        "detail": "rhk.0.description: too short",
        "errors": [
            {"field": "rhk.0.description", "message": "String should have at least 1 character"},
            {"field": "rhk.0.description", "message": "second message"},
            {"field": "period_id", "message": "Field required"},
        ],
    }
    with pytest.raises(ServiceProblem) as raised:
        await call(httpx.Response(422, json=body, headers={"content-type": "application/problem+json"}))
    problem = raised.value
    assert problem.status == 422 and problem.detail == "rhk.0.description: too short"
    assert problem.field_errors == {
        "rhk.0.description": "String should have at least 1 character",
        "period_id": "Field required",
    }
    assert problem.general_errors == []


async def test_a_problem_without_fields_is_a_general_error():
    with pytest.raises(ServiceProblem) as raised:
        await call(httpx.Response(409, json={"title": "Conflict", "status": 409, "detail": "the SKP is submitted"}))
    assert raised.value.field_errors == {} and raised.value.general_errors == ["the SKP is submitted"]


async def test_404_401_and_5xx_become_not_found_sign_in_and_unavailable():
    with pytest.raises(ServiceNotFound):
        await call(httpx.Response(404, json={"title": "Not found", "status": 404, "detail": "no such SKP"}))
    with pytest.raises(SignInRequired):
        await call(httpx.Response(401, json={"title": "Unauthorized", "status": 401}))
    with pytest.raises(ServiceUnavailable):
        await call(httpx.Response(503, text="upstream down"))
    with pytest.raises(ServiceProblem):  # not problem+json at all: still a problem, never a crash
        await call(httpx.Response(400, text="<html>bad</html>"))


def test_a_service_that_does_not_answer_gives_a_friendly_page_not_a_trace():
    def down(request):
        raise httpx.ConnectError("refused", request=request)

    with TestClient(create_app(PortalSettings(), fake_services(down))) as client:
        page = client.get("/survei/dinas/unit-1")
        assert page.status_code == 503 and "Layanan sedang tidak tersedia" in page.text
        assert "Traceback" not in page.text


# -- settings ---------------------------------------------------------------------------------------------
def test_production_refuses_the_dev_session_secret_dev_sign_in_and_no_identity_provider():
    with pytest.raises(InsecureSettings, match="SESSION_SECRET"):
        PortalSettings(kinerja_env="production", session_secret=DEV_SESSION_SECRET).require_safe()
    secret = "s" * 40
    with pytest.raises(InsecureSettings, match="OIDC"):
        PortalSettings(kinerja_env="production", session_secret=secret).require_safe()
    with pytest.raises(InsecureSettings, match="DEV_SIGN_IN"):
        PortalSettings(
            kinerja_env="production",
            session_secret=secret,
            dev_sign_in=True,
            oidc_issuer="https://sso",
            oidc_client_id="kinerja",
        ).require_safe()
    safe = PortalSettings(
        kinerja_env="production", session_secret=secret, oidc_issuer="https://sso", oidc_client_id="kinerja"
    )
    safe.require_safe()
    assert not safe.dev_sign_in_enabled and safe.cookie_secure
    assert PortalSettings().dev_sign_in_enabled and not PortalSettings().cookie_secure


# -- what needs doing --------------------------------------------------------------------------------------
PERIOD = {
    "period_id": "p",
    "year": 2026,
    "status": "open",
    "checkpoints": [
        {"checkpoint_id": "triwulan-1", "name": "Triwulan I", "starts_on": "2026-01-01", "ends_on": "2026-03-31"},
        {"checkpoint_id": "triwulan-2", "name": "Triwulan II", "starts_on": "2026-04-01", "ends_on": "2026-06-30"},
    ],
}


def test_an_skp_to_draft_to_revise_and_realisation_missing_per_checkpoint_begun():
    assert [t.text for t in skp_todos([PERIOD], [], date(2026, 2, 1))] == ["Susun SKP tahun {year}"]
    returned = {"skp_id": "s", "period_id": "p", "status": "returned", "notes": "Tambah IKI"}
    assert skp_todos([PERIOD], [returned], date(2026, 2, 1))[0].values["notes"] == "Tambah IKI"
    approved = {
        "skp_id": "s",
        "period_id": "p",
        "status": "approved",
        "rhk": [{"indikator": [{"iki_id": "a"}, {"iki_id": "b"}]}],
        "realizations": [{"iki_id": "a", "checkpoint_id": "triwulan-1"}],
    }
    found = skp_todos([PERIOD], [approved], date(2026, 4, 10))
    assert [(t.values["checkpoint"], t.values["missing"], t.urgent) for t in found] == [
        ("Triwulan I", 1, True),
        ("Triwulan II", 2, False),
    ]
    assert skp_todos([{**PERIOD, "status": "closed"}], [], date(2026, 2, 1)) == []


def test_the_objection_window_counts_the_days_left_and_closes():
    final = {
        "appraisal_id": "a",
        "kind": "annual",
        "status": "final",
        "objection_closes_on": "2027-01-15",
        "objection_id": None,
    }
    assert objection_todos([final], date(2027, 1, 12))[0].values["days"] == 3
    assert objection_todos([final], date(2027, 1, 16)) == []
    assert objection_todos([{**final, "objection_id": "o"}], date(2027, 1, 12)) == []


# -- the agency's days ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("registry", "zone"), [({"timezone": "Asia/Jayapura"}, "Asia/Jayapura"), (None, "Asia/Jakarta")]
)
def test_the_pages_count_days_in_the_agencys_zone_from_the_registry(monkeypatch, registry, zone):
    """At sign-in the portal keeps the zone target-service's registry gives the agency; the pages'
    "today" is then the agency's (a WIT agency's day starts two hours before WIB's). An agency not
    registered (404) keeps the portal's default zone."""

    def registry_answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"/agencies/{AGENCY}":
            if registry is None:
                return httpx.Response(404, json={"title": "Not found", "status": 404, "detail": "no such agency"})
            return httpx.Response(200, json={"agency_id": AGENCY, **registry})
        return httpx.Response(200, json={})

    asked: list[str] = []
    real_today = dates.today
    monkeypatch.setattr(dates, "today", lambda timezone="Asia/Jakarta": asked.append(timezone) or real_today(timezone))
    with TestClient(create_app(PortalSettings(dev_agency=AGENCY), fake_services(registry_answer))) as client:
        sign_in(client)
        client.get("/pegawai")
    assert asked and set(asked) == {zone}
