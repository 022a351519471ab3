"""Reading an uploaded CSV body: the right media type, bounded in size, UTF-8 text."""

from fastapi import Request

from kinerja_runtime.refusals import InvalidInput, TooLarge, UnsupportedFormat

CSV_REQUEST_BODY = {"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}}


async def read_csv_body(request: Request, max_bytes: int, what: str) -> str:
    """The body as text; stops reading (413) as soon as it passes ``max_bytes``. Declare the same
    ``max_body_size`` on the route: the runtime's body limit (1 MiB unless the route says
    otherwise) refuses a larger body before this is reached."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "text/csv":
        raise UnsupportedFormat(f"send the {what} with Content-Type: text/csv")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise TooLarge(f"a {what} CSV may be at most {max_bytes} bytes")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the CSV must be UTF-8 text") from exc
