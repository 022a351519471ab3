"""A unit's IKM report as spreadsheet sheets (kinerja_runtime.spreadsheets): the figures per SKM
element, and the citizens' latest comments."""

from kinerja_contracts.vocabulary import SkmElement
from kinerja_runtime.spreadsheets import Column, Sheet

# The nine elements in the words of PermenPANRB 14/2017.
ELEMENT_NAMES = {
    SkmElement.PERSYARATAN: "Persyaratan",
    SkmElement.PROSEDUR: "Sistem, mekanisme dan prosedur",
    SkmElement.WAKTU_PENYELESAIAN: "Waktu penyelesaian",
    SkmElement.BIAYA_TARIF: "Biaya/tarif",
    SkmElement.PRODUK_LAYANAN: "Produk spesifikasi jenis pelayanan",
    SkmElement.KOMPETENSI_PELAKSANA: "Kompetensi pelaksana",
    SkmElement.PERILAKU_PELAKSANA: "Perilaku pelaksana",
    SkmElement.PENANGANAN_PENGADUAN: "Penanganan pengaduan, saran dan masukan",
    SkmElement.SARANA_PRASARANA: "Sarana dan prasarana",
}


def satisfaction_sheets(agency_id: str, year: int | None, report: dict) -> list[Sheet]:
    """``report`` as :func:`~feedback_service.service_layer.surveys.unit_report` answers it."""
    about = [
        ("Instansi", agency_id),
        ("Unit layanan", report["name"]),
        ("ID unit", report["unit_id"]),
        ("Periode", report["period_id"]),
        ("Tahun", year),
        ("Jumlah jawaban", report["answers"]),
        ("IKM", report["ikm"]),
        ("Mutu", report["mutu"]),
        ("Kinerja unit", report["mutu_label"]),
        ("Jawaban yang menyebut petugas", report["answers_naming_an_officer"]),
    ]
    means = report["element_means"] or {}
    elements = Sheet(
        "IKM",
        f"Indeks Kepuasan Masyarakat {report['name']}" + (f" {year}" if year else ""),
        about,
        [Column("Unsur"), Column("Kode unsur", text=True), Column("Nilai rata-rata (1-4)", number_format="0.000")],
        [[ELEMENT_NAMES[e], e.value, means.get(e.value)] for e in SkmElement],
    )
    comments = Sheet(
        "Komentar",
        f"Komentar masyarakat terbaru, {report['name']}",
        [("Instansi", agency_id), ("Periode", report["period_id"])],
        [Column("Dijawab (UTC)", width=18), Column("Komentar", width=80)],
        [[c["answered_at"], c["comment"]] for c in report["recent_comments"]],
    )
    return [elements, comments]
