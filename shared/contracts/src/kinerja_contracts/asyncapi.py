"""The AsyncAPI 3.0 document of one Kinerja service's events, built from this contract.

What a service sends and receives comes from the service (its ``produces`` and the event
classes its consumer handles); everything else comes from this package: the topics with every
event they carry and their partitions (the catalogue), the record key, the CloudEvents headers
(:mod:`.cloudevents`), the payload schemas (the committed JSON Schemas, :func:`.schemas.schema_of`)
and an example of each record. So the document cannot drift from the contract, and
``python -m kinerja_devtools.asyncapi`` writes one per service under ``shared/contracts/asyncapi``.

FastStream writes an AsyncAPI 3 document as well, but from its subscribers: a channel per
subscriber and topic, an empty payload for records our consumer decodes itself, no headers, no
record key; so this document is built here instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from .base import Event
from .catalogue import ALL_TOPICS, Topic, topic_of
from .cloudevents import (
    CONTENT_TYPE,
    H_AGENCY,
    H_CAUSATION_ID,
    H_CONTENT_TYPE,
    H_CORRELATION_ID,
    H_ID,
    H_SOURCE,
    H_SPECVERSION,
    H_SUBJECT,
    H_TIME,
    H_TRACEPARENT,
    H_TRACESTATE,
    H_TYPE,
    REQUIRED_HEADERS,
    SPECVERSION,
    CloudEventAttributes,
)
from .examples import EXAMPLES, size_text
from .schemas import schema_of

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
CONTRACT_PACKAGE = "kinerja-contracts"

_TRACEPARENT_PATTERN = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"

HEADERS: dict[str, dict[str, Any]] = {
    H_ID: {
        "format": "uuid",
        "description": "A UUID chosen by the producer: the event's identity and the idempotency key "
        "(a redelivered event has the same ce_id; deduplicate by it).",
    },
    H_SOURCE: {
        "format": "uri-reference",
        "description": "The producing service, as a URI reference (e.g. /kinerja/target-service).",
    },
    H_TYPE: {"description": "The event type; selects the payload schema. Its last part is the version."},
    H_SPECVERSION: {"const": SPECVERSION, "description": "The CloudEvents version."},
    H_TIME: {"format": "date-time", "description": "When the event happened, RFC 3339 in UTC."},
    H_SUBJECT: {"description": "What the event is about: the record key."},
    H_CONTENT_TYPE: {"const": CONTENT_TYPE, "description": "The record value is UTF-8 JSON."},
    H_AGENCY: {
        "description": "Extension: the agency (tenant) the event belongs to; equals agency_id in the "
        "payload where it has one. Always set by Kinerja."
    },
    H_CORRELATION_ID: {
        "description": "Extension: the id shared by every event of one business flow; a flow's first "
        "event uses its own ce_id. Always set by Kinerja."
    },
    H_CAUSATION_ID: {"description": "Extension: the ce_id of the event that directly caused this one."},
    H_TRACEPARENT: {
        "pattern": _TRACEPARENT_PATTERN,
        "description": "Extension (distributed tracing): the W3C traceparent where the event was made "
        "(the request, or the applying of the event that caused it), for readers that continue the "
        "trace. Set when the producer traces.",
    },
    H_TRACESTATE: {"description": "Extension (distributed tracing): the W3C tracestate that goes with ce_traceparent."},
}
"""The Kafka headers of every record (CloudEvents 1.0, Kafka binary mode), all UTF-8 text."""

REQUIRED = (*REQUIRED_HEADERS, H_CONTENT_TYPE)
"""Headers every Kinerja record carries (a reader accepts a record without ``content-type``)."""

_SASL_SCHEMES = {"SCRAM-SHA-512": "scramSha512", "SCRAM-SHA-256": "scramSha256", "PLAIN": "plain"}


@dataclass(frozen=True)
class Server:
    """A Kafka cluster the events travel on."""

    name: str
    host: str
    description: str
    sasl_mechanism: str | None = None
    """``SCRAM-SHA-512``, ``SCRAM-SHA-256`` or ``PLAIN``; None without authentication."""
    tls: bool = False

    @property
    def security_scheme(self) -> str | None:
        return f"sasl-{self.sasl_mechanism.lower()}" if self.sasl_mechanism else None


@dataclass(frozen=True)
class Application:
    """One service: the events it publishes and those it consumes (in consumer group ``group_id``)."""

    service: str
    description: str
    produces: tuple[type[Event], ...]
    consumes: tuple[type[Event], ...] = ()
    group_id: str | None = None


def document(app: Application, servers: Sequence[Server]) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of ``app``: a channel per topic it reads or writes, with every
    event the topic carries; a send operation per topic it writes and a receive operation per
    topic it reads, naming the events it does."""
    topics = [t for t in ALL_TOPICS if t.name in {topic_of(e).name for e in (*app.produces, *app.consumes)}]
    carried = [event for topic in topics for event in topic.event_types]
    schemas: dict[str, Any] = {}
    for event in carried:
        schemas.update(_payload_schemas(event))
    operations = {
        **{f"send.{t.name}": _operation(app, t, "send", app.produces) for t in topics},
        **{f"receive.{t.name}": _operation(app, t, "receive", app.consumes) for t in topics},
    }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": f"urn:kinerja:{app.service}",
        "info": {
            "title": f"Kinerja {app.service} events",
            "version": version(CONTRACT_PACKAGE),
            "description": _info_description(app),
        },
        "servers": {s.name: _server(s) for s in servers},
        "defaultContentType": CONTENT_TYPE,
        "channels": {t.name: _channel(t) for t in topics},
        "operations": {name: op for name, op in operations.items() if op["messages"]},
        "components": {
            "messages": {e.event_type: _message(e) for e in carried},
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                s.security_scheme: _security_scheme(s) for s in servers if s.security_scheme is not None
            },
        },
    }


