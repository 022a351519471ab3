"""deploy/CAPACITY.md: its tables are the arithmetic of its input tables (issue 12)."""

import pytest
from deploy_manifests import container, env_of, of_kind, one
from kinerja_devtools import capacity


@pytest.fixture(scope="module")
def text() -> str:
    return capacity.FILE.read_text(encoding="utf-8")


def test_the_tables_follow_from_the_inputs(text: str):
    assert capacity.render(text) == text, f"deploy/CAPACITY.md is stale; run {capacity.COMMAND}"


def test_every_figure_of_the_brief_is_an_input(text: str):
    values = capacity.inputs(text)
    assert values["realisations"] == 785 and values["replay_appraisal"] == 11_976
    assert values["province_employees"] == 400_000 and values["country_employees"] == 5_700_000


def test_a_changed_figure_redoes_the_tables(text: str):
    faster = capacity.render(
        text.replace(
            "| `realisations` | realisations recorded, one request per IKI | 785 |",
            "| `realisations` | realisations recorded, one request per IKI | 1,570 |",
        )
    )
    assert "| `realisations` | 1,570 | 785.0 |" in faster
    assert "| realisations (one per IKI) | target-service | 600,000 | 100.0 | 785.0 | 0.13 | 0.21 |" in faster


def test_a_missing_input_is_named(text: str):
    without = text.replace("| `peak_factor` |", "| peak_factor |")
    with pytest.raises(ValueError, match="no 'peak_factor'"):
        capacity.render(without)


@pytest.mark.parametrize("service", capacity.SERVICES)
def test_the_replicas_are_counted_with_the_manifests_pool_and_autoscaler(service: str, text: str):
    env = env_of(container(one("base", "Deployment", service)))
    pool = int(env["DATABASE_POOL_SIZE"]["value"])
    scaled = [r for r in of_kind("base", "ScaledObject") if r["spec"]["scaleTargetRef"]["name"] == service]
    hpa = [r for r in of_kind("base", "HorizontalPodAutoscaler") if r["spec"]["scaleTargetRef"]["name"] == service]
    most = scaled[0]["spec"]["maxReplicaCount"] if scaled else hpa[0]["spec"]["maxReplicas"]
    assert capacity.deployed(service) == capacity.Deployed(pool, most, "KEDA" if scaled else "HPA")
    rows = [line for line in text.splitlines() if line.startswith(f"| {service} |") and f"(x {pool}) |" in line]
    assert len(rows) == 2, "a province's and the country's replicas"
    assert all(f"| {most} ({capacity.deployed(service).autoscaler})" in row for row in rows)


def test_the_broker_tables_say_whether_the_manifests_brokers_hold_a_year(text: str):
    pool = next(r for r in of_kind("base", "KafkaNodePool") if "broker" in r["spec"]["roles"])
    count = pool["spec"]["replicas"]
    assert capacity.brokers()[0] == count
    assert text.count(f"The manifests' brokers (deploy/kafka/cluster.yaml): {count} of ") == 2
    verdicts = text.count(f": {count} brokers carry it.") + text.count(f"**{count} brokers do not carry it**")
    assert verdicts == 2, "a verdict for a province and for the country"
