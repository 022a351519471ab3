"""Browser tests of the web portal: the portal (uvicorn on a loopback port) in front of the four
services in-process against PostgreSQL and a broker of their own, driven by Debian's Chromium
through Playwright, every page checked with axe-core and photographed.

Fixtures:
- ``portal_stack`` (session): ``.url`` of the portal, ``.services`` (the ServiceStack of
  tests/integration/two_agencies.py: ``.client`` and ``.urls`` reach the services directly).
- ``portal_agency`` (session): a small seeded agency (``PortalAgency``: people by part, a public unit).
- ``browser`` (session) and ``page`` (a fresh context per test: no cookies carried over).
- ``agency_api`` (session): ``AgencyApi`` on ``portal_agency``: the services called with dev tokens,
  and ``newcomer(...)`` registering a new employee. A test that changes someone's state (drafts,
  answers, rounds) uses its own newcomers, so the seeded people stay as seeded for every other test.
- ``sign_in_as(page, person)``: the dev sign-in page, one click.
- ``check_page(page, name)``: axe-core (no serious or critical violation) and a screenshot
  ``test-output/e2e-portal/<test>/<nn>-<name>.png`` (the folder is gitignored); under
  ``make screenshots`` the names listed in readme_screenshots.py are also copied to docs/screenshots/.

Chromium missing: skipped with a message, except under CI=true where it fails.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings

# ServiceStack and build_apps run the four services in-process; reused, not copied.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration"))
from two_agencies import ServiceStack, build_apps  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_screenshots import README_SCREENSHOTS  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
OUTPUT = REPO / "test-output" / "e2e-portal"
AXE_CACHE = Path(os.environ.get("AXE_CACHE_DIR", Path.home() / ".cache" / "kinerja" / "axe-core"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS = ("serious", "critical")
# Set by `make screenshots`: copy the README's chosen screenshots (readme_screenshots.py) there.
README_DIR = (
    Path(os.environ["KINERJA_SCREENSHOTS_DIR"]).resolve() if os.environ.get("KINERJA_SCREENSHOTS_DIR") else None
)


def missing(what: str):
    """Outside CI a missing browser tool skips the test, saying so; in CI it is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI=true: .ci/run installs it)")
    pytest.skip(what)


# -- the stack ---------------------------------------------------------------------------------------
@dataclass
class PortalStack:
    url: str
    services: ServiceStack


@pytest.fixture(scope="session")
def portal_broker(broker, tmp_path_factory):
    """A broker of the portal tests' own: their stack lives for the session, and on the suite's
    broker its consumers would also take (and dead-letter, and react to) every other test's events.
    (``broker`` first: it sets the client settings an embedded broker needs in the environment.)"""
    from concurrent.futures import ThreadPoolExecutor

    from kinerja_runtime.embedded_broker import BrokerUnavailable, EmbeddedBroker

    instance = EmbeddedBroker(log_file=tmp_path_factory.mktemp("portal-broker") / "tansu.log")
    try:
        with ThreadPoolExecutor(1) as pool:  # start() uses asyncio.run: keep it off any running loop
            pool.submit(instance.start).result()
    except BrokerUnavailable as exc:
        missing(f"no Kafka-protocol broker: {exc}")
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def portal_stack(portal_broker, postgres_url_factory):
    from kinerja_runtime.embedded_broker import free_port

    apps = build_apps(portal_broker, postgres_url_factory, f"portal_{uuid.uuid4().hex[:6]}")
    with ServiceStack(apps) as services, serve_portal(services, free_port()) as url:
        yield PortalStack(url, services)