def _info_description(app: Application) -> str:
    return (
        f"{app.description}\n\n"
        "Each record is a CloudEvents 1.0 event in Kafka binary mode: the value is the event's JSON "
        "data (the message payload), the attributes are `ce_*` headers (the message headers). The "
        "record key is the aggregate id (usually the employee's NIP), so one key's events are in "
        "order within their topic. Delivery is at least once: deduplicate by `ce_id`. Ignore fields "
        "and event types you do not know; a change that is not adding an optional field is a new "
        f"event type (`...v2`). `info.version` is the version of the `{CONTRACT_PACKAGE}` package "
        "the document was built from."
    )


def _server(server: Server) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "host": server.host,
        "protocol": "kafka-secure" if server.tls else "kafka",
        "description": server.description,
    }
    if server.security_scheme:
        spec["security"] = [{"$ref": f"#/components/securitySchemes/{server.security_scheme}"}]
    return spec


def _security_scheme(server: Server) -> dict[str, Any]:
    mechanism = server.sasl_mechanism or ""
    return {
        "type": _SASL_SCHEMES[mechanism],
        "description": f"SASL {mechanism}{' over TLS' if server.tls else ''}: each reader connects as its "
        "own user, whose ACLs open the topics it may read.",
    }


def _channel(topic: Topic) -> dict[str, Any]:
    audience = (
        "Public: part of the subscriber contract."
        if topic.audience.public
        else f"Internal ({topic.audience}): not part of the subscriber contract; the broker refuses it to subscribers."
    )
    return {
        "address": topic.name,
        "title": topic.name,
        "description": f"{topic.description}\n\nRecord key: {topic.key_text}. {audience}",
        "messages": {e.event_type: {"$ref": f"#/components/messages/{e.event_type}"} for e in topic.event_types},
        "tags": [{"name": "public" if topic.audience.public else "internal"}],
        "bindings": {
            "kafka": {
                "topic": topic.name,
                "partitions": topic.partitions,
                "topicConfiguration": {"cleanup.policy": ["delete"], "retention.ms": topic.retention_ms},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _operation(app: Application, topic: Topic, action: str, events: Sequence[type[Event]]) -> dict[str, Any]:
    mine = [e for e in topic.event_types if e in events]
    operation: dict[str, Any] = {
        "action": action,
        "channel": {"$ref": f"#/channels/{topic.name}"},
        "title": f"{'Publishes to' if action == 'send' else 'Reads'} {topic.name}",
        "messages": [{"$ref": f"#/channels/{topic.name}/messages/{e.event_type}"} for e in mine],
    }
    if action == "send":
        operation["description"] = (
            f"{app.service} publishes these events through its transactional outbox: at least once, "
            "in order per record key."
        )
    else:
        group = app.group_id or app.service
        operation["description"] = (
            f"{app.service} applies these events in consumer group `{group}`; other event types on the "
            "topic are skipped."
        )
        operation["bindings"] = {
            "kafka": {"groupId": {"type": "string", "const": group}, "bindingVersion": KAFKA_BINDING_VERSION}
        }
    return operation


def _message(event: type[Event]) -> dict[str, Any]:
    schema = schema_of(event)
    doc = " ".join((event.__doc__ or "").split())
    *_, name, number = event.event_type.split(".")
    message: dict[str, Any] = {
        "name": name,
        "title": f"{name} {number}",
        "summary": doc.split(". ")[0].rstrip(".") + ".",
        "description": f"{doc}\n\nLargest record value: {size_text(event.max_encoded_bytes)}.",
        "contentType": CONTENT_TYPE,
        "headers": _headers(event),
        "payload": {"$ref": f"#/components/schemas/{event.event_type}"},
        "correlationId": {
            "description": "The business flow the event belongs to.",
            "location": f"$message.header#/{H_CORRELATION_ID}",
        },
        "bindings": {"kafka": {"key": _key_schema(event, schema), "bindingVersion": KAFKA_BINDING_VERSION}},
        "examples": [{"name": f"{name}-example", "headers": _example_headers(event), "payload": _example(event)}],
    }
    if event.superseded_by:
        message["deprecated"] = True
    return message


def _headers(event: type[Event]) -> dict[str, Any]:
    properties = {name: {"type": "string", **spec} for name, spec in HEADERS.items()}
    properties[H_TYPE] = {**properties[H_TYPE], "const": event.event_type}
    properties[H_SUBJECT] = {**properties[H_SUBJECT], "description": f"The record key (`{event.key_field}`)."}
    return {
        "type": "object",
        "description": "CloudEvents attributes as Kafka headers (UTF-8 text). Ignore headers not listed.",
        "required": list(REQUIRED),
        "properties": properties,
    }


def _key_schema(event: type[Event], schema: dict[str, Any]) -> dict[str, Any]:
    field = {k: v for k, v in schema["properties"][event.key_field].items() if k not in ("title", "examples")}
    return {
        **field,
        "description": f"`{event.key_field}`: {field.get('description', '')} "
        "One key's events are in one partition, in order.",
    }


def _payload_schemas(event: type[Event]) -> dict[str, Any]:
    """The event's schema and its nested definitions, as ``components.schemas`` entries: the
    definitions move from ``$defs`` to the components (AsyncAPI's schema format is JSON Schema
    draft-07, which has no ``$defs``)."""
    schema = _components_refs(schema_of(event))
    nested = schema.pop("$defs", {})
    schema = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
    return {event.event_type: schema, **nested}


def _components_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" else _components_refs(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_components_refs(v) for v in node]
    return node


_EXAMPLE_TIME = datetime(2025, 2, 3, 2, 15, tzinfo=UTC)


def _example(event: type[Event]) -> dict[str, Any]:
    return EXAMPLES[event.event_type].model_dump(mode="json")


def _example_headers(event: type[Event]) -> dict[str, str]:
    instance = EXAMPLES[event.event_type]
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:kinerja:example:{event.event_type}"))
    producer = event.event_type.split(".")[1]
    return CloudEventAttributes(
        id=event_id,
        source=f"/kinerja/{producer}-service",
        type=event.event_type,
        time=_EXAMPLE_TIME,
        subject=instance.key(),
        agency=getattr(instance, "agency_id", None),
        correlation_id=event_id,
    ).to_headers()
