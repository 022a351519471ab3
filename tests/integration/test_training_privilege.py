"""training-service over HTTP, with the real broker and database (issue 8): access follows the
current roster (item 4), self-recorded training is a claim until verified (item 7), bad dates
and NUL characters are 422s naming the field (item 10), lists come in bounded pages (item 11),
and a refused read answers exactly like a missing record, naming nobody (item 6)."""

import json
from datetime import date

import pytest
from kinerja_contracts import EmployeeTransferred
from kinerja_contracts.vocabulary import BerakhlakValue, Predikat
from test_training_plans import (  # noqa: F401  (fixtures used by name)
    HR_NIP,
    appraisal,
    clock,
    plans_of,
    staff,
    training_app,
)

pytestmark = pytest.mark.integration


def same_refusal(refused, missing, *secrets: str) -> None:
    """A refusal is indistinguishable from a missing record, and names no person or id."""
    assert refused.status_code == missing.status_code == 404, (refused.text, missing.text)
    assert (refused.json()["title"], refused.json()["detail"]) == (missing.json()["title"], missing.json()["detail"])
    for secret in secrets:
        assert secret not in refused.json()["detail"]


async def announced(sql, database_url, agency) -> list[tuple[str, dict]]:
    """The events this service queued for ``agency`` (other tests' agencies share the topics)."""
    rows = await sql(database_url, "SELECT event_type, payload FROM outbox ORDER BY id")
    events = [(r["event_type"].split(".")[2], json.loads(r["payload"])) for r in rows]
    return [(t, e) for t, e in events if e["agency_id"] == agency]


async def test_a_former_mentor_loses_the_plan_and_ledger_when_the_employee_moves(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    plans_of,
    publish_event,
    auth_headers,  # noqa: F811
    eventually,
):
    nip, former, current, nobody = new_nip(), new_nip(), new_nip(), new_nip()
    period_id = f"{agency}-2025"
    async with running(training_app(database_url)) as client:
        await staff(client, agency, [nip], former, {period_id: 2025})
        await publish_event(appraisal(agency, nip, period_id, Predikat.BUTUH_PERBAIKAN, weak=[BerakhlakValue.LOYAL]))
        (plan,) = (await plans_of(client, agency, nip))["plans"]
        item = plan["items"][0]
        assert item["mentor_nip"] == former
        as_former, as_current = (
            auth_headers(former, agency, ["appraiser"]),
            auth_headers(current, agency, ["appraiser"]),
        )
        assert (await client.get(f"/employees/{nip}/plans", headers=as_former)).status_code == 200

        await publish_event(
            EmployeeTransferred(
                agency_id=agency,
                previous_agency_id=agency,
                nip=nip,
                unit_id="unit-2",
                unit="Bidang Layanan Digital",
                position="Analis",
                appraiser_nip=current,
                effective_on=date(2026, 2, 1),
            )
        )

        async def moved():
            assert (await client.get(f"/employees/{nip}/plans", headers=as_current)).status_code == 200

        await eventually(moved, timeout=60, interval=0.2, what="the transfer in training-service's roster")

        for path in (f"/employees/{nip}/plans", f"/employees/{nip}/jp-ledger"):
            same_refusal(
                await client.get(path, headers=as_former),
                await client.get(path.replace(nip, nobody), headers=as_former),
                nip,
            )
        url = f"/plans/{plan['plan_id']}/items/{item['item_id']}"
        missing = await client.post(f"/plans/{plan['plan_id']}/items/no-such-item/enrol", headers=as_former)
        same_refusal(await client.post(f"{url}/enrol", headers=as_former), missing, plan["plan_id"], item["item_id"])
        body = {"evidence": "SERT-1", "completed_on": "2026-01-21"}
        same_refusal(await client.post(f"{url}/complete", headers=as_former, json=body), missing, plan["plan_id"])

        assert (await client.get(f"/employees/{nip}/jp-ledger", headers=as_current)).status_code == 200
        enrolled = await client.post(f"{url}/enrol", headers=as_current)
        assert enrolled.status_code == 200, "the current appraiser mentors the plan now"


