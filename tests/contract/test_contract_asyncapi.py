"""Each service's AsyncAPI 3.0 document (shared/contracts/asyncapi): current with the code, valid
against the official AsyncAPI 3.0.0 JSON Schema, and saying what a subscriber needs: every event
of each topic with its CloudEvents headers, record key and a payload schema that real records
satisfy (issue 12)."""

import copy
import json
import re
import typing
from importlib.metadata import version
from pathlib import Path

import httpx
import jsonschema
import pytest
from kinerja_contracts import EVENT_TYPES, CloudEventAttributes, encode, topic_of
from kinerja_contracts.asyncapi import HEADERS, REQUIRED
from kinerja_contracts.catalogue import ALL_TOPICS
from kinerja_contracts.cloudevents import (
    H_CAUSATION_ID,
    H_CONTENT_TYPE,
    H_TRACEPARENT,
    H_TRACESTATE,
    REQUIRED_HEADERS,
)
from kinerja_contracts.examples import EXAMPLES
from kinerja_devtools import asyncapi
from kinerja_devtools.kafka_users import SERVICES

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "shared" / "contracts" / "asyncapi" / "spec" / "asyncapi-3.0.0.json"
SERVICE_NAMES = sorted(asyncapi.broker_services())


@pytest.fixture(scope="module")
def wanted() -> dict[Path, str]:
    return asyncapi.wanted_files()


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    return {
        service: json.loads((asyncapi.OUTPUT / f"{service}.json").read_text(encoding="utf-8"))
        for service in SERVICE_NAMES
    }


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads(SPEC.read_text(encoding="utf-8")))


def component(doc: dict, schema_name: str) -> jsonschema.Draft7Validator:
    """A validator of one of the document's component schemas (its references resolved in the document)."""
    return jsonschema.Draft7Validator(
        {"components": doc["components"], "$ref": f"#/components/schemas/{schema_name}"},
        format_checker=jsonschema.FormatChecker(),
    )


def test_every_service_on_the_broker_has_a_document():
    assert SERVICE_NAMES == sorted(a.service for a in SERVICES)


def test_committed_documents_are_current(wanted: dict[Path, str]):
    problems = asyncapi.stale_files(wanted)
    assert not problems, f"run {asyncapi.COMMAND}:\n" + "\n".join(problems)


