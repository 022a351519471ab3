"""Transfers over HTTP and the real broker: within an agency HR moves an employee at once; to
another agency HR only asks, and the receiving agency's HR accepts (then the employee moves and
EmployeeTransferred is published), declines, or the sender withdraws. The sender never learns
anything of the receiving agency but its answer (issue 8, item 5)."""

import json
import uuid

import pytest
from kinerja_contracts import EmployeeTransferred

pytestmark = pytest.mark.integration

HR, HR_B, HR_C = "196805051990031001", "196906061991041001", "197007071992051001"
KADIS, KABID, SITI = "197001011995031001", "197801012005011001", "198503122010012002"
TRANSFERRED = EmployeeTransferred.event_type


@pytest.fixture
def two_agencies(auth_headers, agency):
    """``await two_agencies(client)`` -> (hr of this test's agency, hr of another): units in both,
    Kabid and Siti on the first roster; the second agency's bidang-data is headed by HR_B, and its
    roster already holds Kabid (registered there on its own)."""
    other = f"agency-{uuid.uuid4().hex[:12]}"
    hr, hr_b = auth_headers(HR, agency, ["hr"]), auth_headers(HR_B, other, ["hr"])

    async def build(client):
        for headers, units in (
            (hr, [("dinas", None, KADIS), ("pelayanan", "dinas", KABID), ("pengaduan", "dinas", None)]),
            (hr_b, [("badan", None, None), ("bidang-data", "badan", HR_B)]),
        ):
            for unit_id, parent, head in units:
                body = {"unit_id": unit_id, "name": unit_id.title(), "parent_unit_id": parent, "head_nip": head}
                assert (await client.post("/units", json=body, headers=headers)).status_code == 201
        roster = {
            "employees": [
                {
                    "nip": KABID,
                    "name": "Budi",
                    "position": "Kepala Bidang",
                    "unit_id": "pelayanan",
                    "appraiser_nip": KADIS,
                },
                {
                    "nip": SITI,
                    "name": "Siti Rahayu",
                    "position": "Analis",
                    "unit_id": "pengaduan",
                    "appraiser_nip": KABID,
                },
            ]
        }
        assert (await client.post("/employees", json=roster, headers=hr)).json()["registered"] == 2
        theirs = {
            "employees": [{"nip": KABID, "name": "Budi (B)", "position": "Analis Data", "unit_id": "bidang-data"}]
        }
        assert (await client.post("/employees", json=theirs, headers=hr_b)).json()["registered"] == 1
        return hr, hr_b, other

    return build


def _same_shape(a: dict, b: dict) -> None:
    """Two answers that may differ only in the request's own id and time and what the sender gave
    or knew already (the employee, the agency asked, the unit proposed)."""
    mine = {"request_id", "nip", "name", "position", "requested_at", "to_agency_id", "proposed_unit_id"}
    assert set(a) == set(b)
    assert {k: v for k, v in a.items() if k not in mine} == {k: v for k, v in b.items() if k not in mine}


async def test_a_move_within_the_agency_is_made_at_once(
    target_app, running, auth_headers, agency, two_agencies, read_topic
):
    async with running(target_app) as client:
        hr, _, _ = await two_agencies(client)
        assert (
            await client.post(
                f"/employees/{SITI}/transfer",
                json={"unit_id": "pelayanan", "effective_on": "2025-07-01"},
                headers=auth_headers(SITI, agency, ["employee"]),
            )
        ).status_code == 403
        unknown = await client.post(
            f"/employees/{SITI}/transfer", json={"unit_id": "nowhere", "effective_on": "2025-07-01"}, headers=hr
        )
        assert unknown.status_code == 422 and unknown.json()["field"] == "unit_id" and "nowhere" not in unknown.text
        no_unit = await client.post(f"/employees/{SITI}/transfer", json={"effective_on": "2025-07-01"}, headers=hr)
        assert no_unit.status_code == 422 and no_unit.json()["field"] == "unit_id"
        inside = await client.post(
            f"/employees/{SITI}/transfer",
            headers=hr,
            json={"unit_id": "pelayanan", "position": "Analis Pelayanan", "effective_on": "2025-07-01"},
        )
        assert inside.status_code == 200, inside.text
        assert (inside.json()["unit_id"], inside.json()["appraiser_nip"]) == ("pelayanan", KABID)  # the unit's head
        again = await client.post(
            f"/employees/{SITI}/transfer", headers=hr, json={"unit_id": "pelayanan", "effective_on": "2025-07-02"}
        )
        assert again.status_code == 409 and SITI not in again.json()["detail"]

        records = await read_topic(
            "kinerja.employees",
            timeout=30,
            until=lambda rs: any(r.headers["ce_type"] == TRANSFERRED for r in rs),
            where=lambda r: r.key == SITI and r.headers.get("ce_agency") == agency,
        )
        [move] = [json.loads(r.value) for r in records if r.headers["ce_type"] == TRANSFERRED]
        assert (move["previous_agency_id"], move["agency_id"], move["previous_unit_id"], move["unit_id"]) == (
            agency,
            agency,
            "pengaduan",
            "pelayanan",
        )


