"""Prometheus metrics shared by the runtime parts.

No metric carries a ``service`` label: the scrape's ``job`` (one per service) says which service
a sample came from. Every label's values are bounded: routes are templates, event types come
from the catalogue, dead-letter reasons are the classes of :data:`DEAD_LETTER_REASONS`.

Counters and histograms are updated where things happen (per batch, not per event, where the
consumers and the relay can). The gauges that need the database or the broker (the outbox's
backlog, parked rows, the relay lease, consumer lag, the pool) are read when Prometheus scrapes
(:class:`Reading`, filled by ``kinerja_runtime.scrape``), not kept up to date by the hot paths.
"""

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from prometheus_client import REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

HTTP_REQUESTS = Counter(
    "kinerja_http_requests_total", "HTTP requests (probes and scrapes not counted)", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "kinerja_http_request_duration_seconds",
    "HTTP request latency (probes and scrapes not counted)",
    ["method", "route"],
)
EVENTS_CONSUMED = Counter(
    "kinerja_events_consumed_total", "Events handled by consumers", ["consumer", "event_type", "outcome"]
)
# From the event's ce_time to its effect committed: how far behind the world a projection is.
# Wide buckets: an event replayed after an outage may be hours old.
EVENT_AGE = Histogram(
    "kinerja_event_age_at_apply_seconds",
    "Time from an event's ce_time to its effect committed by this service",
    ["event_type"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600),
)
HANDLER_DURATION = Histogram(
    "kinerja_event_handler_duration_seconds",
    "Time one handler call took on one batch's events of a type",
    ["event_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
OUTBOX_PUBLISHED = Counter("kinerja_outbox_published_total", "Outbox rows published to the broker")
OUTBOX_PARKED = Counter(
    "kinerja_outbox_parked_total", "Outbox rows the broker refused, parked for an operator", ["topic", "error"]
)
OUTBOX_PUBLISH_FAILURES = Counter(
    "kinerja_outbox_publish_failures_total", "Relay batches stopped by a retriable publish failure", ["error"]
)


def observe_many(histogram: Histogram, amounts: Sequence[float]) -> None:
    """``amounts`` observed as many ``observe`` calls would, with one update per bucket touched
    instead of one (each behind a lock) per amount: a consumer's batch of events at once. Uses
    the child's bucket layout (``_upper_bounds``, ``_buckets``, ``_sum``; the last bound is
    +Inf), which a unit test holds to ``observe``'s result."""
    per_bucket: dict[int, int] = {}
    for amount in amounts:
        index = bisect_left(histogram._upper_bounds, amount)  # the first bound >= amount
        per_bucket[index] = per_bucket.get(index, 0) + 1
    for index, n in per_bucket.items():
        histogram._buckets[index].inc(n)
    histogram._sum.inc(sum(amounts))


DEAD_LETTER_REASONS = (
    "invalid_headers",  # the CloudEvents headers are missing or malformed
    "unknown_type",  # ce_type names no event of the contract
    "decode_error",  # the record's value is not JSON
    "schema_error",  # JSON that does not match the event's model
    "too_large",  # applying it would publish an event over its bound
    "handler_error",  # the handler kept failing
)
DEAD_LETTERED = Counter(
    # ``consumer`` is the inbox's name for the service, which the dead-letter record's
    # dlq_consumer header carries too: the operator's filter when replaying.
    "kinerja_dead_lettered_total",
    "Events sent to the dead-letter topic, by the class of their reason",
    ["consumer", "reason"],
)


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    records: int


@dataclass(frozen=True)
class Reading:
    """What one scrape read. ``None``: that source did not answer (the sample is left out, so a
    dashboard shows a gap instead of a stale value)."""

    outbox_backlog_rows: int | None = None
    outbox_oldest_unsent_age_seconds: float | None = None
    outbox_parked_rows: int | None = None
    relay_lease_held: bool | None = None
    consumer_lag: Sequence[PartitionLag] = ()
    db_pool_in_use: int | None = None
    db_pool_size: int | None = None


_reading: ContextVar[Reading | None] = ContextVar("kinerja_scrape_reading", default=None)


class _ScrapeGauges(Collector):
    """The gauges of :class:`Reading`. Registered once per process; each scrape hands its own
    reading through a context variable, so two apps in one process (tests) never mix theirs.
    Outside a scrape the families are listed without samples."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return self._families(Reading())

    def collect(self) -> Iterator[GaugeMetricFamily]:
        return self._families(_reading.get() or Reading())

    def _families(self, r: Reading) -> Iterator[GaugeMetricFamily]:
        yield _gauge(
            "kinerja_outbox_backlog_rows",
            "Outbox rows waiting to be sent (not sent, not parked)",
            r.outbox_backlog_rows,
        )
        yield _gauge(
            "kinerja_outbox_oldest_unsent_age_seconds",
            "Age of the row at the head of the relay's queue (0 when nothing waits)",
            r.outbox_oldest_unsent_age_seconds,
        )
        yield _gauge(
            "kinerja_outbox_parked_rows", "Outbox rows parked now, waiting for an operator", r.outbox_parked_rows
        )
        yield _gauge(
            "kinerja_outbox_relay_lease_held",
            "1 when this replica's relay holds the outbox lease (publishes), 0 otherwise",
            None if r.relay_lease_held is None else int(r.relay_lease_held),
        )
        lag = GaugeMetricFamily(
            "kinerja_consumer_lag_records",
            "Records of a partition this replica holds that its group has not taken yet (log end - position)",
            labels=["group", "topic", "partition"],
        )
        for p in r.consumer_lag:
            lag.add_metric([p.group, p.topic, str(p.partition)], p.records)
        yield lag
        yield _gauge(
            "kinerja_db_pool_in_use_connections", "Database connections checked out of the pool", r.db_pool_in_use
        )
        yield _gauge("kinerja_db_pool_size_connections", "Connections the database pool keeps", r.db_pool_size)


def _gauge(name: str, documentation: str, value: float | None) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation)
    if value is not None:
        family.add_metric([], value)
    return family


REGISTRY.register(_ScrapeGauges())


def render(reading: Reading) -> bytes:
    """The text exposition of every metric, the scrape-time gauges from ``reading``."""
    token = _reading.set(reading)
    try:
        return generate_latest(REGISTRY)
    finally:
        _reading.reset(token)


def exported_names() -> set[str]:
    """Every series name a scrape can show (a histogram's ``_bucket``/``_sum``/``_count``, a
    counter's ``_total``): what dashboards and alert rules may refer to."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    names: set[str] = set()
    for family in REGISTRY.collect():
        if family.name.startswith("kinerja_"):
            names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
    return names
