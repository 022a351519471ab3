"""Errors are described without the values they carry: a handler's message, a pydantic error's
input and a traceback's messages never reach a log or a dead-letter header (UU 27/2022)."""

import json
import logging

import pytest
import structlog
from kinerja_contracts import EmployeeRegistered, decode
from kinerja_runtime.redaction import describe, format_exception, safe_exc_info
from pydantic import ValidationError

NIP = "198503122010011002"
NAME = "Siti Rahmawati"


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def _handler_error() -> ValueError:
    def apply_employee():
        raise ValueError(f"employee {NIP} ({NAME}) refused")

    try:
        apply_employee()
    except ValueError as exc:
        return exc
    raise AssertionError("unreachable")


def test_an_unknown_error_is_described_by_its_class_and_where_it_was_raised_not_its_message():
    described = describe(_handler_error())
    assert described.startswith("ValueError at unit/test_runtime_redaction.py:")
    assert "in apply_employee" in described
    assert NIP not in described and NAME not in described


def test_a_validation_error_keeps_field_locations_and_error_types_not_the_input():
    data = json.dumps({"agency_id": "dinkes", "nip": f"{NIP}x", "position": NAME, "unit": "Umum"})
    with pytest.raises(ValidationError) as caught:
        decode(EmployeeRegistered.event_type, data)
    described = describe(caught.value)
    assert "nip: string_pattern_mismatch" in described and "name: missing" in described
    assert NIP not in described and NAME not in described


def test_the_cause_is_described_the_same_way():
    try:
        try:
            raise KeyError(NIP)
        except KeyError as inner:
            raise RuntimeError(f"lookup of {NIP} failed") from inner
    except RuntimeError as exc:
        described = describe(exc)
    assert "RuntimeError at" in described and "caused by KeyError at" in described
    assert NIP not in described


def test_a_traceback_keeps_its_frames_and_drops_every_message():
    try:
        try:
            raise LookupError(f"no appraiser {NIP}")
        except LookupError:
            raise _handler_error()  # noqa: B904 - the implicit context is what is shown
    except ValueError as exc:
        text = format_exception(exc)
    assert "During handling of the above exception, another exception occurred:" in text
    assert "in apply_employee" in text and "LookupError at" in text and "ValueError at" in text
    assert NIP not in text and NAME not in text


def test_structlog_renders_a_logged_exception_without_its_message(log_lines):
    lines = log_lines("test-service")
    logger = structlog.get_logger("redaction-test")
    try:
        raise _handler_error()
    except ValueError:
        logger.exception("event handling failed")
    logger.warning("event handling failed", error=describe(_handler_error()))
    first, second = lines()
    assert "in apply_employee" in first["exception"] and "Traceback" in first["exception"]
    assert all(NIP not in json.dumps(line) and NAME not in json.dumps(line) for line in (first, second))


def test_a_standard_library_log_record_gets_the_safe_traceback(log_lines):
    lines = log_lines("test-service")
    exc = _handler_error()
    logging.getLogger("uvicorn.error").error("Exception in ASGI application", exc_info=exc)
    [line] = lines()
    assert line["event"] == "Exception in ASGI application" and "in apply_employee" in line["exception"]
    assert NIP not in json.dumps(line) and NAME not in json.dumps(line)


def test_the_processor_takes_an_exception_instance_too():
    event = safe_exc_info(None, "error", {"event": "x", "exc_info": _handler_error()})
    assert "exc_info" not in event and NIP not in event["exception"]
