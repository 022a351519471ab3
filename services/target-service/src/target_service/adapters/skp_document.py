"""The SKP form as PDF, after the annex of PermenPANRB 6/2022 (Sasaran Kinerja Pegawai,
pendekatan hasil kerja kuantitatif): header and period, the identity of the employee, their
pejabat penilai kinerja and the atasan pejabat penilai, the hasil kerja (RHK utama then
tambahan, each with its IKI: aspect, indicator, target; and the leader's RHK or the IKU it
intervenes in), the perilaku kerja (the seven BerAKHLAK values), and the signature blocks.

The use case (service_layer/documents.py) gathers an :class:`SkpForm`; this module only lays it
out with the shared blocks of ``kinerja_runtime.documents``.
"""

from dataclasses import dataclass
from datetime import date

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, RhkKind
from kinerja_runtime.documents import DRAFT, Form, Group, Person, angka, tanggal

ASPECTS = {Aspect.KUANTITAS: "Kuantitas", Aspect.KUALITAS: "Kualitas", Aspect.WAKTU: "Waktu", Aspect.BIAYA: "Biaya"}
STATES = {
    "draft": "Draf, belum diajukan",
    "submitted": "Diajukan, menunggu persetujuan pejabat penilai",
    "returned": "Dikembalikan kepada pegawai untuk diperbaiki",
    "approved": "Disetujui",
}

# The seven core values and their behaviour indicators (SE MenPANRB 20/2021), as the annex lists them.
PERILAKU = {
    BerakhlakValue.BERORIENTASI_PELAYANAN: (
        "Berorientasi Pelayanan",
        "Memahami dan memenuhi kebutuhan masyarakat; ramah, cekatan, solutif, dan dapat diandalkan; "
        "melakukan perbaikan tiada henti.",
    ),
    BerakhlakValue.AKUNTABEL: (
        "Akuntabel",
        "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin, dan berintegritas tinggi; "
        "menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, dan efisien; "
        "tidak menyalahgunakan kewenangan jabatan.",
    ),
    BerakhlakValue.KOMPETEN: (
        "Kompeten",
        "Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah; membantu orang lain "
        "belajar; melaksanakan tugas dengan kualitas terbaik.",
    ),
    BerakhlakValue.HARMONIS: (
        "Harmonis",
        "Menghargai setiap orang apa pun latar belakangnya; suka menolong orang lain; membangun lingkungan "
        "kerja yang kondusif.",
    ),
    BerakhlakValue.LOYAL: (
        "Loyal",
        "Memegang teguh ideologi Pancasila, UUD 1945, setia kepada NKRI serta pemerintahan yang sah; "
        "menjaga nama baik sesama ASN, pimpinan, instansi, dan negara; menjaga rahasia jabatan dan negara.",
    ),
    BerakhlakValue.ADAPTIF: (
        "Adaptif",
        "Cepat menyesuaikan diri menghadapi perubahan; terus berinovasi dan mengembangkan kreativitas; "
        "bertindak proaktif.",
    ),
    BerakhlakValue.KOLABORATIF: (
        "Kolaboratif",
        "Memberi kesempatan kepada berbagai pihak untuk berkontribusi; terbuka dalam bekerja sama untuk "
        "menghasilkan nilai tambah; menggerakkan pemanfaatan berbagai sumber daya untuk tujuan bersama.",
    ),
}


@dataclass(frozen=True)
class IkiLine:
    aspect: Aspect
    description: str
    target: float
    unit: str


@dataclass(frozen=True)
class RhkLine:
    kind: RhkKind
    description: str
    # What it intervenes in: the appraiser's RHK it supports, or the IKU it serves ("-": neither).
    intervenes: str
    indikator: tuple[IkiLine, ...]


@dataclass(frozen=True)
class SkpForm:
    instansi: str
    year: int
    starts_on: date
    ends_on: date
    version: int
    status: str  # of the version printed (SkpStatus' value)
    approved_on: date | None
    pegawai: Person
    penilai: Person
    atasan: Person
    rhk: tuple[RhkLine, ...]
    # A revision in progress beside the version in force: (its number, its status).
    pending: tuple[int, str] | None = None
    notes: str | None = None  # the appraiser's notes on a returned version
    head_of_agency: bool = False

    @property
    def filename(self) -> str:
        return f"skp-{self.pegawai.nip}-{self.year}.pdf"

    @property
    def title(self) -> str:
        return f"SKP {self.year} - {self.pegawai.name or self.pegawai.nip}"


def target_text(iki: IkiLine) -> str:
    return f"{angka(iki.target)} {iki.unit}"


def _rows(rows: tuple[RhkLine, ...], kind: RhkKind) -> list:
    found: list = [
        Group(
            [r.intervenes, r.description],
            [[ASPECTS.get(i.aspect, str(i.aspect)), i.description, target_text(i)] for i in r.indikator],
        )
        for r in rows
        if r.kind is kind
    ]
    return found or [["-", "-", "-", "-", "-"]]


def render_skp_form(form: SkpForm) -> bytes:
    approved = form.status == "approved"
    document = Form(
        form.title,
        mark=None if approved else DRAFT,
        mark_note=None if approved else f"SKP ini belum disetujui ({STATES.get(form.status, form.status).lower()}).",
    )
    document.heading("SASARAN KINERJA PEGAWAI", "PENDEKATAN HASIL KERJA KUANTITATIF")
    status = STATES.get(form.status, form.status)
    if approved:
        status += f" pada {tanggal(form.approved_on)}"
    facts = [
        ("INSTANSI", form.instansi),
        ("PERIODE PENILAIAN", f"{tanggal(form.starts_on)} s.d. {tanggal(form.ends_on)}"),
        ("VERSI SKP", f"{form.version} ({status})"),
    ]
    if form.pending:
        number, state = form.pending
        facts.append(("PERUBAHAN", f"Versi {number} sedang diproses: {STATES.get(state, state).lower()}"))
    if form.notes and form.status == "returned":
        facts.append(("CATATAN PEJABAT PENILAI", form.notes))
    document.facts(facts)
    document.identity(
        [
            ("PEGAWAI YANG DINILAI", form.pegawai),
            ("PEJABAT PENILAI KINERJA", form.penilai),
            ("ATASAN PEJABAT PENILAI KINERJA", form.atasan),
        ]
    )
    intervened = (
        "INDIKATOR KINERJA UTAMA (IKU) YANG DIAMPU"
        if form.head_of_agency
        else ("RENCANA HASIL KERJA PIMPINAN YANG DIINTERVENSI")
    )
    document.section("HASIL KERJA")
    document.table(
        [intervened, "RENCANA HASIL KERJA", "ASPEK", "INDIKATOR KINERJA INDIVIDU", "TARGET"],
        ["A. UTAMA", *_rows(form.rhk, RhkKind.UTAMA), "B. TAMBAHAN", *_rows(form.rhk, RhkKind.TAMBAHAN)],
        [3.2, 3.2, 1.3, 3.4, 1.6],
    )
    document.section("PERILAKU KERJA")
    document.table(
        ["PERILAKU KERJA", "EKSPEKTASI KHUSUS PIMPINAN"],
        [[f"{name}\n{indicators}", ""] for name, indicators in PERILAKU.values()],
        [3.0, 1.6],
    )
    document.note("Ekspektasi khusus pimpinan diisi oleh pejabat penilai bila ada.")
    document.signatures(
        ("Pegawai yang Dinilai", form.pegawai),
        ("Pejabat Penilai Kinerja", form.penilai),
        day=form.approved_on if approved else None,
    )
    return document.render()
