"""Feedback rounds through HTTP and the real broker: only named givers answer, a resubmission
replaces, a closed round refuses; a round's answers are published when it closes (or its period
does); peer answers reach any reader only from three givers other than the reader on, once the
round is closed; the round's opener cannot be an anonymous giver; events carry no giver identity."""

from datetime import UTC, date, datetime

import pytest
from kinerja_contracts import (
    Checkpoint,
    EmployeeRegistered,
    FeedbackReceived,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
)
from kinerja_contracts.vocabulary import BerakhlakValue

pytestmark = pytest.mark.integration

FEEDBACK_TOPIC = "kinerja.feedback"
QUARTERS = [("q1", "Triwulan I", 1), ("q2", "Triwulan II", 4), ("q3", "Triwulan III", 7), ("q4", "Triwulan IV", 10)]


def ratings(level: str = "sesuai_ekspektasi") -> dict:
    return {"ratings": {v.value: level for v in BerakhlakValue}}


@pytest.fixture
def staffed(publish_event, eventually, auth_headers):
    """``await staffed(client, agency, period_id, employee, appraiser, colleagues)``: publish the
    roster (the appraiser too) and a period with four quarterly checkpoints; wait until known."""

    async def publish(client, agency, period_id, employee, appraiser, colleagues):
        for nip in [appraiser, *colleagues]:
            await publish_event(
                EmployeeRegistered(agency_id=agency, nip=nip, name="Rekan", position="Analis", unit="Bidang Pelayanan")
            )
        await publish_event(
            EmployeeRegistered(
                agency_id=agency,
                nip=employee,
                name="Siti Rahayu",
                position="Analis",
                unit="Bidang Pelayanan",
                appraiser_nip=appraiser,
            )
        )
        await publish_event(
            PerformancePeriodOpened(
                agency_id=agency,
                period_id=period_id,
                year=2025,
                starts_on=date(2025, 1, 1),
                ends_on=date(2025, 12, 31),
                checkpoints=[
                    Checkpoint(checkpoint_id=cid, name=name, starts_on=date(2025, m, 1), ends_on=date(2025, m + 2, 28))
                    for cid, name, m in QUARTERS
                ],
            )
        )
        hr = auth_headers("9" * 18, agency, ["hr"])

        async def known():
            r = await client.get(f"/periods/{period_id}/checkpoints", headers=hr)
            assert r.status_code == 200 and len(r.json()["checkpoints"]) == 4, r.text
            for nip in [employee, *colleagues]:
                r = await client.get(f"/employees/{nip}/feedback", params={"period_id": period_id}, headers=hr)
                assert r.status_code == 200, r.text

        await eventually(known, timeout=60, interval=0.2, what="roster and period known to feedback-service")

    return publish


