"""The appraiser's pages through a real browser: the seeded appraiser sees the team, returns a
submitted SKP with a note and approves the resubmission, writes a continuous feedback note, and
opens a 360° round naming givers after a refused giver's error is shown on its row."""

import re
import time

import pytest
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings
from playwright.sync_api import expect

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

NEWCOMER_NIP = "199203152020121001"
NEWCOMER = "Pegawai Penilai Baru"


class AsPeople:
    """The services called directly with dev tokens, to set up what the test's browser acts on."""

    def __init__(self, services, agency: str):
        self.services, self.agency, self.issuer = services, agency, TokenIssuer(ServiceSettings())

    def call(self, method: str, service: str, path: str, nip: str, roles: list[str], **kwargs):
        token = self.issuer.issue(nip, self.agency, roles)
        response = self.services.client.request(method, f"{self.services.urls[service]}{path}",
                                                headers={"Authorization": f"Bearer {token}"}, **kwargs)
        assert response.status_code in (200, 201), f"{method} {path}: {response.status_code} {response.text[:300]}"
        return response.json()


@pytest.fixture(scope="module")
def submitted_newcomer(portal_stack, portal_agency):
    """A new member of the appraiser's team (its own, so other tests' people stay as seeded) with a
    submitted SKP supporting the appraiser's RHK; feedback-service knows them (for the rounds)."""
    people = AsPeople(portal_stack.services, portal_agency.agency_id)
    appraiser, hr = portal_agency["appraiser"].nip, portal_agency["hr"].nip
    people.call("POST", "target-service", "/employees", hr, ["hr"], json={"employees": [{
        "nip": NEWCOMER_NIP, "name": NEWCOMER, "position": "Analis Pelayanan", "unit_id": "bidang-pelayanan",
        "appraiser_nip": appraiser}]})
    approved = people.call("GET", "target-service", "/me/skp", appraiser, ["employee"],
                           params={"period_id": portal_agency.period_id})["items"][0]
    rhk = [{"kind": "utama", "description": "Terlayaninya permohonan izin di loket",
            "supports_rhk_id": approved["rhk"][0]["rhk_id"],
            "indikator": [{"aspect": "kuantitas", "description": "Berkas izin selesai", "target": 60,
                           "unit": "berkas"}]}]
    skp = people.call("POST", "target-service", "/skp", NEWCOMER_NIP, ["employee"],
                      json={"period_id": portal_agency.period_id, "rhk": rhk})
    people.call("POST", "target-service", f"/skp/{skp['skp_id']}/submit", NEWCOMER_NIP, ["employee"])
    known = f"{portal_stack.services.urls['feedback-service']}/employees/{NEWCOMER_NIP}/feedback"
    token = people.issuer.issue(hr, portal_agency.agency_id, ["hr"])
    deadline = time.monotonic() + 30
    while portal_stack.services.client.get(known, params={"period_id": portal_agency.period_id},
                                           headers={"Authorization": f"Bearer {token}"}).status_code != 200:
        assert time.monotonic() < deadline, "feedback-service did not learn of the newcomer"
        time.sleep(0.2)
    return people, skp["skp_id"]


def as_appraiser(page, portal_agency, sign_in_as):
    sign_in_as(page, portal_agency["appraiser"])
    page.goto("/penilai")


