"""The event size bound at target-service's HTTP edge: a request whose event would exceed the
contract's limits is refused (422 for a text or list over its limit, 413 for an event over its
type's documented maximum) and nothing is stored; a period close of an agency of 20,000
produces one small record per employee."""

import pytest
from kinerja_contracts import EmployeePeriodClosed, PerformancePeriodClosed, TargetSet
from kinerja_contracts.limits import DESCRIPTION_MAX, IKI_PER_RHK_MAX, RHK_PER_SKP_MAX
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

pytestmark = pytest.mark.integration

HR, KADIS, SITI = "196805051990031001", "197801012005011001", "198503122010012002"
ATASAN = "196505051990031001"
IKU = {
    "code": "IKU-1",
    "description": "Waktu respon pengaduan",
    "target": 14,
    "unit": "hari",
    "higher_is_better": False,
}


def iki(description="Pengaduan yang diselesaikan"):
    return {"aspect": "kuantitas", "description": description, "target": 120, "unit": "pengaduan"}


def rhk(description="Terselesaikannya pengaduan masyarakat", indikator=None, **links):
    return {"kind": "utama", "description": description, "indikator": indikator or [iki()], **links}


async def _agency_with_open_period(client, as_) -> str:
    roster = {
        "employees": [
            {
                "nip": KADIS,
                "name": "Budi Santoso",
                "position": "Kepala Dinas",
                "unit": "Sekretariat",
                "appraiser_nip": ATASAN,
            },
            {
                "nip": SITI,
                "name": "Siti Rahayu",
                "position": "Analis Pengaduan",
                "unit": "Bidang Pengaduan",
                "appraiser_nip": KADIS,
            },
        ]
    }
    assert (await client.post("/employees", json=roster, headers=as_(HR, "hr"))).status_code == 200
    opened = await client.post("/periods", json={"year": 2025}, headers=as_(HR, "hr"))
    assert opened.status_code == 201, opened.text
    return opened.json()["period_id"]


async def _no_skp(client, as_, nip: str, period_id: str) -> None:
    listed = await client.get(f"/employees/{nip}/skp", params={"period_id": period_id}, headers=as_(nip))
    assert listed.status_code == 200 and listed.json()["items"] == [], listed.text


async def test_an_skp_over_the_contract_s_limits_is_refused_naming_the_limit_and_nothing_is_stored(
    target_app,
    running,
    as_,
):
    async with running(target_app) as client:
        period_id = await _agency_with_open_period(client, as_)
        siti = as_(SITI)

        too_many_rhk = await client.post(
            "/skp",
            headers=siti,
            json={"period_id": period_id, "rhk": [rhk(f"RHK {n}") for n in range(RHK_PER_SKP_MAX + 1)]},
        )
        assert too_many_rhk.status_code == 422
        assert too_many_rhk.headers["content-type"] == "application/problem+json"
        assert f"at most {RHK_PER_SKP_MAX} items" in too_many_rhk.json()["detail"]
        assert too_many_rhk.json()["errors"][0]["field"] == "rhk"

        too_many_iki = await client.post(
            "/skp",
            headers=siti,
            json={
                "period_id": period_id,
                "rhk": [rhk(indikator=[iki(f"IKI {n}") for n in range(IKI_PER_RHK_MAX + 1)])],
            },
        )
        assert too_many_iki.status_code == 422 and f"at most {IKI_PER_RHK_MAX} items" in too_many_iki.json()["detail"]

        too_long = await client.post(
            "/skp", headers=siti, json={"period_id": period_id, "rhk": [rhk("x" * (DESCRIPTION_MAX + 1))]}
        )
        assert too_long.status_code == 422 and f"at most {DESCRIPTION_MAX} characters" in too_long.json()["detail"]
        assert too_long.json()["errors"][0]["field"] == "rhk.0.description"

        # Within every length limit, yet too big once JSON-encoded: control characters take
        # 6 bytes each. The approval event could never be published, so the draft is refused.
        dense = "\x01" * DESCRIPTION_MAX
        too_big = await client.post(
            "/skp",
            headers=siti,
            json={
                "period_id": period_id,
                "rhk": [
                    rhk(dense, indikator=[iki(dense) for _ in range(IKI_PER_RHK_MAX)]) for _ in range(RHK_PER_SKP_MAX)
                ],
            },
        )
        assert too_big.status_code == 413, too_big.text
        assert too_big.headers["content-type"] == "application/problem+json"
        problem = too_big.json()
        assert (problem["limit"], problem["maximum"]) == ("max_encoded_bytes", TargetSet.max_encoded_bytes)
        assert problem["event_type"] == "kinerja.target.TargetRevised.v1" and problem["size"] > problem["maximum"]
        assert str(TargetSet.max_encoded_bytes) in problem["detail"]

        await _no_skp(client, as_, SITI, period_id)
        fits = await client.post("/skp", headers=siti, json={"period_id": period_id, "rhk": [rhk()]})
        assert fits.status_code == 201, fits.text


