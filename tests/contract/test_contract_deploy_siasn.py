"""The SIASN connector is an outside subscriber: it reads public topics only, as its own KafkaUser,
and imports nothing of Kinerja but the contract. Its manifest's settings, secrets, probes and Kafka
connection are checked with every Deployment's (test_contract_deploy_manifests.py)."""

import ast
from pathlib import Path

from deploy_manifests import container, env_of, one
from kinerja_contracts import PUBLIC_TOPICS
from kinerja_devtools.kafka_users import EXTERNAL_SUBSCRIBERS, SUBSCRIBER_READS, client
from siasn_connector.apply import TOPICS
from siasn_connector.settings import ConnectorSettings

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "services" / "siasn-connector" / "src" / "siasn_connector"
NAME = "siasn-connector"


def test_the_connector_reads_public_topics_its_kafka_user_may_read():
    user = client(NAME)
    assert NAME in EXTERNAL_SUBSCRIBERS
    assert set(TOPICS) <= {t.name for t in PUBLIC_TOPICS}
    assert all(user.may_read(topic) for topic in TOPICS)
    group_acl = [a for a in user.acls() if a.resource == "group"]
    assert [(a.name, a.pattern) for a in group_acl] == [(NAME, "literal")]
    assert ConnectorSettings().consumer_group == NAME


def test_the_deployment_consumes_in_its_own_group_and_keeps_its_state_in_postgresql():
    env = env_of(container(one("base", "Deployment", NAME)))
    assert env["CONSUMER_GROUP"]["value"] == NAME, "its KafkaUser may read this group only"
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": f"{NAME}-db", "key": "url"}
    assert env["DATA_DIR"]["value"].startswith("/tmp/"), "the root filesystem is read-only"


def test_the_subscriber_reads_what_its_autoscaling_is_sized_for():
    assert {t.name for t in SUBSCRIBER_READS[NAME]} == set(TOPICS)


def test_the_connector_imports_the_contract_and_nothing_else_of_kinerja():
    """What an outside integrator has: kinerja_contracts (import-linter checks it too)."""
    kinerja_packages = {
        "kinerja_runtime",
        "kinerja_devtools",
        "target_service",
        "feedback_service",
        "appraisal_service",
        "training_service",
        "web_portal",
    }
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in kinerja_packages, f"{path.name} imports {name}"
