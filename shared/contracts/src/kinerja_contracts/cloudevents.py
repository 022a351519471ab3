"""CloudEvents 1.0 in Kafka binary mode.

The record value is the event's JSON ``data`` (:func:`encode` / :func:`decode`); the
attributes travel as ``ce_*`` headers (:class:`CloudEventAttributes`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .base import Event
from .catalogue import model_for

SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"

H_ID = "ce_id"
H_SOURCE = "ce_source"
H_TYPE = "ce_type"
H_SPECVERSION = "ce_specversion"
H_TIME = "ce_time"
H_SUBJECT = "ce_subject"
H_AGENCY = "ce_agency"
H_CORRELATION_ID = "ce_correlationid"
H_CAUSATION_ID = "ce_causationid"
H_CONTENT_TYPE = "content-type"
# The distributed-tracing extension: the W3C trace context where the event was made (optional).
H_TRACEPARENT = "ce_traceparent"
H_TRACESTATE = "ce_tracestate"

REQUIRED_HEADERS = (H_ID, H_SOURCE, H_TYPE, H_SPECVERSION, H_TIME)

HeaderInput = Mapping[str, str | bytes | None] | Sequence[tuple[str, bytes | str | None]]


class InvalidCloudEvent(ValueError):
    """The headers do not form a valid Kinerja CloudEvent."""


class EventTooLarge(ValueError):
    """An event whose record value exceeds its type's documented maximum size."""

    def __init__(self, event_type: str, size: int, maximum: int) -> None:
        super().__init__(f"a {event_type} event of {size} bytes exceeds its documented maximum of {maximum} bytes")
        self.event_type = event_type
        self.size = size
        self.maximum = maximum


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` suffix, e.g. ``2025-01-31T08:00:00.000000Z``."""
    if value.tzinfo is None:
        raise ValueError("CloudEvent time must be timezone-aware")
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class CloudEventAttributes:
    """The CloudEvents context attributes of one Kinerja event."""

    id: str
    source: str
    type: str
    time: datetime
    subject: str | None = None
    agency: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    specversion: str = field(default=SPECVERSION)

    @classmethod
    def new(
        cls,
        type: str,
        source: str,
        subject: str | None = None,
        agency: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> CloudEventAttributes:
        """Fresh attributes: a UUID4 id, the current UTC time.

        A new event with no ``correlation_id`` starts a correlation of its own (its id).
        """
        event_id = str(uuid.uuid4())
        return cls(
            id=event_id,
            source=source,
            type=type,
            time=datetime.now(UTC),
            subject=subject,
            agency=agency,
            correlation_id=correlation_id if correlation_id is not None else event_id,
            causation_id=causation_id,
        )

    @classmethod
    def for_event(
        cls,
        event: Event,
        source: str,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> CloudEventAttributes:
        """Fresh attributes for ``event``: its type, its record key as subject, its agency."""
        return cls.new(
            type=event.event_type,
            source=source,
            subject=event.key(),
            agency=getattr(event, "agency_id", None),
            correlation_id=correlation_id,
            causation_id=causation_id,
        )

    def caused(self, type: str, source: str, subject: str | None = None) -> CloudEventAttributes:
        """Attributes for an event caused by this one (same correlation, causation = this id)."""
        return CloudEventAttributes.new(
            type=type,
            source=source,
            subject=subject,
            agency=self.agency,
            correlation_id=self.correlation_id or self.id,
            causation_id=self.id,
        )

    def to_headers(self) -> dict[str, str]:
        """The Kafka headers (as text); optional attributes that are None are left out."""
        headers = {
            H_ID: self.id,
            H_SOURCE: self.source,
            H_TYPE: self.type,
            H_SPECVERSION: self.specversion,
            H_TIME: format_time(self.time),
            H_CONTENT_TYPE: CONTENT_TYPE,
        }
        optional = {
            H_SUBJECT: self.subject,
            H_AGENCY: self.agency,
            H_CORRELATION_ID: self.correlation_id,
            H_CAUSATION_ID: self.causation_id,
        }
        headers.update({k: v for k, v in optional.items() if v is not None})
        return headers

    def to_kafka_headers(self) -> list[tuple[str, bytes]]:
        """The headers as Kafka clients take them: ``(name, utf-8 bytes)`` pairs."""
        return [(k, v.encode()) for k, v in self.to_headers().items()]

    @classmethod
    def from_headers(cls, headers: HeaderInput) -> CloudEventAttributes:
        """Parse Kafka headers; raises :class:`InvalidCloudEvent` with the reason."""
        h = _normalise(headers)
        missing = [name for name in REQUIRED_HEADERS if not h.get(name)]
        if missing:
            raise InvalidCloudEvent(f"missing required header(s): {', '.join(missing)}")
        if h[H_SPECVERSION] != SPECVERSION:
            raise InvalidCloudEvent(f"unsupported {H_SPECVERSION} {h[H_SPECVERSION]!r}; expected {SPECVERSION!r}")
        try:
            uuid.UUID(h[H_ID])
        except ValueError:
            raise InvalidCloudEvent(f"{H_ID} {h[H_ID]!r} is not a UUID") from None
        try:
            time = datetime.fromisoformat(h[H_TIME])
        except ValueError:
            raise InvalidCloudEvent(f"{H_TIME} {h[H_TIME]!r} is not an RFC 3339 time") from None
        if time.tzinfo is None:
            raise InvalidCloudEvent(f"{H_TIME} {h[H_TIME]!r} has no UTC offset")
        content_type = h.get(H_CONTENT_TYPE)
        if content_type and content_type.split(";")[0].strip().lower() != CONTENT_TYPE:
            raise InvalidCloudEvent(f"unsupported {H_CONTENT_TYPE} {content_type!r}; expected {CONTENT_TYPE!r}")
        return cls(
            id=h[H_ID],
            source=h[H_SOURCE],
            type=h[H_TYPE],
            time=time,
            subject=h.get(H_SUBJECT) or None,
            agency=h.get(H_AGENCY) or None,
            correlation_id=h.get(H_CORRELATION_ID) or None,
            causation_id=h.get(H_CAUSATION_ID) or None,
            specversion=h[H_SPECVERSION],
        )


def _normalise(headers: HeaderInput) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    result: dict[str, str] = {}
    for raw_name, raw_value in items:
        name = raw_name.lower()
        if raw_value is None:
            continue
        if isinstance(raw_value, bytes | bytearray | memoryview):
            try:
                value = bytes(raw_value).decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidCloudEvent(f"header {name} is not valid UTF-8") from None
        else:
            value = str(raw_value)
        if name in result and result[name] != value:
            raise InvalidCloudEvent(f"header {name} appears twice with different values")
        result[name] = value
    return result


def encode(event: Event) -> bytes:
    """The record value: the event as compact UTF-8 JSON (non-ASCII characters as they are).

    pydantic's serializer writes the same bytes as ``json.dumps(event.model_dump(mode="json"),
    ensure_ascii=False, separators=(",", ":"))``, several times faster: a period close encodes
    one event per employee of the agency."""
    return event.model_dump_json().encode("utf-8")


READER_EXTRA = "ignore"
"""How readers treat a field their model does not know (nested values included): ignore it."""


def encode_bounded(event: Event) -> bytes:
    """:func:`encode`, refusing an event over its type's ``max_encoded_bytes``
    (:class:`EventTooLarge`): what every producer stores, so no record exceeds the bound."""
    value = encode(event)
    if len(value) > event.max_encoded_bytes:
        raise EventTooLarge(event.event_type, len(value), event.max_encoded_bytes)
    return value


def decode(event_type: str, data: bytes | str) -> Event:
    """Validate a record value against the model for ``event_type``.

    A tolerant reader: fields the model does not know are ignored, so an event from a newer
    producer that added an optional field still decodes. Raises ``UnknownEventType`` for a
    type this contract does not define and pydantic's ``ValidationError`` when the data does
    not match the model.
    """
    return model_for(event_type).model_validate_json(data, extra=READER_EXTRA)
