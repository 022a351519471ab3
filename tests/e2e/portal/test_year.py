"""A small agency's year through the browser only, each person in their own browser (issue 9).

The year is a list of steps run in order (``test_a_small_agency_year``); each step is one function
taking the ``Year`` (the agency, its people, a way to open a browser as someone) and asserting what
that person sees. HR sets the agency up (units, the roster by CSV, a period with checkpoints, an
IKU); the head of agency drafts an SKP serving the IKU, approved by their superior; the staff draft
SKPs supporting the head's RHK, one returned with a note then approved; Realisasi per checkpoint; a
360° round opened by the appraiser and answered by its givers; HR closes the period; the appraiser
confirms the proposals (one overridden with a reason); an employee files a Keberatan and the
appraiser's superior decides it; the employee sees the result and their development page.

The agency is this test's own (``year_agency``: only names and NIPs, everything else is done in
the browser): the year changes it (the period is closed), so it is not the shared ``portal_agency``.
The one thing not done through a page: waiting until appraisal-service has consumed the year's
events before the period is closed (``wait_until_appraisal_knows``, a read of its inputs API): no
page shows those counts, and closing earlier would propose from partial inputs.
"""

import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings
from playwright.sync_api import Locator, Page, expect

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

HR_NIP = "197501052000011900"  # the portal's dev HR officer (PortalSettings.dev_hr_nip)
EVENTS_DEADLINE = 60.0  # seconds a consumer may take to catch up: a bound, not an expectation


# -- the agency and its people ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Someone:
    nip: str
    name: str


@dataclass
class YearAgency:
    """Who works here: ``hr``; ``superior`` (outside the roster: the head of agency's appraiser);
    ``head`` (Kepala Dinas, appraises the staff); ``ani`` and ``budi`` (staff of the public counter).
    ``period_id`` is learnt when HR opens the period."""

    agency_id: str
    people: dict[str, Someone]
    period_id: str = ""
    public_unit_id: str = "loket"
    public_unit_name: str = "Loket Perizinan"
    year: int = date.today().year

    def __getitem__(self, part: str) -> Someone:
        return self.people[part]


@pytest.fixture(scope="module")
def year_agency() -> YearAgency:
    return YearAgency(
        f"dinas-tahun-{uuid.uuid4().hex[:6]}",
        {
            "hr": Someone(HR_NIP, "Pengelola kinerja"),
            "superior": Someone("196801011990031001", "Atasan pejabat penilai"),
            "head": Someone("197203152000031002", "Kepala Dinas Tahun"),
            "ani": Someone("198804122012012003", "Ani Pelayanan"),
            "budi": Someone("199001202014021004", "Budi Loket"),
        },
    )


@dataclass
class Year:
    agency: YearAgency
    open_browser: Callable[[], Page]
    check_page: Callable[[Page, str], None]
    services: object

    @contextmanager
    def signed_in(self, part: str) -> Iterator[Page]:
        """A fresh browser (no cookies) signed in through the dev page as the agency's ``part``."""
        person = self.agency[part]
        page = self.open_browser()
        page.goto(f"/masuk?agency={self.agency.agency_id}")
        page.locator("form[action='/masuk/dev']").filter(has=page.locator(f"input[value='{person.nip}']")).get_by_role(
            "button"
        ).click()
        page.wait_for_load_state()
        try:
            yield page
        finally:
            page.context.close()

    @contextmanager
    def anonymous(self) -> Iterator[Page]:
        page = self.open_browser()
        try:
            yield page
        finally:
            page.context.close()


@pytest.fixture
def year(browser, portal_stack, year_agency, check_page) -> Year:
    def open_browser() -> Page:
        context = browser.new_context(base_url=portal_stack.url, viewport={"width": 390, "height": 844}, locale="id-ID")
        context.set_default_timeout(15_000)
        return context.new_page()

    return Year(year_agency, open_browser, check_page, portal_stack.services)


