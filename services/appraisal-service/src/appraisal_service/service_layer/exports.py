"""The agency's reports as spreadsheet sheets (kinerja_runtime.spreadsheets): the predikat
distribution per unit and, when asked, its check against the SE 3/2023 curve."""

from kinerja_contracts.vocabulary import Predikat
from kinerja_runtime.spreadsheets import Column, Sheet

from appraisal_service.domain import OrganisationPredikat

LIMITS = {"at_most": "paling banyak", "at_least": "paling sedikit"}
ORGANISATION_LABELS = {
    OrganisationPredikat.ISTIMEWA: "Istimewa",
    OrganisationPredikat.BAIK: "Baik",
    OrganisationPredikat.BUTUH_PERBAIKAN: "Butuh Perbaikan",
    OrganisationPredikat.KURANG: "Kurang",
    OrganisationPredikat.SANGAT_KURANG: "Sangat Kurang",
}


def _yes(value: bool) -> str:
    return "ya" if value else "tidak"


def distribution_sheets(agency_id: str, year: int, report: dict, check: dict | None) -> list[Sheet]:
    """``report`` as :func:`~appraisal_service.service_layer.reports.distribution` answers it,
    ``check`` as :func:`~appraisal_service.service_layer.reports.calibration` does (or None)."""
    about = [
        ("Instansi", agency_id),
        ("Periode", report["period_id"]),
        ("Tahun", year),
        ("Usulan ikut dihitung", _yes(report["include_proposals"])),
    ]
    columns = [
        Column("ID unit", text=True),
        Column("Unit kerja"),
        Column("Jumlah pegawai"),
        Column("Masih usulan"),
        *(Column(p.label) for p in Predikat),
    ]
    rows: list[list] = [
        [u["unit_id"], u["name"], u["total"], u["proposed"], *(u["counts"][p.value] for p in Predikat)]
        for u in report["units"]
    ]
    rows.append(
        [
            None,
            "Seluruh instansi",
            report["agency"]["total"],
            sum(u["proposed"] for u in report["units"]),
            *(report["agency"]["counts"][p.value] for p in Predikat),
        ]
    )
    sheets = [Sheet("Sebaran Predikat", f"Sebaran Predikat Kinerja Pegawai {year}", about, columns, rows)]
    if check is not None:
        sheets.append(_calibration_sheet(agency_id, year, check))
    return sheets


def _calibration_sheet(agency_id: str, year: int, check: dict) -> Sheet:
    organisation = OrganisationPredikat(check["organisation_predikat"])
    about = [
        ("Instansi", agency_id),
        ("Periode", check["period_id"]),
        ("Tahun", year),
        ("Unit kerja", check["unit_id"] or "seluruh instansi"),
        ("Predikat organisasi", ORGANISATION_LABELS[organisation]),
        ("Usulan ikut dihitung", _yes(check["include_proposals"])),
        ("Jumlah hasil", check["total"]),
        ("Hasil yang masih usulan", check["proposals_counted"]),
        ("Sesuai kurva", _yes(check["ok"])),
    ]
    columns = [
        Column("Predikat"),
        Column("Batas"),
        Column("Batas (%)", number_format="0"),
        Column("Batas (orang)"),
        Column("Jumlah yang diizinkan"),
        Column("Jumlah nyata"),
        Column("Persen nyata", number_format="0.0"),
        Column("Terpenuhi"),
    ]
    rows = [
        [
            " atau ".join(Predikat(p).label for p in b["predikat"]),
            LIMITS.get(b["limit"], b["limit"]),
            b["percent"],
            b["count"],
            b["allowed_count"],
            b["actual_count"],
            b["actual_percent"],
            _yes(b["ok"]),
        ]
        for b in check["bounds"]
    ]
    title = f"Kalibrasi Predikat {year} terhadap kurva Predikat organisasi {ORGANISATION_LABELS[organisation]}"
    return Sheet("Kalibrasi", title, about, columns, rows)
