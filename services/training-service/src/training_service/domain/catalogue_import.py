"""Reading an agency's catalogue from CSV (HR): every good row becomes an item, every bad
row an error naming its line, so one typo does not throw away a whole import.

Header (any order): code,title,competency,form,method,jp,provider,modality. ``form`` may
be left empty: every method belongs to exactly one form. A competency may be written as
its label ("Berorientasi Pelayanan") or its wire name ("berorientasi_pelayanan").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from kinerja_contracts.vocabulary import DevelopmentForm
from kinerja_runtime.refusals import InvalidInput

from .catalogue import METHODS_BY_FORM, TECHNICAL_PREFIX, CatalogueItem, is_known_competency

__all__ = ["CATALOGUE_COLUMNS", "CatalogueCsvError", "ImportedRow", "RowError", "read_catalogue_csv"]

CATALOGUE_COLUMNS = ("code", "title", "competency", "form", "method", "jp", "provider", "modality")
_LIMITS = {"code": 64, "title": 300, "competency": 64, "method": 64, "provider": 200, "modality": 64}
_FORM_OF_METHOD = {m: form for form, methods in METHODS_BY_FORM.items() for m in methods}
MAX_JP = 400  # a year's worth of lesson hours; more is a typo, not a course


class CatalogueCsvError(InvalidInput):
    """The file as a whole cannot be read (no header, wrong columns, not CSV)."""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    code: str | None
    message: str


@dataclass(frozen=True, slots=True)
class ImportedRow:
    line: int
    item: CatalogueItem


def _competency(raw: str) -> str:
    name = raw.strip().lower()
    return name if name.startswith(TECHNICAL_PREFIX) else name.replace(" ", "_")


def _row(line: int, fields: dict[str, str]) -> ImportedRow | RowError:
    values = {k: (fields.get(k) or "").strip() for k in CATALOGUE_COLUMNS}
    code = values["code"] or None
    problems = [f"{k} is empty" for k in CATALOGUE_COLUMNS if k != "form" and not values[k]]
    # PostgreSQL refuses the NUL character in text: a row with one is a bad row, not a 500.
    problems += [f"{k} must not contain the NUL character (U+0000)" for k in CATALOGUE_COLUMNS if "\x00" in values[k]]
    problems += [f"{k} is longer than {n} characters" for k, n in _LIMITS.items() if len(values[k]) > n]
    competency = _competency(values["competency"])
    if values["competency"] and not is_known_competency(competency):
        problems.append(
            f"unknown competency {values['competency']!r}: use a BerAKHLAK value, hasil_kerja:<aspect>, "
            "kinerja_umum or teknis:<area>"
        )
    method = values["method"].lower()
    form = values["form"].lower() or (_FORM_OF_METHOD[method].value if method in _FORM_OF_METHOD else "")
    if form not in {f.value for f in DevelopmentForm}:
        problems.append(f"form must be klasikal or nonklasikal, not {values['form']!r}")
    elif method and method not in METHODS_BY_FORM[DevelopmentForm(form)]:
        problems.append(
            f"method {values['method']!r} is not a {form} method ({', '.join(METHODS_BY_FORM[DevelopmentForm(form)])})"
        )
    try:
        jp = int(values["jp"])
        if not 0 < jp <= MAX_JP:
            problems.append(f"jp must be between 1 and {MAX_JP}")
    except ValueError:
        jp = 0
        if values["jp"]:
            problems.append(f"jp must be a whole number, not {values['jp']!r}")
    if problems:
        return RowError(line, code, "; ".join(problems))
    item = CatalogueItem(
        values["code"],
        values["title"],
        competency,
        DevelopmentForm(form),
        method,
        jp,
        values["provider"],
        values["modality"],
    )
    return ImportedRow(line, item)


def read_catalogue_csv(text: str, max_rows: int = 2000) -> tuple[list[ImportedRow], list[RowError]]:
    """Items of the good rows and errors of the bad ones; line 1 is the header, blank lines
    are skipped, a code repeated in the file is an error on its later line."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise CatalogueCsvError(f"line 1: not valid CSV ({exc})") from exc
    missing = [c for c in CATALOGUE_COLUMNS if c not in header and c != "form"]
    unknown = [c for c in header if c not in CATALOGUE_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise CatalogueCsvError(
            f"the first line must be the header {','.join(CATALOGUE_COLUMNS)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    good: list[ImportedRow] = []
    bad: list[RowError] = []
    first_line: dict[str, int] = {}
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if len(good) + len(bad) == max_rows:
                raise CatalogueCsvError(f"at most {max_rows} items per import")
            line = reader.line_num
            if len(fields) != len(header):
                bad.append(RowError(line, None, f"expected {len(header)} fields, got {len(fields)}"))
                continue
            row = _row(line, dict(zip(header, fields, strict=True)))
            if isinstance(row, ImportedRow) and row.item.code in first_line:
                row = RowError(
                    line, row.item.code, f"code {row.item.code} is already on line {first_line[row.item.code]}"
                )
            if isinstance(row, ImportedRow):
                first_line[row.item.code] = line
                good.append(row)
            else:
                bad.append(row)
    except csv.Error as exc:
        raise CatalogueCsvError(f"line {reader.line_num}: not valid CSV ({exc})") from exc
    return good, bad
