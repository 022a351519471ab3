"""Transactional outbox: a request's event reaches its topic as a CloudEvent, after commit,
through the relay; the record does not reveal who gave the feedback."""

import json
import uuid

import pytest
from kinerja_contracts import FeedbackReceived, decode

pytestmark = pytest.mark.integration

FEEDBACK_TOPIC = "kinerja.feedback"


async def test_feedback_is_published_from_the_outbox_as_a_cloudevent(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    roster_ready,
    submit_feedback,
    read_topic,
    sql,
):
    nip, giver, period_id = new_nip(), new_nip(), f"{agency}-2025"
    correlation = str(uuid.uuid4())

    async with running(feedback_app(database_url)) as client:
        await roster_ready(client, agency, nip, period_id)

        feedback_id = await submit_feedback(client, agency, nip, period_id, giver, {"X-Correlation-ID": correlation})
        assert submit_feedback.last_response.headers["X-Correlation-ID"] == correlation

        records = await read_topic(
            FEEDBACK_TOPIC,
            until=lambda rs: bool(rs),
            timeout=30,
            where=lambda r: r.value is not None and feedback_id.encode() in r.value,
        )
        assert len(records) == 1, f"one record for feedback {feedback_id}, got {len(records)}"
        record = records[0]

        outbox = await sql(database_url, "SELECT event_id, record_key, published_at FROM outbox")
        assert len(outbox) == 1 and outbox[0]["published_at"] is not None, outbox

    headers = record.headers
    assert record.key == nip
    uuid.UUID(headers["ce_id"])
    assert headers["ce_id"] == outbox[0]["event_id"]
    assert headers["ce_type"] == FeedbackReceived.event_type == "kinerja.feedback.FeedbackReceived.v1"
    assert headers["ce_source"] == "/kinerja/feedback-service"
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_agency"] == agency
    # Anonymous (peer) feedback starts its own correlation: the request's id would link the
    # event to the giver's other events.
    assert headers["ce_correlationid"] != correlation
    uuid.UUID(headers["ce_correlationid"])
    assert headers["ce_subject"] == nip
    assert headers["content-type"] == "application/json"
    assert headers["ce_time"].endswith("Z")

    event = decode(headers["ce_type"], record.value)
    assert isinstance(event, FeedbackReceived)
    assert (event.agency_id, event.period_id, event.nip, event.feedback_id) == (agency, period_id, nip, feedback_id)
    assert event.source.value == "peer"
    assert set(json.loads(record.value)) == {
        "agency_id",
        "period_id",
        "nip",
        "feedback_id",
        "source",
        "ratings",
        "submitted_at",
        "round_id",
        "checkpoint_id",
    }

    # Anonymity: the giver's NIP is nowhere in the record.
    assert giver.encode() not in record.value
    assert all(giver not in f"{k}={v}" for k, v in headers.items()), headers
    assert giver not in (record.key or "")


async def test_replayed_outbox_rows_go_out_again_and_consumers_dedupe_them(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    roster_ready,
    submit_feedback,
    read_topic,
    committed_offset,
    eventually,
):
    from datetime import UTC, datetime

    from kinerja_runtime.messaging import EventConsumer, create_broker
    from kinerja_runtime.outbox import pending_count, replay_since
    from kinerja_runtime.uow import UnitOfWorkFactory

    nip, period_id = new_nip(), f"{agency}-2025"
    givers = [new_nip(), new_nip()]
    app = feedback_app(database_url)
    runtime = app.state.runtime

    def ours(record) -> bool:
        return record.headers.get("ce_agency") == agency

    async with running(app) as client:
        await roster_ready(client, agency, nip, period_id)
        since = datetime.now(UTC)
        feedback_ids = [await submit_feedback(client, agency, nip, period_id, giver) for giver in givers]
        first = await read_topic(FEEDBACK_TOPIC, until=lambda rs: len(rs) >= 2, where=ours, timeout=30)
        assert len(first) == 2
        ce_ids = [r.headers["ce_id"] for r in first]

        # E.g. the broker lost its log: mark everything since then unpublished again.
        assert await replay_since(runtime.sessions, since) == 2
        runtime.relay.wake()
        records = await read_topic(FEEDBACK_TOPIC, until=lambda rs: len(rs) >= 4, where=ours, timeout=30)
        await eventually(lambda: _none_pending(runtime.sessions, pending_count), timeout=30, what="replay finished")

    assert [r.headers["ce_id"] for r in records] == ce_ids + ce_ids, "the same events, again, in the same order"

    def stored(headers: dict) -> dict:
        # FastStream adds a random ``correlation_id`` header of its own on every publish.
        return {k: v for k, v in headers.items() if k != "correlation_id"}

    for original, again in zip(records[:2], records[2:], strict=True):
        assert (again.key, again.value, stored(again.headers)) == (
            original.key,
            original.value,
            stored(original.headers),
        )
    assert {r.partition for r in records} == {records[0].partition}

    # A consumer with an inbox applies each replayed event once.
    applied: list[str] = []

    async def on_feedback(batch, _uow) -> None:
        applied.extend(d.event.feedback_id for d in batch if d.event.agency_id == agency)

    from kinerja_contracts import FeedbackReceived
    from kinerja_runtime.db import create_engine, session_factory

    engine = create_engine(database_url)
    broker = create_broker(runtime.settings.kafka_bootstrap_servers, "replay-check")
    consumer = EventConsumer(
        broker,
        UnitOfWorkFactory(session_factory(engine), "/kinerja/replay-check"),
        f"replay-check-{agency}",
        backoff_seconds=0.05,
    )
    consumer.handle(FeedbackReceived, on_feedback)
    consumer.bind()
    group = next(s.group_id for s in broker.subscribers if FEEDBACK_TOPIC in s.topic_names)
    await broker.start()
    try:

        async def consumed_all():
            offset = await committed_offset(group, FEEDBACK_TOPIC, records[-1].partition)
            assert offset is not None and offset > records[-1].offset

        await eventually(
            consumed_all, timeout=60, interval=0.25, what="the checking consumer read the replayed records"
        )
    finally:
        await broker.stop()
        await engine.dispose()
    assert applied == feedback_ids, "each feedback applied once despite two deliveries"


async def _none_pending(sessions, pending_count) -> bool:
    return await pending_count(sessions) == 0
