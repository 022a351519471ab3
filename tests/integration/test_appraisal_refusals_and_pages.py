"""appraisal-service over HTTP on the real database (issue 8):

* item 6: a read refused answers word for word like a read of a missing object, and no error
  detail names an appraisal or objection id, a NIP, a period, a unit or a checkpoint;
* item 11: every list is paged with a bounded page (objections, a period's appraisals and
  not-completed queue rows, the periodic proposal report's skipped employees), and an offset
  past any table (10^20) is a 422 naming it.

The agency is seeded straight into the service's tables: these are rules of reading and
refusing, not of the events that fill the tables (test_appraisal_http.py covers those).
"""

import uuid
import zlib
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

pytestmark = pytest.mark.integration

HR, KADIS, BUDI = "196805051990031001", "198808082012121002", "197801012005011001"
SITI, ANI, LAIN = "198503122010012002", "199001012015012001", "199202022016012003"
OUTSIDERS = ["198101012006011001", "198101012006011002", "198101012006011003"]  # SKPs, not on the roster
NIPS = [HR, KADIS, BUDI, SITI, ANI, LAIN, *OUTSIDERS]
PERIOD = "2025"
SESUAI, BAWAH = "sesuai_ekspektasi", "di_bawah_ekspektasi"


@pytest.fixture
def appraisal_app(broker, database_url):
    from appraisal_service.entrypoints.deps import fixed_day
    from appraisal_service.main import create_app
    from appraisal_service.settings import AppraisalSettings

    app = create_app(
        AppraisalSettings(
            database_url=database_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_group=f"appraisal-service-{zlib.crc32(database_url.encode()):08x}",
            consumer_backoff_seconds=0.05,
            log_json=False,
            log_level="WARNING",
        )
    )
    app.dependency_overrides[fixed_day] = lambda: date(2026, 2, 2)
    return app


def appraisal(agency: str, nip: str, status: str, appraiser: str) -> dict:
    final = status == "final"
    return {
        "appraisal_id": str(uuid.uuid4()),
        "agency_id": agency,
        "period_id": PERIOD,
        "nip": nip,
        "kind": "annual",
        "checkpoint_id": None,
        "scope": "annual",
        "revision": 1,
        "status": status,
        "proposed_rating_hasil_kerja": BAWAH,
        "proposed_rating_perilaku": SESUAI,
        "proposed_predikat": "butuh_perbaikan",
        "proposed_at": datetime.now(UTC),
        "rating_hasil_kerja": BAWAH if final else None,
        "rating_perilaku": SESUAI if final else None,
        "predikat": "butuh_perbaikan" if final else None,
        "appraiser_nip": appraiser if final else None,
        "confirm_reason": None,
        "completed_at": datetime.now(UTC) if final else None,
        "final_on": date(2026, 1, 30) if final else None,
        "policy_version": "default-2026.1",
        "summary": {
            "indikator": [],
            "perilaku": [],
            "average_capaian_utama": 100.0,
            "feedback_answers": 0,
            "citizen_service_score": None,
        },
        "explanation": {},
        "supersedes_appraisal_id": None,
        "objection_id": None,
    }


