"""Two replicas of one service on one database: they share the partitions of each topic
(one consumer group), every event is applied once, and the outbox is published once, in
order, by whichever replica holds the relay lease."""

import asyncio
import contextlib
from collections import Counter, defaultdict

import pytest
from kinerja_contracts import CloudEventAttributes, encode, topic_partitions

pytestmark = pytest.mark.integration

EMPLOYEES = "kinerja.employees"
FEEDBACK = "kinerja.feedback"
DEAD_LETTER = "kinerja.deadletter"


@contextlib.asynccontextmanager
async def all_running(running, *apps, concurrently: bool = True):
    """Enter every app's lifespan, concurrently (as replicas starting together do) or one
    after the other; all of them run until the block ends."""
    stacks = [contextlib.AsyncExitStack() for _ in apps]
    try:
        if concurrently:
            # Wait for every start to finish (not just the first failure) so nothing is left
            # running behind the test's back.
            results = await asyncio.gather(
                *(stack.enter_async_context(running(app)) for stack, app in zip(stacks, apps, strict=True)),
                return_exceptions=True,
            )
            for result in results:
                if isinstance(result, BaseException):
                    raise result
            clients = results
        else:
            clients = [await stack.enter_async_context(running(app)) for stack, app in zip(stacks, apps, strict=True)]
        yield clients
    finally:
        for stack in reversed(stacks):
            await stack.aclose()


async def test_two_replicas_in_one_process_start_concurrently(
    database_url, feedback_app, running, postgres_url_factory
):
    """Both lifespans migrate the same fresh database at the same moment (PostgreSQL's advisory
    lock serialises replicas in separate processes; in one process Alembic's module-level
    ``context``/``op`` proxies are shared by the two migration threads)."""
    # One round: repeating it re-joins the same consumer group within seconds, which Tansu
    # answers only after long rebalance waits (seen: 18 s, then a hang), a broker quirk.
    async with all_running(running, feedback_app(database_url), feedback_app(database_url)) as clients:
        for client in clients:
            response = await client.get("/health/ready")
            assert response.status_code == 200, response.text


async def test_two_replicas_share_partitions_and_publish_the_outbox_once_in_order(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    events,
    publish_raw,
    publish_event,
    read_topic,
    committed_offset,
    submit_feedback,
    eventually,
    sql,
    consumer_group,
    owned_partitions,
):
    first, second = feedback_app(database_url), feedback_app(database_url)
    group = consumer_group(first, EMPLOYEES)
    assert consumer_group(second, EMPLOYEES) == group
    # Started one after the other: concurrent start in one process is covered (and currently
    # broken) by the test above; here both replicas run side by side once started.
    async with all_running(running, first, second, concurrently=False) as (client_1, client_2):

        def balanced():
            a, b = owned_partitions(first, EMPLOYEES), owned_partitions(second, EMPLOYEES)
            assert a and b, f"both replicas own partitions of {EMPLOYEES}: {a} / {b}"
            assert not a & b, f"no partition owned twice: {a} / {b}"
            assert a | b == set(range(topic_partitions()[EMPLOYEES])), f"every partition owned: {a} / {b}"

        await eventually(balanced, timeout=60, interval=0.25, what="the consumer group balanced over both replicas")

        # ~30 employees, every third one delivered twice (the same record).
        nips: list[str] = []
        while len(nips) < 30:
            if (nip := new_nip()) not in nips:
                nips.append(nip)
        ids: dict[str, str] = {}
        last_offset: dict[int, int] = {}
        for i, nip in enumerate(nips):
            event = events.employee(agency, nip, name=f"Pegawai {i:02d}")
            headers = CloudEventAttributes.for_event(event, "/kinerja/target-service").to_headers()
            ids[headers["ce_id"]] = nip
            for _ in range(2 if i % 3 == 0 else 1):
                meta = await publish_raw(EMPLOYEES, encode(event), nip, headers)
                last_offset[meta.partition] = max(meta.offset, last_offset.get(meta.partition, -1))
        assert len(last_offset) > 1, "the employees spread over several partitions"

        async def all_projected():
            rows = await sql(database_url, "SELECT count(*) AS n FROM known_employees WHERE agency_id = :a", a=agency)
            assert rows[0]["n"] == len(nips)
            for partition, offset in last_offset.items():
                committed = await committed_offset(group, EMPLOYEES, partition)
                assert committed is not None and committed > offset, f"partition {partition}: {committed} <= {offset}"

        await eventually(all_projected, timeout=60, interval=0.25, what="all employees projected and committed")

        inbox = await sql(
            database_url,
            "SELECT consumer, event_id, count(*) AS n FROM inbox WHERE event_id = ANY(:ids) GROUP BY consumer, event_id",
            ids=list(ids),
        )
        assert sorted(r["event_id"] for r in inbox) == sorted(ids), "every event applied"
        assert {(r["consumer"], r["n"]) for r in inbox} == {("feedback-service", 1)}, "each event applied exactly once"
        names = await sql(database_url, "SELECT nip, name FROM known_employees WHERE agency_id = :a", a=agency)
        assert {r["nip"]: r["name"] for r in names} == {nip: f"Pegawai {i:02d}" for i, nip in enumerate(nips)}
        dead = await read_topic(DEAD_LETTER, where=lambda r: r.headers.get("ce_id") in ids, timeout=10)
        assert dead == [], "no event dead-lettered (a concurrent duplicate must be seen as processed)"

        # The outbox: feedback through both replicas alternately, about three employees.
        period_id = f"{agency}-2025"
        await publish_event(events.period(agency, period_id))
        about = nips[:3]
        feedback_ids: list[str] = []
        for i in range(12):
            client = client_1 if i % 2 == 0 else client_2
            feedback_ids.append(await submit_feedback(client, agency, about[i % 3], period_id, giver_nip=nips[10 + i]))

        records = await read_topic(
            FEEDBACK,
            until=lambda rs: len(rs) >= len(feedback_ids),
            timeout=60,
            where=lambda r: r.headers.get("ce_agency") == agency,
        )
        outbox = await sql(
            database_url, "SELECT id, event_id, record_key, payload, published_at FROM outbox ORDER BY id"
        )
        lease = await sql(database_url, "SELECT owner FROM relay_lease")

    relays = {first.state.runtime.relay.owner, second.state.runtime.relay.owner}
    assert len(lease) == 1 and lease[0]["owner"] in relays, lease
    assert all(row["published_at"] is not None for row in outbox)
    published = Counter(r.headers["ce_id"] for r in records)
    assert sorted(published) == sorted(row["event_id"] for row in outbox), "every outbox row published"
    assert set(published.values()) == {1}, f"published more than once: {[k for k, n in published.items() if n > 1]}"
    assert sorted(feedback_ids) == sorted(next(f for f in feedback_ids if f in row["payload"]) for row in outbox)

    expected: dict[str, list[str]] = defaultdict(list)  # per key, in outbox id order
    for row in outbox:
        expected[row["record_key"]].append(row["event_id"])
    seen: dict[str, list[str]] = defaultdict(list)  # per key, in log order
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        seen[record.key].append(record.headers["ce_id"])
    assert seen == expected, "per key, records are in outbox id order"