@contextmanager
def serve_portal(services: ServiceStack, port: int, **settings):
    """The portal (uvicorn on 127.0.0.1:``port``) in front of ``services``; ``settings``: PortalSettings'
    fields beyond the service URLs. Yields its URL."""
    import uvicorn
    from web_portal.app import create_app
    from web_portal.settings import PortalSettings

    config = PortalSettings(
        **{f"{name.split('-')[0]}_service_url": url for name, url in services.urls.items()},
        **{"data_dir": OUTPUT / "no-demo", "log_level": "WARNING", **settings},
    )
    transports = {name: httpx.ASGITransport(app=app) for name, app in services.apps.items()}
    server = uvicorn.Server(
        uvicorn.Config(create_app(config, transports), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    # The portal serves on the services' event loop: its ASGI transports reach them there.
    served = services.portal.start_task_soon(server.serve)
    deadline = time.monotonic() + 30
    while not server.started:
        if served.done() or time.monotonic() > deadline:
            raise RuntimeError(f"the portal did not start: {served.exception() if served.done() else 'timeout'}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        served.result(timeout=15)


# -- a small agency --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Someone:
    nip: str
    name: str


@dataclass
class PortalAgency:
    """Parts: ``appraiser`` (a Kepala Bidang) approved; ``employee`` (staff, no SKP yet, named to give
    360° feedback on ``colleague``); ``colleague`` (staff, SKP approved); ``hr``. ``public_unit_id``
    serves the public (its survey is open: the period is)."""

    agency_id: str
    period_id: str
    people: dict[str, Someone]
    public_unit_id: str
    public_unit_name: str

    def __getitem__(self, part: str) -> Someone:
        return self.people[part]


@pytest.fixture(scope="session")
def portal_agency(portal_stack) -> PortalAgency:
    from kinerja_devtools.scenario import Scenario

    services = portal_stack.services
    scenario = Scenario(
        services.urls, agency=f"dinas-portal-{uuid.uuid4().hex[:6]}", size=3, say=lambda _message: None, timeout=60.0
    )
    scenario.http.close()
    scenario.http = services.client
    scenario.register_roster()
    scenario.open_period()
    kadis, *heads_and_staff = scenario.employees
    heads, staff = heads_and_staff[:3], heads_and_staff[3:]
    colleague, employee = staff[0], staff[1]
    for person in (kadis, heads[0], heads[1], colleague):  # top-down; the employee has not drafted yet
        scenario.set_targets(person)
    scenario.wait_for("feedback-service to know the roster and period", scenario.feedback_knows_roster)
    scenario.call(
        "POST",
        "feedback-service",
        "/feedback-rounds",
        colleague.appraiser_nip,
        ["appraiser"],
        json={
            "nip": colleague.nip,
            "period_id": scenario.period_id,
            "checkpoint_id": scenario.feedback_checkpoint(),
            "givers": [{"nip": employee.nip, "source": "peer"}],
        },
    )
    public = next(u for u in scenario.units if u["serves_public"])
    base = f"{services.urls['feedback-service']}/public/agencies/{scenario.agency}/units/{public['unit_id']}"
    scenario.wait_for(
        "feedback-service to know the public unit",
        lambda: services.client.get(f"{base}/satisfaction").status_code == 200,
    )
    appraiser = next(h for h in heads if h.nip == colleague.appraiser_nip)
    people = {
        "employee": Someone(employee.nip, employee.name),
        "colleague": Someone(colleague.nip, colleague.name),
        "appraiser": Someone(appraiser.nip, appraiser.name),
        "hr": Someone(scenario.hr_nip, "Pengelola kinerja"),
    }
    return PortalAgency(scenario.agency, scenario.period_id, people, public["unit_id"], public["name"])


class AgencyApi:
    """The services called directly with dev tokens of ``portal_agency``'s people, to set up what a
    test's browser acts on; ``newcomer`` adds a person of the test's own to the agency."""

    def __init__(self, services: ServiceStack, agency: PortalAgency):
        self.services, self.agency, self.issuer = services, agency, TokenIssuer(ServiceSettings())

    def call(self, method: str, service: str, path: str, nip: str, roles: list[str], **kwargs):
        token = self.issuer.issue(nip, self.agency.agency_id, roles)
        response = self.services.client.request(
            method, f"{self.services.urls[service]}{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs
        )
        assert response.status_code in (200, 201), f"{method} {path}: {response.status_code} {response.text[:300]}"
        return response.json() if response.content else None

    def newcomer(
        self, name: str, appraiser_nip: str, unit_id: str = "bidang-pelayanan", position: str = "Analis Pelayanan"
    ) -> Someone:
        """A new employee with a NIP of their own (random: modules and reruns never share one),
        registered by HR; returned once feedback-service knows them (rounds can name them)."""
        born = date(1980, 1, 1) + timedelta(days=secrets.randbelow(7000))
        nip = (
            f"{born:%Y%m%d}{2010 + secrets.randbelow(10)}{1 + secrets.randbelow(12):02d}{1 + secrets.randbelow(2)}"
            f"{secrets.randbelow(1000):03d}"
        )
        hr = self.agency["hr"].nip
        report = self.call(
            "POST",
            "target-service",
            "/employees",
            hr,
            ["hr"],
            json={
                "employees": [
                    {"nip": nip, "name": name, "position": position, "unit_id": unit_id, "appraiser_nip": appraiser_nip}
                ]
            },
        )
        assert not report.get("errors"), report
        token = self.issuer.issue(hr, self.agency.agency_id, ["hr"])
        known = f"{self.services.urls['feedback-service']}/employees/{nip}/feedback"
        deadline = time.monotonic() + 30
        while (
            self.services.client.get(
                known, params={"period_id": self.agency.period_id}, headers={"Authorization": f"Bearer {token}"}
            ).status_code
            != 200
        ):
            assert time.monotonic() < deadline, f"feedback-service did not learn of {name}"
            time.sleep(0.2)
        return Someone(nip, name)

    def feedback_checkpoint(self) -> str:
        """The checkpoint 360° rounds evaluate (the period's last)."""
        found = self.call(
            "GET", "feedback-service", f"/periods/{self.agency.period_id}/checkpoints", self.agency["hr"].nip, ["hr"]
        )["checkpoints"]
        return sorted(found, key=lambda c: c["ends_on"])[-1]["checkpoint_id"]


@pytest.fixture(scope="session")
def agency_api(portal_stack, portal_agency) -> AgencyApi:
    return AgencyApi(portal_stack.services, portal_agency)


# -- the browser ----------------------------------------------------------------------------------------
# Module scope: Playwright's sync API keeps its event loop marked as running in the main thread
# while it is open, so it must close before any async test of the suite runs (a browser start is
# about a second).
@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        missing("no chromium on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, portal_stack):
    context = browser.new_context(base_url=portal_stack.url, viewport={"width": 390, "height": 844}, locale="id-ID")
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, installed once into a cache folder outside the repository."""
    script = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    npm_install(AXE_CACHE, "axe-core@4", script)
    return script.read_text()


def npm_install(cache: Path, package: str, installed: Path) -> None:
    """``package`` (name@major) from the npm registry into ``cache``, unless ``installed`` is there."""
    if installed.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        missing(f"no npm on PATH to install {package}")
    subprocess.run(
        [npm, "install", "--prefix", str(cache), "--no-save", "--no-audit", "--no-fund", package],
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture
def check_page(request, axe_source):
    """``check_page(page, "name")``: no serious/critical axe violation; a screenshot of the page."""
    folder = OUTPUT / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken = []

    def check(page, name: str) -> None:
        taken.append(name)
        shot = folder / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        if README_DIR and name in README_SCREENSHOTS:  # make screenshots: the README's pictures
            shutil.copyfile(shot, README_DIR / README_SCREENSHOTS[name])
        page.add_script_tag(content=axe_source)
        result = page.evaluate("""async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
        bad = [v for v in result["violations"] if v["impact"] in SERIOUS]
        assert not bad, f"axe on {name}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad
        )

    return check


@pytest.fixture
def sign_in_as(portal_agency):
    """``sign_in_as(page, person)``: the dev sign-in page of the seeded agency, one click on the person."""

    def sign_in(page, person: Someone) -> None:
        page.goto(f"/masuk?agency={portal_agency.agency_id}")
        page.locator("form[action='/masuk/dev']").filter(has=page.locator(f"input[value='{person.nip}']")).get_by_role(
            "button"
        ).click()
        page.wait_for_load_state()

    return sign_in


@pytest.fixture(scope="session")
def portal_server():
    """``portal_server(services, port, **settings)``: serve_portal, for a test building its own stack."""
    return serve_portal


@pytest.fixture(scope="session")
def npm_package():
    """``npm_package(cache, "name@major", installed)``: npm_install (skips or fails as ``missing`` says)."""
    return npm_install
