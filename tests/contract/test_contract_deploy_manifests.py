"""The Kubernetes manifests (issue 12), rendered as an operator applies them (the base and both
overlays): every resource valid against its schema (the Kubernetes schemas kubernetes-validate
ships; the committed CRD schemas of Strimzi, KEDA and the Prometheus operator), hardened pods,
probes the programs serve, settings the programs read, Secrets referenced and listed for the
operator, and a migrations Job per service."""

import copy
import importlib
import importlib.util
import re
import tempfile
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
from deploy_manifests import (
    DEPLOY,
    KUSTOMIZATIONS,
    ONE_OFF,
    PROGRAMS,
    SERVICES,
    container,
    env_of,
    is_kinerja_image,
    of_kind,
    one,
    pod_templates,
    rendered,
    schema_file,
    settings_types,
    strict_schema,
    variables,
)
from kinerja_contracts.catalogue import ALL_TOPICS
from kinerja_devtools.kafka_users import ca_mount, ca_volume, client_env, clients
from kinerja_devtools.kustomize import KUBERNETES_VERSION

ALL = list(KUSTOMIZATIONS)
EVERY = [*KUSTOMIZATIONS, *ONE_OFF]  # and the one-off Jobs
UVICORN = {"FORWARDED_ALLOW_IPS"}  # read by uvicorn (the portal), not by a settings class
BUILT_IN = ("v1", "apps/v1", "batch/v1", "policy/v1", "networking.k8s.io/v1", "autoscaling/v2")


def validate(resource: dict) -> None:
    if resource["apiVersion"] in BUILT_IN:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
    else:
        path = schema_file(resource)
        assert path.exists(), f"no committed schema for {resource['apiVersion']} {resource['kind']} ({path})"
        jsonschema.Draft7Validator(strict_schema(path)).validate(resource)


@pytest.mark.parametrize("name", EVERY)
def test_every_resource_is_valid_against_its_schema(name: str):
    failures = []
    for resource in rendered(name):
        try:
            validate(resource)
        except (kubernetes_validate.ValidationError, jsonschema.ValidationError) as error:
            where = ".".join(str(p) for p in error.path)
            failures.append(f"{resource['kind']} {resource['metadata']['name']}: {where}: {error.message[:200]}")
    assert not failures, "\n".join(failures)


def test_the_validation_refuses_a_misspelt_field():
    """The schemas are strict: a typo is an error, in a built-in kind and in a custom resource."""
    deployment = copy.deepcopy(one("base", "Deployment", "target-service"))
    container(deployment)["securityContex"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)
    scaled = copy.deepcopy(one("base", "ScaledObject", "appraisal-service"))
    scaled["spec"]["maxReplicas"] = 3
    with pytest.raises(jsonschema.ValidationError):
        validate(scaled)


def test_the_overlays_set_their_namespace_and_the_production_images():
    assert {r["metadata"]["namespace"] for r in rendered("dev")} == {"kinerja-dev"}
    assert {r["metadata"]["namespace"] for r in rendered("production")} == {"kinerja"}
    for _, template in pod_templates("production"):
        for spec in template["spec"]["containers"]:
            if "redis" not in spec["image"]:
                assert re.fullmatch(r"registry\.example\.go\.id/kinerja/[a-z-]+:\d+\.\d+\.\d+", spec["image"]), spec


@pytest.mark.parametrize("name", ["dev", "production"])
def test_the_brokers_are_named_in_the_overlay_s_namespace(name: str):
    """KEDA reads the lag from its own namespace: the address must carry Kinerja's."""
    namespace = rendered(name)[0]["metadata"]["namespace"]
    bootstrap = one(name, "ConfigMap", "kinerja-settings")["data"]["kafka-bootstrap"]
    assert bootstrap == f"kinerja-kafka-bootstrap.{namespace}.svc:9093"


