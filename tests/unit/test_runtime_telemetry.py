"""kinerja_runtime.telemetry without a broker or a database: when traces are on (the OTEL_*
variables, one rule), what a service installs, and how the context goes into an outbox row's
headers, out through the relay and on through a consumer's span per event (ADR 0014)."""

from datetime import UTC, datetime

import pytest
from faststream.opentelemetry import TelemetryMiddleware
from kinerja_contracts import CloudEventAttributes, EmployeePeriodClosed
from kinerja_runtime import telemetry
from kinerja_runtime.messaging import Delivered, Envelope, _Record
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

NIP = "197801012005011001"


@pytest.mark.parametrize(
    ("environ", "on"),
    [
        ({}, False),
        ({"OTEL_SERVICE_NAME": "target-service"}, False),
        ({"OTEL_TRACES_EXPORTER": "none"}, False),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "console,otlp"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_TRACES_EXPORTER": "none"}, False),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, False),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "false"}, True),
    ],
)
def test_traces_are_on_only_when_the_environment_names_an_exporter_or_an_endpoint(environ, on):
    assert telemetry.wanted(environ) is on
    assert (telemetry.from_environment("target-service", environ) is not telemetry.OFF) is on


def test_an_exporter_or_protocol_the_service_cannot_use_is_named_at_start():
    with pytest.raises(ValueError, match="OTEL_TRACES_EXPORTER names 'zipkin'"):
        telemetry.from_environment("target-service", {"OTEL_TRACES_EXPORTER": "zipkin"})
    with pytest.raises(ValueError, match="set it to http/protobuf"):
        telemetry.from_environment(
            "target-service", {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
        )


def test_with_no_exporter_configured_a_service_installs_nothing(monkeypatch, tmp_path):
    from kinerja_runtime.settings import ServiceSettings
    from target_service.main import create_app

    for name in ("OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(
        ServiceSettings(service_name="target-service", database_url=f"sqlite+aiosqlite:///{tmp_path}/target.db")
    )
    runtime = app.state.runtime
    assert runtime.tracing is telemetry.OFF
    assert runtime.uows().tracing is telemetry.OFF and runtime.consumer.tracing is telemetry.OFF
    assert not [m for m in runtime.broker.middlewares if isinstance(m, TelemetryMiddleware)]
    assert not [m for m in app.user_middleware if "opentelemetry" in m.cls.__module__]
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)
    # The relay hands records to the broker's publisher itself, not through a tracing wrapper.
    assert runtime.relay._publish.__qualname__ == "broker_publisher.<locals>.publish"


@pytest.fixture
def tracing():
    exporter = InMemorySpanExporter()
    on = telemetry.Tracing("target-service", [SimpleSpanProcessor(exporter)])
    on.exported = exporter
    return on


def ids(context) -> tuple[int, int]:
    """A span context's trace and span ids (whether it was read from headers aside)."""
    return context.trace_id, context.span_id


def traceparent_of(span) -> str:
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def test_an_outbox_row_keeps_the_current_spans_context_as_the_cloudevents_extension(tracing):
    assert tracing.headers() is None, "no span, nothing to keep"
    assert telemetry.OFF.headers() is None
    with tracing.tracer.start_as_current_span("POST /periods/{period_id}/close", kind=SpanKind.SERVER) as span:
        headers = tracing.headers()
    assert headers == {telemetry.TRACEPARENT: traceparent_of(span)}
    extracted = trace.get_current_span(telemetry.context_of(headers)).get_span_context()
    assert ids(extracted) == ids(span.get_span_context())
    assert telemetry.context_of({telemetry.TRACEPARENT: "not-a-traceparent"}) is None
    assert telemetry.context_of({}) is None


async def test_the_relay_publishes_each_row_in_the_trace_the_row_carries(tracing):
    seen = []

    async def publish(topic, key, payload, headers):
        seen.append((ids(trace.get_current_span().get_span_context()), dict(headers)))

    with tracing.tracer.start_as_current_span("use case", kind=SpanKind.SERVER) as span:
        row_headers = {"ce_id": "x", **tracing.headers()}
    relaying = tracing.relaying(publish)
    await relaying("kinerja.targets", NIP.encode(), b"{}", row_headers)
    await relaying("kinerja.targets", NIP.encode(), b"{}", {"ce_id": "y"})
    assert seen[0] == (ids(span.get_span_context()), row_headers), "sent as stored, under the row's context"
    assert seen[1] == ((0, 0), {"ce_id": "y"}), "a row with no context: none"
    assert telemetry.OFF.relaying(publish) is publish


def closed_record(headers: dict[str, str], offset: int = 7) -> _Record:
    event = EmployeePeriodClosed(
        agency_id="dinas-a",
        period_id="2025",
        year=2025,
        nip=NIP,
        closed_at=datetime(2026, 1, 2, tzinfo=UTC),
        skp_id=None,
        skp_version=None,
        realization_count=0,
    )
    attributes = CloudEventAttributes.for_event(event, "/kinerja/target-service")
    envelope = Envelope(attributes, event.topic, 3, offset, event.key())
    return _Record(None, {**attributes.to_headers(), **headers}, Delivered(event, envelope))


