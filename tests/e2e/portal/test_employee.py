"""The employee's pages through a real browser: a new employee of this module (the seeded ones stay
as seeded for other tests) drafts an SKP (a field error
first, next to its field), adds a row without JavaScript, links to the appraiser's approved RHK,
submits and sees the state; answers a 360° form; sees their results, appraisal and development
pages; another newcomer revises their approved SKP (reason, editor, submit). Every page passes axe."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


@pytest.fixture(scope="module")
def drafter(agency_api, portal_agency):
    """A newcomer on the seeded appraiser's team (no SKP yet), named as a peer giver in the 360° round
    of another newcomer (returned second): this module's own people, since its tests change them."""
    appraiser = portal_agency["appraiser"].nip
    drafter = agency_api.newcomer("Pegawai Penyusun", appraiser)
    subject = agency_api.newcomer("Pegawai Dinilai", appraiser)
    agency_api.call(
        "POST",
        "feedback-service",
        "/feedback-rounds",
        appraiser,
        ["appraiser"],
        json={
            "nip": subject.nip,
            "period_id": portal_agency.period_id,
            "checkpoint_id": agency_api.feedback_checkpoint(),
            "givers": [{"nip": drafter.nip, "source": "peer"}],
        },
    )
    return drafter, subject


def test_employee_drafts_and_submits_an_skp(page, drafter, sign_in_as, check_page):
    sign_in_as(page, drafter[0])
    page.get_by_role("link", name="SKP saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SKP saya")
    check_page(page, "pegawai-skp-daftar")

    page.get_by_role("link", name=re.compile(r"Susun SKP tahun")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Susun SKP tahun")
    # The appraiser's approved RHK are offered to link to, the RHK tambahan too (target-service's list).
    supports = page.get_by_label("RHK pejabat penilai yang didukung RHK 1")
    expect(supports.locator("option")).to_have_count(4)  # the empty choice + the appraiser's two utama, one tambahan
    expect(supports.locator("option").filter(has_text="(RHK tambahan)")).to_have_count(1)
    check_page(page, "pegawai-skp-baru")

    # An IKI without the RHK's description: the service's field error lands under the description.
    page.get_by_label("Uraian IKI 1.1").fill("Berkas izin yang diverifikasi")
    page.get_by_label("Target IKI 1.1").fill("150")
    page.get_by_label("Satuan IKI 1.1").fill("berkas")
    page.get_by_role("button", name="Simpan draf").click()
    description = page.get_by_label("Uraian RHK 1")
    expect(description).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#galat-rhk-0-description")).to_have_text("Wajib diisi.")
    expect(page.get_by_label("Target IKI 1.1")).to_have_value("150")  # what was typed stays
    check_page(page, "pegawai-skp-galat")

    # Without JavaScript: "Tambah RHK" re-renders the form with one more empty row, values kept.
    description.fill("Terverifikasinya permohonan izin")
    supports.select_option(index=1)
    page.get_by_role("button", name="Tambah RHK").click()
    expect(page.get_by_label("Uraian RHK 2")).to_have_value("")
    expect(page.get_by_label("Uraian RHK 1")).to_have_value("Terverifikasinya permohonan izin")
    expect(page.get_by_label("Jenis RHK 2")).to_have_value("tambahan")
    page.get_by_label("Uraian RHK 2").fill("Tersusunnya panduan layanan")
    page.get_by_label("Uraian IKI 2.1").fill("Dokumen panduan")
    page.get_by_label("Target IKI 2.1").fill("1")
    page.get_by_label("Satuan IKI 2.1").fill("dokumen")
    page.get_by_role("button", name="Simpan draf").click()

    expect(page).to_have_url(re.compile(r"/pegawai/skp/[0-9a-f-]+$"))
    expect(page.locator(".flash")).to_have_text("Draf SKP disimpan.")
    expect(page.locator("#status-skp")).to_have_text("Draf")
    expect(page.locator("caption").filter(has_text="Terverifikasinya permohonan izin")).to_have_count(1)
    check_page(page, "pegawai-skp-draf")

    page.get_by_role("button", name="Ajukan kepada pejabat penilai").click()
    expect(page.locator(".flash")).to_have_text("SKP diajukan kepada pejabat penilai.")
    expect(page.locator("#status-skp")).to_have_text("Diajukan")
    expect(page.get_by_role("link", name="Ubah SKP")).to_have_count(0)  # submitted: no longer editable
    check_page(page, "pegawai-skp-diajukan")

    page.get_by_role("link", name="Riwayat versi").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(re.compile("Versi 1: Diajukan"))
    check_page(page, "pegawai-skp-riwayat")

    page.goto("/pegawai")
    expect(page.locator(".todo").filter(has_text="menunggu persetujuan pejabat penilai")).to_have_count(1)


def test_employee_answers_a_360_form_and_sees_the_other_pages(page, drafter, sign_in_as, check_page):
    colleague = drafter[1].nip
    sign_in_as(page, drafter[0])
    page.get_by_role("link", name="Umpan balik 360°").first.click()
    form_link = page.get_by_role("link", name=f"Isi umpan balik 360° untuk rekan kerja {colleague}")
    expect(form_link).to_have_count(1)
    check_page(page, "pegawai-umpan-balik")

    form_link.click()
    expect(page.locator(".lead")).to_have_text(f"Tentang rekan kerja {colleague}")
    page.get_by_role("group", name=re.compile("Akuntabel")).get_by_label("Di atas ekspektasi").check()
    page.get_by_role("button", name="Kirim umpan balik").click()  # six values without a level
    expect(page.locator(".field-error")).to_have_count(6)
    expect(page.get_by_role("group", name=re.compile("Akuntabel")).get_by_label("Di atas ekspektasi")).to_be_checked()
    check_page(page, "pegawai-umpan-balik-belum-lengkap")

    for group in page.locator("fieldset.radios").all():
        if not group.locator("input:checked").count():
            group.get_by_label("Sesuai ekspektasi").check()
    page.get_by_label(re.compile("Komentar")).fill("Selalu membantu rekan.")
    page.get_by_role("button", name="Kirim umpan balik").click()
    expect(page).to_have_url(re.compile(r"/pegawai/umpan-balik$"))
    expect(page.locator(".flash")).to_have_text("Umpan balik Anda tersimpan. Terima kasih.")
    expect(page.locator(".todo").filter(has_text=colleague)).to_contain_text("Sudah diisi")
    check_page(page, "pegawai-umpan-balik-terkirim")

    page.get_by_role("link", name="Penilaian saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penilaian saya")
    check_page(page, "pegawai-penilaian")

    page.get_by_role("link", name="Pengembangan").click()
    expect(page.locator("#jp-teks")).to_contain_text("0 dari 20 JP terverifikasi.")
    expect(page.locator("meter#jp-meter")).to_have_attribute("value", "0")
    check_page(page, "pegawai-pengembangan")

    # Training outside a plan: a claim, shown as waiting and counted apart from the verified JP.
    page.get_by_label("Nama pelatihan").fill("Webinar pelayanan prima")
    page.get_by_label("Jumlah JP").fill("3")
    page.get_by_label(re.compile(r"^Bukti \(nomor")).fill("SERT-2024-01")
    page.get_by_label("Tanggal selesai").fill(page.locator("#isian-klaim-completed_on").get_attribute("max"))
    page.get_by_role("button", name="Catat pelatihan").click()
    expect(page.locator(".flash")).to_contain_text("Pelatihan dicatat sebagai klaim")
    expect(page.locator("#jp-teks")).to_contain_text("3 JP lagi diklaim dan menunggu verifikasi.")
    expect(page.locator("table").filter(has_text="Webinar pelayanan prima")).to_contain_text("Diklaim")
    check_page(page, "pegawai-pengembangan-klaim")


@pytest.fixture
def reviser(agency_api, portal_agency):
    """A newcomer whose SKP is approved (drafted, submitted and approved through target-service's API,
    linked to what it offers them), ready to be revised in the browser."""
    appraiser = portal_agency["appraiser"].nip
    reviser = agency_api.newcomer("Pegawai Perevisi", appraiser)
    period_id = portal_agency.period_id
    targets = agency_api.call(
        "GET", "target-service", "/skp/link-targets", reviser.nip, ["employee"], params={"period_id": period_id}
    )
    supported = next(r["rhk_id"] for r in targets["rhk"] if r["kind"] == "utama")
    skp = agency_api.call(
        "POST",
        "target-service",
        "/skp",
        reviser.nip,
        ["employee"],
        json={
            "period_id": period_id,
            "rhk": [
                {
                    "kind": "utama",
                    "description": "Terlayaninya pengaduan masyarakat",
                    "supports_rhk_id": supported,
                    "indikator": [
                        {
                            "aspect": "kuantitas",
                            "description": "Pengaduan yang dituntaskan",
                            "target": 40,
                            "unit": "pengaduan",
                        }
                    ],
                }
            ],
        },
    )
    agency_api.call("POST", "target-service", f"/skp/{skp['skp_id']}/submit", reviser.nip, ["employee"])
    agency_api.call("POST", "target-service", f"/skp/{skp['skp_id']}/approve", appraiser, ["appraiser"])
    return reviser


def test_employee_revises_an_approved_skp(page, reviser, sign_in_as, check_page):
    sign_in_as(page, reviser)
    page.get_by_role("link", name="SKP saya").click()
    page.get_by_role("link", name=re.compile(r"Lihat SKP tahun")).click()
    expect(page.locator("#status-skp")).to_have_text("Disetujui")
    page.get_by_role("link", name="Ajukan revisi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revisi SKP tahun")
    # The editor starts from the version in force.
    expect(page.get_by_label("Uraian RHK 1")).to_have_value("Terlayaninya pengaduan masyarakat")
    expect(page.get_by_label("Target IKI 1.1")).to_have_value("40")
    check_page(page, "pegawai-skp-revisi")

    # Without a reason: named next to its field, what was typed stays.
    page.get_by_label("Target IKI 1.1").fill("60")
    page.get_by_role("button", name="Simpan draf revisi").click()
    expect(page.get_by_label("Alasan revisi")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Target IKI 1.1")).to_have_value("60")
    check_page(page, "pegawai-skp-revisi-galat")

    page.get_by_label("Alasan revisi").fill("Volume pengaduan naik setelah kanal daring dibuka.")
    page.get_by_role("button", name="Simpan draf revisi").click()
    expect(page).to_have_url(re.compile(r"/pegawai/skp/[0-9a-f-]+$"))
    expect(page.locator(".flash")).to_have_text("Draf revisi SKP disimpan; ajukan kepada pejabat penilai.")
    expect(page.locator("#status-skp")).to_have_text("Disetujui")  # version 1 stays in force meanwhile
    expect(page.get_by_text("Perubahan SKP (versi 2) berstatus: Draf.")).to_have_count(1)
    expect(page.get_by_role("link", name="Ajukan revisi")).to_have_count(0)

    page.get_by_role("button", name="Ajukan kepada pejabat penilai").click()
    expect(page.locator(".flash")).to_have_text("SKP diajukan kepada pejabat penilai.")
    expect(page.get_by_text("Perubahan SKP (versi 2) berstatus: Diajukan.")).to_have_count(1)
    check_page(page, "pegawai-skp-revisi-diajukan")

    page.get_by_role("link", name="Riwayat versi").click()
    expect(page.get_by_role("heading", level=2).filter(has_text="Versi 2")).to_contain_text("Diajukan")
    expect(page.get_by_text("Volume pengaduan naik setelah kanal daring dibuka.")).to_have_count(1)
