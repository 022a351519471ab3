"""The SIASN connector is an outside subscriber: it reads public topics only, as its own KafkaUser,
imports nothing of Kinerja but the contract, and its manifest names only settings it reads."""

import ast
import re
from pathlib import Path

from kinerja_contracts import PUBLIC_TOPICS
from kinerja_devtools.kafka_users import EXTERNAL_SUBSCRIBERS, client, client_env
from siasn_connector.api import create_app
from siasn_connector.apply import TOPICS
from siasn_connector.settings import ConnectorSettings

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "deploy" / "k8s" / "siasn-connector.yaml"
SOURCE = ROOT / "services" / "siasn-connector" / "src" / "siasn_connector"
NAME = "siasn-connector"


def env_names(text: str) -> set[str]:
    return set(re.findall(r"name: ([A-Z][A-Z0-9_]+)", text))


def test_the_connector_reads_public_topics_its_kafka_user_may_read():
    user = client(NAME)
    assert NAME in EXTERNAL_SUBSCRIBERS
    assert set(TOPICS) <= {t.name for t in PUBLIC_TOPICS}
    assert all(user.may_read(topic) for topic in TOPICS)
    group_acl = [a for a in user.acls() if a.resource == "group"]
    assert [(a.name, a.pattern) for a in group_acl] == [(NAME, "prefix")]
    assert ConnectorSettings().consumer_group.startswith(NAME)


def test_the_deployment_connects_as_its_kafka_user():
    text = MANIFEST.read_text()
    assert client_env(NAME) in text
    assert "mountPath: /etc/kinerja/kafka-ca" in text and "secretName: kinerja-cluster-ca-cert" in text
    assert "9092" not in text
    group = re.search(r"\{name: CONSUMER_GROUP, value: ([\w.-]+)\}", text)
    assert group and group.group(1).startswith(NAME)


def test_every_variable_of_the_manifest_is_a_connector_setting():
    unknown = env_names(MANIFEST.read_text()) - {name.upper() for name in ConnectorSettings.model_fields}
    assert not unknown, f"the connector does not read {sorted(unknown)}"


def test_secrets_come_from_secrets():
    text = MANIFEST.read_text()
    for secret in ("KAFKA_SASL_PASSWORD", "DATABASE_URL", "SIASN_CLIENT_SECRET", "API_TOKEN"):
        assert re.search(rf"name: {secret}\n\s+valueFrom: {{secretKeyRef:", text), secret


def test_the_probes_are_routes_of_the_connector():
    probed = set(re.findall(r"httpGet: \{path: (/[a-z/]+), port: http\}", MANIFEST.read_text()))
    served = {getattr(route, "path", None) for route in create_app(ConnectorSettings()).routes}
    assert probed == {"/health/live", "/health/ready"} and probed <= served
    assert "/reconciliation" in served


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
