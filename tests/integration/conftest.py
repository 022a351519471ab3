"""Fixtures of the delivery integration tests: feedback-service in-process against the real
broker and a real database, with helpers to publish roster events and query its tables.

Topics and consumer groups are shared by the whole session; every test isolates its data
with its own agency id (and its own database).
"""

import contextlib
import contextvars
import json
import random
import uuid
import zlib
from datetime import date

import pytest
from kinerja_contracts import EmployeeRegistered, PerformancePeriodOpened
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

EMPLOYEES_GROUP = "feedback-service.kinerja.employees"
PERIODS_GROUP = "feedback-service.kinerja.periods"


@pytest.fixture
def agency() -> str:
    """A tenant of this test alone."""
    return f"agency-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def new_nip():
    """``new_nip()`` -> a random, well-formed 18-digit NIP."""
    rng = random.Random()

    def make() -> str:
        return f"19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}20{rng.randint(0, 24):02d}0{rng.randint(1, 2)}1{rng.randint(0, 999):03d}"

    return make


@pytest.fixture
def database_url(postgres_url_factory, request) -> str:
    """A fresh database for this test."""
    return postgres_url_factory(request.node.name)


@pytest.fixture
def feedback_app(broker):
    """``feedback_app(database_url)`` -> a new feedback-service FastAPI app (not started)."""
    from feedback_service.main import create_app
    from kinerja_runtime.settings import ServiceSettings

    def make(database_url: str, **overrides):
        settings = ServiceSettings(
            service_name="feedback-service",
            database_url=database_url,
            # Replicas (same database) share a group; other tests get their own, so no test
            # waits for the broker to rebalance a group that an earlier test left.
            consumer_group=f"feedback-service-{zlib.crc32(database_url.encode()):08x}",
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_backoff_seconds=0.05,
            log_json=False,
            log_level="WARNING",
            **overrides,
        )
        return create_app(settings)

    return make


@pytest.fixture
def sql():
    """``await sql(url, "SELECT ...", **params)`` -> list of row dicts (own short-lived connection)."""

    async def run(url: str, statement: str, **params) -> list[dict]:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(text(statement), params)
                return [dict(row._mapping) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    return run


def employee_registered(
    agency: str,
    nip: str,
    *,
    name: str = "Siti Rahayu",
    appraiser_nip: str | None = None,
    unit: str = "Bidang Kepegawaian",
) -> EmployeeRegistered:
    return EmployeeRegistered(
        agency_id=agency, nip=nip, name=name, position="Analis SDM Aparatur", unit=unit, appraiser_nip=appraiser_nip
    )


def period_opened(agency: str, period_id: str, year: int = 2025) -> PerformancePeriodOpened:
    return PerformancePeriodOpened(
        agency_id=agency, period_id=period_id, year=year, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31)
    )


@pytest.fixture
def events():
    """Factories of the roster events the tests publish (``events.employee`` / ``events.period``)."""

    class Events:
        employee = staticmethod(employee_registered)
        period = staticmethod(period_opened)

    return Events


def ratings(level: str = Ekspektasi.SESUAI.value) -> dict:
    return {v.value: level for v in BerakhlakValue}


@pytest.fixture
def roster_ready(publish_event, eventually, auth_headers, events):
    """``await roster_ready(client, agency, nip, period_id, appraiser_nip=None)``: publish the
    employee and an open period, then poll the API until the employee is known."""

    async def ready(client, agency: str, nip: str, period_id: str, appraiser_nip: str | None = None) -> None:
        await publish_event(events.employee(agency, nip, appraiser_nip=appraiser_nip))
        await publish_event(events.period(agency, period_id))
        headers = auth_headers(nip, agency, ["employee"])

        async def known():
            response = await client.get(f"/employees/{nip}/feedback", params={"period_id": period_id}, headers=headers)
            assert response.status_code != 404, response.text
            assert response.status_code == 200, response.text

        await eventually(known, timeout=60, interval=0.2, what=f"employee {nip} known to feedback-service")

    return ready


