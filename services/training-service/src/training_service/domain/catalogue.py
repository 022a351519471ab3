"""The competency-development catalogue (PP 11/2017 as amended by PP 17/2020).

Each item develops one competency. A competency is named either after a BerAKHLAK
value (a behaviour gap, e.g. ``"berorientasi_pelayanan"``) or after the aspect of a
missed IKI (a performance gap, e.g. ``"hasil_kerja:waktu"``), so a gap found in an
appraisal maps to catalogue items without a lookup table. ``GENERAL_COMPETENCY`` covers
a low result whose cause the data does not name. A technical area an agency trains in
(ICT for digital services, front-line communication, ...) is ``"teknis:<area>"``; those
items fill up the yearly 20 JP entitlement.
"""

# ruff: noqa: E501  (the seeded catalogue below is a one-row-per-line table)

from __future__ import annotations

import re
from dataclasses import dataclass

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, DevelopmentForm

__all__ = [
    "CatalogueItem",
    "SEEDED_CATALOGUE",
    "GENERAL_COMPETENCY",
    "METHODS_BY_FORM",
    "competency_for_value",
    "competency_for_aspect",
    "known_competencies",
    "is_known_competency",
    "is_technical",
    "TECHNICAL_PREFIX",
]

_HASIL_KERJA_PREFIX = "hasil_kerja:"
TECHNICAL_PREFIX = "teknis:"
# An area is a short snake_case word so it reads the same in a CSV, a URL and a report.
_TECHNICAL_AREA = re.compile(r"teknis:[a-z][a-z0-9_]{1,47}")
GENERAL_COMPETENCY = "kinerja_umum"

# Methods each form allows, in the regulation's order. Kept as data so a catalogue
# item with a method that belongs to the other form is rejected when it is built.
METHODS_BY_FORM: dict[DevelopmentForm, tuple[str, ...]] = {
    DevelopmentForm.KLASIKAL: ("pelatihan", "workshop", "seminar"),
    DevelopmentForm.NONKLASIKAL: (
        "coaching",
        "mentoring",
        "e-learning",
        "pembelajaran jarak jauh",
        "magang",
        "detasering",
        "benchmarking",
        "belajar mandiri",
        "komunitas belajar",
    ),
}


def competency_for_value(value: BerakhlakValue) -> str:
    return BerakhlakValue(value).value


def competency_for_aspect(aspect: Aspect) -> str:
    return f"{_HASIL_KERJA_PREFIX}{Aspect(aspect).value}"


def known_competencies() -> frozenset[str]:
    return frozenset(
        [competency_for_value(v) for v in BerakhlakValue]
        + [competency_for_aspect(a) for a in Aspect]
        + [GENERAL_COMPETENCY]
    )


def is_technical(competency: str) -> bool:
    return _TECHNICAL_AREA.fullmatch(competency) is not None


def is_known_competency(competency: str) -> bool:
    return competency in known_competencies() or is_technical(competency)


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    code: str
    title: str
    competency: str
    form: DevelopmentForm
    method: str
    jp: int  # jam pelajaran (lesson hours); the yearly entitlement is at least 20 JP
    provider: str
    modality: str

    def __post_init__(self) -> None:
        if not is_known_competency(self.competency):
            raise ValueError(f"{self.code}: unknown competency {self.competency!r}")
        if self.method not in METHODS_BY_FORM[DevelopmentForm(self.form)]:
            raise ValueError(f"{self.code}: method {self.method!r} is not {self.form}")
        if self.jp <= 0:
            raise ValueError(f"{self.code}: jp must be positive")


_K = DevelopmentForm.KLASIKAL
_N = DevelopmentForm.NONKLASIKAL

_BPSDM = "BPSDM Provinsi"
_PENILAI = "Pejabat Penilai Kinerja"
_ASN_UNGGUL = "LAN RI (ASN Unggul)"
_UNIT = "Unit kerja"

_V = BerakhlakValue
_PELAYANAN = competency_for_value(_V.BERORIENTASI_PELAYANAN)
_AKUNTABEL = competency_for_value(_V.AKUNTABEL)
_KOMPETEN = competency_for_value(_V.KOMPETEN)
_HARMONIS = competency_for_value(_V.HARMONIS)
_LOYAL = competency_for_value(_V.LOYAL)
_ADAPTIF = competency_for_value(_V.ADAPTIF)
_KOLABORATIF = competency_for_value(_V.KOLABORATIF)
_KUANTITAS = competency_for_aspect(Aspect.KUANTITAS)
_KUALITAS = competency_for_aspect(Aspect.KUALITAS)
_WAKTU = competency_for_aspect(Aspect.WAKTU)
_BIAYA = competency_for_aspect(Aspect.BIAYA)
_TIK = "teknis:tik_layanan_digital"
_KOMUNIKASI = "teknis:komunikasi_publik"
_STRES = "teknis:manajemen_stres"