def test_a_consumer_applies_each_event_in_a_span_of_the_trace_it_carries(tracing):
    with tracing.tracer.start_as_current_span("POST /periods/{period_id}/close", kind=SpanKind.SERVER) as close:
        carried = tracing.headers()
    traced, untraced = closed_record(carried), closed_record({}, offset=8)
    with tracing.tracer.start_as_current_span("kinerja.targets process", kind=SpanKind.CONSUMER) as batch:
        with tracing.applying("appraisal-service", [traced, untraced]):
            # A handler's events continue the trace of the event that caused them.
            caused = tracing.headers_for(traced.delivered.event_id)
            with traced.delivered.causing():
                current = trace.get_current_span()
            assert tracing.headers() == telemetry.headers_of_span(batch), "outside causing(): the batch's"
    applied = {
        s.attributes["messaging.kafka.message.offset"]: s
        for s in tracing.exported.get_finished_spans()
        if s.name.startswith("apply ")
    }
    span = applied[7]
    assert span.name == "apply kinerja.target.EmployeePeriodClosed.v1" and span.kind is SpanKind.CONSUMER
    assert span.context.trace_id == close.get_span_context().trace_id
    assert span.parent.span_id == close.get_span_context().span_id
    assert [link.context.span_id for link in span.links] == [batch.get_span_context().span_id]
    assert caused == {telemetry.TRACEPARENT: traceparent_of(current)} and current.get_span_context() == span.context
    assert applied[8].parent.span_id == batch.get_span_context().span_id, "no context carried: the batch's child"
    assert dict(span.attributes) == {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": "kinerja.targets",
        "messaging.destination.partition.id": "3",
        "messaging.kafka.message.offset": 7,
        "messaging.consumer.group.name": "appraisal-service",
        "messaging.message.id": traced.delivered.event_id,
        "cloudevents.event_id": traced.delivered.event_id,
        "cloudevents.event_type": "kinerja.target.EmployeePeriodClosed.v1",
        "cloudevents.event_source": "/kinerja/target-service",
        "kinerja.agency": "dinas-a",
    }


def test_a_failed_batch_marks_its_events_spans_with_the_error_class_only(tracing):
    with pytest.raises(RuntimeError):
        with tracing.applying("appraisal-service", [closed_record({})]):
            raise RuntimeError(f"employee {NIP} not found")
    (span,) = tracing.exported.get_finished_spans()
    assert (span.status.status_code.name, span.status.description) == ("ERROR", "RuntimeError")
    assert not span.events


def test_only_a_request_or_a_consumed_batch_starts_a_trace(tracing):
    with tracing.tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT) as orphan:
        assert not orphan.is_recording(), "the relay's polling and the probes' queries make no trace"
    with tracing.tracer.start_as_current_span("kinerja.targets publish", kind=SpanKind.PRODUCER) as orphan:
        assert not orphan.is_recording()
    with tracing.tracer.start_as_current_span("GET /skp", kind=SpanKind.SERVER) as request:
        assert request.is_recording()
        with tracing.tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT) as statement:
            assert statement.is_recording()


def test_the_brokers_spans_do_not_carry_the_record_key(tracing):
    from faststream.kafka.response import KafkaPublishCommand

    (middleware,) = tracing.broker_middlewares()
    provider = telemetry._keyless(None)
    command = KafkaPublishCommand(b"{}", topic="kinerja.targets", key=NIP.encode(), _publish_type=None)
    attributes = provider.get_publish_attrs_from_cmd(command)
    assert attributes["messaging.destination.name"] == "kinerja.targets"
    assert NIP.encode() not in attributes.values()
    assert isinstance(middleware, TelemetryMiddleware)


def text_of(span) -> str:
    """Everything a span exports that could quote a value: its events and its status."""
    events = [f"{e.name} {dict(e.attributes or {})}" for e in span.events]
    return " ".join([*events, str(span.status.description)])


async def test_a_failed_request_and_a_failed_statement_keep_their_error_class_only(tracing, tmp_path):
    import httpx
    from fastapi import FastAPI
    from kinerja_runtime.db import create_engine
    from sqlalchemy import text

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/t.db", 1)
    app = FastAPI()

    @app.get("/employees/{nip}")
    async def failing(nip: str) -> None:
        async with engine.connect() as connection:
            try:  # the database's error text names the value it was given
                await connection.execute(text(f'SELECT * FROM "{nip}"'))
            except Exception:
                pass
        raise LookupError(f"no employee {nip}")

    tracing.instrument(app, engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get(f"/employees/{NIP}")).status_code == 500
    await engine.dispose()

    spans = tracing.exported.get_finished_spans()
    request = next(s for s in spans if s.kind is SpanKind.SERVER)
    statement = next(s for s in spans if s.kind is SpanKind.CLIENT)
    assert request.status.status_code.name == "ERROR" and request.status.description in (None, "LookupError")
    [raised] = [e for e in request.events if e.name == "exception"]
    assert raised.attributes["exception.type"] == "LookupError"
    assert "exception.message" not in raised.attributes and "exception.stacktrace" not in raised.attributes
    assert (statement.status.status_code.name, statement.status.description) == ("ERROR", "OperationalError")
    assert not [s.name for s in spans if NIP in text_of(s)]