async def test_only_named_givers_answer_once_each_until_the_round_closes(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    staffed,
    auth_headers,
    read_topic,
    sql,
):
    employee, appraiser, peer, other_peer, stranger = (new_nip() for _ in range(5))
    period_id = f"{agency}-2025"
    as_ = lambda nip, roles=("employee",): auth_headers(nip, agency, list(roles))  # noqa: E731
    async with running(feedback_app(database_url)) as client:
        await staffed(client, agency, period_id, employee, appraiser, [peer, other_peer, stranger])
        givers = [
            {"nip": employee, "source": "self"},
            {"nip": appraiser, "source": "appraiser"},
            {"nip": peer, "source": "peer"},
            {"nip": other_peer, "source": "peer"},
        ]
        body = {"nip": employee, "period_id": period_id, "checkpoint_id": "q4", "givers": givers}

        refused = await client.post("/feedback-rounds", json=body, headers=as_(peer))
        assert refused.status_code == 403, "a colleague cannot open a round"
        wrong = await client.post("/feedback-rounds", json=body | {"checkpoint_id": "q9"}, headers=as_(appraiser))
        assert wrong.status_code == 422 and "checkpoint" in wrong.json()["detail"]
        opened = await client.post("/feedback-rounds", json=body, headers=as_(appraiser, ["appraiser"]))
        assert opened.status_code == 201, opened.text
        round_id = opened.json()["round_id"]
        assert opened.json()["givers"]["peer"] == {"named": 2, "answered": 0}
        twice = await client.post("/feedback-rounds", json=body, headers=as_("9" * 18, ["hr"]))
        assert twice.status_code == 409, "one open round per employee and checkpoint"

        answer_url = f"/feedback-rounds/{round_id}/answer"
        outsider = await client.put(answer_url, json=ratings(), headers=as_(stranger))
        assert outsider.status_code == 403, outsider.text
        assert outsider.headers["content-type"].startswith("application/problem+json")

        first = await client.put(answer_url, json=ratings("sesuai_ekspektasi"), headers=as_(peer))
        assert first.status_code == 201, first.text
        again = await client.put(
            answer_url, json=ratings("di_atas_ekspektasi") | {"comment": "ralat"}, headers=as_(peer)
        )
        assert again.status_code == 200, again.text
        assert again.json() == {**first.json(), "replaced": True}
        feedback_id = first.json()["feedback_id"]
        stored = await sql(database_url, "SELECT ratings, comment FROM feedback WHERE round_id = :r", r=round_id)
        assert len(stored) == 1 and stored[0]["comment"] == "ralat", "the resubmission replaced the answer"
        assert await sql(database_url, "SELECT event_id FROM outbox") == [], "nothing is published while open"

        mine = (await client.get("/feedback-rounds/assigned", headers=as_(other_peer))).json()["rounds"]
        assert [(r["round_id"], r["source"], r["answered"]) for r in mine] == [(round_id, "peer", False)]

        assert (await client.post(f"/feedback-rounds/{round_id}/close", headers=as_(peer))).status_code == 403
        closed = await client.post(f"/feedback-rounds/{round_id}/close", headers=as_(appraiser, ["appraiser"]))
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        assert closed.json()["givers"]["peer"] == {"named": 2, "answered": 1}
        late = await client.put(answer_url, json=ratings(), headers=as_(other_peer))
        assert late.status_code == 409, late.text
        changed = await client.put(answer_url, json=ratings(), headers=as_(peer))
        assert changed.status_code == 409, "a closed round's answers cannot be changed"
        assert (await client.put(answer_url, json=ratings(), headers=as_(stranger))).status_code == 403
        assert (await client.post(f"/feedback-rounds/{round_id}/close", headers=as_(appraiser))).status_code == 409

        assert len(await sql(database_url, "SELECT event_id FROM outbox")) == 1, "one event per giver, at the close"
        records = await read_topic(
            FEEDBACK_TOPIC,
            until=lambda rs: len(rs) >= 1,
            timeout=30,
            where=lambda r: r.value is not None and round_id.encode() in r.value,
        )
    assert len(records) == 1, "one FeedbackReceived per giver who answered: their final answer"
    events = [FeedbackReceived.model_validate_json(r.value) for r in records]
    assert {e.feedback_id for e in events} == {feedback_id}
    assert [e.ratings[BerakhlakValue.AKUNTABEL].value for e in events] == ["di_atas_ekspektasi"]
    assert {(e.round_id, e.checkpoint_id, e.source.value, e.nip) for e in events} == {
        (round_id, "q4", "peer", employee)
    }
    for record in records:
        assert record.key == employee
        assert peer.encode() not in record.value, "the giver's NIP is not in the event"
        assert all(peer not in value for value in record.headers.values()), "nor in its headers"


