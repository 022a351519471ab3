"""Each consumer group's Deployment scales on the group's lag (KEDA), at most to the partitions of
the busiest topic it reads (a consumer more would get none), reading the lag as the service's own
KafkaUser. The committed ScaledObjects are generated (python -m kinerja_devtools.manifests) and
must not drift from the services' code: the group and the topics each service really consumes."""

import importlib
import typing
from pathlib import Path

import pytest
from deploy_manifests import SERVICES, container, env_of, of_kind, one
from kinerja_contracts.catalogue import topic_partitions
from kinerja_devtools.autoscaling import consumer_groups, render_autoscaling
from kinerja_devtools.kafka_users import client
from kinerja_runtime.app import runtime_of
from siasn_connector.apply import TOPICS as CONNECTOR_TOPICS
from siasn_connector.settings import ConnectorSettings

ROOT = Path(__file__).resolve().parents[2]
PARTITIONS = topic_partitions({})


def consumer_of(service: str, tmp_path: Path) -> tuple[str, set[str]]:
    """(group, topics) of the service's consumer as its app builds it (nothing started)."""
    if service == "siasn-connector":
        return ConnectorSettings().consumer_group, set(CONNECTOR_TOPICS)
    main = importlib.import_module(f"{SERVICES[service]}.main")
    hinted = typing.get_type_hints(main.create_app)["settings"]
    settings_type = next(a for a in typing.get_args(hinted) if a is not type(None))
    consumer = runtime_of(
        main.create_app(settings_type(service_name=service, data_dir=tmp_path, log_json=False))
    ).consumer
    return consumer.group_id, set(consumer.topics)


def test_the_committed_autoscaling_matches_the_generator():
    committed = (ROOT / "deploy" / "k8s" / "base" / "autoscaling.yaml").read_text()
    assert committed == render_autoscaling(environ={}), "run: python -m kinerja_devtools.manifests"


def test_every_deployment_that_consumes_is_scaled_on_lag(tmp_path: Path):
    consuming = {name for name in SERVICES if consumer_of(name, tmp_path)[1]} | {"siasn-connector"}
    assert {s["metadata"]["name"] for s in of_kind("base", "ScaledObject")} == consuming


@pytest.mark.parametrize("group", consumer_groups(), ids=lambda g: g.deployment)
def test_each_scaled_object_follows_the_consumer_the_service_builds(group, tmp_path: Path):
    scaled = one("base", "ScaledObject", group.deployment)["spec"]
    group_id, topics = consumer_of(group.deployment, tmp_path)
    lag = next(t for t in scaled["triggers"] if t["type"] == "kafka")
    assert lag["metadata"]["consumerGroup"] == group_id
    assert {t.name for t in group.reads} == topics
    assert scaled["maxReplicaCount"] == max(PARTITIONS[t] for t in topics)
    assert scaled["minReplicaCount"] <= scaled["maxReplicaCount"]
    # The service's KafkaUser may read its group, which is what KEDA's lag query needs.
    assert any(a.resource == "group" and group_id.startswith(a.name) for a in client(group.deployment).acls())


@pytest.mark.parametrize("group", consumer_groups(), ids=lambda g: g.deployment)
def test_keda_authenticates_with_the_credentials_of_the_deployment(group):
    authentication = one("base", "TriggerAuthentication", f"{group.deployment}-kafka")["spec"]
    env = env_of(container(one("base", "Deployment", group.deployment), group.deployment))
    for entry in authentication["env"]:
        assert entry["containerName"] == group.deployment and entry["name"] in env
    lag = next(t for t in one("base", "ScaledObject", group.deployment)["spec"]["triggers"] if t["type"] == "kafka")
    # The brokers' address is the Deployment's own (KEDA resolves its ConfigMap reference).
    assert lag["metadata"]["bootstrapServersFromEnv"] == "KAFKA_BOOTSTRAP_SERVERS"
    assert "configMapKeyRef" in env["KAFKA_BOOTSTRAP_SERVERS"]["valueFrom"]
    assert (
        one("base", "ScaledObject", group.deployment)["spec"]["scaleTargetRef"]["envSourceContainerName"]
        == group.deployment
    )
    assert (lag["metadata"]["sasl"], lag["metadata"]["tls"]) == ("scram_sha512", "enable")
    assert env["KAFKA_SASL_MECHANISM"]["value"] == "SCRAM-SHA-512"


def test_a_deployment_s_partitions_bound_its_autoscaling_too():
    manifest = render_autoscaling(environ={"KINERJA_TOPIC_PARTITIONS": "kinerja.employees=24"})
    assert manifest.count("maxReplicaCount: 24") == len(consumer_groups())
