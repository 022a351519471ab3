"""Uploaded bodies (a CSV, or a table as CSV or .xlsx) read bounded, and spreadsheets sent back."""

from collections.abc import Collection

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from kinerja_runtime.refusals import InvalidInput, TooLarge, UnsupportedFormat
from kinerja_runtime.spreadsheets import CSV, XLSX, Table, csv_table, xlsx_table

CSV_REQUEST_BODY = {"requestBody": {"required": True, "content": {CSV: {"schema": {"type": "string"}}}}}
TABLE_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            CSV: {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
XLSX_RESPONSES: dict[int | str, dict] = {
    200: {"description": "an Excel workbook", "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}
}


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _body(request: Request, max_bytes: int, what: str, kind: str) -> bytes:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise TooLarge(f"a {what} {kind} may be at most {max_bytes} bytes")
    return bytes(body)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the CSV must be UTF-8 text") from exc


async def read_csv_body(request: Request, max_bytes: int, what: str) -> str:
    """The body as text; stops reading (413) as soon as it passes ``max_bytes``. Declare the same
    ``max_body_size`` on the route: the runtime's body limit (1 MiB unless the route says
    otherwise) refuses a larger body before this is reached."""
    if _media_type(request) != CSV:
        raise UnsupportedFormat(f"send the {what} with Content-Type: text/csv")
    return _utf8(await _body(request, max_bytes, what, "CSV"))


async def read_table_body(
    request: Request, max_bytes: int, what: str, *, max_rows: int, rows_are: str, text_columns: Collection[str] = ()
) -> Table:
    """A table sent as CSV (``text/csv``, comma or semicolon) or as an Excel workbook (the .xlsx
    media type; its first sheet), bounded like :func:`read_csv_body`; see
    :mod:`kinerja_runtime.spreadsheets` for what each reader refuses."""
    kind = _media_type(request)
    if kind == CSV:
        return csv_table(_utf8(await _body(request, max_bytes, what, "CSV")), max_rows, rows_are=rows_are)
    if kind == XLSX:
        data = await _body(request, max_bytes, what, "workbook")
        # Parsing a workbook takes a while: off the event loop.
        return await run_in_threadpool(xlsx_table, data, max_rows, text_columns=text_columns, rows_are=rows_are)
    raise UnsupportedFormat(
        f"send the {what} as CSV (Content-Type: {CSV}) or as an Excel workbook (Content-Type: {XLSX})"
    )


def xlsx_response(data: bytes, filename: str) -> Response:
    """A workbook to download, as ``filename``."""
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
