"""The metrics an operator pages on, read from a service's /metrics on PostgreSQL and the real
broker: the outbox's backlog and the age of its oldest row, parked rows, the relay lease,
consumer lag, event age at apply, dead letters by reason class, the database pool; probes and
scrapes are not counted as traffic."""

import json

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

pytestmark = pytest.mark.integration

EMPLOYEES = "kinerja.employees"
EMPLOYEE_REGISTERED = "kinerja.target.EmployeeRegistered.v1"


def sample(text: str, name: str, **labels) -> float | None:
    """The value of the sample ``name`` with (at least) ``labels``; None when there is none."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return None


def samples(text: str, name: str) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples if s.name == name]


async def scrape(client) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    return response.text


async def queue_employees(uows, events, agency: str, nips: list[str]) -> list[str]:
    async with uows() as uow:
        ids = [(await uow.publish(events.employee(agency, nip))).id for nip in nips]
        await uow.commit()
    return ids


async def test_a_stopped_relay_shows_as_a_backlog_growing_old_and_no_lease_held(
    database_url, feedback_app, running, events, agency, new_nip, eventually
):
    app = feedback_app(database_url, outbox_lease_seconds=1.0)
    runtime = app.state.runtime
    async with running(app) as client:

        async def holds_the_lease():
            assert sample(await scrape(client), "kinerja_outbox_relay_lease_held") == 1

        await eventually(holds_the_lease, what="the only replica's relay holds the lease")
        assert sample(await scrape(client), "kinerja_outbox_backlog_rows") == 0
        assert sample(await scrape(client), "kinerja_outbox_oldest_unsent_age_seconds") == 0

        runtime.relay.stop()
        await queue_employees(runtime.uows, events, agency, [new_nip(), new_nip()])
        text = await scrape(client)
        assert sample(text, "kinerja_outbox_backlog_rows") == 2
        assert sample(text, "kinerja_outbox_oldest_unsent_age_seconds") > 0
        assert sample(text, "kinerja_outbox_parked_rows") == 0
        # PostgreSQL's pool: the configured size; the scrape's own connection is back in it.
        assert sample(text, "kinerja_db_pool_size_connections") == runtime.settings.database_pool_size
        assert sample(text, "kinerja_db_pool_in_use_connections") == 0

        async def lease_expired():
            assert sample(await scrape(client), "kinerja_outbox_relay_lease_held") == 0

        await eventually(lease_expired, what="the stopped relay's lease expired, nobody holds it")


async def test_the_outbox_gauges_are_read_while_every_pooled_connection_is_busy(
    database_url, feedback_app, running, eventually
):
    app = feedback_app(database_url, database_pool_size=2)
    runtime = app.state.runtime
    async with running(app) as client:

        async def holds_the_lease():
            assert sample(await scrape(client), "kinerja_outbox_relay_lease_held") == 1

        await eventually(holds_the_lease, what="the relay holds the lease")
        busy = [await runtime.engine.connect() for _ in range(2)]  # what a load's requests would hold
        try:
            text = await scrape(client)
            assert sample(text, "kinerja_db_pool_in_use_connections") == 2
            assert sample(text, "kinerja_outbox_backlog_rows") == 0, "read on the scrape's own connection"
            assert sample(text, "kinerja_outbox_relay_lease_held") == 1
        finally:
            for connection in busy:
                await connection.close()


async def test_a_row_the_broker_refuses_is_counted_as_parked_not_as_backlog(
    database_url, feedback_app, running, events, agency, new_nip, eventually
):
    from kinerja_runtime.tables import outbox

    # The producer's limit set low, so a 100 kB record is refused and parked.
    app = feedback_app(database_url, kafka_max_request_bytes=64 * 1024)
    runtime = app.state.runtime
    async with running(app) as client:
        async with runtime.uows() as uow:
            # publish_many writes the row at once (publish waits for the commit), so it can be spoiled here.
            refused = (await uow.publish_many([events.employee(agency, new_nip())]))[0].id
            padding = json.dumps({"agency_id": agency, "padding": "x" * 100_000})
            await uow.session.execute(update(outbox).where(outbox.c.event_id == refused).values(payload=padding))
            await uow.commit()

        async def parked():
            text = await scrape(client)
            assert sample(text, "kinerja_outbox_parked_rows") == 1
            assert sample(text, "kinerja_outbox_backlog_rows") == 0

        await eventually(parked, what="the refused row parked")


async def test_probes_and_scrapes_are_not_counted_as_traffic(database_url, feedback_app, running, auth_headers, agency):
    app = feedback_app(database_url)
    async with running(app) as client:
        for path in ("/health/live", "/health/ready", "/metrics"):
            await client.get(path)
        hr = auth_headers("199001012015011001", agency, ["hr"])
        assert (await client.get("/operations/outbox/parked", headers=hr)).status_code == 200
        counted = samples(await scrape(client), "kinerja_http_requests_total")
    routes = {s.labels["route"] for s in counted}
    assert "/operations/outbox/parked" in routes
    assert not {"/metrics", "/health/live", "/health/ready"} & routes, routes


async def test_a_consumer_that_has_not_taken_an_event_shows_lag_until_it_is_applied(
    database_url, feedback_app, running, events, agency, new_nip, publish_event, eventually, consumer_group
):
    from aiokafka import TopicPartition

    app = feedback_app(database_url)
    group = consumer_group(app, EMPLOYEES)
    async with running(app) as client:
        [consumer] = [s.consumer for s in app.state.runtime.broker.subscribers if EMPLOYEES in s.topic_names]

        def assigned():
            return {tp for tp in consumer.assignment() if tp.topic == EMPLOYEES}

        await eventually(assigned, timeout=60, what="the employees topic's partitions assigned")
        consumer.pause(*assigned())  # the consumer takes nothing more: the event waits in the log
        _, meta = await publish_event(events.employee(agency, new_nip()))
        where = {"group": group, "topic": EMPLOYEES, "partition": str(meta.partition)}

        async def lag_shown():
            lag = sample(await scrape(client), "kinerja_consumer_lag_records", **where)
            assert lag is not None and lag >= 1

        await eventually(lag_shown, what="the unapplied event counted as lag")
        before = sample(
            await scrape(client), "kinerja_event_age_at_apply_seconds_count", event_type=EMPLOYEE_REGISTERED
        )

        consumer.resume(*assigned())

        async def caught_up():
            assert await consumer.position(TopicPartition(EMPLOYEES, meta.partition)) > meta.offset
            text = await scrape(client)
            assert sample(text, "kinerja_consumer_lag_records", **where) == 0
            after = sample(text, "kinerja_event_age_at_apply_seconds_count", event_type=EMPLOYEE_REGISTERED)
            assert after is not None and after > (before or 0), "the event's age at apply observed"

        await eventually(caught_up, timeout=60, what="the event taken and applied, no lag left")
        text = await scrape(client)
        assert sample(text, "kinerja_event_handler_duration_seconds_count", event_type=EMPLOYEE_REGISTERED) >= 1


async def test_a_dead_letter_is_counted_by_the_class_of_its_reason(
    database_url, feedback_app, running, events, agency, new_nip, publish_raw, read_topic, eventually
):
    from kinerja_contracts import CloudEventAttributes

    app = feedback_app(database_url)
    async with running(app) as client:
        # Every class is there from the start, at 0 at least, so an alert sees the first one.
        text = await scrape(client)
        classes = {s.labels["reason"] for s in samples(text, "kinerja_dead_lettered_total")}
        assert {"invalid_headers", "unknown_type", "decode_error", "schema_error", "handler_error"} <= classes
        before = sample(text, "kinerja_dead_lettered_total", consumer="feedback-service", reason="decode_error")

        headers = CloudEventAttributes.for_event(events.employee(agency, new_nip()), "/kinerja/test").to_headers()
        await publish_raw(EMPLOYEES, b"\xff not json", new_nip(), headers)

        dead = await read_topic(
            "kinerja.deadletter", until=bool, where=lambda r: r.headers.get("ce_id") == headers["ce_id"], timeout=60
        )
        assert [r.headers["dlq_reason"] for r in dead] == ["decode_error"]

        async def counted():
            text = await scrape(client)
            now = sample(text, "kinerja_dead_lettered_total", consumer="feedback-service", reason="decode_error")
            assert now is not None and now >= before + 1

        await eventually(counted, what="the dead letter counted as a decode error")
