"""The Dokumen Evaluasi Kinerja Pegawai as PDF, after the annex of PermenPANRB 6/2022:
periodic (a checkpoint) or annual; the identity of the employee, their pejabat penilai kinerja
and the atasan pejabat penilai; the realisation of every IKI (target, realisation, capaian,
met); the rating of hasil kerja; the perilaku kerja as the appraisal publishes its BerAKHLAK
evidence (a withheld value is printed as withheld: its hidden level and counts are never known
here); the rating of perilaku kerja and the predikat; the objection window or the objections;
and the signature blocks. A proposal not yet confirmed carries the DRAFT / USULAN mark.

The use case (service_layer/documents.py) gathers an :class:`EvaluationForm`; this module only
lays it out with the shared blocks of ``kinerja_runtime.documents``.
"""

from dataclasses import dataclass
from datetime import date

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, Predikat, RhkKind
from kinerja_runtime.documents import CM, DRAFT, Form, Group, Person, angka, tanggal

ASPECTS = {Aspect.KUANTITAS: "Kuantitas", Aspect.KUALITAS: "Kualitas", Aspect.WAKTU: "Waktu", Aspect.BIAYA: "Biaya"}
LEVELS = {
    Ekspektasi.DI_ATAS: "Di Atas Ekspektasi",
    Ekspektasi.SESUAI: "Sesuai Ekspektasi",
    Ekspektasi.DI_BAWAH: "Di Bawah Ekspektasi",
}
VALUES = {
    BerakhlakValue.BERORIENTASI_PELAYANAN: "Berorientasi Pelayanan",
    BerakhlakValue.AKUNTABEL: "Akuntabel",
    BerakhlakValue.KOMPETEN: "Kompeten",
    BerakhlakValue.HARMONIS: "Harmonis",
    BerakhlakValue.LOYAL: "Loyal",
    BerakhlakValue.ADAPTIF: "Adaptif",
    BerakhlakValue.KOLABORATIF: "Kolaboratif",
}
WITHHELD = "Dirahasiakan"
LABEL = 6.5 * CM
SUPERSEDED = "TIDAK BERLAKU"


def level(value: str | None) -> str:
    return LEVELS.get(Ekspektasi(value), value) if value else "-"


def predikat(value: str | None) -> str:
    return Predikat(value).label.upper() if value else "-"


@dataclass(frozen=True)
class IkiResult:
    rhk_kind: RhkKind
    rhk: str  # the RHK's description
    aspect: Aspect
    description: str
    target: float
    unit: str  # "" when the IKI's unit is not known here any more
    realization: float | None
    capaian: float | None
    met: bool


@dataclass(frozen=True)
class ValueResult:
    value: BerakhlakValue
    level: str | None  # None: withheld, or nothing answered
    answers: int | None
    withheld: bool


@dataclass(frozen=True)
class ObjectionLine:
    filed_on: date
    status: str  # open, upheld, changed
    decided_on: date | None
    reason: str | None  # the superior's decision's reason


@dataclass(frozen=True)
class EvaluationForm:
    instansi: str
    year: int
    checkpoint: str | None  # the checkpoint's name (periodic); None: annual
    checkpoint_id: str | None
    starts_on: date | None
    ends_on: date | None
    status: str  # proposed, final, superseded
    revision: int
    pegawai: Person
    penilai: Person
    atasan: Person
    indikator: tuple[IkiResult, ...]
    average_capaian_utama: float | None
    unit_capaian: float | None  # a head of unit's hasil kerja is the unit's result
    rating_hasil_kerja: str
    rating_perilaku: str
    predikat: str
    perilaku: tuple[ValueResult, ...]
    feedback_forms: int | None
    citizen_score: float | None
    # The proposal, when the appraiser decided otherwise: (hasil kerja, perilaku, predikat, reason).
    overridden: tuple[str, str, str, str | None] | None
    final_on: date | None
    objection_closes_on: date | None
    objection_closed: bool
    objections: tuple[ObjectionLine, ...]

    @property
    def proposed(self) -> bool:
        return self.status == "proposed"

    @property
    def filename(self) -> str:
        scope = f"-{self.checkpoint_id}" if self.checkpoint_id else ""
        revision = f"-revisi-{self.revision}" if self.revision > 1 else ""
        return f"evaluasi-{self.pegawai.nip}-{self.year}{scope}{revision}.pdf"

    @property
    def title(self) -> str:
        what = self.checkpoint or "Tahunan"
        return f"Evaluasi Kinerja {self.year} {what} - {self.pegawai.name or self.pegawai.nip}"


def _hasil_rows(form: EvaluationForm, kind: RhkKind) -> list:
    groups: dict[str, list[IkiResult]] = {}
    for iki in form.indikator:
        if iki.rhk_kind is kind:
            groups.setdefault(iki.rhk, []).append(iki)
    rows: list = [
        Group(
            [rhk],
            [
                [
                    ASPECTS.get(i.aspect, str(i.aspect)),
                    i.description,
                    f"{angka(i.target)} {i.unit}".strip(),
                    f"{angka(i.realization)} {i.unit}".strip() if i.realization is not None else "-",
                    f"{angka(i.capaian)}%" if i.capaian is not None else "-",
                    _met(i),
                ]
                for i in items
            ],
        )
        for rhk, items in groups.items()
    ]
    return rows or [["-"] * 7]


def _met(i: IkiResult) -> str:
    if i.realization is None:
        return "Belum ada realisasi"
    return "Tercapai" if i.met else "Belum tercapai"


def _value_rows(form: EvaluationForm) -> list:
    rows = []
    for v in form.perilaku:
        if v.withheld:
            rows.append([VALUES.get(v.value, str(v.value)), WITHHELD, WITHHELD])
        else:
            rows.append([VALUES.get(v.value, str(v.value)), level(v.level), angka(v.answers) if v.answers else "-"])
    return rows


