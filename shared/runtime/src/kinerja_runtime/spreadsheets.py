"""Spreadsheets, in one place for every service: reading an uploaded table and writing a report
as an Excel workbook (openpyxl).

Reading (a roster import): :func:`csv_table` takes CSV text whose delimiter, a comma or the
semicolon that Excel writes in an Indonesian locale, is found from the header line;
:func:`xlsx_table` takes the first sheet of an .xlsx workbook. Both answer a :class:`Table` (the
header's column names and each non-blank row as text with its line or row number), so one
use case serves every format. An .xlsx is refused before openpyxl reads it unless it is a zip
archive whose declared sizes are within bounds (Python's zipfile never inflates a member past
its declared size, so a zip bomb stops there), and it is read in read-only mode. A column the
caller names as text (an 18-digit NIP) may not hold a number: Excel keeps 15 significant digits
of a number, so the value is refused, naming the row, the column and the cell, never rounded.

Writing (report exports): :func:`workbook` makes an .xlsx of :class:`Sheet`s, each a title row,
lines about the report (agency, period), a header row in bold and the rows; numbers stay
numbers, a :class:`Column` marked ``text`` is written as text (NIPs), a text is never taken for a
formula. The rows and the file's size are bounded (:class:`~kinerja_runtime.refusals.TooLarge`).
"""

import asyncio
import csv
import io
import zipfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from kinerja_runtime.refusals import InvalidInput, TooLarge

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# An uploaded workbook: what its zip may declare, in all and per member.
MAX_XLSX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_XLSX_MEMBERS = 500
EXCEL_MAX_ROW = 1_048_576  # the last row of a sheet; a row past it is not Excel's
# An exported workbook.
MAX_EXPORT_ROWS = 100_000
MAX_EXPORT_BYTES = 32 * 1024 * 1024

NOT_A_WORKBOOK = (
    "the file is not an Excel workbook (.xlsx); save it from Excel as 'Excel Workbook (*.xlsx)', or send CSV"
)