@pytest.fixture
async def agency_seeded(database_url, agency):
    """``await agency_seeded()`` (after the app migrated) -> ids. Kadis appraises Budi and
    Lain, Budi appraises Siti and Ani. Ani's and Lain's annual results are final and objected
    to, Budi's too; Siti's is a proposal. Every staff member and three employees missing from
    the roster hold an approved SKP; the period has checkpoint tw1."""
    from appraisal_service.adapters.orm import appraisals, objections, targets
    from kinerja_runtime.roster import known_employees, known_periods, known_units

    async def seed() -> dict:
        ids = {}
        rows = [
            appraisal(agency, ANI, "final", BUDI),
            appraisal(agency, LAIN, "final", KADIS),
            appraisal(agency, BUDI, "final", KADIS),
            appraisal(agency, SITI, "proposed", BUDI),
        ]
        engine = create_async_engine(database_url, poolclass=NullPool)
        async with engine.begin() as conn:
            await conn.execute(
                insert(known_employees),
                [
                    {
                        "agency_id": agency,
                        "nip": nip,
                        "name": f"Pegawai {nip[-4:]}",
                        "position": "Analis",
                        "unit": "Bidang",
                        "appraiser_nip": appraiser,
                        "unit_id": "bidang",
                    }
                    for nip, appraiser in (
                        (HR, None),
                        (KADIS, None),
                        (BUDI, KADIS),
                        (SITI, BUDI),
                        (ANI, BUDI),
                        (LAIN, KADIS),
                    )
                ],
            )
            await conn.execute(
                insert(known_units).values(
                    agency_id=agency,
                    unit_id="bidang",
                    name="Bidang",
                    parent_unit_id=None,
                    head_nip=BUDI,
                    serves_public=False,
                )
            )
            await conn.execute(
                insert(known_periods).values(
                    agency_id=agency,
                    period_id=PERIOD,
                    year=2025,
                    starts_on=date(2025, 1, 1),
                    ends_on=date(2025, 12, 31),
                    status="open",
                    checkpoints=[
                        {
                            "checkpoint_id": "tw1",
                            "name": "Triwulan I",
                            "starts_on": "2025-01-01",
                            "ends_on": "2025-03-31",
                        }
                    ],
                )
            )
            await conn.execute(
                insert(targets),
                [
                    {
                        "agency_id": agency,
                        "period_id": PERIOD,
                        "nip": nip,
                        "skp_id": f"skp-{nip}",
                        "version": 1,
                        "rhk": [
                            {
                                "rhk_id": "rhk-1",
                                "kind": "utama",
                                "description": "Layanan",
                                "indikator": [
                                    {
                                        "iki_id": "iki-1",
                                        "aspect": "kuantitas",
                                        "description": "Layanan",
                                        "target": 100,
                                        "unit": "x",
                                        "higher_is_better": True,
                                    }
                                ],
                            }
                        ],
                    }
                    for nip in (SITI, ANI, LAIN, *OUTSIDERS)
                ],
            )
            await conn.execute(insert(appraisals), rows)
            for row, superior, day in zip(rows[:3], (KADIS, KADIS, HR), (1, 2, 3), strict=True):
                ids[row["nip"]] = row["appraisal_id"]
                await conn.execute(
                    insert(objections).values(
                        objection_id=(objection_id := str(uuid.uuid4())),
                        agency_id=agency,
                        period_id=PERIOD,
                        nip=row["nip"],
                        appraisal_id=row["appraisal_id"],
                        reasons="Bukti gangguan sistem.",
                        filed_on=date(2026, 2, day),
                        filed_at=datetime(2026, 2, day, tzinfo=UTC),
                        superior_nip=superior,
                        status="open",
                    )
                )
                ids[f"objection-{row['nip']}"] = objection_id
        await engine.dispose()
        ids[SITI] = rows[3]["appraisal_id"]
        return ids

    return seed


def names_nothing(response, *values) -> None:
    """No part of the problem but ``instance`` (the path the caller asked for) names a value."""
    body = {k: v for k, v in response.json().items() if k != "instance"}
    for value in (*values, *NIPS):
        assert value not in str(body), (value, body)


def same_refusal(refused, missing) -> None:
    assert refused.status_code == missing.status_code == 404, (refused.text, missing.text)
    assert refused.headers["content-type"] == missing.headers["content-type"] == "application/problem+json"
    pick = lambda r: {k: v for k, v in r.json().items() if k != "instance"}  # noqa: E731
    assert pick(refused) == pick(missing)


