"""The public citizen survey through HTTP and the real broker: a unit's IKM and mutu at the
band edges from real answers, UnitSatisfactionChanged on the topic, and the guards of a
no-login endpoint (rate limit 429, size 413, duplicates 409): limits shared by replicas through
Redis, X-Forwarded-For only from trusted proxies, one officer rating per client a day, 503 when
the shared store is down."""

import json
import os
import uuid
from datetime import UTC, date, datetime

import httpx
import pytest
import redis.asyncio
import redis.exceptions
from feedback_service.entrypoints.rate_limited import LIMITS_KEY
from kinerja_contracts import (
    EmployeeRegistered,
    PerformancePeriodClosed,
    PerformancePeriodOpened,
    UnitSatisfactionChanged,
    WorkUnitDefined,
)
from kinerja_contracts.vocabulary import SkmElement

pytestmark = pytest.mark.integration

TOPIC = "kinerja.citizen-satisfaction"
CHANGED = UnitSatisfactionChanged.event_type


def answers_totalling(grand_total: int, count: int) -> list[dict]:
    """``count`` answers (nine scores 1-4 each) whose scores add up to ``grand_total``."""
    scores_left, slots = grand_total, 9 * count
    base, extra = divmod(scores_left, slots)
    scores = [base + (1 if i < extra else 0) for i in range(slots)]
    assert all(1 <= s <= 4 for s in scores)
    return [dict(zip([e.value for e in SkmElement], scores[i * 9 : (i + 1) * 9], strict=True)) for i in range(count)]


def survey(elements: dict, **extra) -> dict:
    return {"submission_id": str(uuid.uuid4()), "elements": elements, **extra}


ALL_GOOD = {e.value: 4 for e in SkmElement}


@pytest.fixture
def public_units(publish_event, eventually):
    """``await public_units(client, agency, unit_ids, officer=None)``: publish the units (plus one
    internal unit ``internal``), an employee and an open period; wait until the units are known."""

    async def publish(client, agency: str, unit_ids: list[str], officer: str | None = None) -> None:
        for unit_id in unit_ids:
            await publish_event(
                WorkUnitDefined(agency_id=agency, unit_id=unit_id, name=f"Loket {unit_id}", serves_public=True)
            )
        await publish_event(WorkUnitDefined(agency_id=agency, unit_id="internal", name="Sekretariat"))
        if officer:
            await publish_event(
                EmployeeRegistered(
                    agency_id=agency, nip=officer, name="Petugas", position="Pelayan", unit="Loket", unit_id=unit_ids[0]
                )
            )
        await publish_event(
            PerformancePeriodOpened(
                agency_id=agency,
                period_id=f"{agency}-2025",
                year=2025,
                starts_on=date(2025, 1, 1),
                ends_on=date(2025, 12, 31),
            )
        )

        async def known():
            for unit_id in unit_ids:
                r = await client.get(f"/public/agencies/{agency}/units/{unit_id}/satisfaction")
                assert r.status_code == 200, r.text
            if officer:
                r = await client.post(
                    f"/public/agencies/{agency}/units/{unit_ids[0]}/survey-answers",
                    json=survey(ALL_GOOD, officer_nip=officer),
                )
                assert r.status_code == 201, r.text

        await eventually(known, timeout=60, interval=0.2, what="units and period known to feedback-service")

    return publish