async def test_self_recorded_training_counts_only_once_verified(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    auth_headers,
    sql,  # noqa: F811
):
    nip, appraiser, colleague = new_nip(), new_nip(), new_nip()
    me, boss = auth_headers(nip, agency), auth_headers(appraiser, agency, ["appraiser"])
    hr, peer = auth_headers(HR_NIP, agency, ["hr"]), auth_headers(colleague, agency)
    async with running(training_app(database_url)) as client:
        await staff(client, agency, [nip, colleague], appraiser, {})
        claims = []
        for title, jp in (("Seminar Nasional Pelayanan Publik", 3), ("Kursus Daring Analisis Data", 8)):
            made = await client.post(
                f"/employees/{nip}/jp-ledger",
                headers=me,
                json={"title": title, "jp": jp, "evidence": f"PIAGAM-{jp}", "completed_on": "2026-01-10"},
            )
            assert made.status_code == 201 and made.json()["status"] == "claimed", made.text
            claims.append(made.json())
        ledger = (await client.get(f"/employees/{nip}/jp-ledger", headers=me)).json()
        assert (ledger["completed_jp"], ledger["claimed_jp"], ledger["remaining_jp"]) == (0, 11, 20)
        assert await announced(sql, database_url, agency) == [], "a claim announces no JP"

        seminar, course = (f"/employees/{nip}/jp-ledger/{c['entry_id']}" for c in claims)
        own = await client.post(f"{seminar}/verify", headers=me)
        assert own.status_code == 403 and nip not in own.json()["detail"], "nobody verifies their own training"
        same_refusal(
            await client.post(f"{seminar}/verify", headers=peer),
            await client.post(f"/employees/{nip}/jp-ledger/no-such-entry/verify", headers=boss),
            nip,
            claims[0]["entry_id"],
        )

        verified = await client.post(f"{seminar}/verify", headers=boss)
        assert verified.status_code == 200, verified.text
        assert (verified.json()["status"], verified.json()["reviewed_by"]) == ("verified", appraiser)
        assert (await client.post(f"{seminar}/verify", headers=hr)).json()["status"] == "verified", "asked again"
        assert (await client.post(f"{seminar}/reject", headers=hr, json={"reason": "x"})).status_code == 409
        rejected = await client.post(f"{course}/reject", headers=hr, json={"reason": "Sertifikat tidak terbaca."})
        assert (rejected.json()["status"], rejected.json()["review_note"]) == ("rejected", "Sertifikat tidak terbaca.")
        assert (await client.post(f"{course}/verify", headers=boss)).status_code == 409, "a rejection is final"

        by_hr = await client.post(
            f"/employees/{nip}/jp-ledger",
            headers=hr,
            json={"catalogue_code": "PEL-K01", "evidence": "SERT/BPSDM/2026/001", "completed_on": "2026-01-12"},
        )
        assert by_hr.status_code == 201 and by_hr.json()["status"] == "verified", "HR's record counts at once"
        again = await client.post(
            f"/employees/{nip}/jp-ledger",
            headers=me,
            json={"title": "Webinar Literasi Digital", "jp": 2, "evidence": "PIAGAM-2", "completed_on": "2026-01-15"},
        )
        assert again.status_code == 201

        ledger = (await client.get(f"/employees/{nip}/jp-ledger", headers=boss)).json()
        assert (ledger["completed_jp"], ledger["verified_jp"], ledger["claimed_jp"]) == (3 + 16, 19, 2)
        assert sorted(e["status"] for e in ledger["entries"]) == ["claimed", "rejected", "verified", "verified"]
        report = (await client.get("/reports/development", headers=hr, params={"year": 2026})).json()
        mine = next(e for e in report["jp_fulfilment"]["employees"] if e["nip"] == nip)
        assert (mine["completed_jp"], mine["claimed_jp"], mine["fulfilled"]) == (19, 2, False)
        assert [(t, e["evidence"], e["jp"]) for t, e in await announced(sql, database_url, agency)] == [
            ("TrainingCompleted", "PIAGAM-3", 3),
            ("TrainingCompleted", "SERT/BPSDM/2026/001", 16),
        ]

        page = (await client.get("/reports/development", headers=hr, params={"year": 2026, "limit": 1})).json()
        rest = (
            await client.get(
                "/reports/development", headers=hr, params={"year": 2026, "limit": 1000, "offset": page["next_offset"]}
            )
        ).json()
        assert len(page["jp_fulfilment"]["employees"]) == 1 and page["jp_fulfilment"]["total"] == 3
        everyone = page["jp_fulfilment"]["employees"] + rest["jp_fulfilment"]["employees"]
        assert sorted(e["nip"] for e in everyone) == sorted([nip, colleague, appraiser]) and rest["next_offset"] is None
        assert (await client.get("/reports/development", headers=hr, params={"limit": 1001})).status_code == 422
        assert (await client.get("/talent-pool", headers=hr, params={"offset": 10**20})).status_code == 422