def reload_until(page: Page, locator: Locator, count: int, seconds: float = EVENTS_DEADLINE) -> None:
    """What a consumer of events writes shows up later: reload (bounded) until ``count`` match."""
    deadline = time.monotonic() + seconds
    while locator.count() != count:
        assert time.monotonic() < deadline, f"{locator} never reached {count} on {page.url}"
        page.wait_for_timeout(500)  # between reloads, not a wait for the result
        page.reload()
    expect(locator).to_have_count(count)


# -- the year's steps, in order ------------------------------------------------------------------------------
def hr_sets_up_the_agency(year: Year) -> None:
    """Units (the office and its public counter), then the roster by CSV: a bad line is reported by
    its number, the good lines are registered."""
    a = year.agency
    with year.signed_in("hr") as page:
        expect(page).to_have_url(re.compile(r"/pengelola$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Pengelola kinerja")
        page.goto("/pengelola/unit")
        for unit_id, name, parent, head, public in (
            ("dinas", "Dinas Perizinan", "", a["head"].nip, False),
            (a.public_unit_id, a.public_unit_name, "dinas", "", True),
        ):
            page.get_by_label("Kode unit").fill(unit_id)
            page.get_by_label("Nama unit").fill(name)
            if parent:
                page.get_by_label("Unit atasan").select_option(parent)
            page.get_by_label("NIP kepala unit").fill(head)
            if public:
                page.get_by_label(re.compile("^Unit layanan publik")).check()
            page.get_by_role("button", name="Simpan unit").click()
            expect(page.locator(".flash")).to_have_text("Unit kerja disimpan.")
        expect(page.locator(".tree").first).to_contain_text(a.public_unit_name)
        year.check_page(page, "tahun-pengelola-unit")

        rows = [
            (a["head"], "Kepala Dinas", "dinas", a["superior"].nip),
            (a["ani"], "Analis Perizinan", a.public_unit_id, a["head"].nip),
            (a["budi"], "Pengadministrasi Loket", a.public_unit_id, a["head"].nip),
        ]
        csv = "nip,name,position,unit,unit_id,appraiser_nip\n" + "".join(
            f"{p.nip},{p.name},{position},{unit_id},{unit_id},{appraiser}\n" for p, position, unit_id, appraiser in rows
        )
        csv += f"12345,Salah Ketik,Pengadministrasi,{a.public_unit_id},{a.public_unit_id},{a['head'].nip}\n"
        page.goto("/pengelola/pegawai")
        page.get_by_label("Berkas CSV").set_input_files(
            files=[{"name": "pegawai.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
        )
        page.get_by_role("button", name="Unggah dan impor").click()
        refused = page.locator("table.line-errors tbody tr")
        expect(refused).to_have_count(1)
        expect(refused.first.locator("th")).to_have_text("5")  # the header is line 1
        expect(page.get_by_role("heading", name="Pegawai terdaftar (3)")).to_be_visible()
        year.check_page(page, "tahun-pengelola-impor")


def hr_opens_the_period_with_an_iku(year: Year) -> None:
    a = year.agency
    with year.signed_in("hr") as page:
        page.goto("/pengelola/periode")
        page.get_by_label("Tahun").fill(str(a.year))
        page.get_by_label("Titik periksa Realisasi").select_option("3")
        page.get_by_role("button", name="Buka periode").click()
        expect(page.locator(".flash")).to_have_text("Periode dibuka.")
        a.period_id = re.search(r"/pengelola/periode/([^/?#]+)$", page.url).group(1)
        checkpoints = page.get_by_role("region", name="Titik periksa")
        for quarter in ("Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV"):
            expect(checkpoints.get_by_text(quarter, exact=True)).to_have_count(1)
        page.get_by_label("Kode IKU").fill("IKU-1")
        page.get_by_label("Uraian").fill("Persentase permohonan izin diselesaikan tepat waktu")
        page.get_by_label("Target").fill("95")
        page.get_by_label("Satuan").fill("%")
        page.get_by_role("button", name="Simpan IKU").click()
        expect(page.locator(".flash")).to_have_text("IKU disimpan.")
        expect(page.get_by_role("region", name="IKU instansi")).to_contain_text("IKU-1")
        year.check_page(page, "tahun-pengelola-periode")


def draft_and_submit(page: Page, link_label: str, description: str, iki: str, target: str, unit: str) -> None:
    """The SKP editor: one RHK utama linked to the first choice offered, one IKI; saved then submitted."""
    page.goto("/pegawai/skp")
    page.get_by_role("link", name=re.compile(r"Susun SKP tahun")).click()
    page.get_by_label("Uraian RHK 1").fill(description)
    link = page.get_by_label(link_label)
    expect(link.locator("option")).to_have_count(2)  # the empty choice + the one to link to
    link.select_option(index=1)
    page.get_by_label("Uraian IKI 1.1").fill(iki)
    page.get_by_label("Target IKI 1.1").fill(target)
    page.get_by_label("Satuan IKI 1.1").fill(unit)
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".flash")).to_have_text("Draf SKP disimpan.")
    page.get_by_role("button", name="Ajukan kepada pejabat penilai").click()
    expect(page.locator("#status-skp")).to_have_text("Diajukan")


def open_team_skp(page: Page, name: str) -> None:
    page.goto("/penilai/tim")
    waiting = page.get_by_role("region", name=re.compile("Menunggu persetujuan"))
    waiting.get_by_role("link", name=f"Buka SKP {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"SKP {name}")


def head_drafts_an_skp_serving_the_iku(year: Year) -> None:
    with year.signed_in("head") as page:
        expect(page.locator(".todo").filter(has_text="Susun SKP tahun")).to_have_count(1)
        year.check_page(page, "tahun-kepala-beranda")
        draft_and_submit(
            page,
            "IKU yang didukung RHK 1",
            "Terselesaikannya permohonan izin tepat waktu",
            "Permohonan izin selesai tepat waktu",
            "95",
            "%",
        )
        year.check_page(page, "tahun-kepala-skp-diajukan")
    with year.signed_in("superior") as page:  # the head of agency's appraiser approves
        open_team_skp(page, year.agency["head"].name)
        page.get_by_role("button", name="Setujui SKP").click()
        expect(page.locator(".flash")).to_have_text("SKP disetujui.")


def staff_draft_skps_supporting_the_head(year: Year) -> None:
    for part, target in (("ani", "120"), ("budi", "100")):
        with year.signed_in(part) as page:
            draft_and_submit(
                page,
                "RHK pejabat penilai yang didukung RHK 1",
                "Terlayaninya permohonan izin di loket",
                "Berkas izin diverifikasi",
                target,
                "berkas",
            )
            year.check_page(page, f"tahun-{part}-skp-diajukan")


def head_returns_then_approves(year: Year) -> None:
    """Ani's SKP goes back with a note; she sees it, raises the target and resubmits; both approved."""
    a = year.agency
    with year.signed_in("head") as page:
        page.goto("/penilai")
        expect(page.locator(".todo").filter(has_text=re.compile("Periksa SKP"))).to_have_count(2)
        open_team_skp(page, a["ani"].name)
        page.get_by_label("Catatan untuk pegawai").fill("Naikkan target menjadi 150 berkas.")
        page.get_by_role("button", name="Kembalikan dengan catatan").click()
        expect(page.locator(".flash")).to_have_text("SKP dikembalikan kepada pegawai dengan catatan.")
    with year.signed_in("ani") as page:
        page.goto("/pegawai/skp")
        page.get_by_role("link", name=re.compile("SKP tahun")).first.click()
        expect(page.locator("main")).to_contain_text("Naikkan target menjadi 150 berkas.")
        year.check_page(page, "tahun-ani-skp-dikembalikan")
        page.get_by_role("link", name="Ubah SKP").click()
        page.get_by_label("Target IKI 1.1").fill("150")
        page.get_by_role("button", name="Simpan draf").click()
        page.get_by_role("button", name="Ajukan kepada pejabat penilai").click()
        expect(page.locator("#status-skp")).to_have_text("Diajukan")
    with year.signed_in("head") as page:
        for part in ("ani", "budi"):
            open_team_skp(page, a[part].name)
            page.get_by_role("button", name="Setujui SKP").click()
            expect(page.locator(".flash")).to_have_text("SKP disetujui.")
        page.goto("/penilai/tim")
        expect(page.get_by_role("region", name=re.compile("Disetujui"))).to_contain_text(a["budi"].name)
        year.check_page(page, "tahun-kepala-tim")


def record(page: Page, quarter: str, value: str, evidence: str) -> None:
    page.get_by_role("link", name=quarter, exact=True).click()
    page.get_by_label(re.compile(r"^Nilai Realisasi")).fill(value)
    page.get_by_label(re.compile(r"^Bukti dukung")).fill(evidence)
    page.get_by_role("button", name="Simpan Realisasi").click()
    expect(page.locator(".flash")).to_have_text("Realisasi dicatat.")
    expect(page.locator("main")).to_contain_text(f"Tercatat: {value} berkas")


def staff_record_realisation(year: Year) -> None:
    """Ani per quarter (I, then the year's value at IV); Budi, behind, at IV only; the head too."""
    for part, entries in (("ani", (("Triwulan I", "40"), ("Triwulan IV", "160"))), ("budi", (("Triwulan IV", "45"),))):
        with year.signed_in(part) as page:
            page.goto("/pegawai/skp")
            page.get_by_role("link", name=re.compile("SKP tahun")).first.click()
            page.get_by_role("link", name="Catat Realisasi").click()
            for quarter, value in entries:
                record(page, quarter, value, f"https://arsip.example.go.id/{part}/{quarter.replace(' ', '-')}")
            year.check_page(page, f"tahun-{part}-realisasi")
    with year.signed_in("head") as page:
        page.goto("/pegawai/skp")
        page.get_by_role("link", name=re.compile("SKP tahun")).first.click()
        page.get_by_role("link", name="Catat Realisasi").click()
        page.get_by_role("link", name="Triwulan IV", exact=True).click()
        page.get_by_label(re.compile(r"^Nilai Realisasi")).fill("96")
        page.get_by_role("button", name="Simpan Realisasi").click()
        expect(page.locator(".flash")).to_have_text("Realisasi dicatat.")


def head_opens_a_360_round_answered_by_givers(year: Year) -> None:
    a = year.agency
    with year.signed_in("head") as page:
        page.goto(f"/penilai/tim/{a['ani'].nip}/umpan-balik-360?period_id={a.period_id}")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Umpan balik 360° {a['ani'].name}")
        page.get_by_label("Checkpoint yang dinilai").select_option(label="Triwulan IV")
        third = page.get_by_role("group", name="Pemberi umpan balik 3")
        third.get_by_label("NIP").fill(a["budi"].nip)
        third.get_by_label("Sebagai").select_option("peer")
        page.get_by_role("button", name="Buka putaran").click()
        expect(page.locator(".flash")).to_have_text("Putaran umpan balik 360° dibuka.")
        year.check_page(page, "tahun-kepala-360")
    for part, form in (
        ("ani", "Isi penilaian diri (umpan balik 360°)"),
        ("budi", f"Isi umpan balik 360° untuk rekan kerja {a['ani'].nip}"),
    ):
        with year.signed_in(part) as page:
            page.goto("/pegawai/umpan-balik")
            page.get_by_role("link", name=form).click()
            for group in page.locator("fieldset.radios").all():
                group.get_by_label("Sesuai ekspektasi").check()
            page.get_by_role("button", name="Kirim umpan balik").click()
            expect(page.locator(".flash")).to_have_text("Umpan balik Anda tersimpan. Terima kasih.")


def wait_until_appraisal_knows(year: Year) -> None:
    """NOT through a page (no page shows it): appraisal-service has consumed the staff's approved
    SKPs and Realisasi before HR closes the period; closing earlier would propose from part of them."""
    a = year.agency
    token = TokenIssuer(ServiceSettings()).issue(a["hr"].nip, a.agency_id, ["hr"])
    url = f"{year.services.urls['appraisal-service']}/periods/{a.period_id}/employees/{{nip}}/inputs"
    deadline = time.monotonic() + EVENTS_DEADLINE
    for part, realisations in (("ani", 1), ("budi", 1)):
        while True:
            known = year.services.client.get(url.format(nip=a[part].nip), headers={"Authorization": f"Bearer {token}"})
            if (
                known.status_code == 200
                and known.json()["skp_version"] is not None
                and known.json()["realizations"] >= realisations
            ):
                break
            assert time.monotonic() < deadline, f"appraisal-service never learnt of {part}'s year"
            time.sleep(0.3)


def hr_closes_the_period(year: Year) -> None:
    with year.signed_in("hr") as page:
        page.goto(f"/pengelola/periode/{year.agency.period_id}")
        page.get_by_role("button", name=f"Tutup periode {year.agency.year}").click()
        expect(page.locator(".flash")).to_have_text("Periode ditutup. Penilaian dapat dimulai.")
        expect(page.get_by_role("button", name=re.compile("^Tutup periode"))).to_have_count(0)
        year.check_page(page, "tahun-pengelola-ditutup")


def head_confirms_proposals(year: Year) -> None:
    """The proposals come from the services consuming the close: the list is reloaded until both
    staff are in it. Ani's is confirmed as proposed; Budi's hasil kerja is raised, which needs a reason."""
    a = year.agency
    with year.signed_in("head") as page:
        page.goto(f"/penilai/penilaian?period_id={a.period_id}")
        rows = page.locator("tbody tr").filter(has_text="Menunggu konfirmasi")
        reload_until(
            page, rows.filter(has=page.get_by_role("link", name=re.compile(f"^({a['ani'].name}|{a['budi'].name})$"))), 2
        )
        year.check_page(page, "tahun-kepala-penilaian")

        page.get_by_role("link", name=a["ani"].name, exact=True).click()
        inputs = page.get_by_role("region", name="Masukan usulan")  # what the proposal was made from
        expect(inputs.locator("dt:text-is('Realisasi tercatat') + dd")).to_have_text(re.compile(r"^[1-9]"))
        expect(inputs.locator("dt:text-is('Versi SKP') + dd")).not_to_have_text("—")
        year.check_page(page, "tahun-kepala-usulan")
        page.get_by_role("button", name="Konfirmasi penilaian").click()
        expect(page.locator(".flash")).to_have_text("Penilaian dikonfirmasi.")

        page.goto(f"/penilai/penilaian?period_id={a.period_id}")
        page.get_by_role("link", name=a["budi"].name, exact=True).click()
        proposed = page.get_by_role("region", name="Usulan").locator("dt:text-is('Rating hasil kerja') + dd")
        other = "Sesuai ekspektasi" if proposed.inner_text() != "Sesuai ekspektasi" else "Di atas ekspektasi"
        page.get_by_role("group", name="Rating hasil kerja").get_by_label(other).check()
        page.get_by_role("button", name="Konfirmasi penilaian").click()  # changed without a reason: refused
        expect(page.locator("main")).to_contain_text("needs a written reason")
        expect(page.get_by_role("group", name="Rating hasil kerja").get_by_label(other)).to_be_checked()
        year.check_page(page, "tahun-kepala-alasan-wajib")
        page.get_by_label("Alasan").fill("Loket tutup dua bulan untuk renovasi; capaian tidak mencerminkan kinerja.")
        page.get_by_role("button", name="Konfirmasi penilaian").click()
        expect(page.locator(".flash")).to_have_text("Penilaian dikonfirmasi.")
        page.goto(f"/penilai/penilaian?period_id={a.period_id}")
        budi = page.locator("tbody tr").filter(has_text=a["budi"].name)
        expect(budi).to_contain_text("Final")
        expect(budi).to_contain_text("(diubah)")
        year.check_page(page, "tahun-kepala-penilaian-final")


def ani_files_an_objection(year: Year) -> None:
    with year.signed_in("ani") as page:
        page.goto("/pegawai/penilaian")
        page.locator("main a[href^='/pegawai/penilaian/']").first.click()
        expect(page.locator(".flash-info")).to_contain_text("Masa Keberatan terbuka")
        year.check_page(page, "tahun-ani-penilaian")
        page.get_by_role("link", name="Ajukan Keberatan").first.click()
        page.get_by_label("Alasan keberatan").fill("Realisasi Triwulan IV melampaui target; mohon ditinjau.")
        page.get_by_role("button", name="Ajukan Keberatan").click()
        expect(page.locator(".flash", has_text="Keberatan Anda diajukan kepada atasan pejabat penilai.")).to_have_count(
            1
        )


def superior_decides_the_objection(year: Year) -> None:
    with year.signed_in("superior") as page:
        page.goto("/penilai/keberatan")
        page.get_by_role("link", name=year.agency["ani"].nip).click()
        expect(page.get_by_role("region", name="Alasan pegawai")).to_contain_text("melampaui target")
        year.check_page(page, "tahun-atasan-keberatan")
        page.get_by_role("group", name="Keputusan").get_by_label("Hasil tetap (keberatan ditolak)").check()
        page.get_by_label("Alasan keputusan").fill("Capaian sudah dinilai sesuai; predikat tetap.")
        page.get_by_role("button", name="Simpan keputusan").click()
        expect(page.locator(".flash")).to_have_text("Keputusan atas Keberatan disimpan.")


def ani_sees_the_decision_and_her_plan(year: Year) -> None:
    with year.signed_in("ani") as page:
        page.goto("/pegawai/penilaian")
        page.locator("main a[href^='/pegawai/penilaian/']").first.click()
        expect(page.locator("main")).to_contain_text("Capaian sudah dinilai sesuai; predikat tetap.")
        year.check_page(page, "tahun-ani-keberatan-diputuskan")
        page.goto("/pegawai/pengembangan")
        expect(page.get_by_role("heading", level=1)).to_have_text("Rencana pengembangan")
        expect(page.locator("#jp-teks")).to_contain_text("0 dari 20 JP terverifikasi.")
        # No plan item is asserted: a Baik predikat with no weak value gets none from training-service.
        year.check_page(page, "tahun-ani-pengembangan")


def hr_sees_the_calibration(year: Year) -> None:
    """After the confirmations the agency's predikat distribution is drawn against its bounds."""
    with year.signed_in("hr") as page:
        page.goto(f"/pengelola/kalibrasi?period_id={year.agency.period_id}")
        expect(page.locator("figure.chart svg[role=img]")).to_be_visible()
        year.check_page(page, "tahun-pengelola-kalibrasi")


def citizen_rates_the_public_unit(year: Year) -> None:
    """A citizen scans the unit's QR code, answers all nine elements, and sees the unit's IKM count it."""
    agency, unit = year.agency.agency_id, year.agency.public_unit_id
    with year.anonymous() as page:
        page.goto(f"/survei/{agency}/{unit}")
        expect(page.locator(".lead")).to_have_text(year.agency.public_unit_name)
        for group in page.locator("fieldset.radios").all():
            group.locator("input[value='4']").check()
        page.get_by_role("button", name="Kirim jawaban").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih")
        page.get_by_role("link", name="Lihat nilai IKM unit ini").click()
        figures = page.locator(".figures")
        expect(figures.locator("div").filter(has_text="Jumlah jawaban").locator("dd")).to_have_text("1")
        expect(
            figures.locator("div").filter(has=page.locator("dt", has_text=re.compile("^IKM$"))).locator("dd")
        ).to_have_text("100.00")  # every element "4": the best score
        year.check_page(page, "tahun-ikm")


YEAR = (
    hr_sets_up_the_agency,
    hr_opens_the_period_with_an_iku,
    head_drafts_an_skp_serving_the_iku,
    staff_draft_skps_supporting_the_head,
    head_returns_then_approves,
    staff_record_realisation,
    head_opens_a_360_round_answered_by_givers,
    citizen_rates_the_public_unit,
    wait_until_appraisal_knows,
    hr_closes_the_period,
    head_confirms_proposals,
    ani_files_an_objection,
    superior_decides_the_objection,
    ani_sees_the_decision_and_her_plan,
    hr_sees_the_calibration,
)


def test_a_small_agency_year(year):
    for step in YEAR:
        step(year)