@pytest.mark.parametrize("edge", ["88.31 A", "76.61 B", "65.00 C"])
async def test_unit_ikm_and_mutu_at_the_band_edges_from_real_answers(
    edge,
    agency,
    database_url,
    feedback_app,
    running,
    public_units,
    auth_headers,
    read_topic,
    monkeypatch,
):
    ikm, mutu = edge.split()
    grand_total, count = {"88.31": (763, 24), "76.61": (524, 19), "65.00": (117, 5)}[ikm]
    monkeypatch.setenv("SURVEY_RATE_LIMIT", "1000")
    unit = "loket-perizinan"
    async with running(feedback_app(database_url)) as client:
        await public_units(client, agency, [unit])
        url = f"/public/agencies/{agency}/units/{unit}/survey-answers"
        for elements in answers_totalling(grand_total, count):
            response = await client.post(url, json=survey(elements))
            assert response.status_code == 201, response.text
        public = (await client.get(f"/public/agencies/{agency}/units/{unit}/satisfaction")).json()
        assert (public["ikm"], public["mutu"], public["answers"]) == (float(ikm), mutu, count)
        assert "recent_comments" not in public
        report = await client.get(f"/units/{unit}/satisfaction", headers=auth_headers("9" * 18, agency, ["hr"]))
        assert report.status_code == 200 and (report.json()["ikm"], report.json()["mutu"]) == (float(ikm), mutu)
        assert (
            await client.get(f"/units/{unit}/satisfaction", headers=auth_headers("9" * 18, agency))
        ).status_code == 403, "HR only"

        records = await read_topic(
            TOPIC,
            timeout=30,
            where=lambda r: r.headers.get("ce_agency") == agency,
            until=lambda rs: (
                sum(r.headers["ce_type"] != CHANGED for r in rs) >= count
                and any(r.headers["ce_type"] == CHANGED and json.loads(r.value)["ikm"] == float(ikm) for r in rs)
            ),
        )
    answered = [r for r in records if r.headers["ce_type"] != CHANGED]
    changes = [UnitSatisfactionChanged.model_validate_json(r.value) for r in records if r.headers["ce_type"] == CHANGED]
    assert len(answered) == count, "one CitizenSurveyAnswered per answer"
    assert all(r.key == unit for r in records)
    last = changes[-1]
    assert (last.ikm, last.mutu.value, last.unit_id, last.period_id) == (float(ikm), mutu, unit, f"{agency}-2025")
    assert len(changes) <= count and all(
        a.ikm != b.ikm or a.mutu != b.mutu for a, b in zip(changes, changes[1:], strict=False)
    )


async def test_survey_refuses_unknown_or_internal_units_and_does_not_reveal_the_roster(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    public_units,
    monkeypatch,
):
    # The set-up rates the officer once already; this test is not about the daily cap.
    monkeypatch.setenv("SURVEY_OFFICER_RATINGS_PER_DAY", "10")
    officer = new_nip()
    async with running(feedback_app(database_url)) as client:
        await public_units(client, agency, ["loket"], officer=officer)
        base = f"/public/agencies/{agency}"
        assert (await client.post(f"{base}/units/internal/survey-answers", json=survey(ALL_GOOD))).status_code == 404
        assert (await client.post(f"{base}/units/nowhere/survey-answers", json=survey(ALL_GOOD))).status_code == 404
        # A NIP that is not on the roster is answered like any other (the public must not learn
        # who works there); it just credits nobody.
        known = await client.post(f"{base}/units/loket/survey-answers", json=survey(ALL_GOOD, officer_nip=officer))
        stranger = await client.post(f"{base}/units/loket/survey-answers", json=survey(ALL_GOOD, officer_nip=new_nip()))
        assert known.status_code == stranger.status_code == 201
        assert set(known.json()) == set(stranger.json())
        partial = {k: v for k, v in ALL_GOOD.items() if k != "biaya_tarif"}
        assert (await client.post(f"{base}/units/loket/survey-answers", json=survey(partial))).status_code == 422
        too_high = ALL_GOOD | {"biaya_tarif": 5}
        assert (await client.post(f"{base}/units/loket/survey-answers", json=survey(too_high))).status_code == 422
        other_agency = await client.post(
            f"/public/agencies/{agency}-x/units/loket/survey-answers", json=survey(ALL_GOOD)
        )
        assert other_agency.status_code == 404


async def test_a_client_over_the_rate_limit_gets_429_with_retry_after(
    agency,
    database_url,
    feedback_app,
    running,
    public_units,
    monkeypatch,
):
    monkeypatch.setenv("SURVEY_RATE_LIMIT", "3")
    async with running(feedback_app(database_url)) as client:
        await public_units(client, agency, ["loket"])
        url = f"/public/agencies/{agency}/units/loket/survey-answers"
        statuses = [(await client.post(url, json=survey(ALL_GOOD))).status_code for _ in range(3)]
        assert statuses == [201, 201, 201]
        refused = await client.post(url, json=survey(ALL_GOOD))
        assert refused.status_code == 429, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.json()["status"] == 429
        other_client = await client.post(url, json=survey(ALL_GOOD), headers={"X-Forwarded-For": "203.0.113.9"})
        assert other_client.status_code == 429, "X-Forwarded-For is not trusted unless configured"


