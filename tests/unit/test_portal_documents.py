"""The portal's download links for the official documents, on fake services: the employee's SKP
and appraisal pages and the appraiser's link to the PDF; the portal fetches it with the user's token
and hands on the service's bytes and file name; a record the service does not show is the portal's
not-found page."""

import re

import httpx
import pytest
from fastapi.testclient import TestClient
from web_portal.app import create_app
from web_portal.settings import PortalSettings

AGENCY = "dinas-uji"
BUDI, SITI = "198001012005011001", "199001012015011002"
ROSTER = {
    "items": [
        {"nip": BUDI, "name": "Budi Kepala", "appraiser_nip": None},
        {"nip": SITI, "name": "Siti Staf", "appraiser_nip": BUDI},
    ]
}
PERIOD = {"period_id": "P", "year": 2026, "status": "open", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
SKP = {
    "skp_id": "K",
    "period_id": "P",
    "nip": SITI,
    "status": "approved",
    "version": 1,
    "rhk": [],
    "revision": None,
    "versions": [{"version": 1, "status": "approved", "in_force": True}],
    "realizations": [],
    "feedback": [],
}
APPRAISAL = {
    "appraisal_id": "A",
    "period_id": "P",
    "nip": SITI,
    "kind": "annual",
    "revision": 1,
    "status": "proposed",
    "proposed": {"rating_hasil_kerja": "sesuai_ekspektasi", "rating_perilaku": "sesuai_ekspektasi", "predikat": "baik"},
    "objections": [],
    "revisions": [],
    "explanation": {},
}
PDF_BYTES = b"%PDF-1.4 fake document\n%%EOF"
ASKED: list[httpx.Request] = []


def document(name: str) -> httpx.Response:
    return httpx.Response(
        200,
        content=PDF_BYTES,
        headers={"Content-Type": "application/pdf", "Content-Disposition": f'attachment; filename="{name}"'},
    )


def answer(request: httpx.Request) -> httpx.Response:
    ASKED.append(request)
    path = request.url.path
    if path == "/skp/K/document.pdf":
        return document(f"skp-{SITI}-2026.pdf")
    if path == "/appraisals/A/document.pdf":
        return document(f"evaluasi-{SITI}-2026.pdf")
    if path == "/skp/H/document.pdf":  # a service naming the file in a way the portal does not pass on
        return httpx.Response(
            200, content=PDF_BYTES, headers={"Content-Disposition": 'attachment; filename="../x.pdf"\r\nSet-Cookie: a'}
        )
    if path.endswith("/document.pdf"):
        return httpx.Response(404, json={"title": "Not Found", "status": 404, "detail": "no such SKP in this agency"})
    routes = {
        "/employees": ROSTER,
        "/periods": {"items": [PERIOD]},
        "/skp/K": SKP,
        "/me/team/skp": {"items": [{"nip": SITI, "name": "Siti Staf", "skp_id": "K", "status": "approved"}]},
        "/appraisals/A": APPRAISAL,
    }
    return httpx.Response(200, json=routes.get(path, {}))


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def signed_in(nip: str) -> TestClient:
    transports = {
        name: httpx.MockTransport(answer)
        for name in ("target-service", "feedback-service", "appraisal-service", "training-service")
    }
    client = TestClient(create_app(PortalSettings(dev_agency=AGENCY), transports))
    client.__enter__()
    client.post("/masuk/dev", data={"nip": nip, "agency": AGENCY, "csrf_token": csrf(client.get("/masuk").text)})
    return client


@pytest.fixture
def employee():
    client = signed_in(SITI)
    yield client
    client.__exit__(None, None, None)


@pytest.fixture
def appraiser():
    client = signed_in(BUDI)
    client.post("/peran", data={"role": "appraiser", "csrf_token": csrf(client.get("/pegawai").text)})
    yield client
    client.__exit__(None, None, None)


def test_the_employees_pages_link_their_documents_and_the_portal_hands_on_the_services_pdf(employee):
    assert 'href="/pegawai/skp/K/dokumen.pdf"' in employee.get("/pegawai/skp/K").text
    assert 'href="/pegawai/penilaian/A/dokumen.pdf"' in employee.get("/pegawai/penilaian/A").text
    ASKED.clear()
    pdf = employee.get("/pegawai/skp/K/dokumen.pdf")
    assert pdf.status_code == 200 and pdf.content == PDF_BYTES
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'attachment; filename="skp-{SITI}-2026.pdf"'
    assert pdf.headers["cache-control"] == "private, no-store"
    [asked] = [r for r in ASKED if r.url.path.endswith("/document.pdf")]
    assert asked.headers["authorization"].startswith("Bearer ")  # as the signed-in user
    evaluation = employee.get("/pegawai/penilaian/A/dokumen.pdf")
    assert evaluation.content == PDF_BYTES
    assert evaluation.headers["content-disposition"] == f'attachment; filename="evaluasi-{SITI}-2026.pdf"'


def test_the_appraisers_pages_link_the_documents_of_their_team(appraiser):
    assert 'href="/penilai/skp/K/dokumen.pdf"' in appraiser.get("/penilai/skp/K").text
    assert 'href="/penilai/penilaian/A/dokumen.pdf"' in appraiser.get("/penilai/penilaian/A").text
    assert appraiser.get("/penilai/skp/K/dokumen.pdf").content == PDF_BYTES
    assert appraiser.get("/penilai/penilaian/A/dokumen.pdf").content == PDF_BYTES


def test_a_document_the_service_does_not_show_is_not_found_and_an_odd_file_name_is_not_passed_on(employee):
    missing = employee.get("/pegawai/skp/X/dokumen.pdf")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    odd = employee.get("/pegawai/skp/H/dokumen.pdf")
    assert odd.headers["content-disposition"] == 'attachment; filename="skp.pdf"' and "set-cookie" not in odd.headers


def test_signed_out_visitors_are_sent_to_sign_in():
    with TestClient(create_app(PortalSettings(dev_agency=AGENCY), {})) as client:
        response = client.get("/pegawai/skp/K/dokumen.pdf", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/masuk")
