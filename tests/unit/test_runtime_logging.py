"""Every log line is JSON with the same fields, whichever library wrote it: the standard
library's loggers (uvicorn, alembic, aiokafka) go through structlog's renderer."""

import logging

import structlog

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


def test_a_logger_used_before_the_level_changed_follows_the_new_level(log_lines):
    logger = structlog.get_logger("kinerja_runtime.http.access")
    quiet = log_lines("target-service", "WARNING")
    logger.info("request", route="/skp")  # also caches the logger under WARNING
    assert quiet() == []
    loud = log_lines("target-service", "INFO")
    logger.info("request", route="/skp")
    [line] = loud()
    assert line["route"] == "/skp"