@pytest.mark.parametrize("name", EVERY)
def test_every_pod_is_hardened(name: str):
    for owner, template in pod_templates(name):
        pod = template["spec"]
        what = f"{owner['kind']} {owner['metadata']['name']}"
        assert pod["securityContext"]["runAsNonRoot"] is True, what
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, what
        assert pod["automountServiceAccountToken"] is False, what
        mounts_by_volume = {v["name"]: v for v in pod.get("volumes", [])}
        for spec in pod["containers"]:
            security = spec["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, what
            assert security["readOnlyRootFilesystem"] is True, what
            assert security["capabilities"] == {"drop": ["ALL"]}, what
            assert spec["resources"]["requests"].keys() >= {"cpu", "memory"}, what
            assert "memory" in spec["resources"]["limits"], what
            if is_kinerja_image(spec["image"]):
                # Python and its libraries write temporary files; /tmp is the only writable place.
                tmp = next(m for m in spec["volumeMounts"] if m["mountPath"] == "/tmp")
                assert "emptyDir" in mounts_by_volume[tmp["name"]], what


@pytest.mark.parametrize("deployment", sorted(PROGRAMS))
def test_the_probes_are_routes_the_program_serves(deployment: str):
    spec = container(one("base", "Deployment", deployment))
    probed = {kind: spec[kind]["httpGet"]["path"] for kind in ("startupProbe", "readinessProbe", "livenessProbe")}
    assert probed == {
        "startupProbe": "/health/live",
        "readinessProbe": "/health/ready",
        "livenessProbe": "/health/live",
    }
    assert set(probed.values()) <= routes_of(deployment)
    assert spec["readinessProbe"]["timeoutSeconds"] > 1, "readiness checks the broker for up to 1 s"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_start_up_allows_migrations_ten_minutes(service: str):
    startup = container(one("base", "Deployment", service))["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 600


@pytest.mark.parametrize("deployment", sorted(PROGRAMS))
def test_every_variable_of_a_deployment_is_a_setting_of_its_program(deployment: str):
    for name in ALL:
        spec = container(one(name, "Deployment", deployment))
        known = set().union(*(variables(t) for t in settings_types(deployment))) | UVICORN
        unknown = set(env_of(spec)) - known
        assert not unknown, f"{name}: {deployment} does not read {sorted(unknown)}"


@pytest.mark.parametrize("deployment", sorted(PROGRAMS))
def test_secrets_come_from_secrets(deployment: str):
    env = env_of(container(one("base", "Deployment", deployment)))
    secret = {"KAFKA_SASL_PASSWORD", "DATABASE_URL", "JWT_PUBLIC_KEY", "SESSION_SECRET", "OIDC_CLIENT_SECRET"}
    secret |= {"SIASN_CLIENT_ID", "SIASN_CLIENT_SECRET", "API_TOKEN", "METRICS_TOKEN", "JWT_SECRET"}
    for variable in secret & set(env):
        assert "secretKeyRef" in env[variable].get("valueFrom", {}), f"{deployment}: {variable} is written in"


@pytest.mark.parametrize("deployment", sorted(set(PROGRAMS) - {"web-portal"}))
def test_each_deployment_connects_as_its_kafka_user(deployment: str):
    pod = one("base", "Deployment", deployment)["spec"]["template"]["spec"]
    spec = container(one("base", "Deployment", deployment))
    assert [e for e in spec["env"] if e["name"].startswith("KAFKA_")] == client_env(deployment)
    assert deployment in {c.name for c in clients()}
    assert ca_mount() in spec["volumeMounts"] and ca_volume() in pod["volumes"]
    assert "9092" not in str(spec), "the plaintext listener is not for the services"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_job_migrates_each_service_before_its_deployment_starts(service: str):
    job = one("base", "Job", f"{service}-migrate")
    deployment = one("base", "Deployment", service)
    migrate, serve = container(job), container(deployment)
    assert migrate["image"] == serve["image"] and migrate["args"] == ["migrate"]
    assert env_of(migrate)["DATABASE_URL"] == env_of(serve)["DATABASE_URL"]
    assert env_of(serve)["MIGRATE_ON_START"]["value"] == "false"
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    # What `args: [migrate]` reaches: the service's command line (kinerja_runtime.serve.run_service).
    main = importlib.util.find_spec(f"{SERVICES[service]}.__main__")
    assert main and main.origin and "run_service(" in Path(main.origin).read_text()


@pytest.mark.parametrize("deployment", sorted(PROGRAMS))
def test_each_deployment_has_a_service_a_disruption_budget_and_one_autoscaler(deployment: str):
    selector = one("base", "Deployment", deployment)["spec"]["selector"]["matchLabels"]
    assert one("base", "Service", deployment)["spec"]["selector"] == selector
    assert one("base", "PodDisruptionBudget", deployment)["spec"]["selector"]["matchLabels"] == selector
    scalers = [
        r
        for r in of_kind("base", "ScaledObject") + of_kind("base", "HorizontalPodAutoscaler")
        if r["spec"]["scaleTargetRef"]["name"] == deployment
    ]
    assert len(scalers) == 1, f"{deployment}: {len(scalers)} autoscalers"
    assert "replicas" not in one("base", "Deployment", deployment)["spec"], "the autoscaler owns the count"
    minimum = scalers[0]["spec"].get("minReplicaCount", scalers[0]["spec"].get("minReplicas"))
    assert minimum >= (1 if deployment == "siasn-connector" else 2)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_monitor_scrapes_each_service(service: str):
    monitor = one("base", "ServiceMonitor", service)
    assert (
        monitor["spec"]["selector"]["matchLabels"].items()
        <= one("base", "Service", service)["metadata"]["labels"].items()
    )
    assert monitor["spec"]["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s"}]
    assert "/metrics" in routes_of(service)


def test_the_ingress_serves_the_portal_and_the_public_survey():
    ingress = one("production", "Ingress", "kinerja")
    paths = {p["path"]: p["backend"]["service"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]}
    assert paths == {
        "/public/agencies": {"name": "feedback-service", "port": {"name": "http"}},
        "/": {"name": "web-portal", "port": {"name": "http"}},
    }
    assert any(
        r.startswith("/public/agencies/") and r.endswith("/survey-answers") for r in routes_of("feedback-service")
    )
    assert not any(r.startswith("/public") for r in routes_of("web-portal")), "the portal would lose those pages"
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]
    # Behind the ingress, the survey counts citizens by the X-Forwarded-For of trusted proxies.
    trusted = env_of(container(one("production", "Deployment", "feedback-service")))["SURVEY_TRUSTED_PROXIES"]
    settings = one("production", "ConfigMap", "kinerja-settings")["data"]
    assert settings[trusted["valueFrom"]["configMapKeyRef"]["key"]] == settings["pod-network"]