async def test_peer_answers_reach_the_employee_only_from_three_on_once_the_round_closes(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    staffed,
    auth_headers,
):
    employee, appraiser = new_nip(), new_nip()
    peers = [new_nip() for _ in range(3)]
    period_id = f"{agency}-2025"
    as_ = lambda nip, roles=("employee",): auth_headers(nip, agency, list(roles))  # noqa: E731
    async with running(feedback_app(database_url)) as client:
        await staffed(client, agency, period_id, employee, appraiser, peers)
        givers = [{"nip": employee, "source": "self"}, {"nip": appraiser, "source": "appraiser"}]
        givers += [{"nip": p, "source": "peer"} for p in peers]
        opened = await client.post(
            "/feedback-rounds",
            headers=as_("9" * 18, ["hr"]),
            json={"nip": employee, "period_id": period_id, "checkpoint_id": "q4", "givers": givers},
        )
        assert opened.status_code == 201, opened.text
        round_id = opened.json()["round_id"]
        answer_url, results_url = f"/feedback-rounds/{round_id}/answer", f"/feedback-rounds/{round_id}/results"
        levels = ["di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"]
        for nip, level in zip(peers[:2], levels, strict=False):
            assert (await client.put(answer_url, json=ratings(level), headers=as_(nip))).status_code == 201
        assert (
            await client.put(answer_url, json=ratings() | {"comment": "saya"}, headers=as_(employee))
        ).status_code == 201
        assert (await client.put(answer_url, json=ratings(), headers=as_(appraiser))).status_code == 201

        seen = await client.get(results_url, headers=as_(employee))
        assert seen.status_code == 200, seen.text
        peer_view = seen.json()["sources"]["peer"]
        assert peer_view["shown"] is False and "values" not in peer_view and "answers" not in peer_view
        assert seen.json()["sources"]["self"]["forms"][0]["comment"] == "saya", "own and appraiser answers per source"
        managed = (await client.get(results_url, headers=as_(appraiser, ["appraiser"]))).json()["sources"]["peer"]
        assert managed == {"shown": False, "reason": managed["reason"], "answers": 2}, "managers see only a count"
        assert (await client.get(results_url, headers=as_(peers[0]))).status_code == 404, (
            "a peer reads nothing (as if missing)"
        )

        assert (await client.put(answer_url, json=ratings(levels[2]), headers=as_(peers[2]))).status_code == 201
        # Three peers, but the round is open: a fourth answer would show as the change 3 -> 4.
        for reader in (as_(employee), as_(appraiser, ["appraiser"]), as_("9" * 18, ["hr"])):
            peer_view = (await client.get(results_url, headers=reader)).json()["sources"]["peer"]
            assert peer_view["shown"] is False and "values" not in peer_view and "comments" not in peer_view
            assert "closed" in peer_view["reason"]
        closed = await client.post(f"/feedback-rounds/{round_id}/close", headers=as_(appraiser, ["appraiser"]))
        assert closed.status_code == 200, closed.text
        seen = await client.get(results_url, headers=as_(employee))
        peer_view = seen.json()["sources"]["peer"]
        assert peer_view["shown"] is True and peer_view["answers"] == 3
        assert peer_view["values"]["kolaboratif"] == {
            "di_atas_ekspektasi": 1,
            "sesuai_ekspektasi": 1,
            "di_bawah_ekspektasi": 1,
        }
        period_view = await client.get(
            f"/employees/{employee}/feedback", params={"period_id": period_id}, headers=as_(employee)
        )
        assert period_view.json()["rounds"][0]["sources"]["peer"] == peer_view
        manager_view = await client.get(results_url, headers=as_("9" * 18, ["hr"]))
        for response in (seen, period_view, manager_view):
            assert all(p not in response.text for p in peers), "no reader ever sees who the peers are"


