"""The appraiser's pages through a real browser: the seeded appraiser sees the team, returns a
submitted SKP with a note and approves the resubmission, writes a continuous feedback note, and
opens a 360° round naming givers after a refused giver's error is shown on its row."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

NEWCOMER = "Pegawai Penilai Baru"


@pytest.fixture(scope="module")
def submitted_newcomer(agency_api, portal_agency):
    """A new member of the appraiser's team (its own, so other tests' people stay as seeded) with a
    submitted SKP supporting the appraiser's RHK, and a peer of theirs to name in a 360° round."""
    appraiser = portal_agency["appraiser"].nip
    newcomer = agency_api.newcomer(NEWCOMER, appraiser)
    peer = agency_api.newcomer("Rekan Penilai Baru", appraiser)
    approved = agency_api.call(
        "GET", "target-service", "/me/skp", appraiser, ["employee"], params={"period_id": portal_agency.period_id}
    )["items"][0]
    rhk = [
        {
            "kind": "utama",
            "description": "Terlayaninya permohonan izin di loket",
            "supports_rhk_id": approved["rhk"][0]["rhk_id"],
            "indikator": [
                {"aspect": "kuantitas", "description": "Berkas izin selesai", "target": 60, "unit": "berkas"}
            ],
        }
    ]
    skp = agency_api.call(
        "POST",
        "target-service",
        "/skp",
        newcomer.nip,
        ["employee"],
        json={"period_id": portal_agency.period_id, "rhk": rhk},
    )
    agency_api.call("POST", "target-service", f"/skp/{skp['skp_id']}/submit", newcomer.nip, ["employee"])
    return newcomer, peer, skp["skp_id"]


def as_appraiser(page, portal_agency, sign_in_as):
    sign_in_as(page, portal_agency["appraiser"])
    page.goto("/penilai")


def test_appraiser_returns_then_approves_an_skp(
    page, portal_agency, agency_api, sign_in_as, check_page, submitted_newcomer
):
    newcomer, _peer, skp_id = submitted_newcomer
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

    agency_api.call("POST", "target-service", f"/skp/{skp_id}/submit", newcomer.nip, ["employee"])  # resubmitted
    page.reload()
    page.get_by_role("button", name="Setujui SKP").click()
    expect(page.locator(".flash")).to_have_text("SKP disetujui.")
    expect(page.locator("main")).to_contain_text("Disetujui")

    page.get_by_label(re.compile("Umpan balik untuk RHK: Terlayaninya")).fill("Antrean loket sudah lebih tertib.")
    page.get_by_role("button", name="Catat umpan balik").click()
    expect(page.locator(".flash")).to_have_text("Umpan balik dicatat.")
    expect(page.get_by_role("region", name="Umpan balik berkelanjutan")).to_contain_text(
        "Antrean loket sudah lebih tertib."
    )
    check_page(page, "penilai-skp-disetujui")


def test_appraiser_opens_a_feedback_round(page, portal_agency, sign_in_as, check_page, submitted_newcomer):
    newcomer, peer, _skp_id = submitted_newcomer
    as_appraiser(page, portal_agency, sign_in_as)
    page.goto(f"/penilai/tim/{newcomer.nip}/umpan-balik-360?period_id={portal_agency.period_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Umpan balik 360° {NEWCOMER}")
    check_page(page, "penilai-360")

    colleague = peer.nip  # a peer of this module's own: the seeded colleague gets no form to answer
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
