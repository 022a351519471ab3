"""Every log line is JSON with the same fields, whichever library wrote it: the standard
library's loggers (uvicorn, alembic, aiokafka) go through structlog's renderer."""

import io
import logging

import structlog
from kinerja_runtime.logging import configure_logging

FIELDS = {"timestamp", "level", "service", "logger", "event"}


def test_the_libraries_lines_are_json_with_our_fields(log_lines):
    lines = log_lines("target-service")
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 4242)
    logging.getLogger("alembic.runtime.migration").info("Running upgrade %s -> %s, outbox", "a1", "b2")
    logging.getLogger("aiokafka.consumer.group_coordinator").warning("Heartbeat failed for group %s", "g")
    structlog.get_logger("kinerja_runtime.messaging").info("batch consumed", records=3)

    uvicorn, alembic, aiokafka, ours = lines()
    for line in (uvicorn, alembic, aiokafka, ours):
        assert FIELDS <= line.keys(), line
        assert line["service"] == "target-service"
    assert (uvicorn["logger"], uvicorn["level"], uvicorn["event"]) == (
        "uvicorn.error",
        "info",
        "Started server process [4242]",
    )
    assert (alembic["logger"], alembic["event"]) == ("alembic.runtime.migration", "Running upgrade a1 -> b2, outbox")
    assert (aiokafka["logger"], aiokafka["level"]) == ("aiokafka.consumer.group_coordinator", "warning")
    assert (ours["logger"], ours["records"]) == ("kinerja_runtime.messaging", 3)


def test_aiokafka_chatter_below_warning_and_lines_below_the_level_are_left_out(log_lines):
    lines = log_lines("feedback-service", "INFO")
    logging.getLogger("aiokafka.consumer.group_coordinator").info("Joined group")
    structlog.get_logger("kinerja_runtime.outbox").debug("relay polled")
    logging.getLogger("uvicorn.error").debug("ASGI lifespan started")
    assert lines() == []


def test_a_logger_used_under_another_set_up_follows_the_new_one(log_lines):
    """Loggers are cached on first use; the level, stream, renderer and service are still read
    when a line is written (a test, or kinerja-admin quieting the service it built)."""
    logger = structlog.get_logger("kinerja_runtime.http.access")
    elsewhere = io.StringIO()
    configure_logging("feedback-service", "WARNING", json=False, stream=elsewhere)
    logger.info("request", route="/skp")  # below the level; the logger is cached now
    logger.warning("slow request", route="/skp")
    assert "slow request" in elsewhere.getvalue() and "{" not in elsewhere.getvalue()
    lines = log_lines("target-service", "INFO")
    logger.info("request", route="/skp")
    [line] = lines()
    assert (line["service"], line["route"], line["level"]) == ("target-service", "/skp", "info")
    assert elsewhere.getvalue().count("\n") == 1, "nothing more went to the old stream"


def test_preserved_gives_back_the_whole_set_up_a_tool_changed():
    import warnings

    from kinerja_runtime.logging import preserved

    logging.captureWarnings(False)
    aiokafka = logging.getLogger("aiokafka")
    aiokafka.setLevel(logging.ERROR)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service="caller", correlation_id="c-1")
    showwarning = warnings.showwarning
    try:
        with preserved():
            configure_logging("feedback-service", "DEBUG", stream=io.StringIO())
        assert structlog.contextvars.get_contextvars() == {"service": "caller", "correlation_id": "c-1"}
        assert aiokafka.level == logging.ERROR
        assert warnings.showwarning is showwarning, "warnings are not captured, as before"
    finally:
        logging.captureWarnings(False)
        aiokafka.setLevel(logging.NOTSET)
        structlog.contextvars.clear_contextvars()


def test_uvicorn_configured_by_its_own_defaults_before_us_still_writes_json(log_lines):
    # uvicorn.Config applies uvicorn's default logging config: its loggers get handlers of their
    # own, a level, and stop propagating (a test server in the same process does this).
    import uvicorn

    uvicorn.Config(lambda scope, receive, send: None, log_level="warning")
    lines = log_lines("target-service")
    logging.getLogger("uvicorn.error").info("Started server process [%d]", 4242)

    [line] = lines()
    assert line["logger"] == "uvicorn.error" and line["service"] == "target-service", line