@pytest.fixture
def submit_feedback(eventually, auth_headers, roster_ready):
    """``await submit_feedback(client, agency, nip, period_id, giver_nip, headers=None)`` -> feedback_id.

    As the product requires: HR opens a round naming the giver (a peer), the giver answers,
    HR closes the round. Retries while the roster or the period is not yet projected."""

    async def submit(client, agency: str, nip: str, period_id: str, giver_nip: str, extra_headers=None) -> str:
        await roster_ready(client, agency, giver_nip, period_id)
        hr = auth_headers("199001012015011001", agency, ["hr"])
        opened = {}

        async def open_round():
            response = await client.post(
                "/feedback-rounds",
                json={"nip": nip, "period_id": period_id, "givers": [{"nip": giver_nip, "source": "peer"}]},
                headers=hr,
            )
            assert response.status_code == 201, response.text
            opened.update(response.json())

        await eventually(open_round, timeout=60, interval=0.2, what="feedback round opened")
        answered = await client.put(
            f"/feedback-rounds/{opened['round_id']}/answer",
            json={"ratings": ratings(), "comment": "Selalu membantu rekan kerja."},
            headers={**auth_headers(giver_nip, agency, ["employee"]), **(extra_headers or {})},
        )
        assert answered.status_code == 201, answered.text
        closed = await client.post(f"/feedback-rounds/{opened['round_id']}/close", headers=hr)
        assert closed.status_code == 200, closed.text
        submit.last_response = answered
        return answered.json()["feedback_id"]

    return submit


def group_of(app, topic: str) -> str:
    """The consumer group through which ``app`` reads ``topic`` (as the runtime configured it)."""
    groups = {s.group_id for s in app.state.runtime.broker.subscribers if topic in s.topic_names}
    assert len(groups) == 1, f"{topic} read by groups {groups}"
    return groups.pop()


@pytest.fixture
def consumer_group():
    """``consumer_group(app, topic)`` -> the Kafka group id (the inbox and dead letter name the service)."""
    return group_of


def partitions_owned(app, topic: str) -> set[int]:
    """The partitions of ``topic`` currently assigned to ``app``'s consumer."""
    owned: set[int] = set()
    for subscriber in app.state.runtime.broker.subscribers:
        if topic in subscriber.topic_names and subscriber.consumer is not None:
            owned |= {tp.partition for tp in subscriber.consumer.assignment() if tp.topic == topic}
    return owned


@pytest.fixture
def owned_partitions():
    """``owned_partitions(app, topic)`` -> set of partition numbers assigned to the app now."""
    return partitions_owned


@pytest.fixture
def target_app(broker, database_url):
    """A target-service app (not started) on this test's database and the session broker."""
    from kinerja_runtime.settings import ServiceSettings
    from target_service.main import create_app

    return create_app(
        ServiceSettings(
            service_name="target-service",
            database_url=database_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            log_json=False,
            log_level="WARNING",
        )
    )


_counting: contextvars.ContextVar[list | None] = contextvars.ContextVar("counting", default=None)


@pytest.fixture
def statements(target_app):
    """``async with statements() as sent: await client.post(...)`` -> ``sent`` lists the SQL."""
    engine = target_app.state.runtime.engine.sync_engine

    def seen(conn, cursor, statement, parameters, context, executemany):
        sent = _counting.get()
        if sent is not None:
            sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)

    @contextlib.asynccontextmanager
    async def count():
        sent: list[str] = []
        token = _counting.set(sent)
        try:
            yield sent
        finally:
            _counting.reset(token)

    yield count
    event.remove(engine, "before_cursor_execute", seen)


@pytest.fixture
def as_(agency, auth_headers):
    """``as_(nip, *roles)`` -> headers of a caller in this test's agency."""
    return lambda nip, *roles: auth_headers(nip, agency, list(roles) or ["employee"])


@pytest.fixture
def events_of(read_topic, agency):
    """``await events_of(topic, until)`` -> [(ce_type, data)] of this test's agency, in log order per key."""

    async def read(topic: str, until) -> list[tuple[str, dict]]:
        records = await read_topic(
            topic,
            until=lambda rs: until([r.headers["ce_type"].split(".")[2] for r in rs]),
            timeout=30,
            where=lambda r: r.headers.get("ce_agency") == agency,
        )
        return [(r.headers["ce_type"].split(".")[2], json.loads(r.value)) for r in records]

    return read
