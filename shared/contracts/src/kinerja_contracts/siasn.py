"""From Kinerja's results to BKN SIASN's records: pure functions, no I/O.

Three SIASN record kinds come out of three kinds of Kinerja result:

- ``skp22``: an annual ``AppraisalCompleted`` / ``AppraisalRevised`` (the SKP 2022 result);
- ``kinerja-periodik``: a periodic one (a checkpoint of the period: a month or a quarter);
- ``kursus``: a ``TrainingCompleted`` (riwayat kursus / diklat, with its lesson hours).

A result is first reduced to the facts the record needs (:class:`AppraisalFacts`,
:class:`TrainingFacts`: nothing else of it is kept, no free text), then mapped with what the
roster tells about the people, units and periods involved (:class:`Context`). Where Kinerja does
not know a SIASN field (the penilai's golongan, the koefisien, the certificate number...) the
field is null and named in ``missing``; nothing is made up. A field that a later roster or
period event may still fill (the penilai's name when their registration has not arrived yet)
is also in ``awaiting``: the SIASN connector holds such a record back for a short grace period.

Two readers share this module: the SIASN connector (``services/siasn-connector``), which builds
the facts from the public events it consumes, and the services' bulk export
(``GET /exports/siasn`` of appraisal-service and training-service), which builds them from
their own records; so a file uploaded to SIASN by hand and a record the connector sends say the
same thing. :func:`export_record` and :func:`csv_row` are that file's lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date
from typing import Any

from kinerja_contracts import (
    AppraisalCompleted,
    AppraisalRevised,
    Ekspektasi,
    Predikat,
    TrainingCompleted,
)

SKP22 = "skp22"
PERIODIK = "kinerja-periodik"
KURSUS = "kursus"
KINDS = (SKP22, PERIODIK, KURSUS)

# SIASN's codes (hasil kerja and perilaku kerja: 1 above, 2 as, 3 below expectations).
EKSPEKTASI_CODE: dict[Ekspektasi, int] = {
    Ekspektasi.DI_ATAS: 1,
    Ekspektasi.SESUAI: 2,
    Ekspektasi.DI_BAWAH: 3,
}
# kuadranKinerjaNilai: the predikat kinerja, 1 Sangat Baik ... 5 Sangat Kurang.
KUADRAN_CODE: dict[Predikat, int] = {
    Predikat.SANGAT_BAIK: 1,
    Predikat.BAIK: 2,
    Predikat.BUTUH_PERBAIKAN: 3,
    Predikat.KURANG_MISCONDUCT: 4,
    Predikat.SANGAT_KURANG: 5,
}
# periodikId: a checkpoint of one month is "bulanan", of three months "triwulan".
PERIODIK_CODE: dict[int, int] = {1: 1, 3: 2}
STATUS_PENILAI_ASN = "ASN"  # a penilai with a NIP is an ASN (SIASN also knows "NON ASN")
DATE_FORMAT = "%d-%m-%Y"  # SIASN's dates (tanggalKursus, tanggalSelesaiKursus)

SKP22_FIELDS = (
    "tahun",
    "pnsDinilaiOrang",
    "hasilKinerjaNilai",
    "perilakuKerjaNilai",
    "kuadranKinerjaNilai",
    "penilaiNama",
    "penilaiNipNrp",
    "penilaiGolongan",
    "penilaiJabatan",
    "penilaiUnorNama",
    "statusPenilai",
)
PERIODIK_FIELDS = SKP22_FIELDS + (
    "periodikId",
    "bulanMulaiPenilaian",
    "bulanSelesaiPenilaian",
    "tahunMulaiPenilaian",
    "tahunSelesaiPenilaian",
    "koefisienId",
    "pnsDinilaiId",
)
KURSUS_FIELDS = (
    "pnsOrangId",
    "jenisDiklatId",
    "institusiPenyelenggara",
    "nomorSertipikat",
    "tahunKursus",
    "jumlahJam",
    "namaKursus",
    "tanggalKursus",
    "tanggalSelesaiKursus",
)
FIELDS: dict[str, tuple[str, ...]] = {SKP22: SKP22_FIELDS, PERIODIK: PERIODIK_FIELDS, KURSUS: KURSUS_FIELDS}


# -- what the events say ------------------------------------------------------------------------


@dataclass(frozen=True)
class AppraisalFacts:
    """What a SIASN appraisal record needs from an ``AppraisalCompleted`` or ``AppraisalRevised``."""

    agency_id: str
    period_id: str
    nip: str
    appraisal_id: str
    kind: str  # "annual" | "periodic"
    checkpoint_id: str | None
    rating_hasil_kerja: str
    rating_perilaku: str
    predikat: str
    appraiser_nip: str | None
    revision: int
    at: str  # completed_at / revised_at, ISO 8601

    @property
    def record_kind(self) -> str:
        return PERIODIK if self.kind == "periodic" else SKP22

    @property
    def record_key(self) -> RecordKey:
        """One SIASN record per (agency, nip, period, kind, checkpoint): a revision updates it."""
        return RecordKey(self.record_kind, self.agency_id, self.nip, self.period_id, self.checkpoint_id or "")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AppraisalFacts:
        return cls(**{name: data.get(name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class TrainingFacts:
    """What a SIASN kursus record needs from a ``TrainingCompleted`` (its evidence is not kept)."""

    agency_id: str
    nip: str
    year: int
    catalogue_code: str
    jp: int
    plan_id: str | None
    item_id: str | None
    completed_on: str  # ISO date
    event_id: str  # the CloudEvent id: one kursus record per completion event

    @property
    def record_key(self) -> RecordKey:
        return RecordKey(KURSUS, self.agency_id, self.nip, str(self.year), self.event_id)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TrainingFacts:
        return cls(**{name: data.get(name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class RecordKey:
    """The identity of one SIASN record on the Kinerja side."""

    kind: str
    agency_id: str
    nip: str
    scope: str  # the period id (appraisals) or the year (kursus)
    part: str  # the checkpoint id ("" for the annual result) or the completion event's id (kursus)


def appraisal_facts(
    event: AppraisalCompleted | AppraisalRevised, previous: AppraisalFacts | None = None
) -> AppraisalFacts:
    """The facts of an appraisal event. A revision names who decided the objection, not the
    penilai: the penilai of the result it revises is kept."""
    if isinstance(event, AppraisalRevised):
        appraiser, at = (previous.appraiser_nip if previous else None), event.revised_at
    else:
        appraiser, at = event.appraiser_nip, event.completed_at
        if appraiser is None and previous is not None:
            appraiser = previous.appraiser_nip
    return AppraisalFacts(
        agency_id=event.agency_id,
        period_id=event.period_id,
        nip=event.nip,
        appraisal_id=event.appraisal_id,
        kind=event.kind,
        checkpoint_id=event.checkpoint_id if event.kind == "periodic" else None,
        rating_hasil_kerja=event.rating_hasil_kerja.value,
        rating_perilaku=event.rating_perilaku.value,
        predikat=event.predikat.value,
        appraiser_nip=appraiser,
        revision=event.revision,
        at=at.astimezone(UTC).isoformat(timespec="microseconds"),
    )


def training_facts(event: TrainingCompleted, event_id: str) -> TrainingFacts:
    return TrainingFacts(
        agency_id=event.agency_id,
        nip=event.nip,
        year=event.year,
        catalogue_code=event.catalogue_code,
        jp=event.jp,
        plan_id=event.plan_id,
        item_id=event.item_id,
        completed_on=event.completed_on.isoformat(),
        event_id=event_id,
    )


# -- what the roster tells about people, units and periods -------------------------------------------------


@dataclass(frozen=True)
class Person:
    """An employee as the roster events (EmployeeRegistered / EmployeeTransferred) describe them."""

    nip: str
    name: str | None
    position: str | None
    unit: str | None
    unit_id: str | None = None
    appraiser_nip: str | None = None


@dataclass(frozen=True)
class CheckpointInfo:
    checkpoint_id: str
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class PeriodInfo:
    """A performance period as ``PerformancePeriodOpened`` announced it."""

    year: int
    starts_on: date
    ends_on: date
    checkpoints: tuple[CheckpointInfo, ...] = ()

    def checkpoint(self, checkpoint_id: str | None) -> CheckpointInfo | None:
        return next((c for c in self.checkpoints if c.checkpoint_id == checkpoint_id), None)


@dataclass(frozen=True)
class PlanItemInfo:
    """A development plan item (DevelopmentPlanCreated / Revised): what the training was."""

    title: str
    form: str
    method: str
    catalogue_code: str


@dataclass(frozen=True)
class Context:
    """What is known besides the result itself (the connector: from the roster events it read)."""

    employee: Person | None = None  # the appraised employee
    appraiser: Person | None = None  # the penilai
    appraiser_unit_name: str | None = None  # the penilai's unit, by its latest WorkUnitDefined name
    period: PeriodInfo | None = None
    plan_item: PlanItemInfo | None = None


@dataclass(frozen=True)
class Mapped:
    """One SIASN record, ready to send."""

    kind: str
    payload: dict[str, Any]
    missing: tuple[str, ...] = ()  # SIASN fields sent as null because Kinerja does not know them
    awaiting: tuple[str, ...] = field(default=())  # of those, the ones a later event may still fill


# -- the mapping ---------------------------------------------------------------------------------


def penilai_of(facts: AppraisalFacts, employee: Person | None) -> str | None:
    """The penilai's NIP: the appraiser who confirmed the result, else the roster's appraiser."""
    return facts.appraiser_nip or (employee.appraiser_nip if employee else None)


def months_spanned(starts_on: date, ends_on: date) -> int:
    return (ends_on.year - starts_on.year) * 12 + ends_on.month - starts_on.month + 1


def map_appraisal(facts: AppraisalFacts, context: Context) -> Mapped:
    """An annual appraisal to a SKP 2022 record, a periodic one to a kinerja periodik record."""
    missing: list[str] = []
    awaiting: list[str] = []

    def unknown(name: str, *, may_come: bool) -> None:
        missing.append(name)
        if may_come:
            awaiting.append(name)

    period = context.period
    if period is None:
        unknown("tahun", may_come=True)
    penilai_nip = penilai_of(facts, context.employee)
    appraiser = context.appraiser
    # Whose penilai details a roster event may still bring: the penilai's own registration,
    # or (no penilai named anywhere yet) the employee's registration naming one.
    penilai_may_come = penilai_nip is not None or context.employee is None
    payload: dict[str, Any] = {
        "tahun": period.year if period else None,
        "pnsDinilaiOrang": facts.nip,
        "hasilKinerjaNilai": EKSPEKTASI_CODE[Ekspektasi(facts.rating_hasil_kerja)],
        "perilakuKerjaNilai": EKSPEKTASI_CODE[Ekspektasi(facts.rating_perilaku)],
        "kuadranKinerjaNilai": KUADRAN_CODE[Predikat(facts.predikat)],
        "penilaiNama": appraiser.name if appraiser else None,
        "penilaiNipNrp": penilai_nip,
        "penilaiGolongan": None,  # Kinerja's roster has no golongan (pangkat)
        "penilaiJabatan": appraiser.position if appraiser else None,
        "penilaiUnorNama": (context.appraiser_unit_name or appraiser.unit) if appraiser else None,
        "statusPenilai": STATUS_PENILAI_ASN if penilai_nip else None,
    }
    for name in ("penilaiNama", "penilaiNipNrp"):
        if payload[name] is None:
            unknown(name, may_come=penilai_may_come)
    unknown("penilaiGolongan", may_come=False)
    for name in ("penilaiJabatan", "penilaiUnorNama", "statusPenilai"):
        if payload[name] is None:
            unknown(name, may_come=penilai_may_come)
    if facts.kind != "periodic":
        return Mapped(SKP22, payload, tuple(missing), tuple(awaiting))

    checkpoint = period.checkpoint(facts.checkpoint_id) if period else None
    months = months_spanned(checkpoint.starts_on, checkpoint.ends_on) if checkpoint else None
    payload.update(
        {
            "periodikId": PERIODIK_CODE.get(months) if months else None,
            "bulanMulaiPenilaian": checkpoint.starts_on.month if checkpoint else None,
            "bulanSelesaiPenilaian": checkpoint.ends_on.month if checkpoint else None,
            "tahunMulaiPenilaian": checkpoint.starts_on.year if checkpoint else None,
            "tahunSelesaiPenilaian": checkpoint.ends_on.year if checkpoint else None,
            "koefisienId": None,  # Kinerja has no koefisien
            "pnsDinilaiId": facts.nip,
        }
    )
    for name in ("periodikId", "bulanMulaiPenilaian", "bulanSelesaiPenilaian"):
        if payload[name] is None:
            # A known checkpoint of another length (a semester, two months) never becomes one.
            unknown(name, may_come=checkpoint is None)
    for name in ("tahunMulaiPenilaian", "tahunSelesaiPenilaian"):
        if payload[name] is None:
            unknown(name, may_come=True)
    unknown("koefisienId", may_come=False)
    return Mapped(PERIODIK, payload, tuple(missing), tuple(awaiting))


def map_training(facts: TrainingFacts, context: Context, jenis_diklat: Mapping[str, int] | None = None) -> Mapped:
    """A completed training to a kursus record with its lesson hours (jumlahJam)."""
    missing: list[str] = []
    awaiting: list[str] = []
    item = context.plan_item
    jenis = _jenis_diklat(facts, item, jenis_diklat or {})
    payload: dict[str, Any] = {
        "pnsOrangId": facts.nip,
        "jenisDiklatId": jenis,
        "institusiPenyelenggara": None,  # Kinerja's catalogue names no organiser
        "nomorSertipikat": None,  # the evidence is free text, not a certificate number
        "tahunKursus": facts.year,
        "jumlahJam": facts.jp,
        "namaKursus": item.title if item else None,
        "tanggalKursus": None,  # Kinerja records the day it was completed only
        "tanggalSelesaiKursus": date.fromisoformat(facts.completed_on).strftime(DATE_FORMAT),
    }
    plan_item_may_come = facts.plan_id is not None and facts.item_id is not None and item is None
    for name in ("jenisDiklatId", "institusiPenyelenggara", "nomorSertipikat", "namaKursus", "tanggalKursus"):
        if payload[name] is None:
            missing.append(name)
            if plan_item_may_come and name in ("namaKursus", "jenisDiklatId"):
                awaiting.append(name)
    return Mapped(KURSUS, payload, tuple(missing), tuple(awaiting))


def _jenis_diklat(facts: TrainingFacts, item: PlanItemInfo | None, table: Mapping[str, int]) -> int | None:
    """The configured SIASN code for the activity: by catalogue code, then method, then form."""
    candidates = [facts.catalogue_code]
    if item is not None:
        candidates += [item.method, item.form]
    for candidate in candidates:
        if candidate and candidate.lower() in table:
            return table[candidate.lower()]
    return None


def parse_code_table(text: str) -> dict[str, int]:
    """``"pelatihan=1, klasikal=2"`` -> ``{"pelatihan": 1, "klasikal": 2}`` (keys lower case)."""
    table: dict[str, int] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, code = part.partition("=")
        if not sep or not name.strip() or not code.strip().isdigit():
            raise ValueError(f"expected name=number, got {part.strip()!r}")
        table[name.strip().lower()] = int(code.strip())
    return table


# -- the export file's lines -------------------------------------------------------------------

EXPORT_EXTRA = ("kind", "missing")  # what a JSON Lines record adds to SIASN's fields


def export_record(mapped: Mapped) -> dict[str, Any]:
    """One JSON Lines record: SIASN's fields in their order, then ``kind`` and ``missing``."""
    return {
        **{name: mapped.payload.get(name) for name in FIELDS[mapped.kind]},
        "kind": mapped.kind,
        "missing": list(mapped.missing),
    }


def csv_row(mapped: Mapped) -> list[str]:
    """One CSV row in the order of ``FIELDS[kind]`` (the header): null is an empty cell."""
    return ["" if (value := mapped.payload.get(name)) is None else str(value) for name in FIELDS[mapped.kind]]