@dataclass(frozen=True)
class Table:
    """An uploaded table, whatever its format. ``header``: the first line's column names,
    stripped and lower-case. ``rows``: each non-blank data row as (line, its cells as text),
    where line is the CSV line the row ends on, or the sheet's row number; the header is line 1.
    A row may hold more or fewer cells than the header has names: the caller decides."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


# -- reading ----------------------------------------------------------------------------------------------
def delimiter_of(text: str) -> str:
    """``;`` when the header line has more semicolons than commas (Excel's CSV in a locale whose
    decimal mark is the comma, as in Indonesia), else ``,``."""
    end = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=len(text))
    header = text[:end]
    return ";" if header.count(";") > header.count(",") else ","


def csv_table(text: str, max_rows: int, *, rows_are: str = "rows") -> Table:
    """The CSV's header and rows (lines may end with CR LF, LF or a bare CR; a line break inside
    a quoted field stays in the field; blank lines are skipped). More than ``max_rows`` rows,
    or text the csv module cannot split, is refused naming the line."""
    # newline="": the csv module sees the line endings itself and accepts all three.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        rows: list[tuple[int, list[str]]] = []
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if len(rows) == max_rows:
                raise InvalidInput(f"at most {max_rows} {rows_are} per import")
            rows.append((reader.line_num, fields))
    except csv.Error as exc:
        line = max(reader.line_num, 1)
        raise InvalidInput(f"line {line}: not valid CSV ({exc})", line=line) from exc
    return Table(header, rows)


def xlsx_table(data: bytes, max_rows: int, *, text_columns: Collection[str] = (), rows_are: str = "rows") -> Table:
    """The first sheet of an .xlsx workbook: row 1 is the header, each later non-blank row a
    row. A cell under a header named in ``text_columns`` that holds a number is refused (422),
    naming the row, the column and the cell. Anything that is not a readable workbook is refused
    (422), and one whose zip declares more than :data:`MAX_XLSX_UNCOMPRESSED` bytes too (413)."""
    check_xlsx_archive(data)
    from openpyxl import load_workbook  # imported on first use: most services never read a workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # an uploaded file: whatever openpyxl trips on is the file's fault
        raise InvalidInput(f"{NOT_A_WORKBOOK} ({type(exc).__name__})") from exc
    try:
        if not book.worksheets:
            raise InvalidInput("the workbook has no sheet")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a wrong <dimension> must not cut columns or rows off
        return _sheet_table(sheet, max_rows, set(text_columns), rows_are)
    except InvalidInput:
        raise
    except Exception as exc:
        raise InvalidInput(f"{NOT_A_WORKBOOK} ({type(exc).__name__})") from exc
    finally:
        book.close()


def check_xlsx_archive(data: bytes) -> None:
    """Refuse what is not a zip archive, and a zip whose members declare too much when inflated."""
    if not data.startswith(b"PK\x03\x04"):
        raise InvalidInput(NOT_A_WORKBOOK + " (not a zip archive)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise InvalidInput(NOT_A_WORKBOOK + " (a damaged zip archive)") from exc
    if len(members) > MAX_XLSX_MEMBERS:
        raise InvalidInput(f"{NOT_A_WORKBOOK} (more than {MAX_XLSX_MEMBERS} parts)")
    declared = sum(m.file_size for m in members)
    if declared > MAX_XLSX_UNCOMPRESSED:
        raise TooLarge(
            f"the workbook unpacks to {declared} bytes; at most {MAX_XLSX_UNCOMPRESSED} are read",
            limit=MAX_XLSX_UNCOMPRESSED,
        )


def _sheet_table(sheet, max_rows: int, text_columns: set[str], rows_are: str) -> Table:
    from openpyxl.utils import get_column_letter

    header: list[str] = []
    text_at: list[int] = []
    rows: list[tuple[int, list[str]]] = []
    for number, values in enumerate(sheet.iter_rows(min_row=1, max_row=EXCEL_MAX_ROW, values_only=True), start=1):
        if number == 1:
            cells = list(values)
            while cells and _blank(cells[-1]):
                cells.pop()
            header = [_text(v).strip().lower() for v in cells]
            text_at = [i for i, name in enumerate(header) if name in text_columns]
            continue
        if all(_blank(v) for v in values):
            continue
        if len(rows) == max_rows:
            raise InvalidInput(f"at most {max_rows} {rows_are} per import")
        for i in text_at:
            value = values[i] if i < len(values) else None
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                cell = f"{get_column_letter(i + 1)}{number}"
                raise InvalidInput(
                    f"row {number}, column {header[i]} (cell {cell}): the cell holds the number {value!r}, not text. "
                    "Excel keeps only 15 digits of a number, so an 18-digit NIP loses its last digits. "
                    f"Format the {header[i]} column as Text (Format Cells > Text), type the values again "
                    "and send the workbook again",
                    line=number,
                    field=header[i],
                    cell=cell,
                )
        cells = [_text(v) for v in values]
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()  # formatting past the last column is not a field
        cells += [""] * (len(header) - len(cells))
        rows.append((number, cells))
    return Table(header, rows)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    """A cell's value as the text a CSV of the sheet would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# -- writing ----------------------------------------------------------------------------------------------
Value = str | int | float | Decimal | bool | date | datetime | None


@dataclass(frozen=True)
class Column:
    """One column of a sheet's table. ``text``: always written as text (a NIP, a code), even
    when it looks like a number. ``number_format``: Excel's format for its numbers ("0.00")."""

    heading: str
    text: bool = False
    number_format: str | None = None
    width: int | None = None


@dataclass(frozen=True)
class Sheet:
    """One sheet: a title row, then lines about the report (label, value: the agency, the
    period), a blank row, the header row and the rows."""

    name: str
    title: str
    about: Sequence[tuple[str, Value]]
    columns: Sequence[Column]
    rows: Sequence[Sequence[Value]]


