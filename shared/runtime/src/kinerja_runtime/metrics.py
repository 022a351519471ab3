"""Prometheus metrics shared by the runtime parts."""

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter("kinerja_http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("kinerja_http_request_seconds", "HTTP request latency", ["method", "route"])
EVENTS_CONSUMED = Counter(
    "kinerja_events_consumed_total", "Events handled by consumers", ["consumer", "event_type", "outcome"]
)
OUTBOX_PUBLISHED = Counter("kinerja_outbox_published_total", "Outbox rows published to the broker")
OUTBOX_PARKED = Counter(
    "kinerja_outbox_parked_total", "Outbox rows the broker refused, parked for an operator", ["topic", "error"]
)
OUTBOX_PUBLISH_FAILURES = Counter(
    "kinerja_outbox_publish_failures_total", "Relay batches stopped by a retriable publish failure", ["error"]
)
DEAD_LETTERED = Counter("kinerja_dead_lettered_total", "Events sent to the dead-letter topic", ["consumer"])
