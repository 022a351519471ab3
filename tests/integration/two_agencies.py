"""Two agencies' years driven through the four real services, in-process, for the security tests
(the authorisation matrix and the OpenAPI fuzz).

``ServiceStack`` runs the four FastAPI apps (lifespans: migrations, broker, relay, consumers) on one
event loop in a worker thread, each against its own PostgreSQL database and the session's broker,
and offers a plain synchronous ``httpx.Client`` whose requests reach the apps through
``httpx.ASGITransport`` on that loop: ``http://target-service/...``, ``http://feedback-service/...``.
So ``kinerja_devtools.scenario.Scenario`` (what ``make demo`` and the e2e tests drive) runs against
it unchanged, and every request a test sends passes through the same code a real one does.

``seed_two_agencies`` runs a small year in agency A and agency B: units, roster, period and IKU,
cascaded SKPs approved top-down, realisations, 360° rounds, close, proposals confirmed, development
plans; then an open objection by two staff members. Every NIP, name and unit of B differs from A's,
so a response can be searched for the other agency's data.
"""

import time
import uuid
import zlib
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field

import httpx
from anyio.from_thread import start_blocking_portal
from kinerja_devtools.scenario import PROFILES, Employee, Scenario

SERVICES = ("target-service", "feedback-service", "appraisal-service", "training-service")


class PortalTransport(httpx.BaseTransport):
    """A synchronous httpx transport that hands each request to the ASGI app named by its host,
    on the stack's event loop (the apps' database pools and consumers live on that loop)."""

    def __init__(self, portal, apps: dict):
        self.portal = portal
        # A server error is an answer (500) to assert on, not an exception in the test.
        self.transports = {name: httpx.ASGITransport(app=app, raise_app_exceptions=False) for name, app in apps.items()}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        transport = self.transports[request.url.host]

        async def send() -> httpx.Response:
            response = await transport.handle_async_request(request)
            body = await response.aread()
            # A stream (not content) that the client reads and closes, as it does a real answer.
            return httpx.Response(
                response.status_code, headers=response.headers, stream=httpx.ByteStream(body), request=request
            )

        return self.portal.call(send)


def build_apps(
    broker, make_database: Callable[[str], str], label: str, *, survey_limit: int = 60, auth: dict | None = None
) -> dict:
    """The four services, not started, each on a fresh database; consumer groups of their own.
    ``auth``: token settings for all four (e.g. jwt_public_key, jwt_issuer); default the dev issuer's."""
    from appraisal_service.main import create_app as appraisal_app
    from appraisal_service.settings import AppraisalSettings
    from feedback_service.main import create_app as feedback_app
    from feedback_service.settings import SurveySettings
    from kinerja_runtime.settings import ServiceSettings
    from target_service.main import create_app as target_app
    from training_service.main import create_app as training_app

    def settings(cls, service: str, **extra):
        url = make_database(f"{label}_{service.split('-')[0]}")
        return cls(
            service_name=service,
            database_url=url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_group=f"{service}-{zlib.crc32(url.encode()):08x}",
            consumer_backoff_seconds=0.05,
            log_json=False,
            log_level="ERROR",
            **(auth or {}),
            **extra,
        )

    return {
        "target-service": target_app(settings(ServiceSettings, "target-service")),
        "feedback-service": feedback_app(
            settings(ServiceSettings, "feedback-service"),
            SurveySettings(rate_limit=survey_limit, read_rate_limit=max(300, survey_limit)),
        ),
        "appraisal-service": appraisal_app(
            settings(
                AppraisalSettings,
                "appraisal-service",
                appraisal_settle_seconds=0.2,
                appraisal_max_wait_seconds=60,
            )
        ),
        "training-service": training_app(settings(ServiceSettings, "training-service")),
    }


class ServiceStack:
    """``with ServiceStack(apps) as stack: stack.client.get("http://target-service/periods", ...)``"""

    def __init__(self, apps: dict):
        self.apps = apps
        self.urls = {name: f"http://{name}" for name in apps}
        self._exit = ExitStack()

    def __enter__(self) -> "ServiceStack":
        try:
            self.portal = self._exit.enter_context(start_blocking_portal("asyncio"))
            for app in self.apps.values():
                self._exit.enter_context(self.portal.wrap_async_context_manager(app.router.lifespan_context(app)))
            self.client = self._exit.enter_context(
                httpx.Client(transport=PortalTransport(self.portal, self.apps), timeout=60.0)
            )
        except BaseException:
            self._exit.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._exit.close()

    def openapi(self, service: str) -> dict:
        return self.apps[service].openapi()


