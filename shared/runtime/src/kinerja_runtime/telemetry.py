"""Traces (OpenTelemetry) from an HTTP request through the outbox, the broker and every consumer
that reacts. See docs/adr/0014-traces-through-the-outbox.md.

**Off unless the environment asks** (:func:`wanted`, the one rule): ``OTEL_TRACES_EXPORTER``
naming an exporter, or ``OTEL_EXPORTER_OTLP_ENDPOINT`` / ``..._TRACES_ENDPOINT`` set, and
``OTEL_SDK_DISABLED`` not ``true``. The embedded mode (``make run``, the tests) sets none of them,
so nothing is installed: the service gets :data:`OFF`, the relay's publisher and the broker stay
as they are, and the outbox and the consumer pay one attribute check per statement or batch.

**The context travels with the event.** When a use case writes an outbox row, the current span's
W3C context goes into the row's headers as the CloudEvents distributed-tracing extension
(``ce_traceparent``, ``ce_tracestate``), so the relay sends the context of the request that made
the event whenever it runs, and a consumer continues it: one span per applied event, the child
of that context. A handler's own events carry its event's span, so the chain goes on across
services.

Span attributes name events, topics, partitions, offsets and agencies; never a record key (an
employee's NIP), a request's path values or body, or the caller's address. An error is kept as its
class only (:class:`_Redacting`): the instrumentations record a raised exception's message and
traceback, and a database error's text (``Key (nip)=(...) already exists``), which may quote a
value of the request or the event.
"""

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, Protocol

from faststream.kafka.opentelemetry.provider import telemetry_attributes_provider_factory
from faststream.opentelemetry import TelemetryMiddleware
from kinerja_contracts.cloudevents import H_TRACEPARENT, H_TRACESTATE
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import OTELResourceDetector, Resource
from opentelemetry.sdk.trace import Event as SpanEvent
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from sqlalchemy import event

# The CloudEvents distributed-tracing extension as Kafka headers (binary mode: ``ce_`` + name).
TRACEPARENT, TRACESTATE = H_TRACEPARENT, H_TRACESTATE

_W3C = TraceContextTextMapPropagator()
# The spans of the events a consumer is applying in this task: event id -> span.
_applying: ContextVar[Mapping[str, Span] | None] = ContextVar("applying", default=None)

# Neither traced nor kept on spans: probes and scrapes are not traffic.
UNTRACED_URLS = r"/health/live$,/health/ready$,/metrics$"
# Request attributes that carry a path's values (NIPs), the query, or who called from where.
_URL_ATTRIBUTES = ("http.target", "http.url", "url.path", "url.full", "url.query")
_CALLER_ATTRIBUTES = ("net.peer.ip", "client.address", "http.client_ip", "http.user_agent", "user_agent.original")
_RECORD_KEY = "messaging.kafka.message.key"
_ERROR_TYPE = "error.type"  # the semantic conventions' name for an error's class
_ERROR_TEXT = ("exception.message", "exception.stacktrace")


def wanted(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this process exports traces: the one place that decides (see the module doc)."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    return bool(_exporter_names(environ))


def _exporter_names(environ: Mapping[str, str]) -> list[str]:
    named = [n.strip().lower() for n in environ.get("OTEL_TRACES_EXPORTER", "").split(",") if n.strip()]
    if named:
        return [n for n in named if n != "none"]
    endpoint = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    return ["otlp"] if endpoint else []


def _otlp(environ: Mapping[str, str]) -> SpanExporter:
    protocol = (
        environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    )
    if protocol.strip().lower() != "http/protobuf":
        raise ValueError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol} is not supported: set it to http/protobuf "
            "(the collector's OTLP/HTTP port, usually 4318)"
        )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return OTLPSpanExporter()  # endpoint, headers, timeout, compression: the OTEL_EXPORTER_OTLP_* variables


EXPORTERS: dict[str, Callable[[Mapping[str, str]], SpanExporter]] = {
    "otlp": _otlp,
    "otlp_proto_http": _otlp,
    "console": lambda _environ: ConsoleSpanExporter(),
}
"""The exporters ``OTEL_TRACES_EXPORTER`` may name (a comma-separated list), by name."""


def from_environment(service_name: str, environ: Mapping[str, str] = os.environ) -> "Tracing | Off":
    """The service's tracing as the environment sets it: :data:`OFF` unless :func:`wanted`."""
    if not wanted(environ):
        return OFF
    exporters = []
    for name in _exporter_names(environ):
        if name not in EXPORTERS:
            raise ValueError(f"OTEL_TRACES_EXPORTER names {name!r}; this service knows {', '.join(sorted(EXPORTERS))}")
        exporters.append(EXPORTERS[name](environ))
    return Tracing(service_name, [BatchSpanProcessor(e) for e in exporters])


