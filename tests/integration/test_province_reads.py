"""The province view (issue 11) over the four real services in-process on PostgreSQL and a
broker of its own (a province report counts every agency the services know: on the session's
broker, other tests' agencies would be counted too): two agencies' years seeded through the services (tests/integration/two_agencies.py,
with citizens answering the public units' surveys), then every province report read by a
province admin, each figure checked against what the agencies' own routes answer (or what the
seed made), the SQL each read sends counted (a fixed number of statements, whatever the number of
agencies or employees), and every other role refused.

Besides the seeded year: A's HR records A's organisation predikat (B's stays unknown); A's
objection of the employee is decided (upheld); and two earlier years of Sangat Baik are published
for one employee of each agency, so the talent pool of the year before has one person in each.
"""

import contextvars
import time
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import httpx
import pytest
from kinerja_contracts import AppraisalCompleted, PerformancePeriodOpened, PerilakuResult
from kinerja_contracts.appraisal import AppraisalSummary
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, Predikat
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings
from sqlalchemy import event
from two_agencies import Agency, ServiceStack, World, build_apps, seed_two_agencies

pytestmark = pytest.mark.integration

TOKENS = TokenIssuer(ServiceSettings())
PROVINCE_ADMIN = ("197001011990031999", "pemprov")  # of no agency's roster
YEAR = date.today().year
ROUTES = {
    "predikat-distribution": ("appraisal-service", "/province/predikat-distribution"),
    "objections": ("appraisal-service", "/province/objections"),
    "skp-progress": ("target-service", "/province/skp-progress"),
    "satisfaction": ("feedback-service", "/province/satisfaction"),
    "development": ("training-service", "/province/development"),
    "talent-pool": ("training-service", "/province/talent-pool"),
}
# The SQL statements each read sends: a fixed number, whatever the agencies and employees (the
# talent pool's third is its access-log entries, one INSERT for the page; the SKP progress's third
# reads the agencies' zones, each agency's day ending in its own).
STATEMENTS = {
    "predikat-distribution": 3,
    "objections": 2,
    "skp-progress": 3,
    "satisfaction": 3,
    "development": 3,
    "talent-pool": 3,
}


def headers(nip: str, agency: str, roles) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS.issue(nip, agency, list(roles))}"}


ADMIN = headers(*PROVINCE_ADMIN, ["province_admin"])


def hr_of(agency: Agency) -> dict[str, str]:
    return headers(agency["hr"].nip, agency.agency_id, ["hr"])


class Reader:
    def __init__(self, stack: ServiceStack):
        self.stack = stack

    def call(self, method: str, service: str, path: str, headers: dict, expect: int = 200, **kwargs):
        answer = self.stack.client.request(method, f"{self.stack.urls[service]}{path}", headers=headers, **kwargs)
        assert answer.status_code == expect, f"{method} {service}{path}: {answer.status_code} {answer.text[:300]}"
        return answer.json()

    def province(self, report: str, **params) -> dict:
        service, path = ROUTES[report]
        return self.call("GET", service, path, ADMIN, params={"year": YEAR, **params})


# --------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------


def sangat_baik(agency: Agency, nip: str, period_id: str, at: datetime) -> AppraisalCompleted:
    summary = AppraisalSummary(
        indikator=[],
        perilaku=[PerilakuResult(value=v, level=Ekspektasi.DI_ATAS, answers=5) for v in BerakhlakValue],
        average_capaian_utama=110.0,
        feedback_answers=5,
    )
    return AppraisalCompleted(
        agency_id=agency.agency_id,
        period_id=period_id,
        nip=nip,
        appraisal_id=f"apr-{uuid.uuid4().hex[:12]}",
        rating_hasil_kerja=Ekspektasi.DI_ATAS,
        rating_perilaku=Ekspektasi.DI_ATAS,
        predikat=Predikat.SANGAT_BAIK,
        policy_version="default-1",
        completed_at=at,
        summary=summary,
    )


def publish(world: World, broker, events: list) -> None:
    """Publish contract events as another producer would (on the stack's loop)."""
    from aiokafka import AIOKafkaProducer
    from kinerja_contracts import CloudEventAttributes, encode

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, enable_idempotence=False, acks="all")
        await producer.start()
        try:
            for e in events:
                ce = CloudEventAttributes.for_event(e, "/kinerja/tests").to_headers()
                await producer.send_and_wait(
                    e.topic, encode(e), key=e.key().encode(), headers=[(k, str(v).encode()) for k, v in ce.items()]
                )
        finally:
            await producer.stop()

    world.stack.portal.call(send)


