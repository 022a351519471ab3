"""Errors described without the values they carry (UU 27/2022 on personal data protection).

An exception's message may hold personal data: PostgreSQL's ``DETAIL: Key (nip)=(1985...)``,
asyncpg's ``invalid input for query argument $1: '1985...'``, a pydantic error's ``input``, a
handler's ``f"no employee {nip}"``. Logs, dead-letter headers and parked reasons therefore never
show ``str(exc)``: they show :func:`describe`, which keeps what helps an operator (the error's
class, where it was raised, the SQLSTATE and constraint, the fields and error types of a failed
validation) and drops every value. :func:`format_exception` is a traceback built the same way;
the log set-up uses it for every logged exception, structlog's and the standard library's.
"""

import sys
import traceback
from pathlib import Path

from aiokafka.errors import KafkaError
from kinerja_contracts import EventTooLarge, InvalidCloudEvent, UnknownEventType
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

MAX_ERRORS_LISTED = 10


class SafeMessage(Exception):
    """An error whose message is built from names and kinds only, never a value: shown whole."""


# Messages known to hold no personal data: CloudEvents header problems, contract names and
# sizes, the broker's refusals (topics, sizes, codes).
_SAFE = (SafeMessage, InvalidCloudEvent, UnknownEventType, EventTooLarge, KafkaError)


def describe(exc: BaseException) -> str:
    """``exc``'s class and what can be said about it without any value it carried; its direct
    cause too, when there is one."""
    text = _describe_one(exc)
    cause = exc.__cause__
    if cause is not None and not isinstance(exc, (*_SAFE, DBAPIError)):
        text += f" (caused by {_describe_one(cause)})"
    return text


def _describe_one(exc: BaseException) -> str:
    name = type(exc).__name__
    if isinstance(exc, _SAFE):
        return f"{name}: {exc}"
    if isinstance(exc, ValidationError):
        return f"{name}: {validation_summary(exc)}"
    if isinstance(exc, DBAPIError):
        return f"{name}: {_sql_diagnostics(exc)}"
    if isinstance(exc, BaseExceptionGroup):
        return f"{name} of {len(exc.exceptions)}: " + "; ".join(_describe_one(e) for e in exc.exceptions[:3])
    return f"{name} at {_where(exc)}" if exc.__traceback__ is not None else name


def validation_summary(exc: ValidationError) -> str:
    """Each failing field and its error type (``nip: string_pattern_mismatch``), never the input."""
    errors = exc.errors(include_input=False, include_url=False, include_context=False)
    listed = [f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['type']}" for e in errors[:MAX_ERRORS_LISTED]]
    more = len(errors) - len(listed)
    return "; ".join(listed) + (f"; and {more} more" if more > 0 else "")


def _sql_diagnostics(exc: DBAPIError) -> str:
    """The driver's error class with PostgreSQL's structured fields (SQLSTATE, constraint, table,
    column), never its message or DETAIL, which quote values; SQLite's messages name schema
    objects only and are kept."""
    orig = exc.orig
    if orig is None:
        return "no driver error"
    source = orig.__cause__ if orig.__cause__ is not None else orig  # asyncpg's own, under SQLAlchemy's adapter
    parts = [type(source).__name__]
    if type(orig).__module__.startswith("sqlite3"):
        parts.append(str(orig).splitlines()[0] if str(orig) else "")
    for label, attribute in (
        ("sqlstate", "sqlstate"),
        ("constraint", "constraint_name"),
        ("table", "table_name"),
        ("column", "column_name"),
    ):
        value = getattr(source, attribute, None) or getattr(orig, attribute, None)
        if value:
            parts.append(f"{label} {value}")
    return ", ".join(p for p in parts if p)


def _where(exc: BaseException) -> str:
    """The innermost frame: file, line and function; enough to find the code, no values."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown place"
    frame = frames[-1]
    path = Path(frame.filename)
    return f"{path.parent.name}/{path.name}:{frame.lineno} in {frame.name}"


def format_exception(exc: BaseException) -> str:
    """A traceback as Python prints it (frames, code lines, the chain of causes) with each
    exception's message replaced by :func:`describe`'s text."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "The above exception was the direct cause of the following exception:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "During handling of the above exception, another exception occurred:"
        else:
            current = None
    lines: list[str] = []
    for error, following in reversed(chain):
        lines.append("Traceback (most recent call last):\n")
        lines += traceback.format_list(traceback.extract_tb(error.__traceback__))
        lines.append(_describe_one(error) + "\n")
        if following:
            lines.append(f"\n{following}\n\n")
    return "".join(lines).rstrip("\n")


def safe_exc_info(_logger, _name, event_dict: dict) -> dict:
    """structlog processor in place of ``format_exc_info``: the ``exception`` field holds
    :func:`format_exception`'s text."""
    exc_info = event_dict.pop("exc_info", None)
    exc = _exception_of(exc_info)
    if exc is not None:
        event_dict["exception"] = format_exception(exc)
    return event_dict


def _exception_of(exc_info) -> BaseException | None:
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple):
        return exc_info[1]
    if exc_info:
        return sys.exc_info()[1]
    return None