class _StartsAtARequestOrAnEvent(Sampler):
    """A trace starts at an HTTP request or a consumed batch. A span with no parent of any other
    kind (the relay's and background jobs' statements, a readiness probe's query) is dropped, so
    housekeeping does not make a one-span trace every half second; the rest is left to the sampler
    the environment chose (``OTEL_TRACES_SAMPLER``)."""

    def __init__(self, configured: Sampler):
        self._configured = configured

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None, trace_state=None):
        orphan = not trace.get_current_span(parent_context).get_span_context().is_valid
        if orphan and kind not in (SpanKind.SERVER, SpanKind.CONSUMER):
            return SamplingResult(Decision.DROP)
        return self._configured.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"StartsAtARequestOrAnEvent{{{self._configured.get_description()}}}"


class Applied(Protocol):
    """What the consumer hands :meth:`Tracing.applying`: a record's headers and where it came from."""

    headers: Mapping[str, str]

    @property
    def delivered(self) -> Any: ...


def headers_of_span(span: Span) -> dict[str, str]:
    """``span``'s context as the extension's headers (empty when it has none)."""
    carrier: dict[str, str] = {}
    _W3C.inject(carrier, trace.set_span_in_context(span))
    headers = {TRACEPARENT: carrier["traceparent"]} if "traceparent" in carrier else {}
    if carrier.get("tracestate"):
        headers[TRACESTATE] = carrier["tracestate"]
    return headers


def context_of(headers: Mapping[str, str] | None) -> otel_context.Context | None:
    """The context an event (or a stored row) carries in the extension's headers, else None."""
    if not headers or not headers.get(TRACEPARENT):
        return None
    carrier = {"traceparent": headers[TRACEPARENT]}
    if headers.get(TRACESTATE):
        carrier["tracestate"] = headers[TRACESTATE]
    extracted = _W3C.extract(carrier)
    return extracted if trace.get_current_span(extracted).get_span_context().is_valid else None


def _event_span(event_id: str) -> Span | None:
    spans = _applying.get()
    return None if spans is None else spans.get(event_id)


def in_span_of(event_id: str):
    """The span applying ``event_id`` made current in the block (nothing when untraced)."""
    span = _event_span(event_id)
    return (
        contextlib.nullcontext()
        if span is None
        else trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False)
    )


def _failed(span: Span, exc: BaseException) -> None:
    # The class only: an exception's message may quote a value of the event or the request.
    span.set_attribute(_ERROR_TYPE, type(exc).__name__)
    span.set_status(Status(StatusCode.ERROR, type(exc).__name__))