def earlier_stars(world: World, broker) -> dict[str, str]:
    """Two earlier years (periods of YEAR-2 and YEAR-1) of Sangat Baik for the employee of each
    agency: the talent pool of YEAR-1 then holds them. Returns agency id -> NIP."""
    events: list = []
    stars = {}
    for agency in (world.a, world.b):
        star = agency["other_employee"].nip
        stars[agency.agency_id] = star
        for year in (YEAR - 2, YEAR - 1):
            period_id = f"{agency.agency_id}-{year}"
            events.append(
                PerformancePeriodOpened(
                    agency_id=agency.agency_id,
                    period_id=period_id,
                    year=year,
                    starts_on=date(year, 1, 1),
                    ends_on=date(year, 12, 31),
                )
            )
            events.append(sangat_baik(agency, star, period_id, datetime(year + 1, 1, 15, tzinfo=UTC)))
    publish(world, broker, events)
    return stars


@pytest.fixture(scope="module")
def province_broker(broker, tmp_path_factory):
    """The reports' own broker (``broker`` first: it sets the client settings an embedded broker
    needs in the environment)."""
    from concurrent.futures import ThreadPoolExecutor

    from kinerja_runtime.embedded_broker import BrokerUnavailable, EmbeddedBroker

    instance = EmbeddedBroker(log_file=tmp_path_factory.mktemp("province-broker") / "tansu.log")
    try:
        with ThreadPoolExecutor(1) as pool:  # start() uses asyncio.run: keep it off any running loop
            pool.submit(instance.start).result()
    except BrokerUnavailable as exc:
        pytest.skip(f"no Kafka-protocol broker: {exc}")
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def world(province_broker, postgres_url_factory):
    broker = province_broker
    apps = build_apps(broker, postgres_url_factory, "province", survey_limit=1_000_000)
    with ServiceStack(apps) as stack:
        world = seed_two_agencies(stack, surveys=4)
        reader = Reader(stack)
        a = world.a
        reader.call(
            "PUT",
            "appraisal-service",
            f"/periods/{a.period_id}/organisation-predikat",
            hr_of(a),
            json={"organisation_predikat": "baik"},
        )
        reader.call(
            "POST",
            "appraisal-service",
            f"/objections/{a['employee'].objection_id}/decision",
            headers(a["kadis"].nip, a.agency_id, ["employee", "appraiser"]),
            json={"outcome": "upheld", "reason": "Hasil sudah sesuai bukti."},
        )
        world.stars = earlier_stars(world, broker)
        yield world


@pytest.fixture(scope="module")
def read(world) -> Reader:
    return Reader(world.stack)


def by_agency(report: dict) -> dict[str, dict]:
    return {row["agency_id"]: row for row in report["agencies"]}


# --------------------------------------------------------------------------------------------
# The reports
# --------------------------------------------------------------------------------------------


def test_predikat_distribution_against_each_agencys_curve(world, read):
    report = read.province("predikat-distribution")
    assert report["year"] == YEAR
    found = by_agency(report)
    assert set(found) == {world.a.agency_id, world.b.agency_id}
    for agency in (world.a, world.b):
        own = read.call(
            "GET",
            "appraisal-service",
            f"/periods/{agency.period_id}/distribution",
            hr_of(agency),
            params={"include_proposals": "false"},
        )["agency"]
        row = found[agency.agency_id]
        assert row["period_id"] == agency.period_id
        assert (row["counts"], row["total"], row["proposed"]) == (own["counts"], own["total"], 0)
        assert row["total"] == len(agency.roster) == 8
    a, b = found[world.a.agency_id], found[world.b.agency_id]
    # A's HR recorded Baik: the curve is the one A's own calibration of final results shows.
    calibrated = read.call(
        "POST",
        "appraisal-service",
        f"/periods/{world.a.period_id}/calibration",
        hr_of(world.a),
        json={"organisation_predikat": "baik", "include_proposals": False},
    )
    assert a["organisation_predikat"] == "baik"
    assert a["bounds"] == calibrated["bounds"] and a["violations"] == calibrated["violations"]
    assert a["ok"] is calibrated["ok"] and [x["bound"] for x in a["bounds"]] == [
        "baik_at_most_70_percent",
        "butuh_perbaikan_or_kurang_misconduct_at_least_1",
    ]
    # B recorded nothing: no curve and no verdict, said in the summary too.
    assert (b["organisation_predikat"], b["bounds"], b["violations"], b["ok"]) == (None, [], [], None)
    assert report["without_organisation_predikat"] == 1
    assert report["with_violations"] == (0 if calibrated["ok"] else 1)
    # A's HR reads back what it recorded.
    assert (
        read.call("GET", "appraisal-service", f"/periods/{world.a.period_id}/distribution", hr_of(world.a))[
            "organisation_predikat"
        ]
        == "baik"
    )