def _objection_text(o: ObjectionLine) -> str:
    filed = f"Keberatan diajukan {tanggal(o.filed_on)}"
    if o.status == "open":
        return f"{filed}: menunggu keputusan atasan pejabat penilai kinerja."
    outcome = "hasil tetap" if o.status == "upheld" else "hasil diubah"
    reason = f" Alasan: {o.reason}" if o.reason else ""
    return f"{filed}; diputuskan {tanggal(o.decided_on)}: {outcome}.{reason}"


def _mark(form: EvaluationForm) -> tuple[str | None, str | None]:
    if form.proposed:
        return DRAFT, "Usulan penilaian yang belum dikonfirmasi pejabat penilai kinerja: bukan hasil akhir."
    if form.status == "superseded":
        return SUPERSEDED, "Hasil ini telah digantikan oleh keputusan atas keberatan."
    return None, None


def render_evaluation(form: EvaluationForm) -> bytes:
    mark, note = _mark(form)
    document = Form(form.title, mark=mark, mark_note=note)
    document.heading(
        "DOKUMEN EVALUASI KINERJA PEGAWAI",
        f"PERIODE: {form.checkpoint.upper()}" if form.checkpoint else "PERIODE: TAHUNAN",
    )
    period = f"{tanggal(form.starts_on)} s.d. {tanggal(form.ends_on)}" if form.starts_on else str(form.year)
    status = {"proposed": "Usulan (belum final)", "final": "Final", "superseded": "Digantikan"}.get(
        form.status, form.status
    )
    facts = [("INSTANSI", form.instansi), ("PERIODE PENILAIAN", period), ("STATUS", status)]
    if form.revision > 1:
        facts.append(("REVISI", f"{form.revision} (keputusan atas keberatan)"))
    document.facts(facts)
    document.identity(
        [
            ("PEGAWAI YANG DINILAI", form.pegawai),
            ("PEJABAT PENILAI KINERJA", form.penilai),
            ("ATASAN PEJABAT PENILAI KINERJA", form.atasan),
        ]
    )

    suffix = " (USULAN)" if form.proposed else ""
    document.section("HASIL KERJA")
    document.table(
        ["RENCANA HASIL KERJA", "ASPEK", "INDIKATOR KINERJA INDIVIDU", "TARGET", "REALISASI", "CAPAIAN", "KETERANGAN"],
        ["A. UTAMA", *_hasil_rows(form, RhkKind.UTAMA), "B. TAMBAHAN", *_hasil_rows(form, RhkKind.TAMBAHAN)],
        [2.8, 1.5, 3.0, 1.9, 1.9, 1.5, 2.0],
        right=(3, 4, 5),
    )
    hasil = [("RATA-RATA CAPAIAN RHK UTAMA", f"{angka(form.average_capaian_utama)}%")]
    if form.unit_capaian is not None:
        hasil.append(("CAPAIAN UNIT KERJA", f"{angka(form.unit_capaian)}% (hasil kerja pimpinan unit kerja)"))
    hasil.append((f"RATING HASIL KERJA{suffix}", level(form.rating_hasil_kerja).upper()))
    document.space(4).facts(hasil, label_width=LABEL)

    document.section("PERILAKU KERJA")
    document.table(
        ["PERILAKU KERJA (BerAKHLAK)", "TINGKAT", "JUMLAH JAWABAN"], _value_rows(form), [3.0, 2.0, 1.4], right=(2,)
    )
    if any(v.withheld for v in form.perilaku):
        document.note(
            f"{WITHHELD}: jawaban rekan kerja atau bawahan yang belum cukup (kurang dari tiga dalam satu putaran) "
            "tidak ditampilkan, demi kerahasiaan pemberi umpan balik; rating perilaku kerja tetap memperhitungkannya."
        )
    perilaku = [(f"RATING PERILAKU KERJA{suffix}", level(form.rating_perilaku).upper())]
    if form.feedback_forms is not None:
        perilaku.append(("JUMLAH FORMULIR UMPAN BALIK", angka(form.feedback_forms)))
    if form.citizen_score is not None:
        perilaku.append(("NILAI KEPUASAN MASYARAKAT", angka(form.citizen_score)))
    document.space(4).facts(perilaku, label_width=LABEL)

    document.section(f"PREDIKAT KINERJA PEGAWAI{suffix}")
    document.facts([("PREDIKAT", predikat(form.predikat))], label_width=LABEL)
    if form.overridden:
        hasil_kerja, perilaku_kerja, proposed, reason = form.overridden
        document.note(
            f"Usulan semula: hasil kerja {level(hasil_kerja).lower()}, perilaku kerja {level(perilaku_kerja).lower()},"
            f" predikat {predikat(proposed).lower()}; ditetapkan lain oleh pejabat penilai kinerja"
            + (f" dengan alasan: {reason}" if reason else ".")
        )

    lines = []
    if form.objection_closes_on is not None:
        state = "sudah berakhir" if form.objection_closed else "masih berjalan"
        lines.append(f"Masa pengajuan keberatan: sampai dengan {tanggal(form.objection_closes_on)} ({state}).")
    if form.revision > 1:
        lines.append("Hasil ini adalah keputusan atasan pejabat penilai kinerja atas keberatan dan bersifat final.")
    lines += [_objection_text(o) for o in form.objections]
    if lines:
        document.section("KEBERATAN")
        for line in lines:
            document.paragraph(line)
    document.signatures(
        ("Pegawai yang Dinilai", form.pegawai),
        ("Pejabat Penilai Kinerja", form.penilai),
        day=None if form.proposed else form.final_on,
    )
    return document.render()