class _Redacting(SpanProcessor):
    """Hands ``processor`` (the exporter's) each ended span with its errors as their class only:
    exception events keep ``exception.type`` but not the message or the traceback, and a status
    description becomes the error's class (``error.type``, else the exception's type, else
    "error"). The one place every span passes before it leaves the process."""

    def __init__(self, processor: SpanProcessor):
        self._processor = processor

    def on_start(self, span, parent_context=None) -> None:
        self._processor.on_start(span, parent_context=parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        self._processor.on_end(_redacted(span))

    def shutdown(self) -> None:
        self._processor.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._processor.force_flush(timeout_millis)


def _redacted(span: ReadableSpan) -> ReadableSpan:
    events = [
        SpanEvent(e.name, {k: v for k, v in (e.attributes or {}).items() if k not in _ERROR_TEXT}, e.timestamp)
        for e in span.events
    ]
    status = span.status
    if status.description:
        raised = [e.attributes.get("exception.type") for e in span.events if e.attributes]
        kind = (span.attributes or {}).get(_ERROR_TYPE) or next((t for t in raised if t), None) or "error"
        status = Status(status.status_code, str(kind))
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=span.attributes,
        events=events,
        links=span.links,
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


def _error_type(context) -> None:
    """An engine's failed statement: its span keeps the DBAPI error's class (SQLAlchemy's tracer
    then puts the error's text in the status, which :class:`_Redacting` replaces by it)."""
    span = getattr(context.execution_context, "_otel_span", None)
    if span is not None and span.is_recording():
        span.set_attribute(_ERROR_TYPE, type(context.original_exception).__name__)


class Off:
    """Tracing switched off: every method does nothing and costs one call."""

    on = False

    def headers(self) -> dict[str, str] | None:
        return None

    def headers_for(self, event_id: str) -> dict[str, str] | None:
        return None

    def continued(self, stored: Mapping[str, str] | None, name: str, attributes: Mapping[str, Any] | None = None):
        return contextlib.nullcontext()

    def branches(self, name: str, stored: Iterable[Mapping[str, str] | None], attributes=None):
        return contextlib.nullcontext()

    def applying(self, consumer: str, records: Sequence[Applied]):
        return contextlib.nullcontext()

    def relaying(self, publish):
        return publish

    def broker_middlewares(self) -> tuple:
        return ()

    def instrument(self, app, engine) -> None:
        return None

    def flush(self) -> None:
        return None

    def shutdown(self) -> None:
        return None


OFF = Off()


class Tracing(Off):
    """One service's tracer provider, and what it instruments. A provider per service (not the
    process-wide one) so that services started in one process (the integration tests) each
    name themselves in their spans."""

    on = True

    def __init__(self, service_name: str, processors: Sequence[SpanProcessor]):
        # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the service's own name.
        resource = Resource.create({"service.name": service_name}).merge(OTELResourceDetector().detect())
        self.provider = TracerProvider(resource=resource, shutdown_on_exit=False)
        # Before any tracer exists: each takes the provider's sampler when it is made.
        self.provider.sampler = _StartsAtARequestOrAnEvent(self.provider.sampler)
        for processor in processors:
            self.provider.add_span_processor(_Redacting(processor))
        self.tracer = self.provider.get_tracer("kinerja_runtime")

    # --- what a use case stores with its events ------------------------------------------

    def headers(self) -> dict[str, str] | None:
        """The current span's context as headers for an outbox row (None without a span)."""
        return headers_of_span(trace.get_current_span()) or None

    def headers_for(self, event_id: str) -> dict[str, str] | None:
        """The context of the span applying ``event_id`` in this task (its effects' events
        carry it), else the current span's."""
        span = _event_span(event_id)
        return headers_of_span(span) if span is not None else self.headers()

    # --- work that resumes a stored context ---------------------------------------------

    @contextlib.contextmanager
    def continued(
        self, stored: Mapping[str, str] | None, name: str, attributes: Mapping[str, Any] | None = None
    ) -> Iterator[None]:
        """A span, current in the block, that continues ``stored`` (a context kept with a row:
        the trace of what started this work) and links to the current span (whoever moved it on
        now, e.g. a person's request). Without a stored context it is a child of the current span."""
        parent = context_of(stored)
        current = trace.get_current_span().get_span_context()
        links = [Link(current)] if parent is not None and current.is_valid else None
        span = self.tracer.start_span(name, context=parent, links=links, attributes=attributes)
        try:
            with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
                yield
        except BaseException as exc:
            _failed(span, exc)
            raise
        finally:
            span.end()

    @contextlib.contextmanager
    def branches(
        self, name: str, stored: Iterable[Mapping[str, str] | None], attributes: Mapping[str, Any] | None = None
    ) -> Iterator[None]:
        """One span per stored context, for a batch that settles many traces' work at once (the
        appraisal queue); not current, as the batch's statements serve all of them."""
        spans = [
            self.tracer.start_span(name, context=parent, attributes=attributes)
            for parent in (context_of(s) for s in stored)
            if parent is not None
        ]
        try:
            yield
        except BaseException as exc:
            for span in spans:
                _failed(span, exc)
            raise
        finally:
            for span in spans:
                span.end()

    # --- the consumer ----------------------------------------------------------------------

    @contextlib.contextmanager
    def applying(self, consumer: str, records: Sequence[Applied]) -> Iterator[None]:
        """A span per event applied in this block (the transaction that applies a batch), the
        child of the context the event carries.

        Per event, not per batch: a batch holds events of many traces, and a span has one parent.
        FastStream's span of the batch (its own trace, linking to each record's transport
        context, parent of the batch's statements) cannot carry the chain on; each event's span
        does, so one period close reads as one trace from target-service to training-service.
        Each event's span links to the batch's."""
        batch = trace.get_current_span().get_span_context()
        links = [Link(batch)] if batch.is_valid else None
        spans: dict[str, Span] = {}
        for record in records:
            envelope = record.delivered.envelope
            event = envelope.attributes
            attributes = {
                "messaging.system": "kafka",
                "messaging.operation.type": "process",
                "messaging.destination.name": envelope.topic,
                "messaging.destination.partition.id": str(envelope.partition),
                "messaging.kafka.message.offset": envelope.offset,
                "messaging.consumer.group.name": consumer,
                "messaging.message.id": event.id,
                "cloudevents.event_id": event.id,
                "cloudevents.event_type": event.type,
                "cloudevents.event_source": event.source,
            }
            if event.agency:
                attributes["kinerja.agency"] = event.agency
            spans[event.id] = self.tracer.start_span(
                f"apply {event.type}",
                context=context_of(record.headers),  # no context: the batch's span is the parent
                kind=SpanKind.CONSUMER,
                links=links,
                attributes=attributes,
            )
        token = _applying.set(spans)
        try:
            yield
        except BaseException as exc:
            for span in spans.values():
                _failed(span, exc)
            raise
        finally:
            _applying.reset(token)
            for span in spans.values():
                span.end()

    # --- the relay -------------------------------------------------------------------------

    def relaying(self, publish):
        """``publish`` under the context each outbox row carries, so the broker's publish span
        (FastStream's) sits in the trace of the request that made the event, not the relay's."""

        async def publish_in_its_trace(topic: str, key: bytes, payload: bytes, headers: dict[str, str]):
            parent = context_of(headers)
            if parent is None:
                return await publish(topic, key, payload, headers)
            token = otel_context.attach(parent)
            try:
                return await publish(topic, key, payload, headers)
            finally:
                otel_context.detach(token)

        return publish_in_its_trace

    def broker_middlewares(self) -> tuple:
        """FastStream's telemetry middleware: a span per consumed batch (the parent of its
        statements) and per publish, and the W3C ``traceparent`` transport header."""
        return (TelemetryMiddleware(settings_provider_factory=_keyless, tracer_provider=self.provider),)

    # --- HTTP and SQL ----------------------------------------------------------------------

    def instrument(self, app, engine) -> None:
        """Spans for the app's requests (not probes or scrapes) and the engine's statements."""
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=self.provider,
            excluded_urls=UNTRACED_URLS,
            exclude_spans=["receive", "send"],
            server_request_hook=_without_personal_data,
        )
        # The engine's tracer directly: SQLAlchemyInstrumentor is one per process and would also
        # wrap every engine the process makes, with the first service's provider.
        # Before the tracer's own error listener, which ends the span (listeners run in the order
        # they were added; ``insert=True`` is not kept for this dialect-level event).
        event.listen(engine.sync_engine, "handle_error", _error_type)
        EngineTracer(self.tracer, engine.sync_engine, _NO_METER_COUNTER)

    def flush(self) -> None:
        self.provider.force_flush()

    def shutdown(self) -> None:
        self.provider.shutdown()


