"""kinerja_runtime.spreadsheets: reading a roster table (CSV with commas or semicolons, an .xlsx's
first sheet) and writing report workbooks; and target-service's roster reading on top of it."""

import io
import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest
from kinerja_runtime import spreadsheets
from kinerja_runtime.refusals import InvalidInput, TooLarge
from kinerja_runtime.spreadsheets import Column, Sheet, csv_table, delimiter_of, workbook, xlsx_table
from target_service.entrypoints.roster_table import NIP_COLUMNS, roster_rows, roster_rows_of_csv

SITI = "198503302010012001"  # 18 digits: as a float, Excel keeps 198503302010012000
BUDI = "197801012005011001"


def xlsx_of(rows: list[list], *, as_text: bool = True) -> bytes:
    """A workbook as Excel would save it; ``as_text`` False stores the NIP columns as numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if as_text:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- CSV ----------------------------------------------------------------------------------------------------
def test_the_delimiter_comes_from_the_header_line():
    assert delimiter_of("nip;name;position;unit\r\n1,5;a;b;c") == ";"
    assert delimiter_of("nip,name,position,unit\n1;2;3;4\n") == ","
    assert delimiter_of("") == ","


def test_a_semicolon_csv_as_indonesian_excel_saves_it_reads_like_a_comma_one():
    text = (
        "\ufeffNIP;Name;Position;Unit;Appraiser_NIP\r\n"
        f"{SITI};Siti Rahayu;Analis;Bidang Pengaduan;{BUDI}\r\n"
        '\r\n;;;;\r\n"' + BUDI + '";"Santoso; Budi";Kepala Bidang;Bidang Pengaduan;\r\n'
    )
    rows, broken = roster_rows_of_csv(text.lstrip("\ufeff"), 10)
    assert broken == []
    assert rows == [
        (
            2,
            {
                "nip": SITI,
                "name": "Siti Rahayu",
                "position": "Analis",
                "unit": "Bidang Pengaduan",
                "appraiser_nip": BUDI,
            },
        ),
        (
            5,
            {
                "nip": BUDI,
                "name": "Santoso; Budi",
                "position": "Kepala Bidang",
                "unit": "Bidang Pengaduan",
                "appraiser_nip": "",
            },
        ),
    ]
    comma = roster_rows_of_csv(
        text.lstrip("\ufeff").replace(";", ",").replace('"Santoso, Budi"', '"Santoso; Budi"'), 10
    )
    assert comma == (rows, broken)


def test_a_nip_excel_wrote_as_a_number_into_a_csv_is_refused_naming_line_and_field():
    text = f"nip;name;position;unit\n{SITI};Siti;Analis;Unit\n1,98503E+17;Ani;Staf;Unit\n"
    with pytest.raises(InvalidInput) as caught:
        roster_rows_of_csv(text, 10)
    assert caught.value.details == {"line": 3, "field": "nip"}
    assert "Format the nip column as Text" in caught.value.reason


def test_a_csv_over_the_row_limit_is_refused():
    text = "nip,name,position,unit\n" + f"{SITI},a,b,c\n" * 3
    with pytest.raises(InvalidInput, match="at most 2 employees per import"):
        roster_rows_of_csv(text, 2)
    assert len(csv_table(text, 3).rows) == 3


# -- .xlsx --------------------------------------------------------------------------------------------------
def test_an_xlsx_roster_with_18_digit_nips_as_text_keeps_every_digit():
    data = xlsx_of(
        [
            ["nip", "name", "position", "unit", "appraiser_nip", None, None],
            [SITI, "Siti Rahayu", "Analis", "Bidang Pengaduan", BUDI],
            [None, None, None],
            [BUDI, "Budi Santoso", "Kepala Bidang", "Bidang Pengaduan", None, None, "  "],
            ["12", "Pendek", 3, date(2026, 1, 2), None, "extra"],
        ]
    )
    rows, broken = roster_rows(xlsx_table(data, 10, text_columns=NIP_COLUMNS))
    assert rows[0] == (
        2,
        {"nip": SITI, "name": "Siti Rahayu", "position": "Analis", "unit": "Bidang Pengaduan", "appraiser_nip": BUDI},
    )
    assert rows[1] == (
        4,
        {
            "nip": BUDI,
            "name": "Budi Santoso",
            "position": "Kepala Bidang",
            "unit": "Bidang Pengaduan",
            "appraiser_nip": "",
        },
    )
    assert [(e.line, e.nip, e.reason) for e in broken] == [(5, "12", "expected 5 fields, got 6")]
    assert len(rows) == 2


def test_a_nip_stored_as_a_number_is_refused_naming_the_row_the_column_and_the_cell():
    data = xlsx_of(
        [["name", "nip", "position", "unit"], ["Siti", SITI, "Analis", "Unit"], ["Ani", int(SITI), "Staf", "Unit"]],
        as_text=False,
    )
    assert openpyxl.load_workbook(io.BytesIO(data)).active["B3"].data_type == "n"
    with pytest.raises(InvalidInput) as caught:
        xlsx_table(data, 10, text_columns=NIP_COLUMNS)
    assert caught.value.details == {"line": 3, "field": "nip", "cell": "B3"}
    assert caught.value.reason.startswith("row 3, column nip (cell B3): the cell holds the number")
    assert "Format the nip column as Text" in caught.value.reason
    # A float (what Excel keeps of an 18-digit number) alike, never rounded into a NIP.
    floats = xlsx_of([["nip", "name", "position", "unit"], [float(SITI), "Siti", "Analis", "Unit"]], as_text=False)
    with pytest.raises(InvalidInput, match=r"row 2, column nip \(cell A2\)"):
        xlsx_table(floats, 10, text_columns=NIP_COLUMNS)
    # Other columns may hold numbers: they are read as their text.
    assert xlsx_table(floats, 10).rows == [(2, ["198503302010012000", "Siti", "Analis", "Unit"])]


def test_an_xlsx_over_the_row_limit_is_refused():
    data = xlsx_of([["nip", "name", "position", "unit"]] + [[SITI, "a", "b", "c"]] * 3)
    with pytest.raises(InvalidInput, match="at most 2 employees per import"):
        xlsx_table(data, 2, rows_are="employees")


@pytest.mark.parametrize(
    "data",
    [
        b"nip,name,position,unit\n",
        b"PK\x03\x04 but no zip after the magic",
        b"",
    ],
)
def test_what_is_not_a_zip_is_not_a_workbook(data):
    with pytest.raises(InvalidInput, match="not an Excel workbook"):
        xlsx_table(data, 10)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InvalidInput, match="not an Excel workbook"):
        xlsx_table(out.getvalue(), 10)


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_it_is_opened(monkeypatch):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (spreadsheets.MAX_XLSX_UNCOMPRESSED + 1))
    assert len(out.getvalue()) < 200_000  # small on the wire

    def never(*_, **__):
        raise AssertionError("openpyxl must not open it")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(TooLarge, match="unpacks to"):
        xlsx_table(out.getvalue(), 10)


def test_a_zip_whose_member_lies_about_its_size_is_never_inflated_past_it():
    """zipfile stops a member at its declared size; the workbook then cannot be read (422)."""
    data = bytearray(xlsx_of([["nip", "name", "position", "unit"], [SITI, "a", "b", "c"]]))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # Declare the sheet at 10 bytes in the central directory (its entry's uncompressed size field).
    name = info.filename.encode()
    at = data.find(b"PK\x01\x02", 0)
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    data[at + 24 : at + 28] = (10).to_bytes(4, "little")
    with pytest.raises(InvalidInput, match="not an Excel workbook"):
        xlsx_table(bytes(data), 10)


# -- writing ------------------------------------------------------------------------------------------------
def test_a_report_round_trips_with_numbers_as_numbers_and_nips_as_text():
    sheet = Sheet(
        name="JP pegawai",
        title="Pemenuhan 20 JP",
        about=[("Instansi", "dinas-uji"), ("Tahun", 2026)],
        columns=[Column("NIP", text=True), Column("Nama"), Column("JP", number_format="0"), Column("Dijawab (UTC)")],
        rows=[
            [SITI, '=HYPERLINK("http://x")', 12, datetime(2026, 1, 1, 1, 30, tzinfo=UTC)],
            [BUDI, "Budi\x01", 7.5, None],
        ],
    )
    data = workbook([sheet])
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["JP pegawai"]
    assert [r for r in ws.iter_rows(values_only=True)] == [
        ("Pemenuhan 20 JP", None, None, None),
        ("Instansi", "dinas-uji", None, None),
        ("Tahun", 2026, None, None),
        (None, None, None, None),
        ("NIP", "Nama", "JP", "Dijawab (UTC)"),
        (SITI, '=HYPERLINK("http://x")', 12, datetime(2026, 1, 1, 1, 30)),
        (BUDI, "Budi", 7.5, None),
    ]
    assert [ws[c].data_type for c in ("A6", "B6", "C6")] == ["s", "s", "n"]  # a text is never a formula
    assert ws["A6"].number_format == "@" and ws["A5"].font.bold and ws.freeze_panes == "A6"
    assert ws.column_dimensions["A"].width == 20
    # What the reader makes of it: the NIP exactly, through the text check.
    assert xlsx_table(data, 10, text_columns={"nip"}).rows[3] == (
        6,
        [SITI, '=HYPERLINK("http://x")', "12", "2026-01-01T01:30:00"],
    )


def test_an_export_over_its_bounds_is_refused():
    sheet = Sheet("s", "t", [], [Column("n")], [[n] for n in range(11)])
    with pytest.raises(TooLarge, match="11 rows; at most 10"):
        workbook([sheet], max_rows=10)
    with pytest.raises(TooLarge, match="at most 100 are sent"):
        workbook([sheet], max_bytes=100)


def test_sheet_and_file_names_are_safe():
    book = openpyxl.load_workbook(io.BytesIO(workbook([Sheet("a/b:c" * 10, "t", [], [Column("x")], [])])))
    assert book.sheetnames == ["a-b-ca-b-ca-b-ca-b-ca-b-ca-b-ca"]
    assert spreadsheets.xlsx_filename("sebaran", "periode 2026/ü") == "sebaran-periode-2026--.xlsx"


def test_a_sheet_declaring_xml_entities_is_refused_not_expanded():
    """openpyxl parses with defusedxml (a dependency of the runtime): a billion-laughs sheet is a 422."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    good = xlsx_of([["nip", "name", "position", "unit"], [SITI, "a", "b", "c"]])
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 9))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c></row></sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as bomb:
        for item in source.infolist():
            data = laughs.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            bomb.writestr(item, data)
    with pytest.raises(InvalidInput, match="not an Excel workbook") as caught:
        xlsx_table(out.getvalue(), 10)
    assert type(caught.value.__cause__.__cause__).__name__ == "EntitiesForbidden"
