"""Outside the embedded mode a service refuses to start on the dev signing secret (issue 8 item
16), and its API docs and metrics can be turned off or put behind a token by setting. The apps
are real (create_app) but not started: nothing here needs the database or the broker."""

import os
import subprocess
import sys

import httpx
import pytest
from kinerja_runtime.settings import InsecureSettings, ServiceSettings
from target_service.main import create_app

pytestmark = pytest.mark.integration

REAL_ISSUER = "https://sso.example.go.id/realms/asn"
REAL_SECRET = "a-deployment-secret-of-more-than-32-bytes"
PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"
DOCS = ("/docs", "/redoc", "/openapi.json", "/asyncapi.json")


@pytest.fixture
def settings(tmp_path):
    """``settings(**overrides)`` -> target-service settings on a SQLite file that is never opened."""

    def make(**overrides) -> ServiceSettings:
        return ServiceSettings(
            service_name="target-service", data_dir=tmp_path, log_json=False, log_level="WARNING", **overrides
        )

    return make


async def get(app, path: str, **headers) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get(path, headers=headers)


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"kinerja_env": "production"}, ["KINERJA_ENV is 'production'", "JWT_PUBLIC_KEY", "JWT_SECRET"]),
        ({"jwt_issuer": REAL_ISSUER}, [f"JWT_ISSUER is '{REAL_ISSUER}'", "JWT_PUBLIC_KEY", "JWT_SECRET"]),
        ({"kinerja_env": "production", "jwt_secret": ""}, ["JWT_PUBLIC_KEY", "JWT_SECRET"]),
        ({"kinerja_env": "production", "jwt_secret": "short-secret"}, ["JWT_SECRET is shorter than 32 bytes"]),
    ],
    ids=["production", "real issuer", "empty secret", "short secret"],
)
def test_a_deployment_refuses_to_start_without_a_real_key_naming_the_setting(settings, overrides, names):
    with pytest.raises(InsecureSettings) as refused:
        create_app(settings(**overrides))
    for name in names:
        assert name in str(refused.value)


@pytest.mark.parametrize(
    "key", [{"jwt_public_key": PUBLIC_KEY}, {"jwt_secret": REAL_SECRET}], ids=["public key", "secret"]
)
def test_a_deployment_with_a_real_key_starts(settings, key):
    assert create_app(settings(kinerja_env="production", jwt_issuer=REAL_ISSUER, **key)) is not None


def test_the_service_process_exits_at_start_naming_the_setting(tmp_path):
    env = {**os.environ, "KINERJA_ENV": "production", "DATA_DIR": str(tmp_path), "HTTP_PORT": "1"}
    env.pop("JWT_SECRET", None)
    env.pop("JWT_PUBLIC_KEY", None)
    started = subprocess.run(
        [sys.executable, "-m", "target_service"], env=env, capture_output=True, text=True, timeout=120
    )
    assert started.returncode != 0
    assert "InsecureSettings" in started.stderr and "set JWT_PUBLIC_KEY" in started.stderr, started.stderr[-2000:]


async def test_docs_are_served_in_development_and_off_in_production_unless_asked_for(settings):
    development = create_app(settings())
    for path in DOCS:
        assert (await get(development, path)).status_code == 200, path
    production = create_app(settings(kinerja_env="production", jwt_secret=REAL_SECRET))
    turned_off = create_app(settings(http_docs_enabled=False))
    asked_for = create_app(settings(kinerja_env="production", jwt_secret=REAL_SECRET, http_docs_enabled=True))
    for path in DOCS:
        assert (await get(production, path)).status_code == 404, path
        assert (await get(turned_off, path)).status_code == 404, path
        assert (await get(asked_for, path)).status_code == 200, path


async def test_metrics_can_be_put_behind_a_token_or_turned_off(settings):
    guarded = create_app(settings(metrics_token="scrape-token-1234"))
    refused = await get(guarded, "/metrics")
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/problem+json"
    assert (await get(guarded, "/metrics", authorization="Bearer wrong-token")).status_code == 401
    allowed = await get(guarded, "/metrics", authorization="Bearer scrape-token-1234")
    assert allowed.status_code == 200 and "kinerja_" in allowed.text
    assert (await get(create_app(settings()), "/metrics")).status_code == 200, "open by default"
    assert (await get(create_app(settings(metrics_enabled=False)), "/metrics")).status_code == 404


def test_the_settings_are_read_from_the_documented_variables(monkeypatch):
    for name, value in {
        "KINERJA_ENV": "production",
        "HTTP_DOCS_ENABLED": "true",
        "METRICS_ENABLED": "false",
        "METRICS_TOKEN": "t0ken",
        "HTTP_MAX_BODY_BYTES": "2048",
    }.items():
        monkeypatch.setenv(name, value)
    read = ServiceSettings()
    assert (
        read.kinerja_env,
        read.docs_enabled,
        read.metrics_enabled,
        read.metrics_token,
        read.http_max_body_bytes,
    ) == ("production", True, False, "t0ken", 2048)
