"""Production sign-in, end to end, against a real OpenID Connect provider (`oidc-provider` from the
npm registry, configured by oidc_provider.mjs): the portal with dev sign-in off and KINERJA_ENV
production sends the browser to the provider (authorisation code with PKCE S256), the person signs
in at the provider's own form, comes back signed in, and the services, configured like production
(RS256 with the provider's public key, its issuer, audience "kinerja"), accept the provider's access
token the portal forwards. Logout ends the portal's session and the provider's (RP-initiated logout).
A callback whose ``state`` was tampered with is refused.

The RSA key is made here and handed to the provider (its signing JWK) and to the services (PEM);
the test signs with it only to seed the agency (the HR officer's roster and period) before anyone
signs in. npm missing: skipped outside CI, a failure under CI=true (.ci/run installs oidc-provider).
"""

import base64
import json
import os
import re
import secrets
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from playwright.sync_api import expect
from two_agencies import ServiceStack, build_apps  # tests/integration, on sys.path by conftest

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

PROVIDER_CACHE = Path(os.environ.get("OIDC_PROVIDER_CACHE_DIR", Path.home() / ".cache" / "kinerja" / "oidc-provider"))
PROVIDER_SCRIPT = Path(__file__).resolve().parent / "oidc_provider.mjs"
AUDIENCE = "kinerja"
CLIENT_ID = "kinerja-portal"


class ProviderKeyIssuer:
    """Signs like the provider (its key, issuer and audience): the HR officer's seeding calls only."""

    def __init__(self, key, issuer: str):
        self.key, self.issuer = key, issuer

    def issue(self, nip: str, agency: str, roles: list[str], hours: float = 1) -> str:
        now = datetime.now(UTC)
        return jwt.encode(
            {
                "sub": nip,
                "agency": agency,
                "roles": roles,
                "iss": self.issuer,
                "aud": AUDIENCE,
                "iat": now,
                "exp": now + timedelta(hours=hours),
            },
            self.key,
            algorithm="RS256",
        )


@dataclass
class OidcStack:
    portal: str
    issuer: str
    employee_nip: str
    employee_name: str


def wait_for_discovery(issuer: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oidc-provider exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("oidc-provider did not publish its discovery document within 20 s")


@pytest.fixture(scope="module")
def oidc_stack(portal_broker, postgres_url_factory, portal_server, npm_package, tmp_path_factory):
    from kinerja_devtools.scenario import Scenario
    from kinerja_runtime.embedded_broker import free_port

    npm_package(PROVIDER_CACHE, "oidc-provider@8", PROVIDER_CACHE / "node_modules" / "oidc-provider" / "package.json")
    node = shutil.which("node")
    if node is None:  # npm without node: as the conftest's rule for missing tools
        pytest.fail("no node on PATH") if os.environ.get("CI") == "true" else pytest.skip("no node on PATH")

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    provider_port, portal_port = free_port(), free_port()
    issuer, portal = f"http://127.0.0.1:{provider_port}", f"http://127.0.0.1:{portal_port}"

    auth = {"kinerja_env": "production", "jwt_public_key": public_pem, "jwt_issuer": issuer, "jwt_audience": AUDIENCE}
    apps = build_apps(portal_broker, postgres_url_factory, f"oidc_{uuid.uuid4().hex[:6]}", auth=auth)
    with ServiceStack(apps) as services:
        scenario = Scenario(
            services.urls, agency=f"dinas-oidc-{uuid.uuid4().hex[:6]}", size=3, say=lambda _message: None, timeout=60.0
        )
        scenario.http.close()
        scenario.http, scenario.issuer = services.client, ProviderKeyIssuer(key, issuer)
        scenario.register_roster()
        scenario.open_period()
        employee = scenario.employees[-1]  # staff, no SKP yet

        # PyJWT marks a private JWK key_ops ["sign"]; the provider also looks keys up "for verify".
        jwk = {name: value for name, value in json.loads(RSAAlgorithm.to_jwk(key)).items() if name != "key_ops"} | {
            "kid": "kinerja-test",
            "use": "sig",
            "alg": "RS256",
        }
        client_secret = secrets.token_urlsafe(32)
        setup = {
            "port": provider_port,
            "package": str(PROVIDER_CACHE),
            "jwk": jwk,
            "audience": AUDIENCE,
            "client": {
                "client_id": CLIENT_ID,
                "client_secret": client_secret,
                "redirect_uri": f"{portal}/masuk/callback",
                "post_logout_redirect_uri": f"{portal}/masuk",
            },
            "accounts": {employee.nip: {"name": employee.name, "agency": scenario.agency, "roles": ["employee"]}},
        }
        log = tmp_path_factory.mktemp("oidc-provider") / "provider.log"
        with log.open("wb") as output:
            provider = subprocess.Popen(
                [node, str(PROVIDER_SCRIPT)],
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, "KINERJA_OIDC": json.dumps(setup)},
            )
        try:
            wait_for_discovery(issuer, provider, log)
            with portal_server(
                services,
                portal_port,
                kinerja_env="production",
                dev_sign_in=False,
                session_secret=secrets.token_urlsafe(48),
                oidc_issuer=issuer,
                oidc_client_id=CLIENT_ID,
                oidc_client_secret=client_secret,
                oidc_scopes="openid profile kinerja",
            ):
                yield OidcStack(portal, issuer, employee.nip, employee.name)
        finally:
            provider.terminate()
            provider.wait(timeout=10)


