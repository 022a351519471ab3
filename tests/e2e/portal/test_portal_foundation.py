"""The portal's first pages through a real browser: an employee signs in (dev) and sees what needs
doing; a citizen answers a unit's survey without signing in and sees the unit's IKM."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def test_employee_sees_what_needs_doing(page, portal_agency, sign_in_as, check_page):
    page.goto("/pegawai")
    expect(page).to_have_url(re.compile(r"/masuk\?next=%2Fpegawai"))  # not signed in: the sign-in page
    check_page(page, "masuk")

    sign_in_as(page, portal_agency["employee"])
    expect(page).to_have_url(re.compile(r"/pegawai$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Yang perlu dikerjakan")
    expect(page.locator("header")).to_contain_text(portal_agency["employee"].name)
    todos = page.locator(".todo")
    expect(todos.filter(has_text="Susun SKP tahun")).to_have_count(1)  # no SKP drafted yet
    expect(todos.filter(has_text=f"umpan balik 360° untuk rekan kerja {portal_agency['colleague'].nip}")).to_have_count(
        1
    )
    check_page(page, "pegawai-beranda")

    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What needs doing")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, "employee-home-en")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/masuk$"))
    page.goto("/pegawai")
    expect(page).to_have_url(re.compile(r"/masuk"))  # the session is gone


def test_appraiser_switches_role(page, portal_agency, sign_in_as, check_page):
    sign_in_as(page, portal_agency["appraiser"])  # appraises others and is appraised: two roles
    page.get_by_label("Peran").select_option("appraiser")
    page.get_by_role("button", name="Ganti").click()
    expect(page).to_have_url(re.compile(r"/penilai$"))
    check_page(page, "penilai-beranda")


def test_citizen_answers_the_survey(page, portal_agency, check_page):
    survey = f"/survei/{portal_agency.agency_id}/{portal_agency.public_unit_id}"
    page.goto(survey)
    expect(page.locator(".lead")).to_have_text(portal_agency.public_unit_name)
    check_page(page, "survei")

    page.get_by_role("group", name=re.compile("persyaratan")).get_by_label("Sangat sesuai").check()
    page.get_by_role("button", name="Kirim jawaban").click()  # eight questions unanswered
    expect(page.locator(".field-error")).to_have_count(8)
    expect(page.get_by_role("group", name=re.compile("persyaratan")).get_by_label("Sangat sesuai")).to_be_checked()
    check_page(page, "survei-belum-lengkap")

    for group in page.locator("fieldset.radios").all():
        group.locator("input[value='3']").check()
    page.get_by_label(re.compile("NIP petugas")).fill("12345")  # not a NIP: the service names the field
    page.get_by_label(re.compile("Saran atau komentar")).fill("Antrean cepat, petugas ramah.")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#galat-officer_nip")).to_be_visible()
    expect(page.get_by_label(re.compile("NIP petugas"))).to_have_attribute("aria-invalid", "true")
    check_page(page, "survei-galat-petugas")

    page.get_by_label(re.compile("NIP petugas")).fill("")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page).to_have_url(re.compile(r"/terima-kasih$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih")
    check_page(page, "survei-terima-kasih")

    page.get_by_role("link", name="Lihat nilai IKM unit ini").click()
    expect(page.locator(".figures")).to_contain_text("IKM")
    expect(page.locator(".figures")).to_contain_text("Jumlah jawaban")
    check_page(page, "ikm")
