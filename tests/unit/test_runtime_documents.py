"""The building blocks of the official documents (kinerja_runtime.documents): Indonesian numbers
and dates, the identity table with its blank fields, ruled tables with grouped rows, sections and a
header on every page, the signature blocks, the DRAFT mark, and text printed as typed. Each PDF is
read back with pypdf."""

import asyncio
import io
from datetime import date

from kinerja_runtime.documents import (
    BLANK,
    DRAFT,
    PDF,
    Form,
    Group,
    Person,
    Rendered,
    angka,
    attachment,
    render_off_loop,
    tanggal,
)
from pypdf import PdfReader

SITI = Person("198503122010012002", "Siti Aminah", "Pranata Humas", "Bidang IKP")
BUDI = Person("197801012005011001", "Budi Santoso", "Kepala Dinas", "Dinas")


def pages_of(content: bytes) -> list[str]:
    """Each page's text, its lines joined by single spaces (a cell's text wraps)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def text_of(content: bytes) -> str:
    return " ".join(pages_of(content))


def test_numbers_and_dates_as_indonesian_forms_print_them():
    assert [angka(v) for v in (120.0, 12.5, 1234.5, 1_000_000.0, 0.333333, -0.001, 7)] == [
        "120",
        "12,5",
        "1.234,5",
        "1.000.000",
        "0,33",
        "0",
        "7",
    ]
    assert angka(None) == "-" and angka(2.5, digits=0) == "2"
    assert tanggal(date(2026, 12, 31)) == "31 Desember 2026" and tanggal(date(2026, 1, 1)) == "1 Januari 2026"
    assert tanggal(None) == BLANK


def test_a_download_is_named_safely():
    assert attachment("skp-198503122010012002-2026.pdf") == {
        "Content-Disposition": 'attachment; filename="skp-198503122010012002-2026.pdf"'
    }
    assert attachment('evil"\r\nX-Header: 1.pdf') == {
        "Content-Disposition": 'attachment; filename="evil-X-Header-1.pdf"'
    }
    made = Rendered("skp-1-2026.pdf", b"%PDF-")
    assert made.media_type == PDF and made.headers == attachment("skp-1-2026.pdf")


def test_the_identity_table_names_each_person_and_leaves_what_the_roster_lacks_blank():
    form = Form("Identitas").identity(
        [("PEGAWAI YANG DINILAI", SITI), ("ATASAN PEJABAT PENILAI KINERJA", Person("196505051990031001"))]
    )
    text = text_of(form.render())
    assert "I PEGAWAI YANG DINILAI 1 NAMA Siti Aminah 2 NIP 198503122010012002" in text
    assert f"3 PANGKAT/GOL. RUANG {BLANK} 4 JABATAN Pranata Humas 5 UNIT KERJA Bidang IKP" in text
    # Someone no longer on the roster: only the NIP, every other field blank to fill in by hand.
    assert f"II ATASAN PEJABAT PENILAI KINERJA 1 NAMA {BLANK} 2 NIP 196505051990031001" in text
    assert "Pangkat/golongan ruang tidak tercatat di Kinerja: diisi secara manual." in text


def test_text_is_printed_as_typed_never_read_as_markup():
    typed = 'Terlayaninya <b>izin</b> & "pengaduan" <br/> <font size=40>x</font>'
    form = Form("Teks <i>").heading(typed).paragraph("Baris satu\nbaris dua")
    form.table(["A & B"], [[typed]], [1.0])
    text = text_of(form.render())
    assert text.count(typed) == 2 and "A & B" in text and "Baris satu baris dua" in text


def test_tables_group_rows_restart_numbers_per_section_and_repeat_the_header_on_every_page():
    body: list = ["A. UTAMA"]
    body += [Group([f"RHK {n}"], [["Kuantitas", f"IKI {n}.1", 10.0], ["Waktu", f"IKI {n}.2", 2.5]]) for n in (1, 2)]
    body += ["B. TAMBAHAN", ["SOP", "Dokumen", 1.0]]
    body += [[f"baris {n}", "isi", float(n)] for n in range(3, 90)]
    form = Form("Tabel").table(["RHK", "IKI", "TARGET"], body, [3, 3, 1], right=(2,))
    pages = pages_of(form.render())
    assert len(pages) >= 2
    assert all("NO RHK IKI TARGET" in page for page in pages), "the header on every page"
    first = pages[0]
    assert "A. UTAMA 1 RHK 1 Kuantitas IKI 1.1 10 Waktu IKI 1.2 2,5 2 RHK 2" in first
    assert "B. TAMBAHAN 1 SOP Dokumen 1 2 baris 3 isi 3" in first


def test_signature_blocks_give_place_date_role_name_and_nip():
    dated = text_of(
        Form("Tanda tangan")
        .signatures(
            ("Pegawai yang Dinilai", SITI), ("Pejabat Penilai Kinerja", BUDI), place="Bandung", day=date(2026, 2, 3)
        )
        .render()
    )
    assert "Pegawai yang Dinilai Siti Aminah NIP 198503122010012002" in dated
    assert "Bandung, 3 Februari 2026 Pejabat Penilai Kinerja Budi Santoso NIP 197801012005011001" in dated
    undated = text_of(Form("x").signatures(("Pegawai", SITI), ("Penilai", Person(None))).render())
    assert f"{'.' * 20}, {BLANK} Penilai {BLANK} NIP {BLANK}" in undated


def test_a_document_not_in_force_says_so_at_the_top_and_on_every_page():
    body = [[f"baris {n}"] for n in range(120)]
    marked = Form("Usulan", mark=DRAFT, mark_note="Belum dikonfirmasi.").table(["ISI"], body, [1.0]).render()
    pages = pages_of(marked)
    assert len(pages) >= 2 and pages[0].count(DRAFT) == 2 and "Belum dikonfirmasi." in pages[0]
    assert all(DRAFT in page for page in pages)
    assert DRAFT not in text_of(Form("Final").table(["ISI"], body, [1.0]).render())


def test_the_footer_titles_and_numbers_each_page_and_the_same_form_gives_the_same_bytes():
    def make() -> bytes:
        return Form("SKP 2026 - Siti").table(["ISI"], [[f"baris {n}"] for n in range(120)], [1.0]).render()

    content = make()
    assert content.startswith(b"%PDF") and content == make()
    pages = pages_of(content)
    assert [("SKP 2026 - Siti" in p, f"Halaman {n}" in p) for n, p in enumerate(pages, start=1)] == [
        (True, True)
    ] * len(pages)
    assert PdfReader(io.BytesIO(content)).metadata.title == "SKP 2026 - Siti"


def test_documents_render_off_the_event_loop_one_at_a_time():
    async def many() -> list[bytes]:
        forms = [Form(f"Dokumen {n}").paragraph(f"isi {n}") for n in range(4)]
        return await asyncio.gather(*(render_off_loop(f.render) for f in forms))

    rendered = asyncio.run(many())
    assert [f"isi {n}" in text_of(c) for n, c in enumerate(rendered)] == [True] * 4