def test_objections_per_agency_by_outcome(world, read):
    report = read.province("objections")
    found = by_agency(report)
    # Seeded: two objections each (the employee's and the colleague's); A's employee's was upheld.
    assert {k: v for k, v in found[world.a.agency_id].items() if k != "period_id"} == {
        "agency_id": world.a.agency_id,
        "filed": 2,
        "open": 1,
        "decided": 1,
        "upheld": 1,
        "changed": 0,
    }
    assert (found[world.b.agency_id]["filed"], found[world.b.agency_id]["open"]) == (2, 2)
    assert report["totals"] == {"filed": 4, "open": 3, "decided": 1, "upheld": 1, "changed": 0}


def test_skp_progress_as_of_today_and_the_day_before(world, read):
    today = datetime.now(timezone(timedelta(hours=7))).date()  # the services' agency time (WIB)
    report = read.province("skp-progress")
    assert report["on"] == today.isoformat()
    found = by_agency(report)
    assert set(found) == {world.a.agency_id, world.b.agency_id}
    for agency in (world.a, world.b):
        row = found[agency.agency_id]
        # Everyone on the roster drafted, submitted and had their SKP approved while seeding.
        assert (row["period_id"], row["period_status"]) == (agency.period_id, "closed")
        assert (row["employees"], row["drafted"], row["submitted"], row["approved"], row["without_skp"]) == (
            8,
            8,
            8,
            8,
            0,
        )
    assert report["totals"]["approved"] == 16
    before = by_agency(read.province("skp-progress", on=(today - timedelta(days=1)).isoformat()))
    assert [(r["employees"], r["drafted"], r["approved"]) for r in before.values()] == [(8, 0, 0), (8, 0, 0)]
    assert read.province("skp-progress", year=YEAR + 1)["totals"]["drafted"] == 0


def test_satisfaction_of_every_public_unit(world, read):
    report = read.province("satisfaction")
    shown = {(u["agency_id"], u["unit_id"]): u for u in report["units"]}
    expected = {
        (agency.agency_id, unit_id): found
        for agency in (world.a, world.b)
        for unit_id, found in agency.satisfaction.items()
    }
    assert len(expected) == 4 and set(shown) == set(expected)
    for key, found in expected.items():
        unit = shown[key]
        assert (unit["name"], unit["ikm"], unit["mutu"], unit["answers"]) == (
            found["name"],
            found["ikm"],
            found["mutu"],
            found["answers"],
        )
        assert unit["answers"] == 4
    page = read.province("satisfaction", limit=3)
    assert len(page["units"]) == 3 and page["next_offset"] == 3
    assert len(read.province("satisfaction", limit=3, offset=3)["units"]) == 1


def test_development_and_20_jp_per_agency(world, read):
    report = read.province("development")
    found = by_agency(report)
    assert set(found) == {world.a.agency_id, world.b.agency_id}
    for agency in (world.a, world.b):
        own = read.call(
            "GET", "training-service", "/reports/development", hr_of(agency), params={"year": YEAR, "limit": 500}
        )
        plans = read.call(
            "GET",
            "training-service",
            f"/periods/{agency.period_id}/plan-decisions",
            hr_of(agency),
            params={"limit": 1000},
        )["plans"]
        of_year = [p for p in plans if p["year"] == YEAR]
        row = found[agency.agency_id]
        assert row["plans_by_status"] == {
            status: sum(1 for p in of_year if p["status"] == status) for status in ("active", "completed", "superseded")
        }
        assert row["plans"] == sum(1 for p in of_year if p["status"] != "superseded") > 0
        assert (row["employees"], row["fulfilled"]) == (
            own["jp_fulfilment"]["total"],
            own["jp_fulfilment"]["fulfilled"],
        )
        assert row["employees"] == 8 and row["not_fulfilled"] == 8 - row["fulfilled"]


