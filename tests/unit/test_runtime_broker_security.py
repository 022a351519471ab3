"""The broker security settings reach the clients a service builds: the consumer and the producer
the outbox relay and the dead-letter records go through (issue 8, item 1: the broker's ACLs only
hold if each service connects as its own KafkaUser)."""

import ssl
from pathlib import Path

import certifi
import pytest
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from kinerja_runtime.app import create_service_app, runtime_of
from kinerja_runtime.embedded_broker import EmbeddedBroker
from kinerja_runtime.settings import ServiceSettings
from pydantic import ValidationError


def build(tmp_path: Path, **kafka) -> KafkaBroker:
    settings = ServiceSettings(service_name="appraisal-service", data_dir=tmp_path, log_json=False, **kafka)
    app = create_service_app(title="t", description="d", settings=settings, migrations=tmp_path, routers=[])
    return runtime_of(app).broker


@pytest.fixture
async def producer_and_consumer():
    """What FastStream builds on start (never started here): the producer from the broker's
    connection settings, the consumer from its builder; their clients hold the security settings."""
    built = []

    def clients(broker: KafkaBroker):
        producer = AIOKafkaProducer(**broker._connection_kwargs)
        consumer = broker.config.broker_config.builder(group_id="appraisal-service")
        built.extend([producer, consumer])
        return producer.client, consumer._client

    yield clients
    for client in built:
        await client.stop()


async def test_scram_over_tls_reaches_the_producer_and_the_consumer(tmp_path: Path, producer_and_consumer):
    broker = build(
        tmp_path,
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username="appraisal-service",
        kafka_sasl_password="from-the-kafka-user-secret",
        kafka_ssl_ca_file=certifi.where(),
    )
    for client in producer_and_consumer(broker):
        assert client._security_protocol == "SASL_SSL"
        assert client._sasl_mechanism == "SCRAM-SHA-512"
        assert client._sasl_plain_username == "appraisal-service"
        assert client._sasl_plain_password == "from-the-kafka-user-secret"
        assert client._ssl_context.verify_mode == ssl.CERT_REQUIRED
        assert client._ssl_context.check_hostname


async def test_the_embedded_default_is_plaintext(tmp_path: Path, producer_and_consumer):
    for client in producer_and_consumer(build(tmp_path)):
        assert client._security_protocol == "PLAINTEXT"
        assert client._ssl_context is None


async def test_tls_alone_verifies_the_brokers_against_the_given_ca(tmp_path: Path, producer_and_consumer):
    for client in producer_and_consumer(
        build(tmp_path, kafka_security_protocol="SSL", kafka_ssl_ca_file=certifi.where())
    ):
        assert client._security_protocol == "SSL"
        assert client._ssl_context.verify_mode == ssl.CERT_REQUIRED


def test_sasl_without_credentials_refuses_to_start():
    with pytest.raises(ValidationError, match="KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"):
        ServiceSettings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="appraisal-service")


def test_the_password_is_not_shown_with_the_settings():
    settings = ServiceSettings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="u",
        kafka_sasl_password="from-the-kafka-user-secret",
    )
    assert "from-the-kafka-user-secret" not in repr(settings)


def test_a_missing_ca_file_fails_at_start(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        build(tmp_path, kafka_security_protocol="SSL", kafka_ssl_ca_file=str(tmp_path / "absent.crt"))


@pytest.mark.parametrize(
    ("environment", "idempotent"),
    [({}, True), (EmbeddedBroker().client_env, False)],
    ids=["a real Kafka", "the embedded Tansu"],
)
async def test_the_producer_waits_for_every_in_sync_replica(tmp_path: Path, monkeypatch, environment, idempotent):
    """acks=all wherever the service runs; the idempotent producer everywhere but on the embedded
    Tansu, which grants no producer ids (the only setting the embedded mode changes)."""
    # The suite's own broker exports the embedded settings to the process; a real Kafka has none.
    for name in EmbeddedBroker().client_env:
        monkeypatch.delenv(name, raising=False)
    overrides = {name.lower(): value for name, value in environment.items()}
    producer = AIOKafkaProducer(**build(tmp_path, **overrides)._connection_kwargs)
    try:
        assert producer._sender._acks == -1
        assert (producer._txn_manager is not None) is idempotent
    finally:
        await producer.stop()