# --------------------------------------------------------------------------------------------
# The seeded world
# --------------------------------------------------------------------------------------------


@dataclass
class Person:
    """Someone of the roster (or HR) and what they own once the year is seeded."""

    nip: str
    name: str
    roles: tuple[str, ...]
    unit_id: str | None = None
    appraiser_nip: str | None = None
    skp_id: str | None = None
    rhk_ids: list[str] = field(default_factory=list)
    iki_ids: list[str] = field(default_factory=list)
    appraisal_id: str | None = None
    round_id: str | None = None
    objection_id: str | None = None
    plan_id: str | None = None
    item_id: str | None = None


@dataclass
class Agency:
    """One agency's year. People by part: ``hr``, ``kadis`` (head of agency), ``appraiser`` (a
    Kepala Bidang who appraises ``employee`` and ``colleague``), ``other_appraiser`` (another
    Kepala Bidang, who appraises ``other_employee``), ``employee``, ``colleague``, ``other_employee``."""

    agency_id: str
    suffix: str
    people: dict[str, Person]
    roster: list[Person]
    units: list[dict]
    period_id: str
    checkpoint_id: str
    iku_id: str
    # Each public unit's IKM and mutu as feedback-service answered them (seeded with ``surveys``).
    satisfaction: dict[str, dict] = field(default_factory=dict)

    def __getitem__(self, part: str) -> Person:
        return self.people[part]

    def identifying(self) -> set[str]:
        """Strings that belong to this agency alone: a response to anyone else must hold none."""
        # Checkpoint ids ("triwulan-4") are the same in every agency: not identifying.
        found = {self.agency_id, self.period_id, self.iku_id}
        for person in [*self.roster, self.people["hr"]]:
            found |= {person.nip, person.name}
            found |= {
                v
                for v in (
                    person.skp_id,
                    person.appraisal_id,
                    person.round_id,
                    person.objection_id,
                    person.plan_id,
                    person.item_id,
                )
                if v
            }
            found |= set(person.rhk_ids) | set(person.iki_ids)
        for unit in self.units:
            found |= {unit["unit_id"], unit["name"]}
        return {s for s in found if s and len(s) >= 6}


@dataclass
class World:
    a: Agency
    b: Agency
    stack: ServiceStack
    seconds: float = 0.0  # how long seeding took

    def identifying(self, agency_id: str) -> set[str]:
        return (self.a if agency_id == self.a.agency_id else self.b).identifying()


# The staff's years: the employee and the colleague end below expectations (development plans,
# and an objection each); the rest do well. Staff n (0-based) is appraised by Kepala Bidang n % 3.
STAFF_PROFILES = ["behind", "solid", "solid", "struggling"]


def _retag(scenario: Scenario, suffix: str, seq_shift: int) -> None:
    """Make this agency's NIPs, names and unit ids its own (the scenario's are the same in every
    agency): NIP sequence numbers are shifted, names and units carry the agency's suffix."""

    def nip(old: str) -> str:
        return old[:-3] + f"{(int(old[-3:]) + seq_shift) % 1000:03d}"

    slug = suffix.lower()
    unit_ids = {u["unit_id"]: f"{slug}-{u['unit_id']}" for u in scenario.units}
    for unit in scenario.units:
        unit["unit_id"] = unit_ids[unit["unit_id"]]
        unit["parent_unit_id"] = unit_ids.get(unit["parent_unit_id"])
        unit["head_nip"] = nip(unit["head_nip"]) if unit["head_nip"] else None
        unit["name"] = f"{unit['name']} {suffix}"
    for employee in scenario.employees:
        employee.nip, employee.appraiser_nip = nip(employee.nip), nip(employee.appraiser_nip)
        employee.name, employee.unit = f"{employee.name} {suffix}", f"{employee.unit} {suffix}"
        employee.unit_id = unit_ids[employee.unit_id]
    scenario.hr_nip, scenario.atasan_nip = nip(scenario.hr_nip), nip(scenario.atasan_nip)


def _person(employee: Employee, roles: tuple[str, ...]) -> Person:
    return Person(
        employee.nip,
        employee.name,
        roles,
        employee.unit_id,
        employee.appraiser_nip,
        employee.skp_id,
        list(employee.rhk_ids),
        [i["iki_id"] for i in employee.iki],
    )