async def test_a_move_to_another_agency_waits_for_its_hr_to_accept(
    target_app,
    running,
    auth_headers,
    agency,
    two_agencies,
    read_topic,
    sql,
    database_url,
):
    async with running(target_app) as client:
        hr, hr_b, other = await two_agencies(client)
        chosen = await client.post(
            f"/employees/{SITI}/transfer",
            headers=hr,
            json={
                "unit_id": "bidang-data",
                "to_agency_id": other,
                "appraiser_nip": KADIS,
                "effective_on": "2025-10-01",
            },
        )
        assert chosen.status_code == 422 and chosen.json()["field"] == "appraiser_nip", (
            "the sending agency cannot pick an appraiser in the receiving one"
        )
        asked = await client.post(
            f"/employees/{SITI}/transfer",
            headers=hr,
            json={"unit_id": "bidang-data", "to_agency_id": other, "effective_on": "2025-10-01"},
        )
        assert asked.status_code == 202, asked.text
        request = asked.json()
        assert (request["status"], request["from_agency_id"], request["to_agency_id"]) == ("pending", agency, other)
        assert (request["proposed_unit_id"], request["requested_by"], request["decided_by"]) == (
            "bidang-data",
            HR,
            None,
        )
        twice = await client.post(
            f"/employees/{SITI}/transfer",
            headers=hr,
            json={"unit_id": "bidang-data", "to_agency_id": other, "effective_on": "2025-10-01"},
        )
        assert twice.status_code == 409 and "already pending" in twice.json()["detail"]

        # Until the receiving HR accepts, nothing moves and nothing is published.
        assert (await client.get(f"/employees/{SITI}", headers=hr)).json()["unit_id"] == "pengaduan"
        assert (await client.get(f"/employees/{SITI}", headers=hr_b)).status_code == 404
        published = "SELECT count(*) AS n FROM outbox WHERE event_type = :t"
        assert (await sql(database_url, published, t=TRANSFERRED))[0]["n"] == 0

        incoming = (await client.get("/transfer-requests", params={"status": "pending"}, headers=hr_b)).json()
        assert incoming["total"] == 1
        [seen] = incoming["items"]
        assert (seen["request_id"], seen["nip"], seen["name"], seen["position"]) == (
            request["request_id"],
            SITI,
            "Siti Rahayu",
            "Analis",
        )
        assert seen["requested_by"] is None, "the receiver is not shown the sending agency's officer"
        assert (await client.get("/transfer-requests", headers=hr)).json()["total"] == 0  # nothing incoming at A
        assert (await client.get("/transfer-requests", params={"direction": "outgoing"}, headers=hr)).json()[
            "total"
        ] == 1

        rid = request["request_id"]
        assert (await client.post(f"/transfer-requests/{rid}/accept", json={}, headers=hr)).status_code == 403
        nowhere = await client.post(f"/transfer-requests/{rid}/accept", json={"unit_id": "pelayanan"}, headers=hr_b)
        assert nowhere.status_code == 422 and nowhere.json()["field"] == "unit_id"  # A's unit is no unit of B
        accepted = await client.post(f"/transfer-requests/{rid}/accept", json={}, headers=hr_b)  # the proposed unit
        assert accepted.status_code == 200, accepted.text
        assert (accepted.json()["status"], accepted.json()["decided_by"]) == ("accepted", HR_B)
        moved = accepted.json()["employee"]
        assert (moved["nip"], moved["name"], moved["unit_id"], moved["unit"], moved["appraiser_nip"]) == (
            SITI,
            "Siti Rahayu",
            "bidang-data",
            "Bidang-Data",
            HR_B,
        )
        assert (await client.post(f"/transfer-requests/{rid}/accept", json={}, headers=hr_b)).status_code == 409
        assert (await sql(database_url, published, t=TRANSFERRED))[0]["n"] == 1
        assert (await client.post(f"/transfer-requests/{rid}/withdraw", headers=hr)).status_code == 409

        assert (await client.get(f"/employees/{SITI}", headers=hr)).status_code == 404
        arrived = (await client.get(f"/employees/{SITI}", headers=hr_b)).json()
        assert (arrived["name"], arrived["unit_id"], arrived["appraiser_nip"]) == ("Siti Rahayu", "bidang-data", HR_B)

        # The sender is told the answer, and nothing of where she went or who decided.
        told = (await client.get(f"/transfer-requests/{rid}", headers=hr)).json()
        assert (told["status"], told["decided_by"], told["requested_by"]) == ("accepted", None, HR)
        assert HR_B not in json.dumps(told) and "Bidang-Data" not in json.dumps(told)

        records = await read_topic(
            "kinerja.employees",
            timeout=30,
            until=lambda rs: any(r.headers["ce_type"] == TRANSFERRED for r in rs),
            where=lambda r: r.key == SITI and r.headers.get("ce_agency") in (agency, other),
        )
        moves = [json.loads(r.value) for r in records if r.headers["ce_type"] == TRANSFERRED]
        assert [(m["previous_agency_id"], m["agency_id"], m["previous_unit_id"], m["unit_id"]) for m in moves] == [
            (agency, other, "pengaduan", "bidang-data")
        ]
        assert (moves[0]["effective_on"], moves[0]["unit"], moves[0]["appraiser_nip"]) == (
            "2025-10-01",
            "Bidang-Data",
            HR_B,
        )