async def test_a_refused_read_answers_like_a_missing_object_and_no_error_names_an_id_or_nip(
    appraisal_app,
    running,
    agency_seeded,
    as_,
    agency,
):
    async with running(appraisal_app) as client:
        ids = await agency_seeded()
        ani, siti, objection, nobody = ids[ANI], ids[SITI], ids[f"objection-{ANI}"], str(uuid.uuid4())
        every_id = [ani, siti, objection, ids[LAIN], ids[BUDI], nobody, PERIOD, "bidang", "tw1", agency]

        # Lain is a colleague of Ani's: her appraisal is not his to read.
        assert (await client.get(f"/appraisals/{ani}", headers=as_(ANI))).status_code == 200
        refused = await client.get(f"/appraisals/{ani}", headers=as_(LAIN))
        same_refusal(refused, await client.get(f"/appraisals/{nobody}", headers=as_(LAIN)))
        names_nothing(refused, *every_id)
        # By employee and period the refusal must not give the appraisal's id away either.
        refused = await client.get(f"/periods/{PERIOD}/employees/{ANI}/appraisal", headers=as_(LAIN))
        same_refusal(
            refused, await client.get(f"/periods/{PERIOD}/employees/{OUTSIDERS[0]}/appraisal", headers=as_(LAIN))
        )
        names_nothing(refused, *every_id)
        # Objections: Siti is neither the objector nor the superior.
        refused = await client.get(f"/objections/{objection}", headers=as_(SITI))
        same_refusal(refused, await client.get(f"/objections/{nobody}", headers=as_(SITI)))
        names_nothing(refused, *every_id)
        # Filing against someone else's result reads as a missing appraisal.
        reasons = {"reasons": "Tidak setuju."}
        refused = await client.post(f"/appraisals/{ani}/objections", json=reasons, headers=as_(SITI))
        same_refusal(refused, await client.post(f"/appraisals/{nobody}/objections", json=reasons, headers=as_(SITI)))
        # An appraiser outside the team reads another team's member as unknown.
        refused = await client.get(f"/periods/{PERIOD}/employees/{ANI}/inputs", headers=as_(KADIS, "appraiser"))
        same_refusal(
            refused,
            await client.get(f"/periods/{PERIOD}/employees/{OUTSIDERS[0]}/inputs", headers=as_(KADIS, "appraiser")),
        )
        names_nothing(refused, *every_id)
        assert (
            await client.get(f"/periods/{PERIOD}/employees/{ANI}/inputs", headers=as_(BUDI, "appraiser"))
        ).status_code == 200

        # Writes refused by rule say the rule, never whose.
        forbidden = await client.post(f"/appraisals/{siti}/confirm", json={}, headers=as_(LAIN, "appraiser"))
        assert forbidden.status_code == 403 and "appraiser" in forbidden.json()["detail"]
        names_nothing(forbidden, *every_id)
        forbidden = await client.post(
            f"/objections/{objection}/decision",
            headers=as_(BUDI, "appraiser"),
            json={"outcome": "upheld", "reason": "Tetap."},
        )
        assert forbidden.status_code == 403 and "superior" in forbidden.json()["detail"]
        names_nothing(forbidden, *every_id)

        # Missing objects and conflicts name the kind of object, not the value asked for.
        hr = as_(HR, "hr")
        answers = [
            (404, await client.post(f"/appraisals/{nobody}/confirm", json={}, headers=as_(BUDI))),
            (
                404,
                await client.post(
                    f"/objections/{nobody}/decision", headers=as_(KADIS), json={"outcome": "upheld", "reason": "Tetap."}
                ),
            ),
            (404, await client.post(f"/periods/{PERIOD}/employees/{OUTSIDERS[0]}/appraisal", headers=hr)),
            (404, await client.post(f"/periods/{nobody}/employees/{ANI}/appraisal", headers=hr)),
            (404, await client.post(f"/periods/{PERIOD}/checkpoints/{nobody}/appraisals", headers=hr)),
            (404, await client.get(f"/periods/{nobody}/distribution", headers=hr)),
            (
                404,
                await client.post(
                    f"/periods/{PERIOD}/calibration",
                    headers=hr,
                    json={"organisation_predikat": "baik", "unit_id": nobody},
                ),
            ),
            (409, await client.post(f"/appraisals/{ani}/confirm", json={}, headers=as_(BUDI))),
            (409, await client.post(f"/appraisals/{ani}/objections", json=reasons, headers=as_(ANI))),
        ]
        for status, answer in answers:
            assert answer.status_code == status, answer.text
            names_nothing(answer, *every_id)


