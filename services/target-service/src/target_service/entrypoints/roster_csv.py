"""Reading a roster CSV (header nip,name,position,unit[,unit_id][,appraiser_nip]) into numbered rows."""

import csv
import io

from kinerja_runtime.refusals import InvalidInput

from target_service.domain.roster import RowError

REQUIRED = ("nip", "name", "position", "unit")
OPTIONAL = ("appraiser_nip", "unit_id")


def roster_rows(text: str, max_rows: int) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """(line number, fields) per data row, and the lines that are not rows at all.

    The header is line 1; blank lines are skipped. A line ends with CR LF, LF or a bare CR (as
    old spreadsheet exports write); a line break inside a quoted field stays in the field. A NUL
    character (which no roster holds and the database refuses) makes the file unreadable."""
    # newline="": the csv module sees the line endings itself and accepts all three.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise InvalidInput(f"line 1: not valid CSV ({exc})") from exc
    _refuse_nul(1, header, ["header"] * len(header))
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing or unknown or len(set(header)) != len(header):
        raise InvalidInput(
            "the first line must be the header nip,name,position,unit,appraiser_nip (unit_id optional)"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    rows: list[tuple[int, dict]] = []
    broken: list[RowError] = []
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if len(rows) + len(broken) == max_rows:
                raise InvalidInput(f"at most {max_rows} employees per import")
            _refuse_nul(reader.line_num, fields, header)
            if len(fields) != len(header):
                nip = fields[header.index("nip")].strip() if len(fields) > header.index("nip") else None
                broken.append(RowError(reader.line_num, nip, f"expected {len(header)} fields, got {len(fields)}"))
                continue
            rows.append((reader.line_num, dict(zip(header, fields, strict=True))))
    except csv.Error as exc:
        raise InvalidInput(f"line {reader.line_num}: not valid CSV ({exc})") from exc
    return rows, broken


def _refuse_nul(line: int, fields: list[str], names: list[str]) -> None:
    for n, value in enumerate(fields):
        if "\x00" in value:
            field = names[n] if n < len(names) else f"field {n + 1}"
            raise InvalidInput(
                f"line {line}, {field}: must not contain the NUL character (U+0000)", line=line, field=field
            )
