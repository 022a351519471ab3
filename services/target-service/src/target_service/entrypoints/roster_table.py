"""A roster table (CSV with commas or semicolons, or an .xlsx's first sheet; header
nip,name,position,unit[,unit_id][,appraiser_nip]) as the numbered rows the import takes."""

import re

from kinerja_runtime.refusals import InvalidInput
from kinerja_runtime.spreadsheets import Table, csv_table

from target_service.domain.roster import RowError

REQUIRED = ("nip", "name", "position", "unit")
OPTIONAL = ("appraiser_nip", "unit_id")
NIP_COLUMNS = ("nip", "appraiser_nip")  # text: a workbook cell holding a number is refused
ROWS_ARE = "employees"
# A number as Excel writes it into a CSV once it has taken a NIP for one: 1,98503E+17 or 1.98503E+17.
_NUMBER_WRITTEN_BY_EXCEL = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def roster_rows(table: Table) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """(line number, fields) per data row, and the lines that are not rows at all.

    The header is line 1 (its names in any case, in any order); a row whose number of fields is
    not the header's is reported by line. A NUL character (which no roster holds and the
    database refuses), or a NIP that Excel turned into a number, makes the file unreadable."""
    header = table.header
    _refuse_nul(1, header, ["header"] * len(header))
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        raise InvalidInput(
            "the first line must be the header nip,name,position,unit,appraiser_nip (unit_id optional)"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    nip_at = header.index("nip")
    rows: list[tuple[int, dict]] = []
    broken: list[RowError] = []
    for line, fields in table.rows:
        _refuse_nul(line, fields, header)
        _refuse_numbers(line, fields, header)
        if len(fields) != len(header):
            nip = fields[nip_at].strip() if len(fields) > nip_at else None
            broken.append(RowError(line, nip, f"expected {len(header)} fields, got {len(fields)}"))
            continue
        rows.append((line, dict(zip(header, fields, strict=True))))
    return rows, broken


def roster_rows_of_csv(text: str, max_rows: int) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """:func:`roster_rows` of CSV text."""
    return roster_rows(csv_table(text, max_rows, rows_are=ROWS_ARE))


def _refuse_nul(line: int, fields: list[str], names: list[str]) -> None:
    for n, value in enumerate(fields):
        if "\x00" in value:
            field = names[n] if n < len(names) else f"field {n + 1}"
            raise InvalidInput(
                f"line {line}, {field}: must not contain the NUL character (U+0000)", line=line, field=field
            )


def _refuse_numbers(line: int, fields: list[str], names: list[str]) -> None:
    """A NIP saved by Excel from a column it took for numbers (1,98503E+17): its digits are lost,
    in every row alike, so the file is refused naming the first, with what to do."""
    for n, name in enumerate(names):
        if name in NIP_COLUMNS and n < len(fields) and _NUMBER_WRITTEN_BY_EXCEL.match(fields[n].strip()):
            raise InvalidInput(
                f"line {line}, {name}: {fields[n].strip()} is a number as Excel writes it, and Excel keeps only "
                f"15 digits of a number, so the NIP has lost its last digits. Format the {name} column as Text "
                "(Format Cells > Text), type the NIPs again and save the file again",
                line=line,
                field=name,
            )