async def test_declined_and_withdrawn_requests_move_nobody(target_app, running, two_agencies, sql, database_url):
    async with running(target_app) as client:
        hr, hr_b, other = await two_agencies(client)
        move = {"to_agency_id": other, "effective_on": "2025-10-01"}
        first = (await client.post(f"/employees/{SITI}/transfer", json=move, headers=hr)).json()
        no_unit = await client.post(f"/transfer-requests/{first['request_id']}/accept", json={}, headers=hr_b)
        assert no_unit.status_code == 422 and no_unit.json()["field"] == "unit_id"  # none proposed, none chosen
        declined = await client.post(
            f"/transfer-requests/{first['request_id']}/decline", json={"reason": "Formasi sudah penuh"}, headers=hr_b
        )
        assert declined.status_code == 200 and declined.json()["status"] == "declined"
        told = (await client.get(f"/transfer-requests/{first['request_id']}", headers=hr)).json()
        assert (told["status"], told["reason"], told["decided_by"]) == ("declined", "Formasi sudah penuh", None)
        assert (
            await client.post(
                f"/transfer-requests/{first['request_id']}/accept", json={"unit_id": "bidang-data"}, headers=hr_b
            )
        ).status_code == 409

        second = (await client.post(f"/employees/{SITI}/transfer", json=move, headers=hr)).json()  # asked again
        assert (
            await client.post(f"/transfer-requests/{second['request_id']}/withdraw", headers=hr_b)
        ).status_code == 403
        withdrawn = await client.post(f"/transfer-requests/{second['request_id']}/withdraw", headers=hr)
        assert withdrawn.status_code == 200 and withdrawn.json()["decided_by"] == HR
        seen_by_b = (await client.get(f"/transfer-requests/{second['request_id']}", headers=hr_b)).json()
        assert (seen_by_b["status"], seen_by_b["decided_by"]) == ("withdrawn", None)
        assert (
            await client.post(
                f"/transfer-requests/{second['request_id']}/accept", json={"unit_id": "bidang-data"}, headers=hr_b
            )
        ).status_code == 409

        listed = (
            await client.get("/transfer-requests", params={"direction": "outgoing", "status": "pending"}, headers=hr)
        ).json()
        assert listed["total"] == 0
        assert (await client.get(f"/employees/{SITI}", headers=hr)).json()["unit_id"] == "pengaduan"
        assert (await client.get(f"/employees/{SITI}", headers=hr_b)).status_code == 404
        rows = await sql(database_url, "SELECT count(*) AS n FROM outbox WHERE event_type = :t", t=TRANSFERRED)
        assert rows[0]["n"] == 0


