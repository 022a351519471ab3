"""The admin provinsi (province admin) pages through a real browser: the dev sign-in offers the
province admin (on no agency's roster), whose section reads every agency's reports from the
services' /province/* routes; every page passes axe, and the seeded agency is on them."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from web_portal.settings import PortalSettings

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


@dataclass(frozen=True)
class Person:
    nip: str
    name: str


ADMIN = Person(PortalSettings().dev_province_admin_nip, "Admin Provinsi (BKD)")


def test_the_province_admin_reads_every_agency(page, portal_agency, sign_in_as, check_page):
    year = datetime.now(timezone(timedelta(hours=7))).year
    page.goto(f"/masuk?agency={portal_agency.agency_id}")
    expect(page.get_by_role("heading", name="Admin provinsi")).to_be_visible()
    sign_in_as(page, ADMIN)
    expect(page).to_have_url(re.compile(r"/provinsi$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Admin provinsi")
    check_page(page, "provinsi-beranda")

    menu = page.get_by_role("navigation", name="Menu utama")
    menu.get_by_role("link", name="Kemajuan SKP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kemajuan SKP per instansi {year}")
    # The seeded agency (named by the registry, or by its id while there is none) with its roster.
    row = page.locator("tbody tr").filter(has_text=portal_agency.agency_id)
    if not row.count():  # the registry answered: the agency has a name
        row = page.locator("tbody tr").first
    expect(row).to_be_visible()
    check_page(page, "provinsi-skp")
    page.get_by_label("Per tanggal").fill(f"{year}-01-01")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("main")).to_contain_text("Keadaan pada akhir hari 1 Januari")

    for link, heading, name in (
        ("Sebaran Predikat", f"Sebaran Predikat per instansi {year}", "provinsi-predikat"),
        ("Keberatan", f"Keberatan per instansi {year}", "provinsi-keberatan"),
        ("IKM layanan publik", f"IKM unit layanan publik {year}", "provinsi-ikm"),
        ("Pengembangan dan 20 JP", f"Pengembangan kompetensi per instansi {year}", "provinsi-pengembangan"),
        ("Talent pool", f"Talent pool seluruh instansi {year}", "provinsi-talenta"),
    ):
        menu.get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_page(page, name)
    # The public unit of the seeded agency, with its survey's answers (none yet: no IKM).
    page.goto(f"/provinsi/ikm?year={year}")
    expect(page.locator("tbody")).to_contain_text(portal_agency.public_unit_name)

    # The province admin reads no agency's HR pages.
    page.goto("/pengelola")
    expect(page.locator("main")).to_contain_text("Peran Anda tidak mencakup halaman ini.")