def workbook(sheets: Sequence[Sheet], *, max_rows: int = MAX_EXPORT_ROWS, max_bytes: int = MAX_EXPORT_BYTES) -> bytes:
    """The sheets as an .xlsx file. More than ``max_rows`` rows in all, or a file over
    ``max_bytes``, is refused (TooLarge) rather than sent."""
    total = sum(len(s.rows) for s in sheets)
    if total > max_rows:
        raise TooLarge(f"the export would hold {total} rows; at most {max_rows} are written", limit=max_rows)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    title, bold = Font(bold=True, size=14), Font(bold=True)
    fill, border = PatternFill("solid", fgColor="DDE7F0"), Border(bottom=Side(style="thin"))
    wrap = Alignment(wrap_text=True, vertical="top")
    for spec in sheets:
        sheet = book.create_sheet(_sheet_name(spec.name))
        for index, column in enumerate(spec.columns):
            sheet.column_dimensions[get_column_letter(index + 1)].width = column.width or _width(spec, index)
        header_row = 1 + len(spec.about) + 2  # the title, the lines about the report, a blank row
        sheet.freeze_panes = f"A{header_row + 1}"
        if spec.rows:
            last = get_column_letter(len(spec.columns))
            sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + len(spec.rows)}"
        sheet.append([_cell(sheet, spec.title, font=title)])
        for label, value in spec.about:
            sheet.append([_cell(sheet, label, font=bold), _cell(sheet, value)])
        sheet.append([])
        headings = []
        for column in spec.columns:
            heading = _cell(sheet, column.heading, font=bold)
            heading.fill, heading.border, heading.alignment = fill, border, wrap
            headings.append(heading)
        sheet.append(headings)
        for row in spec.rows:
            sheet.append([_cell(sheet, v, c) for v, c in zip(row, spec.columns, strict=True)])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if len(data) > max_bytes:
        raise TooLarge(f"the export would be {len(data)} bytes; at most {max_bytes} are sent", limit=max_bytes)
    return data


def _cell(sheet, value: Value, column: Column | None = None, font=None):
    """One cell of a write-only sheet: numbers as numbers, a text column as text, dates as dates."""
    from openpyxl.cell import WriteOnlyCell

    made = WriteOnlyCell(sheet, value=_cell_value(value, column))
    if isinstance(made.value, str):
        made.data_type = "s"  # a text beginning with "=" stays text, never a formula
    if column is not None and column.text:
        made.number_format = "@"
    elif column is not None and column.number_format and isinstance(value, int | float | Decimal):
        made.number_format = column.number_format
    elif isinstance(value, datetime):
        made.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        made.number_format = "yyyy-mm-dd"
    if font is not None:
        made.font = font
    return made


async def workbook_bytes(sheets: Sequence[Sheet], **bounds) -> bytes:
    """:func:`workbook`, off the event loop (writing thousands of rows takes a while)."""
    return await asyncio.to_thread(workbook, sheets, **bounds)


def _cell_value(value: Value, column: Column | None):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if column is not None and column.text:
        value = _text(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones: the heading says UTC
    return value


def _width(spec: Sheet, index: int) -> int:
    """Wide enough for the heading's longest word, the longest value and, in the first two
    columns, the lines about the report; within 8..60 characters."""
    heading = max((len(w) for w in spec.columns[index].heading.split()), default=0)
    longest = max((len(_text(row[index])) for row in spec.rows[:2000]), default=0)
    about = max((len(_text(line[index])) for line in spec.about), default=0) if index < 2 else 0
    return min(max(heading, longest, about, 8) + 2, 60)


def _sheet_name(name: str) -> str:
    """Excel's rules for a sheet's tab: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("-" if c in "[]:*?/\\" else c for c in name).strip("'")
    return cleaned[:31] or "Sheet"


def xlsx_filename(*parts: str) -> str:
    """A download's file name from its parts, safe in a Content-Disposition header."""
    safe = "-".join("".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in p) for p in parts if p)
    return f"{safe or 'export'}.xlsx"
