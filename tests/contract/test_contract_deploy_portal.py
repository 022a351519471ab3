"""The portal's manifest runs it in production (no dev sign-in, no dev session secret) behind the
ingress, with its secrets from Secrets; the settings it names and the routes it probes are checked
with every Deployment's (test_contract_deploy_manifests.py)."""

from deploy_manifests import KUSTOMIZATIONS, container, env_of, one


def test_the_portal_runs_in_production_in_every_overlay():
    for name in KUSTOMIZATIONS:
        env = env_of(container(one(name, "Deployment", "web-portal")))
        assert env["KINERJA_ENV"] == {"name": "KINERJA_ENV", "value": "production"}, name
        for secret in ("SESSION_SECRET", "OIDC_CLIENT_SECRET"):
            assert env[secret]["valueFrom"]["secretKeyRef"]["name"] == "web-portal", (name, secret)


def test_the_portal_believes_the_forwarded_address_of_the_ingress_only():
    env = env_of(container(one("production", "Deployment", "web-portal")))
    settings = one("production", "ConfigMap", "kinerja-settings")["data"]
    key = env["FORWARDED_ALLOW_IPS"]["valueFrom"]["configMapKeyRef"]["key"]
    assert settings[key] == settings["pod-network"] and settings[key] != "*"