def seed_agency(stack: ServiceStack, suffix: str, seq_shift: int, surveys: int = 0) -> Agency:
    """One agency's year (see the module's docstring); ``seq_shift`` keeps its NIPs apart from another's.
    ``surveys``: citizens' answers to each public unit's survey while the period is open (none by default)."""
    scenario = Scenario(
        stack.urls,
        agency=f"dinas-{suffix.lower()}-{uuid.uuid4().hex[:6]}",
        size=len(STAFF_PROFILES),
        say=lambda _message: None,
        timeout=120.0,
    )
    scenario.http.close()
    scenario.http = stack.client
    _retag(scenario, suffix, seq_shift)
    kadis, *rest = scenario.employees
    heads, staff = rest[:3], rest[3:]
    for employee, profile in zip(staff, STAFF_PROFILES, strict=True):
        employee.profile = PROFILES[profile]

    # The province registers the agency (its days are counted in WIB, as an unregistered one's).
    scenario.call(
        "PUT",
        "target-service",
        f"/agencies/{scenario.agency}",
        scenario.hr_nip,
        ["province_admin"],
        json={"name": f"Dinas {suffix}", "kind": "dinas", "timezone": "Asia/Jakarta"},
    )
    scenario.register_roster()
    scenario.open_period()
    for employee in scenario.employees:
        scenario.set_targets(employee)
    scenario.record_realizations()
    scenario.give_feedback()
    if surveys:
        scenario.satisfaction = scenario.citizen_surveys(answers_per_unit=surveys)
    scenario.wait_until_appraisal_knows_everything()
    scenario.close_period()
    scenario.confirm_appraisals()
    result = scenario.results()

    people = {
        "kadis": _person(kadis, ("appraiser",)),
        "appraiser": _person(heads[0], ("appraiser",)),
        "other_appraiser": _person(heads[1], ("appraiser",)),
        "employee": _person(staff[0], ("employee",)),
        "colleague": _person(staff[3], ("employee",)),
        "other_employee": _person(staff[1], ("employee",)),
        "hr": Person(scenario.hr_nip, f"HR {suffix}", ("hr",)),
    }
    assert people["employee"].appraiser_nip == people["colleague"].appraiser_nip == people["appraiser"].nip
    assert people["other_employee"].appraiser_nip == people["other_appraiser"].nip
    roster = [
        people["kadis"],
        people["appraiser"],
        people["other_appraiser"],
        _person(heads[2], ("appraiser",)),
        people["employee"],
        people["other_employee"],
        _person(staff[2], ("employee",)),
        people["colleague"],
    ]

    appraisal_of = {a["nip"]: a["appraisal_id"] for a in result["appraisals"]}
    plan_of = {p["nip"]: p for p in result["plans"] if p.get("mandatory", True) and p["items"]}
    for person in roster:
        person.appraisal_id = appraisal_of[person.nip]
        feedback = scenario.call(
            "GET",
            "feedback-service",
            f"/employees/{person.nip}/feedback",
            **scenario.hr,
            params={"period_id": scenario.period_id},
        )
        person.round_id = feedback["rounds"][0]["round_id"]
        if person.nip in plan_of:
            person.plan_id = plan_of[person.nip]["plan_id"]
            person.item_id = plan_of[person.nip]["items"][0]["item_id"]
    for part in ("employee", "colleague"):
        person = people[part]
        assert person.plan_id, f"the {part} ends below expectations and has a development plan"
        filed = scenario.call(
            "POST",
            "appraisal-service",
            f"/appraisals/{person.appraisal_id}/objections",
            person.nip,
            ["employee"],
            json={"reasons": "Bukti dukung triwulan IV belum dihitung."},
        )
        person.objection_id = filed["objection_id"]

    return Agency(
        scenario.agency,
        suffix,
        people,
        roster,
        scenario.units,
        scenario.period_id,
        scenario.yearly_checkpoint(),
        scenario.iku[0]["iku_id"],
        scenario.satisfaction,
    )


def seed_two_agencies(stack: ServiceStack, surveys: int = 0) -> World:
    started = time.monotonic()
    a = seed_agency(stack, "Arjasari", 0, surveys)
    b = seed_agency(stack, "Banjaran", 500, surveys)
    assert not (a.identifying() & b.identifying()), f"the two agencies share {a.identifying() & b.identifying()}"
    return World(a, b, stack, time.monotonic() - started)