def test_appraiser_returns_then_approves_an_skp(page, portal_agency, sign_in_as, check_page, submitted_newcomer):
    people, skp_id = submitted_newcomer
    as_appraiser(page, portal_agency, sign_in_as)
    expect(page.get_by_role("heading", level=1)).to_have_text("Yang perlu dikerjakan")
    expect(page.locator(".todo").filter(has_text=f"Periksa SKP {NEWCOMER} yang diajukan")).to_have_count(1)
    check_page(page, "penilai-beranda")

    page.get_by_role("navigation").get_by_role("link", name="SKP tim").click()
    waiting = page.get_by_role("region", name=re.compile("Menunggu persetujuan"))
    expect(waiting).to_contain_text(NEWCOMER)
    expect(page.get_by_role("region", name=re.compile("Disetujui"))).to_contain_text(portal_agency["colleague"].name)
    check_page(page, "penilai-tim")

    waiting.get_by_role("link", name=f"Buka SKP {NEWCOMER}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"SKP {NEWCOMER}")
    expect(page.locator("main")).to_contain_text("Berkas izin selesai")
    page.get_by_label("Catatan untuk pegawai").fill("Target berkas terlalu rendah; naikkan menjadi 90.")
    check_page(page, "penilai-skp-diajukan")
    page.get_by_role("button", name="Kembalikan dengan catatan").click()
    expect(page.locator(".flash")).to_have_text("SKP dikembalikan kepada pegawai dengan catatan.")
    expect(page.locator("main")).to_contain_text("Target berkas terlalu rendah; naikkan menjadi 90.")
    expect(page.get_by_role("button", name="Setujui SKP")).to_have_count(0)
    check_page(page, "penilai-skp-dikembalikan")

    people.call("POST", "target-service", f"/skp/{skp_id}/submit", NEWCOMER_NIP, ["employee"])  # resubmitted
    page.reload()
    page.get_by_role("button", name="Setujui SKP").click()
    expect(page.locator(".flash")).to_have_text("SKP disetujui.")
    expect(page.locator("main")).to_contain_text("Disetujui")

    page.get_by_label(re.compile("Umpan balik untuk RHK: Terlayaninya")).fill("Antrean loket sudah lebih tertib.")
    page.get_by_role("button", name="Catat umpan balik").click()
    expect(page.locator(".flash")).to_have_text("Umpan balik dicatat.")
    expect(page.get_by_role("region", name="Umpan balik berkelanjutan")).to_contain_text(
        "Antrean loket sudah lebih tertib.")
    check_page(page, "penilai-skp-disetujui")


def test_appraiser_opens_a_feedback_round(page, portal_agency, sign_in_as, check_page, submitted_newcomer):
    as_appraiser(page, portal_agency, sign_in_as)
    page.goto(f"/penilai/tim/{NEWCOMER_NIP}/umpan-balik-360?period_id={portal_agency.period_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Umpan balik 360° {NEWCOMER}")
    check_page(page, "penilai-360")

    colleague = portal_agency["colleague"].nip
    third = page.get_by_role("group", name="Pemberi umpan balik 3")
    third.get_by_label("NIP").fill(colleague)
    third.get_by_label("Sebagai").select_option("self")  # a colleague as 'self': the service refuses
    page.get_by_role("button", name="Buka putaran").click()
    expect(third.locator(".field-error")).to_have_text("only the employee can be the 'self' giver")
    expect(third.get_by_label("Sebagai")).to_have_attribute("aria-invalid", "true")
    expect(third.get_by_label("NIP")).to_have_value(colleague)  # what was typed stays
    check_page(page, "penilai-360-galat")

    third.get_by_label("Sebagai").select_option("peer")  # a peer sharing the appraiser
    page.get_by_role("button", name="Buka putaran").click()
    expect(page.locator(".flash")).to_have_text("Putaran umpan balik 360° dibuka.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Putaran umpan balik 360°")
    givers = page.get_by_role("region", name="Pemberi umpan balik")
    for kind in ("Pejabat penilai", "Diri sendiri", "Rekan kerja"):
        expect(givers.get_by_role("row", name=re.compile(kind))).to_have_count(1)
    check_page(page, "penilai-360-putaran")

    page.get_by_role("button", name="Tutup putaran").click()
    expect(page.locator(".flash")).to_have_text("Putaran umpan balik 360° ditutup.")
    expect(page.locator("main")).to_contain_text("Ditutup")
    check_page(page, "penilai-360-ditutup")


def test_appraiser_sees_proposals_and_objections_pages(page, portal_agency, sign_in_as, check_page):
    as_appraiser(page, portal_agency, sign_in_as)
    page.get_by_role("navigation").get_by_role("link", name="Penilaian tim").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penilaian tim")
    check_page(page, "penilai-penilaian")
    page.get_by_role("navigation").get_by_role("link", name="Keberatan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keberatan yang perlu Anda putuskan")
    check_page(page, "penilai-keberatan")
