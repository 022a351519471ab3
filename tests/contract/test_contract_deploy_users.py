"""The broker's ACLs (deploy/kafka/users.yaml) come from the catalogue's audiences and from what
each service really reads and publishes (issue 8, item 1: no subscriber outside Kinerja reads a
single 360° answer)."""

import importlib
import typing
from pathlib import Path

import pytest
from kinerja_contracts import ALL_TOPICS, DEAD_LETTER, PUBLIC_TOPICS
from kinerja_contracts.catalogue import APPRAISALS, DEVELOPMENT, FEEDBACK
from kinerja_devtools.kafka_users import (
    EXTERNAL_SUBSCRIBERS,
    OUTSIDE_SUBSCRIBER_READS,
    SERVICES,
    SUBSCRIBER_READS,
    AudienceViolation,
    KafkaClient,
    ServiceAccess,
    client,
    clients,
    render_users,
    service_client,
)
from kinerja_runtime.app import runtime_of

ROOT = Path(__file__).resolve().parents[2]
INTERNAL = [t.name for t in ALL_TOPICS if not t.audience.public]


def broker_services() -> dict[str, str]:
    """service name -> package, for every service built on the runtime (so connected to the broker)."""
    found = {}
    for main in sorted(ROOT.glob("services/*/src/*/main.py")):
        if "create_service_app" in main.read_text():
            found[main.parents[2].name] = main.parent.name
    return found


def test_deploy_users_match_the_catalogue_and_the_services():
    committed = (ROOT / "deploy" / "kafka" / "users.yaml").read_text()
    assert committed == render_users(), "run: python -m kinerja_devtools.manifests"


def test_appraisal_service_reads_the_feedback_topic():
    appraisal = client("appraisal-service")
    assert appraisal.may_read("kinerja.feedback")
    assert appraisal.may_read("kinerja.citizen-satisfaction")


def test_the_feedback_topic_is_read_by_appraisal_service_alone():
    readers = [c.name for c in clients() if c.may_read(FEEDBACK.name)]
    assert readers == ["appraisal-service"]
    # The operators write it back only what was dead-lettered from it (kinerja-admin deadletter replay).
    assert [c.name for c in clients() if c.may_write(FEEDBACK.name)] == ["feedback-service", "kinerja-operator"]


@pytest.mark.parametrize("subscriber", EXTERNAL_SUBSCRIBERS)
def test_an_external_subscriber_reads_no_internal_topic(subscriber: str):
    outside = client(subscriber)
    assert INTERNAL and not any(outside.may_read(name) for name in INTERNAL)
    reads = {**SUBSCRIBER_READS, **OUTSIDE_SUBSCRIBER_READS}[subscriber]
    assert {t.name for t in ALL_TOPICS if outside.may_read(t.name)} == {t.name for t in reads}, "its topics only"
    assert {t.name for t in reads} <= {t.name for t in PUBLIC_TOPICS}
    assert not any(outside.may_write(t.name) for t in ALL_TOPICS)
    groups = [(a.name, a.pattern, a.operations) for a in outside.acls() if a.resource == "group"]
    assert groups == [(subscriber, "literal", ("Read",))]
    assert f"name: {subscriber}\n" in render_users()


def test_the_generated_file_gives_internal_topics_only_to_their_readers():
    # Read off the YAML itself, not only the model it is rendered from.
    for document in render_users().split("\n---\n")[1:]:
        name = document.split("\n  name: ", 1)[1].split("\n", 1)[0]
        for topic in ALL_TOPICS:
            reads = f"name: {topic.name}, patternType: literal}}\n        operations: [Describe, Read]" in document
            assert not reads or topic.audience.allows(name), (name, topic.name)


def test_a_read_the_catalogue_does_not_allow_is_refused():
    with pytest.raises(AudienceViolation):
        KafkaClient("training-service", "x", reads=(FEEDBACK,))
    with pytest.raises(AudienceViolation):
        service_client(ServiceAccess("training-service", reads=(DEAD_LETTER,), produces=()))


def test_services_write_dead_letters_only_when_they_consume():
    assert not client("target-service").may_write(DEAD_LETTER.name)
    for name in ("feedback-service", "appraisal-service", "training-service"):
        assert client(name).may_write(DEAD_LETTER.name)
    assert [c.name for c in clients() if c.may_read(DEAD_LETTER.name)] == ["kinerja-operator"]


def test_an_outside_subscriber_of_the_appraisal_and_development_topics_has_a_read_only_user():
    readers = [
        name for name in OUTSIDE_SUBSCRIBER_READS if {APPRAISALS, DEVELOPMENT} <= set(OUTSIDE_SUBSCRIBER_READS[name])
    ]
    assert readers, "a template user for outside subscribers of kinerja.appraisals and kinerja.development"
    assert f"name: {readers[0]}\n" in render_users()


def test_each_consuming_service_reads_in_its_own_group_only():
    for access in SERVICES:
        groups = [(a.name, a.pattern) for a in service_client(access).acls() if a.resource == "group"]
        assert groups == ([(access.service, "literal")] if access.reads else []), access.service


def test_every_broker_service_has_its_declared_access():
    assert {a.service for a in SERVICES} == set(broker_services())


@pytest.mark.parametrize("service", sorted(broker_services()))
def test_declared_access_is_what_the_service_subscribes_to_and_publishes(service: str, tmp_path: Path):
    """Builds the service (nothing started) and compares its consumer's topics and its declared
    events with the table the ACLs are generated from."""
    main = importlib.import_module(f"{broker_services()[service]}.main")
    settings_type = next(
        a for a in typing.get_args(typing.get_type_hints(main.create_app)["settings"]) if a is not type(None)
    )
    app = main.create_app(settings_type(service_name=service, data_dir=tmp_path, log_json=False))
    runtime = runtime_of(app)
    declared = next(a for a in SERVICES if a.service == service)
    assert set(runtime.consumer.topics) == {t.name for t in declared.reads}
    assert {event.topic for event in runtime.produces} == {t.name for t in declared.produces}