class _NoCounter:
    """EngineTracer's connection-usage counter: metrics are Prometheus's here (kinerja_runtime.metrics)."""

    def add(self, *_args, **_kwargs) -> None:
        return None


_NO_METER_COUNTER = _NoCounter()


def _without_personal_data(span: Span, scope: dict) -> None:
    """The request span's URL becomes its route's template (``/appraisals/{appraisal_id}``, as
    the instrumentation found it for the span's name), and who called from where is not kept: a
    path's values and a query can name an employee."""
    if not span.is_recording():
        return
    present = getattr(span, "attributes", None) or {}
    route = str(present.get("http.route") or "unmatched")
    for name in _URL_ATTRIBUTES:
        if name in present:
            span.set_attribute(name, route)
    for name in _CALLER_ATTRIBUTES:
        if name in present:
            span.set_attribute(name, "")


class _Keyless:
    """FastStream's Kafka span attributes without the record key: ours is an employee's NIP."""

    def __init__(self, provider):
        self._provider = provider
        self.messaging_system = provider.messaging_system

    def get_consume_attrs_from_message(self, msg) -> dict[str, Any]:
        return _drop_key(self._provider.get_consume_attrs_from_message(msg))

    def get_consume_destination_name(self, msg) -> str:
        return self._provider.get_consume_destination_name(msg)

    def get_publish_attrs_from_cmd(self, cmd) -> dict[str, Any]:
        return _drop_key(self._provider.get_publish_attrs_from_cmd(cmd))

    def get_publish_destination_name(self, cmd) -> str:
        return self._provider.get_publish_destination_name(cmd)


def _drop_key(attributes: dict[str, Any]) -> dict[str, Any]:
    attributes.pop(_RECORD_KEY, None)
    return attributes


def _keyless(msg) -> _Keyless:
    return _Keyless(telemetry_attributes_provider_factory(msg))
