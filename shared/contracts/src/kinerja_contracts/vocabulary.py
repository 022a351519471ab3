"""The domain's fixed vocabularies, shared by every event and every service.

Values are stable wire strings (snake_case Indonesian terms); ``label`` gives the
official wording for display.
"""

from enum import StrEnum


class Aspect(StrEnum):
    """The aspect an Indikator Kinerja Individu (IKI) measures."""

    KUANTITAS = "kuantitas"
    KUALITAS = "kualitas"
    WAKTU = "waktu"
    BIAYA = "biaya"


class RhkKind(StrEnum):
    """Whether a Rencana Hasil Kerja is a main (utama) or extra (tambahan) result."""

    UTAMA = "utama"
    TAMBAHAN = "tambahan"


class BerakhlakValue(StrEnum):
    """The seven BerAKHLAK core values of ASN behaviour (UU 20/2023)."""

    BERORIENTASI_PELAYANAN = "berorientasi_pelayanan"
    AKUNTABEL = "akuntabel"
    KOMPETEN = "kompeten"
    HARMONIS = "harmonis"
    LOYAL = "loyal"
    ADAPTIF = "adaptif"
    KOLABORATIF = "kolaboratif"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()


class Ekspektasi(StrEnum):
    """The three levels used for BerAKHLAK answers and for both ratings."""

    DI_BAWAH = "di_bawah_ekspektasi"
    SESUAI = "sesuai_ekspektasi"
    DI_ATAS = "di_atas_ekspektasi"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class FeedbackSource(StrEnum):
    """Who gave a piece of 360° behaviour feedback."""

    APPRAISER = "appraiser"
    PEER = "peer"
    SUBORDINATE = "subordinate"
    SELF = "self"


# The product's anonymity promise for 360° feedback (k ≥ 3): peer and subordinate answers are
# anonymous, and no reader other than the giver ever sees a contribution of fewer answers.
ANONYMOUS_SOURCES = frozenset({FeedbackSource.PEER, FeedbackSource.SUBORDINATE})
MIN_ANONYMOUS_ANSWERS = 3


class Predikat(StrEnum):
    """The predikat kinerja (final grade) fixed by the PermenPANRB 6/2022 matrix."""

    SANGAT_BAIK = "sangat_baik"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG_MISCONDUCT = "kurang_misconduct"
    SANGAT_KURANG = "sangat_kurang"

    @property
    def label(self) -> str:
        return {
            Predikat.SANGAT_BAIK: "Sangat Baik",
            Predikat.BAIK: "Baik",
            Predikat.BUTUH_PERBAIKAN: "Butuh Perbaikan",
            Predikat.KURANG_MISCONDUCT: "Kurang/Misconduct",
            Predikat.SANGAT_KURANG: "Sangat Kurang",
        }[self]

    @property
    def is_low(self) -> bool:
        """Low results call for a mandatory development plan (PP 30/2019)."""
        return self in LOW_PREDIKAT


LOW_PREDIKAT = frozenset({Predikat.BUTUH_PERBAIKAN, Predikat.KURANG_MISCONDUCT, Predikat.SANGAT_KURANG})


class DevelopmentForm(StrEnum):
    """The two forms of competency development (PP 11/2017 as amended)."""

    KLASIKAL = "klasikal"
    NONKLASIKAL = "nonklasikal"


class SkmElement(StrEnum):
    """The nine elements of the citizen satisfaction survey (PermenPANRB 14/2017)."""

    PERSYARATAN = "persyaratan"
    PROSEDUR = "sistem_mekanisme_prosedur"
    WAKTU_PENYELESAIAN = "waktu_penyelesaian"
    BIAYA_TARIF = "biaya_tarif"
    PRODUK_LAYANAN = "produk_spesifikasi_jenis_pelayanan"
    KOMPETENSI_PELAKSANA = "kompetensi_pelaksana"
    PERILAKU_PELAKSANA = "perilaku_pelaksana"
    PENANGANAN_PENGADUAN = "penanganan_pengaduan_saran_masukan"
    SARANA_PRASARANA = "sarana_prasarana"


class Mutu(StrEnum):
    """The service quality grade of a unit's IKM (PermenPANRB 14/2017)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"

    @property
    def label(self) -> str:
        return {Mutu.A: "Sangat Baik", Mutu.B: "Baik", Mutu.C: "Kurang Baik", Mutu.D: "Tidak Baik"}[self]


class RecognitionKind(StrEnum):
    """Why an employee was recognised: citizens rated them in the top band (``citizen_rating``),
    or their leader recognised their work (``leader``)."""

    CITIZEN_RATING = "citizen_rating"
    LEADER = "leader"

    @property
    def label(self) -> str:
        return {
            RecognitionKind.CITIZEN_RATING: "Penilaian warga",
            RecognitionKind.LEADER: "Apresiasi pimpinan",
        }[self]


class AgencyKind(StrEnum):
    """What kind of agency (perangkat daerah or unit) of the province an agency is."""

    DINAS = "dinas"
    BADAN = "badan"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"
    PUSKESMAS = "puskesmas"
    SEKOLAH = "sekolah"


class AgencyTimezone(StrEnum):
    """Indonesia's three time zones, as IANA names: an agency's days (objection windows, due
    dates, a survey answer's period) are counted in its zone."""

    WIB = "Asia/Jakarta"
    WITA = "Asia/Makassar"
    WIT = "Asia/Jayapura"

    @property
    def label(self) -> str:
        """Waktu Indonesia Barat / Tengah / Timur (UTC+7 / +8 / +9)."""
        return self.name
