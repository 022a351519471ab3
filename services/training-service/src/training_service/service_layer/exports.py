"""The agency's development report as spreadsheet sheets (kinerja_runtime.spreadsheets): each
employee's JP against the 20 JP entitlement, and the plans' items per competency."""

from kinerja_runtime.spreadsheets import Column, Sheet


def development_sheets(agency_id: str, report: dict) -> list[Sheet]:
    """``report`` as :func:`~training_service.service_layer.views.development_report` answers it,
    with every employee on its one page."""
    year, fulfilment = report["year"], report["jp_fulfilment"]
    about = [
        ("Instansi", agency_id),
        ("Tahun", year),
        ("Jumlah pegawai", fulfilment["total"]),
        ("Pegawai yang memenuhi 20 JP", fulfilment["fulfilled"]),
    ]
    employees = Sheet(
        "Pemenuhan JP",
        f"Pemenuhan 20 JP pengembangan kompetensi {year}",
        about,
        [
            Column("NIP", text=True),
            Column("Nama"),
            Column("JP terverifikasi"),
            Column("JP diklaim (belum diverifikasi)"),
            Column("Hak JP"),
            Column("Memenuhi 20 JP"),
        ],
        [
            [
                e["nip"],
                e["name"],
                e["completed_jp"],
                e["claimed_jp"],
                e["entitlement_jp"],
                "ya" if e["fulfilled"] else "tidak",
            ]
            for e in fulfilment["employees"]
        ],
    )
    competencies = Sheet(
        "Per kompetensi",
        f"Rencana pengembangan {year} per kompetensi",
        [("Instansi", agency_id), ("Tahun", year)],
        [Column("Kompetensi"), Column("Butir rencana"), Column("Selesai"), Column("Terlambat")],
        [[c["competency"], c["items"], c["completed"], c["overdue"]] for c in report["by_competency"]],
    )
    return [employees, competencies]