def test_every_secret_is_listed_for_the_operator_or_written_by_an_operator():
    """deploy/README.md lists what the operator creates; Strimzi writes each KafkaUser's password
    and the cluster CA."""
    written_by_strimzi = {c.name for c in clients()} | {"kinerja-cluster-ca-cert"}
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", (DEPLOY / "README.md").read_text(), re.MULTILINE))
    referenced = set()
    for name in EVERY:
        for resource in rendered(name):
            text = str(resource)
            referenced |= set(re.findall(r"'secretKeyRef': \{'name': '([a-z0-9-]+)'", text))
            referenced |= set(re.findall(r"'secretName': '([a-z0-9-]+)'", text))
            referenced |= set(re.findall(r"'secretTargetRef': \[\{'parameter': '\w+', 'name': '([a-z0-9-]+)'", text))
    assert referenced - written_by_strimzi == listed, "deploy/README.md's table of Secrets"


def routes_of(deployment: str, tmp: Path = Path(tempfile.gettempdir()) / "kinerja-routes") -> set[str]:
    """The paths ``deployment``'s program serves (the app built, not started)."""
    if deployment == "web-portal":
        from web_portal.app import create_app as portal
        from web_portal.settings import PortalSettings

        app = portal(PortalSettings())
    elif deployment == "siasn-connector":
        from siasn_connector.api import create_app as connector
        from siasn_connector.settings import ConnectorSettings

        app = connector(ConnectorSettings())
    else:
        # The services include their routers lazily (FastAPI's included routers): their OpenAPI
        # document lists every route, the operations' ones included.
        settings = settings_types(deployment)[0](service_name=deployment, log_json=False, data_dir=tmp)
        return set(importlib.import_module(f"{SERVICES[deployment]}.main").create_app(settings).openapi()["paths"])
    return {getattr(route, "path", "") for route in app.routes}


def test_the_kafka_cluster_authenticates_and_authorises_every_client():
    for name in ALL:
        kafka = one(name, "Kafka", "kinerja")["spec"]["kafka"]
        assert kafka["authorization"] == {"type": "simple"}
        assert kafka["config"]["auto.create.topics.enable"] is False
        for listener in kafka["listeners"]:
            assert listener["tls"] is True and listener["authentication"] == {"type": "scram-sha-512"}, listener
        assert [listener["port"] for listener in kafka["listeners"]] == [9093]


@pytest.mark.parametrize(("name", "replicas", "in_sync"), [("production", 3, 2), ("dev", 1, 1)])
def test_each_overlay_creates_the_catalogue_s_topics_and_users(name: str, replicas: int, in_sync: int):
    topics = of_kind(name, "KafkaTopic")
    assert sorted(t["spec"]["topicName"] for t in topics) == sorted(t.name for t in ALL_TOPICS)
    assert {(t["spec"]["replicas"], t["spec"]["config"]["min.insync.replicas"]) for t in topics} == {
        (replicas, in_sync)
    }
    brokers = one(name, "KafkaNodePool", "brokers")["spec"]["replicas"]
    assert brokers >= replicas
    assert sorted(u["metadata"]["name"] for u in of_kind(name, "KafkaUser")) == sorted(c.name for c in clients())
