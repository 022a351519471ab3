"""Tolerant reader: a record from a newer producer, carrying a field this consumer does not
know, is applied, not dead-lettered (nested values are covered by the contract tests)."""

import json

import pytest
from kinerja_contracts import CloudEventAttributes, encode

pytestmark = pytest.mark.integration

TOPIC = "kinerja.employees"


async def test_an_event_with_an_unknown_field_is_applied(
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
    registered = events.employee(agency, nip, name="Dewi Lestari", unit="Bidang Pelayanan")
    newer = json.loads(encode(registered))
    newer["employment_type"] = "PPPK"  # a field a later contract version might add
    headers = CloudEventAttributes.for_event(registered, "/kinerja/target-service").to_headers()
    app = feedback_app(database_url)
    group = consumer_group(app, TOPIC)

    async with running(app):
        sent = await publish_raw(TOPIC, json.dumps(newer).encode(), nip, headers)

        async def consumed():
            offset = await committed_offset(group, TOPIC, sent.partition)
            assert offset is not None and offset > sent.offset

        await eventually(consumed, timeout=60, interval=0.2, what="the newer record consumed")

    employees = await sql(database_url, "SELECT nip, name, unit FROM known_employees WHERE agency_id = :a", a=agency)
    # Applied, so not dead-lettered (the group also reads other tests' poison, so the dead-letter count proves nothing).
    assert employees == [{"nip": nip, "name": "Dewi Lestari", "unit": "Bidang Pelayanan"}]
