"""Feedback rounds under attack (issue 8): two opens racing for one employee and checkpoint
leave one open round (items 12), a refused read answers exactly like a missing object and no
error names a NIP or an id (item 6), and a NUL character anywhere is a 422 naming the field
(item 10)."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from kinerja_contracts.vocabulary import BerakhlakValue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

pytestmark = pytest.mark.integration

HR = "9" * 18
STILL_OPEN = "a round for this employee and checkpoint is still open; close it first"


def ratings(**extra) -> dict:
    return {"ratings": {v.value: "sesuai_ekspektasi" for v in BerakhlakValue}, **extra}


@pytest.fixture
def team(agency, new_nip, roster_ready):
    """``await team(client)`` -> (employee, appraiser, colleague, period_id): the employee and a
    colleague on the roster, the employee appraised by the appraiser, an open period without
    checkpoints (so rounds have a null checkpoint_id)."""

    async def staff(client):
        employee, appraiser, colleague = new_nip(), new_nip(), new_nip()
        period_id = f"{agency}-2025"
        await roster_ready(client, agency, colleague, period_id)
        await roster_ready(client, agency, employee, period_id, appraiser_nip=appraiser)
        return employee, appraiser, colleague, period_id

    return staff


def requires_postgres(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the race needs PostgreSQL's concurrent transactions; this run has no PostgreSQL")


async def test_two_concurrent_opens_give_one_201_and_one_409(
    database_url,
    feedback_app,
    running,
    team,
    as_,
    sql,
):
    requires_postgres(database_url)
    async with running(feedback_app(database_url)) as client:
        employee, appraiser, colleague, period_id = await team(client)
        body = {"nip": employee, "period_id": period_id, "givers": [{"nip": colleague, "source": "peer"}]}
        for _ in range(3):
            both = await asyncio.gather(
                client.post("/feedback-rounds", json=body, headers=as_(HR, "hr")),
                client.post("/feedback-rounds", json=body, headers=as_(appraiser, "appraiser")),
            )
            assert sorted(r.status_code for r in both) == [201, 409], [r.text for r in both]
            refused = next(r for r in both if r.status_code == 409)
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["detail"] == STILL_OPEN
            open_rounds = await sql(
                database_url, "SELECT round_id FROM feedback_rounds WHERE nip = :nip AND status = 'open'", nip=employee
            )
            assert len(open_rounds) == 1
            opened = next(r for r in both if r.status_code == 201).json()["round_id"]
            closed = await client.post(f"/feedback-rounds/{opened}/close", headers=as_(HR, "hr"))
            assert closed.status_code == 200, closed.text


async def test_an_open_racing_past_the_check_is_refused_by_the_index_with_409(
    agency,
    database_url,
    feedback_app,
    running,
    team,
    as_,
    sql,
    eventually,
):
    """Deterministic: another transaction holds an uncommitted open round, so the request's
    insert waits on the unique index; once the other commits, the insert finds the round open
    and the answer is a 409, not a 500."""
    requires_postgres(database_url)
    async with running(feedback_app(database_url)) as client:
        employee, _, colleague, period_id = await team(client)
        body = {"nip": employee, "period_id": period_id, "givers": [{"nip": colleague, "source": "peer"}]}
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.connect() as other:
                await other.begin()
                await other.execute(
                    text(
                        "INSERT INTO feedback_rounds (round_id, agency_id, period_id, nip, checkpoint_id, status, "
                        "opened_by, opened_at) VALUES (:round_id, :agency, :period, :nip, NULL, 'open', :hr, :now)"
                    ),
                    {
                        "round_id": str(uuid.uuid4()),
                        "agency": agency,
                        "period": period_id,
                        "nip": employee,
                        "hr": HR,
                        "now": datetime.now(UTC),
                    },
                )
                request = asyncio.create_task(client.post("/feedback-rounds", json=body, headers=as_(HR, "hr")))

                async def insert_waits_on_the_index():
                    waiting = await sql(
                        database_url,
                        "SELECT count(*) AS n FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'",
                    )
                    assert not request.done(), request.result().text
                    assert waiting[0]["n"] >= 1

                await eventually(
                    insert_waits_on_the_index,
                    timeout=30,
                    interval=0.05,
                    what="the request's insert waiting on the other transaction",
                )
                await other.commit()
            response = await request
        finally:
            await engine.dispose()
    assert response.status_code == 409, response.text
    assert response.json()["detail"] == STILL_OPEN
    assert employee not in response.text and colleague not in response.text
    assert (
        len(await sql(database_url, "SELECT 1 FROM feedback_rounds WHERE nip = :nip AND status = 'open'", nip=employee))
        == 1
    )


async def test_a_round_left_open_in_a_closed_period_takes_no_answer(
    agency, database_url, feedback_app, running, team, as_, sql
):
    """A round opened as its period closed (the close found it not yet committed) stays open
    in a closed period; an answer to it is refused by the period's status, which the answer
    reads with the round in one statement."""
    async with running(feedback_app(database_url)) as client:
        employee, appraiser, colleague, period_id = await team(client)
        body = {"nip": employee, "period_id": period_id, "givers": [{"nip": colleague, "source": "peer"}]}
        opened = await client.post("/feedback-rounds", json=body, headers=as_(appraiser, "appraiser"))
        assert opened.status_code == 201, opened.text
        await sql(
            database_url,
            "UPDATE known_periods SET status = 'closed' WHERE agency_id = :agency AND period_id = :period",
            agency=agency,
            period=period_id,
        )
        refused = await client.put(
            f"/feedback-rounds/{opened.json()['round_id']}/answer", json=ratings(), headers=as_(colleague)
        )
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"] == "the period is closed; no feedback can be recorded"
    assert await sql(database_url, "SELECT 1 FROM feedback WHERE nip = :nip", nip=employee) == []


async def test_a_refused_read_answers_like_a_missing_object_and_no_error_names_a_nip_or_id(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    team,
    as_,
    auth_headers,
):
    async with running(feedback_app(database_url)) as client:
        employee, appraiser, colleague, period_id = await team(client)
        opened = await client.post(
            "/feedback-rounds",
            headers=as_(HR, "hr"),
            json={"nip": employee, "period_id": period_id, "givers": [{"nip": colleague, "source": "peer"}]},
        )
        assert opened.status_code == 201, opened.text
        round_id = opened.json()["round_id"]
        other_agency_hr = auth_headers(HR, f"{agency}-x", ["hr"])

        def shown(response) -> tuple:
            return response.status_code, response.json()["title"], response.json()["detail"]

        pairs = []  # (refused read, the same read of an object that does not exist)
        for suffix in ("", "/results"):
            missing = await client.get(f"/feedback-rounds/{uuid.uuid4()}{suffix}", headers=as_(colleague))
            pairs += [
                (await client.get(f"/feedback-rounds/{round_id}{suffix}", headers=as_(colleague)), missing),
                (await client.get(f"/feedback-rounds/{round_id}{suffix}", headers=other_agency_hr), missing),
            ]
        params = {"period_id": period_id}
        pairs.append(
            (
                await client.get(f"/employees/{employee}/feedback", params=params, headers=as_(colleague)),
                await client.get(f"/employees/{new_nip()}/feedback", params=params, headers=as_(colleague)),
            )
        )
        for refused, missing in pairs:
            assert shown(refused) == shown(missing)
            assert refused.status_code == 404
        assert (
            await client.get(f"/feedback-rounds/{round_id}", headers=as_(appraiser, "appraiser"))
        ).status_code == 200

        errors = [refused for refused, _ in pairs] + [
            await client.post(
                "/feedback-rounds",
                headers=as_(colleague),
                json={"nip": employee, "period_id": period_id, "givers": [{"nip": colleague, "source": "peer"}]},
            ),
            await client.post(
                "/feedback-rounds",
                headers=as_(HR, "hr"),
                json={"nip": employee, "period_id": period_id, "givers": [{"nip": colleague, "source": "peer"}]},
            ),
            await client.put(f"/feedback-rounds/{round_id}/answer", json=ratings(), headers=as_(new_nip())),
            await client.post(f"/feedback-rounds/{round_id}/close", headers=as_(colleague)),
            await client.get("/periods/nowhere/checkpoints", headers=as_(colleague)),
            await client.post(
                "/feedback-rounds",
                headers=as_(HR, "hr"),
                json={"nip": employee, "period_id": "nowhere", "givers": [{"nip": colleague, "source": "peer"}]},
            ),
        ]
    assert [e.status_code for e in errors[len(pairs) :]] == [403, 409, 403, 403, 404, 404]
    for error in errors:
        detail = error.json()["detail"]
        assert not any(value in detail for value in (employee, colleague, appraiser, round_id, agency, "nowhere")), (
            detail
        )


async def test_a_nul_character_in_an_answer_or_a_parameter_is_a_422_naming_it(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    as_,
):
    employee = new_nip()
    async with running(feedback_app(database_url)) as client:
        cases = [
            (
                client.put(
                    f"/feedback-rounds/{uuid.uuid4()}/answer", json=ratings(comment="baik\x00"), headers=as_(employee)
                ),
                "comment",
            ),
            (client.get("/feedback-rounds/ab%00cd", headers=as_(employee)), "path.round_id"),
            (
                client.get(f"/employees/{employee}/feedback", params={"period_id": "2025\x00"}, headers=as_(employee)),
                "query.period_id",
            ),
            (client.get("/periods/p%00/checkpoints", headers=as_(employee)), "path.period_id"),
        ]
        for request, field in cases:
            response = await request
            assert response.status_code == 422, response.text
            assert [e["field"] for e in response.json()["errors"]] == [field]
            assert "NUL" in response.json()["detail"]
        malformed = await client.get("/employees/1234%00/feedback", params={"period_id": "p"}, headers=as_(employee))
        assert malformed.status_code == 422 and [e["field"] for e in malformed.json()["errors"]] == ["path.nip"]
