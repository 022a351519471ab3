"""The deploy manifests as an operator applies them: each kustomization rendered (kinerja_devtools.
kustomize, standing in for `kubectl kustomize`), with lookups the deploy contract tests share."""

import functools
import importlib
import json
import typing
from collections.abc import Iterator
from pathlib import Path

from kinerja_devtools.kustomize import build

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUSTOMIZATIONS = {
    "base": DEPLOY / "k8s" / "base",
    "dev": DEPLOY / "k8s" / "overlays" / "dev",
    "production": DEPLOY / "k8s" / "overlays" / "production",
}
ONE_OFF = {"jobs": DEPLOY / "k8s" / "jobs"}
"""Applied by hand when needed, never with an overlay (kinerja-admin's Job)."""
SCHEMAS = DEPLOY / "schemas"

SERVICES = {  # the services built on the runtime: deployment name -> package
    "target-service": "target_service",
    "feedback-service": "feedback_service",
    "appraisal-service": "appraisal_service",
    "training-service": "training_service",
}
PROGRAMS = {**SERVICES, "web-portal": "web_portal", "siasn-connector": "siasn_connector"}
"""Every Deployment of a Kinerja image."""

Resource = dict[str, typing.Any]


@functools.cache
def rendered(name: str) -> tuple[Resource, ...]:
    return tuple(build({**KUSTOMIZATIONS, **ONE_OFF}[name]))


def of_kind(name: str, kind: str) -> list[Resource]:
    return [r for r in rendered(name) if r["kind"] == kind]


def one(name: str, kind: str, resource: str) -> Resource:
    found = [r for r in of_kind(name, kind) if r["metadata"]["name"] == resource]
    assert len(found) == 1, f"{name}: {len(found)} {kind} named {resource}"
    return found[0]


def pod_templates(name: str) -> Iterator[tuple[Resource, dict]]:
    for resource in rendered(name):
        if resource["kind"] in ("Deployment", "Job"):
            yield resource, resource["spec"]["template"]


def container(deployment: Resource, name: str | None = None) -> dict:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    return next(c for c in containers if name is None or c["name"] == name)


def env_of(container_spec: dict) -> dict[str, dict]:
    return {entry["name"]: entry for entry in container_spec.get("env", [])}


def is_kinerja_image(image: str) -> bool:
    return any(image.split("@")[0].rsplit(":", 1)[0].endswith(f"kinerja/{p}") for p in PROGRAMS)


def schema_file(resource: Resource) -> Path:
    group, _, version = resource["apiVersion"].rpartition("/")
    return SCHEMAS / group / f"{resource['kind']}-{version}.json"


@functools.cache
def strict_schema(path: Path) -> dict:
    """A CRD's openAPIV3Schema, refusing unknown fields as `kubectl apply` does (strict field
    validation) where the schema lists the fields and does not keep unknown ones."""

    def tighten(node):
        if isinstance(node, dict):
            out = {k: tighten(v) for k, v in node.items()}
            keeps_unknown = node.get("x-kubernetes-preserve-unknown-fields")
            if "properties" in node and "additionalProperties" not in node and not keeps_unknown:
                out["additionalProperties"] = False
            return out
        if isinstance(node, list):
            return [tighten(v) for v in node]
        return node

    return tighten(json.loads(path.read_text()))


def settings_types(deployment: str) -> tuple[type, ...]:
    """The pydantic-settings classes whose variables the program of ``deployment`` reads."""
    if deployment == "web-portal":
        from web_portal.settings import PortalSettings

        return (PortalSettings,)
    if deployment == "siasn-connector":
        from siasn_connector.settings import ConnectorSettings

        return (ConnectorSettings,)
    main = importlib.import_module(f"{SERVICES[deployment]}.main")
    hinted = typing.get_type_hints(main.create_app)["settings"]
    found: list[type] = [a for a in typing.get_args(hinted) if a is not type(None)] or [hinted]
    if deployment == "feedback-service":
        from feedback_service.settings import SurveySettings

        found.append(SurveySettings)
    return tuple(found)


def variables(settings_type: type) -> set[str]:
    """The environment variables a settings class reads (its prefix, field names and aliases)."""
    prefix = settings_type.model_config.get("env_prefix", "")
    names = set()
    for field_name, field in settings_type.model_fields.items():
        names.add(f"{prefix}{field_name}".upper())
        alias = field.validation_alias
        for choice in getattr(alias, "choices", [alias] if isinstance(alias, str) else []):
            names.add(str(choice).upper())
    return names
