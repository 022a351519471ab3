"""The portal's manifest names only settings the portal reads, runs in production, and probes
routes the portal serves."""

import re
from pathlib import Path

from web_portal.app import create_app
from web_portal.settings import PortalSettings

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "web-portal.yaml"
UVICORN = {"FORWARDED_ALLOW_IPS"}  # read by uvicorn, not by PortalSettings


def env_names(text: str) -> set[str]:
    return set(re.findall(r"name: ([A-Z][A-Z0-9_]+)", text))


def test_every_variable_of_the_manifest_is_a_portal_setting():
    unknown = env_names(MANIFEST.read_text()) - UVICORN - {name.upper() for name in PortalSettings.model_fields}
    assert not unknown, f"the portal does not read {sorted(unknown)}"


def test_the_manifest_runs_production_with_its_secrets_from_a_secret():
    text = MANIFEST.read_text()
    assert "{name: KINERJA_ENV, value: production}" in text
    for secret in ("SESSION_SECRET", "OIDC_CLIENT_SECRET"):
        assert re.search(rf"name: {secret}\n\s+valueFrom: {{secretKeyRef:", text), secret


def test_the_probes_are_routes_of_the_portal():
    text = MANIFEST.read_text()
    probed = set(re.findall(r"httpGet: \{path: (/[a-z/]+), port: http\}", text))
    served = {getattr(route, "path", None) for route in create_app(PortalSettings()).routes}
    assert probed == {"/health/live", "/health/ready"} and probed <= served