async def test_oversize_bodies_get_413_announced_or_streamed(agency, database_url, feedback_app, running, public_units):
    async with running(feedback_app(database_url)) as client:
        await public_units(client, agency, ["loket"])
        url = f"/public/agencies/{agency}/units/loket/survey-answers"
        big = json.dumps(survey(ALL_GOOD, comment="x" * 5000)).encode()
        announced = await client.post(url, content=big, headers={"content-type": "application/json"})
        assert announced.status_code == 413, announced.text
        assert announced.headers["content-type"].startswith("application/problem+json")

        async def chunks():
            for i in range(0, len(big), 1000):
                yield big[i : i + 1000]

        streamed = await client.post(url, content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413, streamed.text
        long_comment = await client.post(url, json=survey(ALL_GOOD, comment="x" * 501))
        assert long_comment.status_code == 422, "comments are bounded too"


async def test_a_repeated_submission_is_counted_once(agency, database_url, feedback_app, running, public_units):
    async with running(feedback_app(database_url)) as client:
        await public_units(client, agency, ["loket"])
        url = f"/public/agencies/{agency}/units/loket/survey-answers"
        body = survey(ALL_GOOD)
        assert (await client.post(url, json=body)).status_code == 201
        repeat = await client.post(url, json=body | {"elements": {e.value: 1 for e in SkmElement}})
        assert repeat.status_code == 409, repeat.text
        summary = (await client.get(f"/public/agencies/{agency}/units/loket/satisfaction")).json()
        assert (summary["answers"], summary["ikm"], summary["mutu"]) == (1, 100.0, "A")


# --- Rate limits that hold behind an ingress and across replicas (issue 8, item 9) -------------

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def from_address(app, address: str) -> httpx.AsyncClient:
    """A client of the (already running) ``app`` whose requests come from ``address``."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40_000)), base_url="http://test")


@pytest.fixture
async def shared_redis(monkeypatch):
    """REDIS_URL pointing at the real Redis, with a key prefix of this test alone; its keys are
    deleted afterwards. Skipped, saying so, when no Redis answers."""
    client = redis.asyncio.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except redis.exceptions.RedisError as exc:
        await client.aclose()
        pytest.skip(f"no Redis answers at {REDIS_URL} ({type(exc).__name__}); the shared rate limit is not tested")
    prefix = f"test-{uuid.uuid4().hex}"
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("SURVEY_RATE_KEY_PREFIX", prefix)
    yield prefix
    async for key in client.scan_iter(match=f"{prefix}*"):
        await client.delete(key)
    await client.aclose()


async def test_two_replicas_sharing_redis_enforce_one_limit_together(
    agency,
    database_url,
    feedback_app,
    running,
    public_units,
    monkeypatch,
    shared_redis,
):
    monkeypatch.setenv("SURVEY_RATE_LIMIT", "3")
    first_app, second_app = feedback_app(database_url), feedback_app(database_url)
    assert first_app.state.runtime.extras[LIMITS_KEY].limits.shared
    async with running(first_app) as first:
        await public_units(first, agency, ["loket"])
        async with running(second_app) as second:
            url = f"/public/agencies/{agency}/units/loket/survey-answers"
            statuses = [
                (await replica.post(url, json=survey(ALL_GOOD))).status_code
                for replica in (first, second, first, second, first)
            ]
    assert statuses == [201, 201, 201, 429, 429], "three answers in all, whichever replica took them"


async def test_without_redis_url_each_process_counts_in_its_own_memory(
    agency,
    database_url,
    feedback_app,
    running,
    public_units,
    monkeypatch,
):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("SURVEY_RATE_LIMIT", "2")
    first_app, second_app = feedback_app(database_url), feedback_app(database_url)
    assert not first_app.state.runtime.extras[LIMITS_KEY].limits.shared
    async with running(first_app) as first:
        await public_units(first, agency, ["loket"])
        async with running(second_app) as second:
            url = f"/public/agencies/{agency}/units/loket/survey-answers"
            statuses = [
                (await replica.post(url, json=survey(ALL_GOOD))).status_code
                for replica in (first, first, first, second)
            ]
    assert statuses == [201, 201, 429, 201], "the embedded default: one budget per process"


async def test_forwarded_for_is_read_only_from_a_trusted_proxy_and_from_the_right(
    agency,
    database_url,
    feedback_app,
    running,
    public_units,
    monkeypatch,
):
    monkeypatch.setenv("SURVEY_RATE_LIMIT", "2")
    monkeypatch.setenv("SURVEY_TRUSTED_PROXIES", "10.0.0.0/24")
    app = feedback_app(database_url)
    async with running(app) as direct, from_address(app, "10.0.0.7") as ingress:
        await public_units(direct, agency, ["loket"])
        url = f"/public/agencies/{agency}/units/loket/survey-answers"

        async def post(client, forwarded_for: str | None) -> int:
            headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
            return (await client.post(url, json=survey(ALL_GOOD), headers=headers)).status_code

        # A peer that is not a proxy: whatever it writes, it is counted as itself.
        assert [await post(direct, f"203.0.113.{i}") for i in range(3)] == [201, 201, 429]
        # Behind the ingress, each citizen has a budget of their own.
        assert [await post(ingress, "198.51.100.1") for _ in range(3)] == [201, 201, 429]
        assert await post(ingress, "198.51.100.2") == 201, "one citizen does not block everyone behind the ingress"
        assert await post(ingress, "203.0.113.50, 198.51.100.1") == 429, "what the client wrote itself is skipped"
        assert await post(ingress, "198.51.100.1, 10.0.0.8") == 429, "a chain of our proxies is walked through"


async def test_a_client_rates_one_officer_once_a_day_known_or_not(
    agency,
    new_nip,
    database_url,
    feedback_app,
    running,
    public_units,
    sql,
):
    officer, stranger = new_nip(), new_nip()
    app = feedback_app(database_url)
    async with (
        running(app) as setup,
        from_address(app, "198.51.100.20") as citizen,
        from_address(app, "198.51.100.21") as neighbour,
    ):
        await public_units(setup, agency, ["loket"], officer=officer)
        url = f"/public/agencies/{agency}/units/loket/survey-answers"
        first = survey(ALL_GOOD, officer_nip=officer)
        assert (await citizen.post(url, json=first)).status_code == 201
        assert (await citizen.post(url, json=first)).status_code == 409, "a repeat is a duplicate, not a rating"
        again = await citizen.post(url, json=survey(ALL_GOOD, officer_nip=officer))
        assert again.status_code == 429, again.text
        assert again.headers["content-type"].startswith("application/problem+json")
        assert 86_000 < int(again.headers["Retry-After"]) <= 86_400
        assert officer not in again.text, "the refusal names no one"
        assert (await citizen.post(url, json=survey(ALL_GOOD))).status_code == 201, "the unit may still be rated"
        assert (await neighbour.post(url, json=survey(ALL_GOOD, officer_nip=officer))).status_code == 201
        # A NIP not on the roster is capped alike, so the cap tells nothing about who works there.
        assert (await citizen.post(url, json=survey(ALL_GOOD, officer_nip=stranger))).status_code == 201
        assert (await citizen.post(url, json=survey(ALL_GOOD, officer_nip=stranger))).status_code == 429
    credited = await sql(
        database_url, "SELECT count(*) AS n FROM citizen_survey_answers WHERE officer_nip = :nip", nip=officer
    )
    assert credited[0]["n"] == 3, "the set-up's, the citizen's and the neighbour's answers credit the officer"


async def test_when_redis_is_down_the_public_routes_answer_503_and_the_rest_carry_on(
    agency,
    database_url,
    feedback_app,
    running,
    monkeypatch,
    auth_headers,
):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    async with running(feedback_app(database_url)) as client:
        base = f"/public/agencies/{agency}/units/loket"
        for response in (
            await client.post(f"{base}/survey-answers", json=survey(ALL_GOOD)),
            await client.get(f"{base}/satisfaction"),
        ):
            assert response.status_code == 503, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["status"] == 503 and int(response.headers["Retry-After"]) >= 1
        hr_report = await client.get("/units/loket/satisfaction", headers=auth_headers("9" * 18, agency, ["hr"]))
        assert hr_report.status_code == 404, "routes behind a login do not depend on the limiter"


# --- Inputs PostgreSQL cannot store, and what a 404 tells (issue 8, items 10 and 6) ----------


async def test_a_nul_character_in_the_comment_or_a_parameter_is_a_422_naming_it(
    agency,
    database_url,
    feedback_app,
    running,
    auth_headers,
):
    async with running(feedback_app(database_url)) as client:
        base = f"/public/agencies/{agency}/units/loket"
        cases = [
            (client.post(f"{base}/survey-answers", json=survey(ALL_GOOD, comment="baik\x00sekali")), "comment"),
            (client.get(f"{base}/satisfaction", params={"period_id": "2025\x00"}), "query.period_id"),
            (client.get(f"/public/agencies/{agency}%00/units/loket/satisfaction"), "path.agency_id"),
            (client.get(f"/public/agencies/{agency}/units/lo%00ket/satisfaction"), "path.unit_id"),
            (
                client.get(
                    "/units/loket/satisfaction",
                    params={"period_id": "\x00"},
                    headers=auth_headers("9" * 18, agency, ["hr"]),
                ),
                "query.period_id",
            ),
        ]
        for request, field in cases:
            response = await request
            assert response.status_code == 422, response.text
            assert [e["field"] for e in response.json()["errors"]] == [field]
            assert "NUL" in response.json()["detail"]


async def test_unknown_internal_and_other_agencies_units_answer_one_and_the_same_404(
    agency,
    database_url,
    feedback_app,
    running,
    public_units,
):
    async with running(feedback_app(database_url)) as client:
        await public_units(client, agency, ["loket"])
        answers = [
            await client.get(f"/public/agencies/{agency}/units/internal/satisfaction"),
            await client.get(f"/public/agencies/{agency}/units/nowhere/satisfaction"),
            await client.get(f"/public/agencies/{agency}-x/units/loket/satisfaction"),
            await client.post(f"/public/agencies/{agency}/units/internal/survey-answers", json=survey(ALL_GOOD)),
        ]
    assert {(r.status_code, r.json()["title"], r.json()["detail"]) for r in answers} == {
        (404, "Not found", "no such public-service unit")
    }
    assert not any(agency in r.json()["detail"] for r in answers)


async def test_after_the_year_closes_the_ikm_stays_readable_and_the_survey_takes_no_answers(
    agency,
    database_url,
    feedback_app,
    running,
    public_units,
    publish_event,
    eventually,
    sql,
):
    async with running(feedback_app(database_url)) as client:
        await public_units(client, agency, ["loket"])
        base = f"/public/agencies/{agency}/units/loket"
        assert (await client.post(f"{base}/survey-answers", json=survey(ALL_GOOD))).status_code == 201
        await publish_event(
            PerformancePeriodClosed(
                agency_id=agency, period_id=f"{agency}-2025", year=2025, closed_at=datetime.now(UTC), employee_count=0
            )
        )

        async def closed():
            rows = await sql(database_url, "SELECT status FROM known_periods WHERE agency_id = :a", a=agency)
            assert rows == [{"status": "closed"}]

        await eventually(closed, timeout=60, interval=0.2, what="the period closed in feedback-service")
        late = await client.post(f"{base}/survey-answers", json=survey(ALL_GOOD, comment="terlambat"))
        assert late.status_code == 409 and "no open period" in late.json()["detail"], late.text
        # No period named: the latest one, closed, with the answer it took.
        summary = await client.get(f"{base}/satisfaction")
        assert summary.status_code == 200, summary.text
        assert (summary.json()["period_id"], summary.json()["answers"]) == (f"{agency}-2025", 1)