async def test_the_opener_cannot_be_an_anonymous_giver_and_a_reader_named_as_one_needs_three_others(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    staffed,
    auth_headers,
):
    employee, appraiser, hr = new_nip(), new_nip(), new_nip()
    peers = [new_nip() for _ in range(3)]
    period_id = f"{agency}-2025"
    as_ = lambda nip, roles=("employee",): auth_headers(nip, agency, list(roles))  # noqa: E731
    async with running(feedback_app(database_url)) as client:
        await staffed(client, agency, period_id, employee, appraiser, [hr, *peers])
        body = {"nip": employee, "period_id": period_id, "checkpoint_id": "q1"}

        # HR opening a round cannot name themself as a peer (nor the appraiser themself).
        refused = await client.post(
            "/feedback-rounds",
            headers=as_(hr, ["hr"]),
            json=body | {"givers": [{"nip": hr, "source": "peer"}, {"nip": peers[0], "source": "peer"}]},
        )
        assert refused.status_code == 422, refused.text
        assert "opens a round or may read its results" in refused.json()["detail"]
        assert [e["field"] for e in refused.json()["errors"]] == ["givers.0.source"]  # the field, by position
        assert hr not in refused.text and peers[0] not in refused.text, "the rule is named, never a NIP"
        # A giver the roster does not know: the same 422 naming the field, not a 404 for the route.
        stranger = new_nip()
        unknown = await client.post(
            "/feedback-rounds",
            headers=as_(hr, ["hr"]),
            json=body | {"givers": [{"nip": peers[0], "source": "peer"}, {"nip": stranger, "source": "peer"}]},
        )
        assert unknown.status_code == 422, unknown.text
        assert unknown.json()["errors"] == [{"field": "givers.1.nip", "message": "no such employee in this agency"}]
        assert stranger not in unknown.text and peers[0] not in unknown.text
        refused = await client.post(
            "/feedback-rounds",
            headers=as_(appraiser, ["appraiser"]),
            json=body | {"givers": [{"nip": appraiser, "source": "subordinate"}]},
        )
        assert refused.status_code == 422 and appraiser not in refused.text

        # The appraiser names an HR officer and two colleagues as peers: three answers, but only two
        # from givers other than HR, who reads the manager view and knows their own answer.
        opened = await client.post(
            "/feedback-rounds",
            headers=as_(appraiser, ["appraiser"]),
            json=body | {"givers": [{"nip": nip, "source": "peer"} for nip in (hr, *peers[:2])]},
        )
        assert opened.status_code == 201, opened.text
        round_id = opened.json()["round_id"]
        for nip, level in zip(
            (hr, *peers[:2]), ("di_atas_ekspektasi", "di_bawah_ekspektasi", "sesuai_ekspektasi"), strict=True
        ):
            assert (
                await client.put(f"/feedback-rounds/{round_id}/answer", json=ratings(level), headers=as_(nip))
            ).status_code == 201
        assert (await client.post(f"/feedback-rounds/{round_id}/close", headers=as_(appraiser))).status_code == 200
        results = f"/feedback-rounds/{round_id}/results"
        as_hr = (await client.get(results, headers=as_(hr, ["hr"]))).json()["sources"]["peer"]
        assert as_hr["shown"] is False and "values" not in as_hr, "HR would subtract their own answer"
        period_view = (
            await client.get(
                f"/employees/{employee}/feedback", params={"period_id": period_id}, headers=as_(hr, ["hr"])
            )
        ).json()["rounds"][0]["sources"]["peer"]
        assert period_view == as_hr
        as_appraiser = (await client.get(results, headers=as_(appraiser, ["appraiser"]))).json()["sources"]["peer"]
        assert as_appraiser["shown"] is True and as_appraiser["answers"] == 3


async def test_a_round_left_open_closes_with_its_period_and_its_answers_are_published(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    staffed,
    auth_headers,
    publish_event,
    read_topic,
    eventually,
):
    employee, appraiser = new_nip(), new_nip()
    peers = [new_nip() for _ in range(3)]
    period_id = f"{agency}-2025"
    as_ = lambda nip, roles=("employee",): auth_headers(nip, agency, list(roles))  # noqa: E731
    async with running(feedback_app(database_url)) as client:
        await staffed(client, agency, period_id, employee, appraiser, peers)
        opened = await client.post(
            "/feedback-rounds",
            headers=as_(appraiser, ["appraiser"]),
            json={
                "nip": employee,
                "period_id": period_id,
                "checkpoint_id": "q4",
                "givers": [{"nip": nip, "source": "peer"} for nip in peers],
            },
        )
        round_id = opened.json()["round_id"]
        for nip in peers:
            assert (
                await client.put(f"/feedback-rounds/{round_id}/answer", json=ratings(), headers=as_(nip))
            ).status_code == 201
        await publish_event(
            PerformancePeriodClosed(
                agency_id=agency, period_id=period_id, year=2025, closed_at=datetime.now(UTC), employee_count=5
            )
        )

        async def closed():
            summary = (await client.get(f"/feedback-rounds/{round_id}", headers=as_(appraiser))).json()
            assert summary["status"] == "closed", summary

        await eventually(closed, timeout=60, interval=0.2, what="the round closed with its period")
        records = await read_topic(
            FEEDBACK_TOPIC,
            until=lambda rs: len(rs) >= 3,
            timeout=30,
            where=lambda r: r.value is not None and round_id.encode() in r.value,
        )
        assert len({FeedbackReceived.model_validate_json(r.value).feedback_id for r in records}) == 3
        shown = (await client.get(f"/feedback-rounds/{round_id}/results", headers=as_(employee))).json()
        assert shown["sources"]["peer"]["shown"] is True