async def test_bad_dates_and_nul_characters_are_422_naming_the_field(
    agency,
    new_nip,
    database_url,
    training_app,
    running,
    staff,
    plans_of,
    publish_event,
    auth_headers,  # noqa: F811
):
    nip, appraiser = new_nip(), new_nip()
    period_id = f"{agency}-2025"
    me, hr = auth_headers(nip, agency), auth_headers(HR_NIP, agency, ["hr"])
    async with running(training_app(database_url)) as client:
        await staff(client, agency, [nip], appraiser, {period_id: 2025})
        await publish_event(appraisal(agency, nip, period_id, Predikat.BUTUH_PERBAIKAN, weak=[BerakhlakValue.LOYAL]))
        (plan,) = (await plans_of(client, agency, nip))["plans"]
        item_url = f"/plans/{plan['plan_id']}/items/{plan['items'][0]['item_id']}/complete"
        outside = {"title": "Seminar", "jp": 3, "evidence": "PIAGAM-1"}

        for completed_on in ("1999-12-31", "0001-01-01", 0, "2025-12-31"):
            for url, body in ((f"/employees/{nip}/jp-ledger", outside), (item_url, {"evidence": "SERT-1"})):
                if url == f"/employees/{nip}/jp-ledger" and completed_on == "2025-12-31":
                    continue  # last year is open for training outside a plan
                answer = await client.post(url, headers=me, json={**body, "completed_on": completed_on})
                assert answer.status_code == 422, (url, completed_on, answer.text)
                assert [e["field"] for e in answer.json()["errors"]] == ["completed_on"], answer.text
        last_year = await client.post(
            f"/employees/{nip}/jp-ledger", headers=me, json={**outside, "completed_on": "2025-12-31"}
        )
        assert last_year.status_code == 201, last_year.text
        done = await client.post(item_url, headers=me, json={"evidence": "SERT-1", "completed_on": "2026-01-21"})
        assert done.status_code == 200, done.text

        nul = await client.post(
            f"/employees/{nip}/jp-ledger",
            headers=me,
            json={**outside, "evidence": "PIAGAM\u00001", "completed_on": "2026-01-21"},
        )
        assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "evidence"
        for path in (
            "/employees/%00/plans",
            "/employees/%00/jp-ledger",
            f"/plans/{plan['plan_id']}%00/items/x/enrol",
            "/periods/p%00/plan-decisions",
        ):
            answer = await client.request("POST" if path.endswith("enrol") else "GET", path, headers=hr)
            assert answer.status_code == 422, (path, answer.text)
        assert (await client.get("/catalogue", headers=me, params={"competency": "loyal\x00"})).status_code == 422
        csv = (
            "code,title,competency,form,method,jp,provider,modality\n"
            "NUL-1,Pelatihan\x00Rahasia,akuntabel,,pelatihan,8,BPSDM,tatap muka\n"
        )
        imported = await client.post(
            "/catalogue/import", content=csv.encode(), headers=hr | {"Content-Type": "text/csv"}
        )
        assert imported.status_code == 200 and imported.json()["errors"][0]["line"] == 2, imported.text
