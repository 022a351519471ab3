"""The public citizen survey through HTTP and the real broker: a unit's IKM and mutu at the
band edges from real answers, UnitSatisfactionChanged on the topic, and the guards of a
no-login endpoint (rate limit 429, size 413, duplicates 409)."""

import json
import uuid
from datetime import date

import pytest
from kinerja_contracts import (
    EmployeeRegistered,
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
    return [dict(zip([e.value for e in SkmElement], scores[i * 9:(i + 1) * 9], strict=True)) for i in range(count)]


def survey(elements: dict, **extra) -> dict:
    return {"submission_id": str(uuid.uuid4()), "elements": elements, **extra}


ALL_GOOD = {e.value: 4 for e in SkmElement}


@pytest.fixture
def public_units(publish_event, eventually):
    """``await public_units(client, agency, unit_ids, officer=None)``: publish the units (plus one
    internal unit ``internal``), an employee and an open period; wait until the units are known."""

    async def publish(client, agency: str, unit_ids: list[str], officer: str | None = None) -> None:
        for unit_id in unit_ids:
            await publish_event(WorkUnitDefined(agency_id=agency, unit_id=unit_id, name=f"Loket {unit_id}",
                                                serves_public=True))
        await publish_event(WorkUnitDefined(agency_id=agency, unit_id="internal", name="Sekretariat"))
        if officer:
            await publish_event(EmployeeRegistered(agency_id=agency, nip=officer, name="Petugas", position="Pelayan",
                                                   unit="Loket", unit_id=unit_ids[0]))
        await publish_event(PerformancePeriodOpened(
            agency_id=agency, period_id=f"{agency}-2025", year=2025, starts_on=date(2025, 1, 1),
            ends_on=date(2025, 12, 31)))

        async def known():
            for unit_id in unit_ids:
                r = await client.get(f"/public/agencies/{agency}/units/{unit_id}/satisfaction")
                assert r.status_code == 200, r.text
            if officer:
                r = await client.post(f"/public/agencies/{agency}/units/{unit_ids[0]}/survey-answers",
                                      json=survey(ALL_GOOD, officer_nip=officer))
                assert r.status_code == 201, r.text

        await eventually(known, timeout=60, interval=0.2, what="units and period known to feedback-service")

    return publish


@pytest.mark.parametrize("edge", ["88.31 A", "76.61 B", "65.00 C"])
async def test_unit_ikm_and_mutu_at_the_band_edges_from_real_answers(
    edge, agency, database_url, feedback_app, running, public_units, auth_headers, read_topic, monkeypatch,
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
        assert (await client.get(f"/units/{unit}/satisfaction",
                                 headers=auth_headers("9" * 18, agency))).status_code == 403, "HR only"

        records = await read_topic(
            TOPIC, timeout=30, where=lambda r: r.headers.get("ce_agency") == agency,
            until=lambda rs: sum(r.headers["ce_type"] != CHANGED for r in rs) >= count
            and any(r.headers["ce_type"] == CHANGED and json.loads(r.value)["ikm"] == float(ikm) for r in rs),
        )
    answered = [r for r in records if r.headers["ce_type"] != CHANGED]
    changes = [UnitSatisfactionChanged.model_validate_json(r.value) for r in records if r.headers["ce_type"] == CHANGED]
    assert len(answered) == count, "one CitizenSurveyAnswered per answer"
    assert all(r.key == unit for r in records)
    last = changes[-1]
    assert (last.ikm, last.mutu.value, last.unit_id, last.period_id) == (float(ikm), mutu, unit, f"{agency}-2025")
    assert len(changes) <= count and all(a.ikm != b.ikm or a.mutu != b.mutu for a, b in zip(changes, changes[1:], strict=False))


async def test_survey_refuses_unknown_or_internal_units_and_does_not_reveal_the_roster(
    agency, new_nip, database_url, feedback_app, running, public_units,
):
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
        other_agency = await client.post(f"/public/agencies/{agency}-x/units/loket/survey-answers", json=survey(ALL_GOOD))
        assert other_agency.status_code == 404


async def test_a_client_over_the_rate_limit_gets_429_with_retry_after(
    agency, database_url, feedback_app, running, public_units, monkeypatch,
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
                yield big[i:i + 1000]

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