async def test_the_sender_learns_nothing_of_the_receiving_agency(
    target_app,
    running,
    auth_headers,
    agency,
    two_agencies,
):
    async with running(target_app) as client:
        hr, hr_b, other = await two_agencies(client)
        # Kabid is already on B's roster, Siti is not; B has a unit bidang-data, none called nowhere;
        # a third id is no agency at all. Every answer to the sender is the same.
        kabid = await client.post(
            f"/employees/{KABID}/transfer",
            headers=hr,
            json={"to_agency_id": other, "unit_id": "bidang-data", "effective_on": "2025-10-01"},
        )
        siti = await client.post(
            f"/employees/{SITI}/transfer",
            headers=hr,
            json={"to_agency_id": other, "unit_id": "nowhere", "effective_on": "2025-10-01"},
        )
        answers = [kabid, siti]
        assert [a.status_code for a in answers] == [202, 202], [a.text for a in answers]
        for withdrawn in answers:
            assert (
                await client.post(f"/transfer-requests/{withdrawn.json()['request_id']}/withdraw", headers=hr)
            ).status_code == 200
        ghost = await client.post(
            f"/employees/{SITI}/transfer",
            headers=hr,
            json={"to_agency_id": "agency-that-does-not-exist", "unit_id": "nowhere", "effective_on": "2025-10-01"},
        )
        assert ghost.status_code == 202, ghost.text
        _same_shape(kabid.json(), siti.json())
        _same_shape(siti.json(), ghost.json())
        for answer in (kabid, siti, ghost):
            text = answer.text
            assert (
                HR_B not in text and "Bidang-Data" not in text and "Budi (B)" not in text and "Analis Data" not in text
            )

        # Only B's HR learns that Kabid is already on its own roster, when accepting.
        rid = (
            await client.post(
                f"/employees/{KABID}/transfer", headers=hr, json={"to_agency_id": other, "effective_on": "2025-10-01"}
            )
        ).json()["request_id"]
        duplicate = await client.post(f"/transfer-requests/{rid}/accept", json={"unit_id": "bidang-data"}, headers=hr_b)
        assert duplicate.status_code == 409 and "already on this agency's roster" in duplicate.json()["detail"]
        assert (await client.get(f"/transfer-requests/{rid}", headers=hr)).json()["status"] == "pending"

        # A third agency's HR cannot see the request: the same 404 as an id that does not exist.
        hr_c = auth_headers(HR_C, f"agency-{uuid.uuid4().hex[:12]}", ["hr"])
        stranger = await client.get(f"/transfer-requests/{rid}", headers=hr_c)
        missing = await client.get(f"/transfer-requests/{uuid.uuid4()}", headers=hr_c)
        assert stranger.status_code == missing.status_code == 404
        assert (stranger.json()["title"], stranger.json()["detail"]) == (
            missing.json()["title"],
            missing.json()["detail"],
        )
        assert rid not in stranger.json()["detail"]
        for action, body in (("accept", {"unit_id": "bidang-data"}), ("decline", {}), ("withdraw", None)):
            refused = await client.post(f"/transfer-requests/{rid}/{action}", json=body, headers=hr_c)
            assert refused.status_code == 404 and refused.json()["detail"] == missing.json()["detail"]
        assert (await client.get("/transfer-requests", headers=hr_c)).json()["total"] == 0
        assert (
            await client.get("/transfer-requests", headers=auth_headers(SITI, agency, ["employee"]))
        ).status_code == 403


async def test_an_acceptance_and_a_withdrawal_at_once_only_one_lands(
    target_app,
    running,
    two_agencies,
    sql,
    database_url,
):
    """The decision is a conditional update of a pending request: of two decisions racing, one
    lands and the other answers 409; the employee moves (and is announced) at most once."""
    import asyncio

    async with running(target_app) as client:
        hr, hr_b, other = await two_agencies(client)
        rid = (
            await client.post(
                f"/employees/{SITI}/transfer",
                headers=hr,
                json={"to_agency_id": other, "unit_id": "bidang-data", "effective_on": "2025-10-01"},
            )
        ).json()["request_id"]
        accept, withdraw = await asyncio.gather(
            client.post(f"/transfer-requests/{rid}/accept", json={}, headers=hr_b),
            client.post(f"/transfer-requests/{rid}/withdraw", headers=hr),
        )
        assert sorted([accept.status_code, withdraw.status_code]) == [200, 409], (accept.text, withdraw.text)
        moved = accept.status_code == 200
        final = (await client.get(f"/transfer-requests/{rid}", headers=hr)).json()
        assert final["status"] == ("accepted" if moved else "withdrawn")
        assert (await client.get(f"/employees/{SITI}", headers=hr_b)).status_code == (200 if moved else 404)
        rows = await sql(database_url, "SELECT count(*) AS n FROM outbox WHERE event_type = :t", t=TRANSFERRED)
        assert rows[0]["n"] == (1 if moved else 0)