# A starting catalogue in the agencies' own wording; an agency replaces or extends it.
# One row per item, kept on one line each so the table reads as a table.
# fmt: off
SEEDED_CATALOGUE: tuple[CatalogueItem, ...] = (
    # Berorientasi Pelayanan
    CatalogueItem("PEL-K01", "Pelatihan Pelayanan Prima", _PELAYANAN, _K, "pelatihan", 16, _BPSDM, "tatap muka"),
    CatalogueItem("PEL-K02", "Workshop Komunikasi Efektif bagi Petugas Layanan Garis Depan", _PELAYANAN, _K, "workshop", 8, _BPSDM, "tatap muka"),
    CatalogueItem("PEL-N01", "Coaching Orientasi Pelayanan oleh Pejabat Penilai", _PELAYANAN, _N, "coaching", 4, _PENILAI, "di tempat kerja"),
    CatalogueItem("PEL-N02", "E-Learning Nilai Dasar ASN BerAKHLAK: Berorientasi Pelayanan", _PELAYANAN, _N, "e-learning", 6, _ASN_UNGGUL, "daring"),
    # Akuntabel
    CatalogueItem("AKU-K01", "Pelatihan Akuntabilitas Kinerja dan Integritas ASN", _AKUNTABEL, _K, "pelatihan", 16, _BPSDM, "tatap muka"),
    CatalogueItem("AKU-N01", "Mentoring Akuntabilitas dan Pelaporan Kinerja", _AKUNTABEL, _N, "mentoring", 4, _PENILAI, "di tempat kerja"),
    CatalogueItem("AKU-N02", "E-Learning Nilai Dasar ASN BerAKHLAK: Akuntabel", _AKUNTABEL, _N, "e-learning", 6, _ASN_UNGGUL, "daring"),
    # Kompeten
    CatalogueItem("KOM-K01", "Pelatihan Literasi Digital bagi ASN", _KOMPETEN, _K, "pelatihan", 16, _BPSDM, "tatap muka"),
    CatalogueItem("KOM-N01", "Coaching Pengembangan Kompetensi oleh Pejabat Penilai", _KOMPETEN, _N, "coaching", 4, _PENILAI, "di tempat kerja"),
    CatalogueItem("KOM-N02", "Belajar Mandiri Literasi Digital dan Layanan Berbasis TIK", _KOMPETEN, _N, "belajar mandiri", 8, _ASN_UNGGUL, "daring"),
    # Harmonis
    CatalogueItem("HAR-K01", "Pelatihan Komunikasi Efektif dan Pengelolaan Konflik", _HARMONIS, _K, "pelatihan", 12, _BPSDM, "tatap muka"),
    CatalogueItem("HAR-K02", "Seminar Manajemen Stres di Lingkungan Kerja", _HARMONIS, _K, "seminar", 4, _BPSDM, "tatap muka"),
    CatalogueItem("HAR-N01", "Coaching Hubungan Kerja oleh Pejabat Penilai", _HARMONIS, _N, "coaching", 4, _PENILAI, "di tempat kerja"),
    CatalogueItem("HAR-N02", "E-Learning Nilai Dasar ASN BerAKHLAK: Harmonis", _HARMONIS, _N, "e-learning", 6, _ASN_UNGGUL, "daring"),
    # Loyal
    CatalogueItem("LOY-K01", "Pelatihan Wawasan Kebangsaan dan Etika ASN", _LOYAL, _K, "pelatihan", 16, _BPSDM, "tatap muka"),
    CatalogueItem("LOY-N01", "Mentoring Kode Etik dan Kode Perilaku ASN", _LOYAL, _N, "mentoring", 4, _PENILAI, "di tempat kerja"),
    CatalogueItem("LOY-N02", "E-Learning Nilai Dasar ASN BerAKHLAK: Loyal", _LOYAL, _N, "e-learning", 6, _ASN_UNGGUL, "daring"),
    # Adaptif
    CatalogueItem("ADA-K01", "Workshop Inovasi Pelayanan Publik", _ADAPTIF, _K, "workshop", 8, _BPSDM, "tatap muka"),
    CatalogueItem("ADA-N01", "Coaching Adaptasi terhadap Perubahan oleh Pejabat Penilai", _ADAPTIF, _N, "coaching", 4, _PENILAI, "di tempat kerja"),
    CatalogueItem("ADA-N02", "Pembelajaran Jarak Jauh Transformasi Digital Pemerintahan", _ADAPTIF, _N, "pembelajaran jarak jauh", 10, _BPSDM, "daring"),
    # Kolaboratif
    CatalogueItem("KOL-K01", "Pelatihan Kerja Sama Tim dan Kolaborasi Lintas Unit", _KOLABORATIF, _K, "pelatihan", 12, _BPSDM, "tatap muka"),
    CatalogueItem("KOL-N01", "Coaching Kolaborasi oleh Pejabat Penilai", _KOLABORATIF, _N, "coaching", 4, _PENILAI, "di tempat kerja"),
    CatalogueItem("KOL-N02", "Komunitas Belajar Kolaborasi Lintas OPD", _KOLABORATIF, _N, "komunitas belajar", 6, _UNIT, "blended"),
    # Hasil kerja: kuantitas
    CatalogueItem("HKK-K01", "Pelatihan Perencanaan dan Pengendalian Kinerja", _KUANTITAS, _K, "pelatihan", 12, _BPSDM, "tatap muka"),
    CatalogueItem("HKK-N01", "Mentoring Pencapaian Target Kerja", _KUANTITAS, _N, "mentoring", 4, _PENILAI, "di tempat kerja"),
    # Hasil kerja: kualitas
    CatalogueItem("HKQ-K01", "Pelatihan Teknis Standar Pelayanan dan Pengendalian Mutu", _KUALITAS, _K, "pelatihan", 16, _BPSDM, "tatap muka"),
    CatalogueItem("HKQ-N01", "Coaching Mutu Hasil Kerja oleh Pejabat Penilai", _KUALITAS, _N, "coaching", 4, _PENILAI, "di tempat kerja"),
    CatalogueItem("HKQ-N02", "Magang pada Unit Pelayanan Unggulan", _KUALITAS, _N, "magang", 24, _UNIT, "di tempat kerja"),
    # Hasil kerja: waktu
    CatalogueItem("HKW-K01", "Pelatihan Manajemen Waktu dan Prioritas Kerja", _WAKTU, _K, "pelatihan", 12, _BPSDM, "tatap muka"),
    CatalogueItem("HKW-N01", "Coaching Manajemen Waktu oleh Pejabat Penilai", _WAKTU, _N, "coaching", 4, _PENILAI, "di tempat kerja"),
    # Hasil kerja: biaya
    CatalogueItem("HKB-K01", "Pelatihan Pengelolaan Keuangan dan Efisiensi Anggaran", _BIAYA, _K, "pelatihan", 16, _BPSDM, "tatap muka"),
    CatalogueItem("HKB-N01", "Benchmarking Efisiensi Anggaran ke Instansi Lain", _BIAYA, _N, "benchmarking", 8, _UNIT, "kunjungan lapangan"),
    # Technical areas the agencies name themselves; they top the employee up to 20 JP a year
    CatalogueItem("TEK-K01", "Pelatihan TIK untuk Layanan Publik Digital", _TIK, _K, "pelatihan", 16, _BPSDM, "tatap muka"),
    CatalogueItem("TEK-N01", "E-Learning Literasi Digital ASN", _TIK, _N, "e-learning", 8, _ASN_UNGGUL, "daring"),
    CatalogueItem("TEK-N02", "Komunitas Belajar Komunikasi Publik dan Media Sosial Instansi", _KOMUNIKASI, _N, "komunitas belajar", 4, _UNIT, "blended"),
    CatalogueItem("TEK-N03", "Pembelajaran Jarak Jauh Manajemen Stres di Tempat Kerja", _STRES, _N, "pembelajaran jarak jauh", 2, _ASN_UNGGUL, "daring"),
    # A low result with no named gap
    CatalogueItem("UMU-N01", "Coaching Kinerja oleh Pejabat Penilai", GENERAL_COMPETENCY, _N, "coaching", 4, _PENILAI, "di tempat kerja"),
)
# fmt: on
