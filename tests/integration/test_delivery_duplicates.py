"""At-least-once delivery, effectively-once effects: a redelivered event changes nothing,
a new event about the same employee is applied (the projection is an upsert)."""

import pytest
from kinerja_contracts import CloudEventAttributes, encode
from prometheus_client import REGISTRY

pytestmark = pytest.mark.integration

TOPIC = "kinerja.employees"


def consumed(consumer: str, outcome: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "kinerja_events_consumed_total",
            {"consumer": consumer, "event_type": "kinerja.target.EmployeeRegistered.v1", "outcome": outcome},
        )
        or 0.0
    )


async def test_redelivered_event_has_one_effect_and_a_new_event_is_upserted(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    events,
    publish_raw,
    committed_offset,
    eventually,
    sql,
    consumer_group,
):
    nip = new_nip()
    registered = events.employee(agency, nip, name="Siti Rahayu", unit="Bidang Kepegawaian")
    first = CloudEventAttributes.for_event(registered, "/kinerja/target-service").to_headers()
    renamed = events.employee(agency, nip, name="Siti Rahayu Putri", unit="Bidang Mutasi")
    second = CloudEventAttributes.for_event(renamed, "/kinerja/target-service").to_headers()
    app = feedback_app(database_url)
    group = consumer_group(app, TOPIC)
    duplicates_before = consumed("feedback-service", "duplicate")

    async with running(app):
        # The same record three times (producer retry, redelivery after a crash, a replay),
        # the last one after a newer event about the same employee.
        sent = [
            await publish_raw(TOPIC, encode(registered), nip, first),
            await publish_raw(TOPIC, encode(registered), nip, first),
            await publish_raw(TOPIC, encode(renamed), nip, second),
            await publish_raw(TOPIC, encode(registered), nip, first),
        ]
        partition = sent[0].partition
        assert {m.partition for m in sent} == {partition}, "one key, one partition"

        async def all_consumed():
            offset = await committed_offset(group, TOPIC, partition)
            assert offset is not None and offset > sent[-1].offset, f"committed {offset}, last record {sent[-1].offset}"

        await eventually(all_consumed, timeout=60, interval=0.2, what="offsets committed past the last duplicate")

        employees = await sql(
            database_url,
            "SELECT agency_id, nip, name, position, unit, appraiser_nip, unit_id "
            "FROM known_employees WHERE agency_id = :a",
            a=agency,
        )
        assert employees == [
            {
                "agency_id": agency,
                "nip": nip,
                "name": "Siti Rahayu Putri",
                "position": "Analis SDM Aparatur",
                "unit": "Bidang Mutasi",
                "appraiser_nip": None,
                "unit_id": None,
            }
        ], "the stale duplicate must not undo the newer event"

        inbox = await sql(
            database_url,
            "SELECT consumer, event_id, event_type FROM inbox WHERE event_id IN (:x, :y) ORDER BY processed_at",
            x=first["ce_id"],
            y=second["ce_id"],
        )
        assert inbox == [
            {
                "consumer": "feedback-service",
                "event_id": first["ce_id"],
                "event_type": "kinerja.target.EmployeeRegistered.v1",
            },
            {
                "consumer": "feedback-service",
                "event_id": second["ce_id"],
                "event_type": "kinerja.target.EmployeeRegistered.v1",
            },
        ]
        assert consumed("feedback-service", "duplicate") - duplicates_before >= 2, (
            "both redeliveries were seen and ignored"
        )