async def test_an_approval_whose_event_exceeds_its_maximum_is_refused_and_not_stored(
    target_app,
    running,
    as_,
    sql,
    database_url,
    monkeypatch,
):
    async with running(target_app) as client:
        period_id = await _agency_with_open_period(client, as_)
        kadis = as_(KADIS)
        iku = (await client.post(f"/periods/{period_id}/iku", json=IKU, headers=as_(HR, "hr"))).json()
        skp = (
            await client.post("/skp", headers=kadis, json={"period_id": period_id, "rhk": [rhk(iku_id=iku["iku_id"])]})
        ).json()
        assert (await client.post(f"/skp/{skp['skp_id']}/submit", headers=kadis)).status_code == 200
        before = await sql(database_url, "SELECT count(*) AS n FROM outbox")

        # The edge check is the last line: whatever the request models let through, no event
        # over its type's documented maximum reaches the outbox.
        monkeypatch.setattr(TargetSet, "max_encoded_bytes", 200)
        refused = await client.post(f"/skp/{skp['skp_id']}/approve", headers=as_(ATASAN, "appraiser"))
        assert refused.status_code == 413, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert (refused.json()["event_type"], refused.json()["maximum"]) == (TargetSet.event_type, 200)
        assert f"{TargetSet.event_type} event of {refused.json()['size']} bytes" in refused.json()["detail"]

        assert await sql(database_url, "SELECT count(*) AS n FROM outbox") == before
        still = await client.get(f"/skp/{skp['skp_id']}", headers=kadis)
        assert still.json()["status"] == "submitted" and still.json()["version"] is None
        monkeypatch.undo()
        approved = await client.post(f"/skp/{skp['skp_id']}/approve", headers=as_(ATASAN, "appraiser"))
        assert approved.status_code == 200 and approved.json()["status"] == "approved"


async def test_closing_the_period_of_an_agency_of_20000_produces_no_oversized_record(
    target_app,
    running,
    as_,
    agency,
    sql,
    database_url,
):
    from target_service.adapters.orm import employees

    size = 20_000
    async with running(target_app) as client:
        period_id = await _agency_with_open_period(client, as_)
        # The roster of a Dinas Pendidikan, seeded in the database (importing it over HTTP is
        # not what this test is about).
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    insert(employees),
                    [
                        {
                            "agency_id": agency,
                            "nip": f"19900101{2015_00_0000 + n:010d}"[:18],
                            "name": f"Guru {n}",
                            "position": "Guru Ahli Pertama",
                            "unit": f"SD Negeri {n // 25}",
                            "appraiser_nip": KADIS,
                        }
                        for n in range(size - 2)
                    ],
                )
        finally:
            await engine.dispose()

        closed = await client.post(f"/periods/{period_id}/close", headers=as_(HR, "hr"))
        assert closed.status_code == 200, closed.text
        assert closed.json()["employees"] == size

    rows = await sql(
        database_url,
        """
        SELECT event_type, topic, count(*) AS n, max(octet_length(payload)) AS largest,
               count(DISTINCT record_key) AS keys
        FROM outbox WHERE event_type IN (:v2, :per_employee) GROUP BY event_type, topic ORDER BY event_type""",
        v2=PerformancePeriodClosed.event_type,
        per_employee=EmployeePeriodClosed.event_type,
    )
    by_type = {r["event_type"]: r for r in rows}
    per_employee = by_type[EmployeePeriodClosed.event_type]
    assert (per_employee["topic"], per_employee["n"], per_employee["keys"]) == ("kinerja.targets", size, size)
    assert per_employee["largest"] <= EmployeePeriodClosed.max_encoded_bytes
    close = by_type[PerformancePeriodClosed.event_type]
    assert (close["topic"], close["n"]) == ("kinerja.periods", 1)
    assert close["largest"] <= PerformancePeriodClosed.max_encoded_bytes
    announced = await sql(
        database_url, "SELECT payload FROM outbox WHERE event_type = :t", t=PerformancePeriodClosed.event_type
    )
    assert f'"employee_count":{size}' in announced[0]["payload"]