def test_the_check_names_the_command_when_a_document_is_stale(
    wanted: dict[Path, str], tmp_path: Path, monkeypatch, capsys
):
    for path, text in wanted.items():
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(asyncapi, "OUTPUT", tmp_path)
    asyncapi.main(["--check"])
    assert "are current" in capsys.readouterr().out

    (tmp_path / "training-service.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "portal.html").write_text("<html></html>\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stale:
        asyncapi.main(["--check"])
    message = str(stale.value.code)
    assert "training-service.json is out of date" in message and "portal.html is left over" in message
    assert message.endswith("run make asyncapi (python -m kinerja_devtools.asyncapi)")


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_document_is_valid_asyncapi_3(service: str, documents: dict, validator: jsonschema.Draft7Validator):
    error = jsonschema.exceptions.best_match(validator.iter_errors(documents[service]))
    assert error is None, f"{service}: {error.message} at {'/'.join(map(str, error.absolute_path))}"


def test_the_schema_check_refuses_a_broken_document(documents: dict, validator: jsonschema.Draft7Validator):
    """The validation above is not vacuous: definitions deep inside the schema are applied."""
    broken = copy.deepcopy(documents["target-service"])
    broken["channels"]["kinerja.targets"]["bindings"]["kafka"]["partitions"] = 0
    assert not validator.is_valid(broken)
    broken = copy.deepcopy(documents["target-service"])
    broken["operations"]["send.kinerja.targets"]["action"] = "publish"
    assert not validator.is_valid(broken)


@pytest.mark.parametrize("access", SERVICES, ids=lambda a: a.service)
def test_channels_and_operations_are_what_the_service_reads_and_writes(access, documents: dict):
    """Checked against the broker ACLs' own table of each service's topics (kinerja_devtools.kafka_users)."""
    doc = documents[access.service]
    touched = {t.name for t in (*access.reads, *access.produces)}
    assert set(doc["channels"]) == touched
    operations = {(op["action"], op["channel"]["$ref"].rsplit("/", 1)[1]) for op in doc["operations"].values()}
    assert operations == {("send", t.name) for t in access.produces} | {("receive", t.name) for t in access.reads}


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_each_channel_carries_every_event_of_its_topic(service: str, documents: dict):
    doc = documents[service]
    for topic in ALL_TOPICS:
        if topic.name in doc["channels"]:
            channel = doc["channels"][topic.name]
            assert list(channel["messages"]) == [e.event_type for e in topic.event_types]
            assert channel["bindings"]["kafka"]["partitions"] == topic.partitions
            assert channel["bindings"]["kafka"]["topicConfiguration"]["retention.ms"] == topic.retention_ms


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_received_events_are_the_handlers_with_their_payloads(service: str, documents: dict):
    doc = documents[service]
    received = [
        m["$ref"].rsplit("/", 1)[1]
        for op in doc["operations"].values()
        if op["action"] == "receive"
        for m in op["messages"]
    ]
    if service == "target-service":
        assert received == []
        return
    assert received
    for event_type in received:
        payload = doc["components"]["schemas"][event_type]
        assert payload["properties"] and payload["required"], f"{service}: {event_type} has an empty payload"
        assert payload["x-event-type"] == event_type


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_a_real_record_satisfies_its_message(event_type: str, documents: dict):
    """The headers a producer writes and the value it encodes validate against the message."""
    doc = next(d for d in documents.values() if event_type in d["components"]["messages"])
    message = doc["components"]["messages"][event_type]
    event = EXAMPLES[event_type]
    attributes = CloudEventAttributes.for_event(event, "/kinerja/test", causation_id="9b0e0c2e-1f55-4c1b-8d4e")
    headers = attributes.to_headers() | {"ce_traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
    checker = jsonschema.Draft7Validator(message["headers"], format_checker=jsonschema.FormatChecker())
    checker.validate(headers)
    assert not checker.is_valid(headers | {"ce_type": "kinerja.target.Other.v1"})
    assert not checker.is_valid({k: v for k, v in headers.items() if k != "ce_id"})
    component(doc, event_type).validate(json.loads(encode(event)))
    key = message["bindings"]["kafka"]["key"]
    jsonschema.validate(event.key(), key)
    assert event.key_field in key["description"]


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_the_message_example_is_a_valid_record(event_type: str, documents: dict):
    doc = next(d for d in documents.values() if event_type in d["components"]["messages"])
    example = doc["components"]["messages"][event_type]["examples"][0]
    CloudEventAttributes.from_headers(example["headers"])
    component(doc, event_type).validate(example["payload"])
    assert EVENT_TYPES[event_type].model_validate(example["payload"]) == EXAMPLES[event_type]


def test_headers_are_the_cloudevents_attributes_kinerja_writes(documents: dict):
    every = CloudEventAttributes.new(
        type="kinerja.target.TargetSet.v1", source="/x", subject="s", agency="a", causation_id="c"
    ).to_headers()
    assert set(every) <= set(HEADERS)
    # Beyond the attributes, only the tracing extension, which the outbox writes when traces are on.
    assert set(HEADERS) - set(every) == {H_TRACEPARENT, H_TRACESTATE}, "a header no producer writes is documented"
    assert REQUIRED == (*REQUIRED_HEADERS, H_CONTENT_TYPE) and H_CAUSATION_ID not in REQUIRED
    headers = documents["appraisal-service"]["components"]["messages"]["kinerja.target.TargetSet.v1"]["headers"]
    assert headers["required"] == list(REQUIRED)
    assert headers["properties"]["ce_type"]["const"] == "kinerja.target.TargetSet.v1"


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_document_states_the_contract_version(service: str, documents: dict):
    doc = documents[service]
    assert doc["info"]["version"] == version("kinerja-contracts")
    for event_type, message in doc["components"]["messages"].items():
        assert message["title"].endswith(" " + event_type.rsplit(".", 1)[1])
        assert message.get("deprecated", False) == bool(EVENT_TYPES[event_type].superseded_by)


def test_production_uses_tls_and_scram(documents: dict):
    doc = documents["training-service"]
    production = doc["servers"]["production"]
    assert production["protocol"] == "kafka-secure"
    scheme = production["security"][0]["$ref"].rsplit("/", 1)[1]
    assert doc["components"]["securitySchemes"][scheme]["type"] == "scramSha512"
    assert "security" not in doc["servers"]["development"]


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_event_types_name_their_producer(service: str, documents: dict):
    """The examples' ce_source is read off the event type (kinerja.<producer>.<Name>.vN)."""
    stem = service.removesuffix("-service")
    for op in documents[service]["operations"].values():
        if op["action"] == "send":
            for ref in op["messages"]:
                assert ref["$ref"].rsplit("/", 1)[1].split(".")[1] == stem


@pytest.mark.parametrize("service", SERVICE_NAMES)
async def test_the_served_document_is_the_committed_one_with_its_own_broker(service: str, documents: dict, tmp_path):
    package = asyncapi.broker_services()[service]
    main = __import__(f"{package}.main", fromlist=["create_app"])
    settings_type = next(
        a for a in typing.get_args(typing.get_type_hints(main.create_app)["settings"]) if a is not type(None)
    )
    settings = settings_type(
        service_name=service,
        data_dir=tmp_path,
        log_json=False,
        consumer_group="",
        kinerja_env="development",
        kafka_bootstrap_servers="broker-1:9092,broker-2:9092",
    )
    app = main.create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        served = (await client.get("/asyncapi.json")).json()
    assert served["servers"] == {
        "development": {
            "host": "broker-1:9092,broker-2:9092",
            "protocol": "kafka",
            "description": f"The broker {service} connects to.",
        }
    }
    committed = documents[service]

    def without_brokers(doc: dict) -> dict:
        doc = copy.deepcopy(doc)
        del doc["servers"], doc["components"]["securitySchemes"]
        return doc

    assert without_brokers(served) == without_brokers(committed)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_page_shows_every_message_with_its_fields(service: str, documents: dict):
    page = (asyncapi.OUTPUT / f"{service}.html").read_text(encoding="utf-8")
    doc = documents[service]
    for topic in doc["channels"]:
        assert f'id="channel-{topic}"' in page
    sections = re.split(r'<section class="card" id="message-', page)[1:]
    shown = {section.split('"', 1)[0]: section for section in sections}
    assert set(shown) == set(doc["components"]["messages"])
    for event_type, section in shown.items():
        for name in (*HEADERS, *doc["components"]["schemas"][event_type]["properties"]):
            assert f">{name}</code>" in section, f"{event_type}: {name} not shown"
        assert topic_of(event_type).name in section