async def test_lists_are_paged_with_a_bounded_page_and_a_huge_offset_is_a_422(
    appraisal_app,
    running,
    agency_seeded,
    as_,
):
    async with running(appraisal_app) as client:
        ids = await agency_seeded()
        hr = as_(HR, "hr")

        # Objections, oldest first, two to a page.
        first = (await client.get("/objections", params={"limit": 2}, headers=hr)).json()
        assert [o["nip"] for o in first["objections"]] == [ANI, LAIN]
        assert (first["limit"], first["offset"], first["next_offset"]) == (2, 0, 2)
        last = (await client.get("/objections", params={"limit": 2, "offset": 2}, headers=hr)).json()
        assert ([o["nip"] for o in last["objections"]], last["next_offset"]) == ([BUDI], None)
        # Kadis sees only what he must decide (and what he filed); the default page holds them.
        kadis = (await client.get("/objections", headers=as_(KADIS))).json()
        assert ([o["objection_id"] for o in kadis["objections"]], kadis["next_offset"]) == (
            [ids[f"objection-{ANI}"], ids[f"objection-{LAIN}"]],
            None,
        )

        # A period's appraisals: by NIP, with the next offset while there are more.
        page = (await client.get(f"/periods/{PERIOD}/appraisals", params={"limit": 3}, headers=hr)).json()
        assert [a["nip"] for a in page["appraisals"]] == sorted([ANI, LAIN, BUDI, SITI])[:3]
        assert page["next_offset"] == 3
        rest = (await client.get(f"/periods/{PERIOD}/appraisals", params={"limit": 3, "offset": 3}, headers=hr)).json()
        assert ([a["nip"] for a in rest["appraisals"]], rest["next_offset"]) == (
            sorted([ANI, LAIN, BUDI, SITI])[3:],
            None,
        )

        # The periodic command counts what it did and lists a page of whom it skipped, and why.
        propose = f"/periods/{PERIOD}/checkpoints/tw1/appraisals"
        report = (await client.post(propose, params={"limit": 2}, headers=hr)).json()
        assert (report["proposed_count"], report["existing_count"], report["skipped_count"]) == (3, 0, 3)
        assert [s["nip"] for s in report["skipped"]] == OUTSIDERS[:2] and report["next_offset"] == 2
        assert {s["reason"] for s in report["skipped"]} == {"the employee is not known in the agency's roster"}
        again = (await client.post(propose, params={"limit": 2, "offset": 2}, headers=hr)).json()
        assert (again["proposed_count"], again["existing_count"], again["skipped_count"]) == (0, 3, 3)
        assert ([s["nip"] for s in again["skipped"]], again["next_offset"]) == (OUTSIDERS[2:], None)
        periodic = (
            await client.get(
                f"/periods/{PERIOD}/appraisals", headers=hr, params={"kind": "periodic", "checkpoint_id": "tw1"}
            )
        ).json()
        assert sorted(a["nip"] for a in periodic["appraisals"]) == sorted([SITI, ANI, LAIN])

        # Bounded pages and offsets: a 422 naming the parameter, never a 500.
        for path, method in (("/objections", "GET"), (f"/periods/{PERIOD}/appraisals", "GET"), (propose, "POST")):
            for params, name in (({"offset": 10**20}, "offset"), ({"limit": 501}, "limit"), ({"limit": 0}, "limit")):
                refused = await client.request(method, path, params=params, headers=hr)
                assert refused.status_code == 422, (path, params, refused.text)
                assert [e["field"] for e in refused.json()["errors"]] == [f"query.{name}"], refused.text
