"""Readiness (issue 12): a service is ready while its database answers. The broker's state is
reported but never fails readiness, since the outbox keeps taking writes while the broker is away
(kinerja_runtime.http.ready says why); a database that does not answer does fail it.

The broker here is a Tansu of this test's own, which the test stops: the session's broker serves
every other test."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from kinerja_runtime.embedded_broker import BrokerUnavailable, EmbeddedBroker, free_port
from kinerja_runtime.settings import ServiceSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from target_service.main import create_app

pytestmark = pytest.mark.integration

PROVINCE_ADMIN = "196805051990031001"


@pytest.fixture
def own_broker(tmp_path, monkeypatch):
    """An embedded broker this test may stop (never an external one, which others share)."""
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    broker = EmbeddedBroker(log_file=tmp_path / "tansu.log")
    try:
        with ThreadPoolExecutor(1) as pool:
            pool.submit(broker.start).result()
    except BrokerUnavailable as exc:
        pytest.skip(f"no embedded broker to stop: {exc}")
    yield broker
    broker.stop()


def target_app(broker: EmbeddedBroker, database_url: str):
    return create_app(
        ServiceSettings(
            service_name="target-service",
            database_url=database_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            kafka_idempotent_producer=False,  # Tansu grants no producer ids
            # The relay's send to the stopped broker gives up soon, so the app stops soon.
            kafka_request_timeout_ms=2000,
            log_json=False,
            log_level="ERROR",
        )
    )


async def unsent_events(database_url: str, agency: str) -> int:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(
                text("SELECT count(*) FROM outbox WHERE published_at IS NULL AND record_key = :agency"),
                {"agency": agency},
            )
            return found.scalar_one()
    finally:
        await engine.dispose()


async def test_a_broker_outage_is_reported_but_the_service_stays_ready_and_takes_writes(
    own_broker, database_url, running, eventually, auth_headers, agency
):
    admin = auth_headers(PROVINCE_ADMIN, "pemprov", ["province_admin"])
    async with running(target_app(own_broker, database_url)) as client:
        before = await client.get("/health/ready")
        assert before.status_code == 200, before.text
        assert before.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}

        own_broker.stop()

        async def degraded():
            answer = await client.get("/health/ready")
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert body["status"] == "degraded" and body["checks"]["database"] == "ok", body
            assert body["checks"]["broker"].startswith("down"), body

        await eventually(degraded, what="readiness reporting the stopped broker")

        # The write is taken: the change and its event are stored, the event waits in the outbox.
        body = {"name": "Dinas Kesehatan", "kind": "dinas", "timezone": "Asia/Jakarta"}
        registered = await client.put(f"/agencies/{agency}", json=body, headers=admin)
        assert registered.status_code == 201, registered.text
        assert await unsent_events(database_url, agency) == 1


async def test_a_service_started_while_the_broker_is_away_takes_writes_and_sends_them_once_it_answers(
    database_url, running, eventually, auth_headers, agency, tmp_path, monkeypatch
):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    away = EmbeddedBroker(port=free_port(), log_file=tmp_path / "tansu.log")  # nothing listens there yet
    admin = auth_headers(PROVINCE_ADMIN, "pemprov", ["province_admin"])
    try:
        async with running(target_app(away, database_url)) as client:
            ready = await client.get("/health/ready")
            assert ready.status_code == 200, ready.text
            assert ready.json()["status"] == "degraded" and ready.json()["checks"]["broker"].startswith("down")
            body = {"name": "Dinas Kesehatan", "kind": "dinas", "timezone": "Asia/Jakarta"}
            registered = await client.put(f"/agencies/{agency}", json=body, headers=admin)
            assert registered.status_code == 201, registered.text
            assert await unsent_events(database_url, agency) == 1

            try:
                await asyncio.to_thread(away.start)
            except BrokerUnavailable as exc:
                pytest.skip(f"no embedded broker to start: {exc}")

            async def sent():
                assert await unsent_events(database_url, agency) == 0
                assert (await client.get("/health/ready")).json()["status"] == "ok"

            await eventually(sent, timeout=120, what="the broker started in the background and the outbox sent")
    finally:
        away.stop()


async def test_a_database_that_does_not_answer_fails_readiness(
    own_broker, postgres_url_factory, running, eventually, request
):
    database_url = postgres_url_factory(request.node.name)
    if not database_url.startswith("postgresql"):
        pytest.skip("closing a database to connections needs PostgreSQL; this run has SQLite files")
    name = database_url.rsplit("/", 1)[1]
    admin = create_async_engine(database_url.rsplit("/", 1)[0] + "/postgres", poolclass=NullPool)
    async with running(target_app(own_broker, database_url)) as client:
        assert (await client.get("/health/ready")).status_code == 200
        async with admin.connect() as connection:
            await connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            await connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": name}
            )
            await connection.commit()
        try:

            async def unavailable():
                answer = await client.get("/health/ready")
                assert answer.status_code == 503, answer.text
                assert answer.json()["status"] == "unavailable"
                assert answer.json()["checks"]["database"].startswith("down"), answer.text

            await eventually(unavailable, what="readiness failing without the database")
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
                await connection.commit()
            await admin.dispose()
