"""Bulk exports for offices that upload by file (issue 11: the SIASN export): who may export
which agencies, the two formats, and the streamed answer.

An export is read page by page (keyset pagination in the service's repository, a fixed number
of statements per page) and each page is written out as soon as it is built, so a province's
400,000 lines cost the memory of one page. The refusals (role, agency, parameters) are decided
before the first byte: once streaming has begun the status is 200.

Formats:

- ``jsonl`` (JSON Lines, ``application/x-ndjson``): one JSON object per line, UTF-8, ``\\n``
  after every line; the record's fields (SIASN's names) then ``kind`` and ``missing``.
- ``csv`` (RFC 4180, ``text/csv``): comma-separated, ``\\r\\n``, a header of the kind's field
  names, null as an empty cell. UTF-8 without a byte-order mark by default, for upload tools
  that read the first header name as is; ``bom=true`` adds one, so that Excel reads UTF-8.
"""

import csv
import io
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.refusals import NotPermitted

BOM = "\ufeff"


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


MEDIA_TYPES = {
    ExportFormat.JSONL: "application/x-ndjson; charset=utf-8",
    ExportFormat.CSV: "text/csv; charset=utf-8; header=present",
}


# The OpenAPI of an export route's answer (``responses=FILE_RESPONSES``): a file, not JSON.
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the file, streamed (Content-Disposition: attachment; filename=...)",
        "content": {MEDIA_TYPES[ExportFormat.JSONL].split(";")[0]: {}, MEDIA_TYPES[ExportFormat.CSV].split(";")[0]: {}},
    }
}


def export_scope(principal: Principal, agency_id: str | None) -> str | None:
    """The agency an export covers, None for every agency: the province admin reads every agency
    (or the one named); HR reads their own agency only; nobody else exports."""
    if principal.has(Role.PROVINCE_ADMIN):
        return agency_id
    if principal.has(Role.HR):
        if agency_id is not None and agency_id != principal.agency:
            raise NotPermitted("HR exports their own agency only")
        return principal.agency
    raise NotPermitted("exports are for HR (their agency) and the province admin (every agency)")


@dataclass(frozen=True)
class Export:
    """What a use case answers: the file's name and type, and its content in chunks (one page
    each), read from the database only while the client reads the answer."""

    filename: str
    media_type: str
    chunks: AsyncIterator[bytes]


def jsonl(records: Iterable[dict[str, Any]]) -> bytes:
    """Records as JSON Lines (non-ASCII kept as UTF-8, not escaped)."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records).encode()


def csv_lines(rows: Iterable[Sequence[str]], *, header: Sequence[str] | None = None, bom: bool = False) -> bytes:
    """Rows as CSV (RFC 4180: quoted where needed, ``\\r\\n``); ``header`` first, with the
    byte-order mark before it when ``bom``."""
    out = io.StringIO()
    if header is not None and bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def content_disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'
