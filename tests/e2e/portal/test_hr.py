"""The pengelola kinerja (agency HR) pages through a real browser: the seeded HR officer sees the
work-unit tree, imports a roster CSV with one bad line and sees that line's error, then an .xlsx
roster, opens the calibration chart (or its empty state) and a public unit's QR poster, downloads
the development report as .xlsx; every HR page passes axe."""

import io
import re
import secrets

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def test_hr_runs_the_agency_pages(page, portal_agency, sign_in_as, check_page):
    sign_in_as(page, portal_agency["hr"])
    page.goto("/pengelola")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pengelola kinerja")
    expect(page.get_by_role("link", name="Kalibrasi Predikat")).to_be_visible()
    check_page(page, "pengelola-beranda")

    # The work-unit tree, the public unit in it with its poster link.
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Unit kerja").click()
    tree = page.locator(".tree")
    expect(tree.first).to_contain_text(portal_agency.public_unit_name)
    expect(page.get_by_role("link", name=f"Poster QR {portal_agency.public_unit_name}")).to_be_visible()
    check_page(page, "pengelola-unit")

    # A roster CSV: one new employee, one line with a NIP that is not one.
    new_nip = f"199505052020011{secrets.randbelow(1000):03d}"
    unit = portal_agency.public_unit_name
    csv = (
        f"nip,name,position,unit,unit_id\n{new_nip},Rina Baru,Pengadministrasi,{unit},{portal_agency.public_unit_id}\n"
        f"123,Salah Ketik,Pengadministrasi,{unit},{portal_agency.public_unit_id}\n"
    )
    page.goto("/pengelola/pegawai")
    page.get_by_label("Berkas CSV").set_input_files(
        files=[{"name": "pegawai.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Unggah dan impor").click()
    result = page.locator("#hasil-impor")
    expect(result).to_contain_text("Hasil impor")
    refused = page.locator("table.line-errors tbody tr")
    expect(refused).to_have_count(1)
    expect(refused.first.locator("th")).to_have_text("3")
    expect(refused.first).to_contain_text("123")
    check_page(page, "pengelola-pegawai-impor")

    # The same import from an Excel workbook, the NIP typed into a column formatted as text.
    book = openpyxl.Workbook()
    sheet = book.active
    xlsx_nip = f"199505052020012{secrets.randbelow(1000):03d}"
    for row in (
        ["nip", "name", "position", "unit", "unit_id"],
        [xlsx_nip, "Sari Excel", "Analis", unit, portal_agency.public_unit_id],
    ):
        sheet.append(row)
    sheet["A2"].number_format = "@"
    workbook = io.BytesIO()
    book.save(workbook)
    page.get_by_label("Berkas CSV atau Excel").set_input_files(
        files=[
            {
                "name": "pegawai.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": workbook.getvalue(),
            }
        ]
    )
    page.get_by_role("button", name="Unggah dan impor").click()
    expect(page.locator("#hasil-impor")).to_contain_text("Semua baris diterima.")

    # Periods and their IKU; the cascade of the first IKU when the agency has one.
    page.goto("/pengelola/periode")
    check_page(page, "pengelola-periode")
    page.goto(f"/pengelola/periode/{portal_agency.period_id}")
    expect(page.get_by_role("heading", name="IKU instansi")).to_be_visible()
    check_page(page, "pengelola-periode-detail")
    cascade = page.get_by_role("link", name=re.compile("^Lihat kaskade"))
    if cascade.count():
        cascade.first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Kaskade IKU")
        check_page(page, "pengelola-kaskade")

    # Calibration: the chart, or the empty state while nobody has been appraised.
    page.goto("/pengelola/kalibrasi")
    expect(page.locator("figure.chart svg[role=img], .empty-state").first).to_be_visible()
    check_page(page, "pengelola-kalibrasi")

    # The public unit's IKM over time and its printable QR poster.
    page.goto("/pengelola/ikm")
    check_page(page, "pengelola-ikm")
    page.goto(f"/pengelola/ikm/{portal_agency.public_unit_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal_agency.public_unit_name)
    check_page(page, "pengelola-ikm-unit")
    page.goto(f"/pengelola/poster/{portal_agency.public_unit_id}")
    survey = f"/survei/{portal_agency.agency_id}/{portal_agency.public_unit_id}"
    expect(page.locator(".qr svg[role=img]")).to_be_visible()
    expect(page.locator(".survey-url a")).to_have_attribute("href", re.compile(re.escape(survey) + "$"))
    check_page(page, "pengelola-poster")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()  # only the poster is printed
    page.emulate_media(media="screen")

    page.goto("/pengelola/pengembangan")
    expect(page.get_by_role("heading", name="Pemenuhan 20 JP")).to_be_visible()
    check_page(page, "pengelola-pengembangan")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Unduh laporan pengembangan")).click()
    assert re.fullmatch(r"pengembangan-\d{4}\.xlsx", download.value.suggested_filename)
    with open(download.value.path(), "rb") as saved:
        report = openpyxl.load_workbook(io.BytesIO(saved.read()))
    assert report.sheetnames == ["Pemenuhan JP", "Per kompetensi"]
    assert str(report["Pemenuhan JP"]["A1"].value).startswith("Pemenuhan 20 JP")
    page.goto("/pengelola/mutasi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mutasi antarinstansi")
    check_page(page, "pengelola-mutasi")