def test_the_talent_pool_across_agencies_with_names_and_in_the_access_log(world, read):
    pool = talent_pool_of_last_year(read)
    people = {a.agency_id: {p.nip: p for p in a.roster} for a in (world.a, world.b)}
    assert [(n["agency_id"], n["nip"], n["name"], n["years"]) for n in pool["nominations"]] == [
        (agency_id, nip, people[agency_id][nip].name, [YEAR - 2, YEAR - 1])
        for agency_id, nip in sorted(world.stars.items())
    ]
    assert read.province("talent-pool")["nominations"] == []  # this year's results are not Sangat Baik twice
    # The employee sees, in their own agency's log, that the province admin read their nomination.
    star = world.a["other_employee"]
    log = read.call("GET", "training-service", "/me/access-log", headers(star.nip, world.a.agency_id, ["employee"]))
    entries = log["items"]
    assert any(
        e["actor_nip"] == PROVINCE_ADMIN[0]
        and e["record_kind"] == "talent-pool"
        and e["actor_roles"] == ["province_admin"]
        for e in entries
    ), entries


def talent_pool_of_last_year(read: Reader) -> dict:
    """Once training-service has applied the published years (its consumer is asynchronous)."""
    deadline = time.monotonic() + 60
    while True:
        pool = read.province("talent-pool", year=YEAR - 1)
        if len(pool["nominations"]) >= 2 or time.monotonic() > deadline:
            return pool
        time.sleep(0.3)


# --------------------------------------------------------------------------------------------
# Statements and refusals
# --------------------------------------------------------------------------------------------

_counting: contextvars.ContextVar[list | None] = contextvars.ContextVar("province_counting", default=None)


def statements_of(stack: ServiceStack, report: str) -> tuple[int, list[str]]:
    """Send the report's request on the stack's loop and list the SQL the service sent for it."""
    service, path = ROUTES[report]
    app = stack.apps[service]
    engine = app.state.runtime.engine.sync_engine

    def seen(conn, cursor, statement, parameters, context, executemany):
        sent = _counting.get()
        if sent is not None:
            sent.append(statement)

    async def send() -> tuple[int, list[str]]:
        sent: list[str] = []
        token = _counting.set(sent)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=f"http://{service}") as client:
                answer = await client.get(
                    path, params={"year": YEAR - 1 if report == "talent-pool" else YEAR}, headers=ADMIN
                )
        finally:
            _counting.reset(token)
        return answer.status_code, sent

    event.listen(engine, "before_cursor_execute", seen)
    try:
        return stack.portal.call(send)
    finally:
        event.remove(engine, "before_cursor_execute", seen)


@pytest.mark.parametrize("report", sorted(ROUTES))
def test_each_report_sends_a_fixed_number_of_statements(world, read, report):
    talent_pool_of_last_year(read)  # a page with people on it
    status, sent = statements_of(world.stack, report)
    assert status == 200
    assert len(sent) == STATEMENTS[report], "\n\n".join(sent)


@pytest.mark.parametrize("report", sorted(ROUTES))
def test_every_other_role_is_refused(world, report):
    service, path = ROUTES[report]
    a, b = world.a, world.b
    others = {
        "employee": headers(a["employee"].nip, a.agency_id, ["employee"]),
        "appraiser": headers(a["appraiser"].nip, a.agency_id, ["employee", "appraiser"]),
        "hr": hr_of(a),
        "other agency's hr": hr_of(b),
        "hr of the province's own agency": headers(PROVINCE_ADMIN[0], PROVINCE_ADMIN[1], ["hr", "appraiser"]),
    }
    url = f"{world.stack.urls[service]}{path}"
    for who, sent in others.items():
        answer = world.stack.client.get(url, params={"year": YEAR}, headers=sent)
        assert answer.status_code == 403, f"{who}: {answer.status_code} {answer.text[:200]}"
        assert a.agency_id not in answer.text and b.agency_id not in answer.text
    assert world.stack.client.get(url, params={"year": YEAR}).status_code == 401
    assert world.stack.client.get(url, headers=ADMIN).status_code == 422  # the year is required
    assert world.stack.client.get(url, params={"year": 1999}, headers=ADMIN).status_code == 422
