import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from kinerja_contracts import (
    CloudEventAttributes,
    InvalidCloudEvent,
    TargetSet,
    UnknownEventType,
    decode,
    encode,
)
from kinerja_contracts.examples import EXAMPLES
from pydantic import ValidationError

SOURCE = "/kinerja/target-service"


def _attrs(**overrides) -> CloudEventAttributes:
    return CloudEventAttributes.new(
        type=TargetSet.event_type,
        source=SOURCE,
        subject="198503122010011002",
        agency="dinas-kominfo-jabar",
        **overrides,
    )


def test_new_makes_uuid4_id_utc_time_and_own_correlation():
    attrs = _attrs()
    assert uuid.UUID(attrs.id).version == 4
    assert attrs.time.tzinfo is not None and attrs.time.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - attrs.time) < timedelta(seconds=5)
    assert attrs.correlation_id == attrs.id
    assert attrs.causation_id is None
    assert attrs.specversion == "1.0"
    assert _attrs(correlation_id="corr-1").correlation_id == "corr-1"


def test_headers_have_the_documented_names():
    headers = _attrs(causation_id=str(uuid.uuid4())).to_headers()
    assert set(headers) == {
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_specversion",
        "ce_time",
        "ce_subject",
        "content-type",
        "ce_agency",
        "ce_correlationid",
        "ce_causationid",
    }
    assert headers["ce_specversion"] == "1.0"
    assert headers["content-type"] == "application/json"
    assert headers["ce_time"].endswith("Z")
    assert all(isinstance(v, str) for v in headers.values())


def test_optional_attributes_left_out_when_none():
    attrs = CloudEventAttributes.new(type=TargetSet.event_type, source=SOURCE)
    headers = attrs.to_headers()
    assert "ce_subject" not in headers and "ce_agency" not in headers
    assert "ce_causationid" not in headers


def test_round_trip_through_str_and_kafka_headers():
    attrs = _attrs(causation_id=str(uuid.uuid4()))
    assert CloudEventAttributes.from_headers(attrs.to_headers()) == attrs
    kafka = attrs.to_kafka_headers()
    assert all(isinstance(k, str) and isinstance(v, bytes) for k, v in kafka)
    assert CloudEventAttributes.from_headers(kafka) == attrs
    as_bytes_map = {k: v.encode() for k, v in attrs.to_headers().items()}
    assert CloudEventAttributes.from_headers(as_bytes_map) == attrs


def test_round_trip_keeps_the_instant_of_non_utc_time():
    wib = timezone(timedelta(hours=7))
    attrs = CloudEventAttributes(
        id=str(uuid.uuid4()),
        source=SOURCE,
        type=TargetSet.event_type,
        time=datetime(2025, 3, 1, 8, 30, tzinfo=wib),
        subject=None,
        agency=None,
        correlation_id=None,
        causation_id=None,
    )
    parsed = CloudEventAttributes.from_headers(attrs.to_headers())
    assert parsed.time == attrs.time
    assert attrs.to_headers()["ce_time"] == "2025-03-01T01:30:00.000000Z"


def test_for_event_and_caused():
    event = EXAMPLES[TargetSet.event_type]
    attrs = CloudEventAttributes.for_event(event, SOURCE)
    assert (attrs.type, attrs.subject, attrs.agency) == (
        TargetSet.event_type,
        event.nip,
        event.agency_id,
    )
    child = attrs.caused("kinerja.appraisal.AppraisalCompleted.v1", "/kinerja/appraisal-service")
    assert child.causation_id == attrs.id
    assert child.correlation_id == attrs.correlation_id
    assert child.agency == attrs.agency


@pytest.mark.parametrize("missing", ["ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time"])
def test_from_headers_rejects_missing_required_header(missing: str):
    headers = _attrs().to_headers()
    del headers[missing]
    with pytest.raises(InvalidCloudEvent, match=f"missing required header.*{missing}"):
        CloudEventAttributes.from_headers(headers)


def test_from_headers_rejects_bad_specversion():
    headers = _attrs().to_headers() | {"ce_specversion": "0.3"}
    with pytest.raises(InvalidCloudEvent, match="ce_specversion '0.3'"):
        CloudEventAttributes.from_headers(headers)


def test_from_headers_rejects_non_uuid_id():
    headers = _attrs().to_headers() | {"ce_id": "12-1700000000"}
    with pytest.raises(InvalidCloudEvent, match="not a UUID"):
        CloudEventAttributes.from_headers(headers)


@pytest.mark.parametrize(
    "override, reason",
    [
        ({"ce_time": "yesterday"}, "not an RFC 3339 time"),
        ({"ce_time": "2025-03-01T08:30:00"}, "no UTC offset"),
        ({"content-type": "application/avro"}, "content-type"),
    ],
)
def test_from_headers_rejects_bad_time_and_content_type(override, reason):
    with pytest.raises(InvalidCloudEvent, match=reason):
        CloudEventAttributes.from_headers(_attrs().to_headers() | override)


def test_from_headers_rejects_conflicting_duplicates_and_bad_utf8():
    kafka = _attrs().to_kafka_headers()
    with pytest.raises(InvalidCloudEvent, match="twice"):
        CloudEventAttributes.from_headers([*kafka, ("ce_id", str(uuid.uuid4()).encode())])
    with pytest.raises(InvalidCloudEvent, match="UTF-8"):
        CloudEventAttributes.from_headers([*kafka, ("ce_subject", b"\xff\xfe")])


def test_invalid_cloud_event_is_a_value_error():
    assert issubclass(InvalidCloudEvent, ValueError)


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_encode_decode_round_trip(event_type: str):
    event = EXAMPLES[event_type]
    data = encode(event)
    assert isinstance(data, bytes)
    assert decode(event_type, data) == event


def test_decode_rejects_unknown_type_and_invalid_data():
    with pytest.raises(UnknownEventType):
        decode("kinerja.target.Nope.v1", b"{}")
    with pytest.raises(ValidationError):
        decode(TargetSet.event_type, b'{"nip": "123"}')
    with pytest.raises(ValidationError):
        decode(TargetSet.event_type, b"not json")


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_encode_writes_compact_json_with_characters_as_they_are(event_type: str):
    import json

    from kinerja_contracts.bounds import largest

    example = EXAMPLES[event_type]
    events = [example] if type(example).superseded_by else [example, largest(type(example))]
    for event in events:
        expected = json.dumps(event.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
        assert encode(event) == expected.encode("utf-8")