@pytest.fixture
def oidc_page(browser, oidc_stack):
    context = browser.new_context(base_url=oidc_stack.portal, viewport={"width": 390, "height": 844}, locale="id-ID")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def session_token(page, portal: str) -> str:
    """The bearer token the portal keeps in its signed (not encrypted) session cookie."""
    cookie = next(c for c in page.context.cookies(portal) if c["name"] == "kinerja_sesi")
    payload = cookie["value"].split(".")[0]
    return json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))["token"]


def sign_in_at_provider(page, stack: OidcStack) -> None:
    expect(page).to_have_url(re.compile(rf"^{re.escape(stack.issuer)}/interaction/"))
    page.locator("input[name=login]").fill(stack.employee_nip)
    page.locator("input[name=password]").fill("rahasia")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider's consent page


def test_employee_signs_in_at_the_identity_provider(oidc_page, oidc_stack):
    page, stack = oidc_page, oidc_stack
    authorize = []
    page.on("request", lambda r: authorize.append(r.url) if r.url.startswith(f"{stack.issuer}/auth?") else None)

    page.goto("/pegawai")  # not signed in: straight to the identity provider
    sign_in_at_provider(page, stack)
    query = parse_qs(urlsplit(authorize[0]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43  # PKCE
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]

    expect(page).to_have_url(f"{stack.portal}/pegawai")
    expect(page.locator("header .who")).to_contain_text(stack.employee_name)
    expect(page.locator("header .role")).to_have_text("Pegawai")
    # target-service answered /periods and /me/skp with the provider's token: the SKP to draft.
    expect(page.locator(".todo").filter(has_text="Susun SKP tahun")).to_have_count(1)

    token = session_token(page, stack.portal)
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["iss"], claims["aud"], claims["sub"], claims["roles"]) == (
        stack.issuer,
        AUDIENCE,
        stack.employee_nip,
        ["employee"],
    )

    page.get_by_role("button", name="Keluar").click()  # the portal, then the provider's own sign-out
    expect(page).to_have_url(re.compile(rf"^{re.escape(stack.issuer)}/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{stack.portal}/masuk")
    expect(page.locator("main")).to_contain_text("Anda telah keluar.")
    page.goto("/pegawai")  # both sessions are gone: the provider asks to sign in again
    expect(page.locator("input[name=login]")).to_be_visible()


def callback_of_a_new_sign_in(page, stack: OidcStack) -> str:
    """A sign-in started and its redirects followed one by one (the browser's cookies: the provider
    remembers the person) up to the portal's callback URL, which is returned, not visited."""
    url = f"{stack.portal}/masuk/sso?next=%2Fpegawai"
    for _hop in range(10):
        response = page.request.get(url, max_redirects=0)
        assert response.headers.get("location"), f"{url} answered {response.status} without a redirect"
        url = urljoin(url, response.headers["location"])
        if url.startswith(f"{stack.portal}/masuk/callback?"):
            return url
    raise AssertionError("no callback after 10 redirects")


def test_a_tampered_state_is_refused(oidc_page, oidc_stack):
    page, stack = oidc_page, oidc_stack
    page.goto("/pegawai")
    sign_in_at_provider(page, stack)
    expect(page.locator("header .who")).to_contain_text(stack.employee_name)
    page.context.clear_cookies(name="kinerja_sesi")  # the portal's session only; the provider's stays

    genuine = callback_of_a_new_sign_in(page, stack)
    state = parse_qs(urlsplit(genuine).query)["state"][0]
    page.goto(genuine.replace(f"state={state}", f"state={state[:-4]}AAAA"))
    expect(page).to_have_url(f"{stack.portal}/masuk")
    expect(page.locator("main")).to_contain_text("Masuk gagal")
    expect(page.locator("header .who")).to_have_count(0)

    page.goto(genuine)  # the same code with its own state: only the state was wrong
    expect(page).to_have_url(f"{stack.portal}/pegawai")
    expect(page.locator("header .who")).to_contain_text(stack.employee_name)
