"""appraisal-service over HTTP against the real broker and database: proposals at period
close, the appraiser's confirmation (AppraisalCompleted), a head of unit taking the unit's
result, objections with the 14-day window and a revision (AppraisalRevised), the agency
policy, periodic appraisals, calibration and the distribution report."""

import json
import uuid
import zlib
from datetime import UTC, date, datetime

import pytest
from kinerja_contracts import (
    EmployeePeriodClosed,
    EmployeeRegistered,
    FeedbackReceived,
    PerformancePeriodOpened,
    RealizationRecorded,
    TargetSet,
    WorkUnitDefined,
)
from kinerja_contracts.target import Checkpoint
from kinerja_contracts.vocabulary import BerakhlakValue

pytestmark = pytest.mark.integration

HR, KADIS, BUDI = "196805051990031001", "198808082012121002", "197801012005011001"
SITI, ANI = "198503122010012002", "199001012015012001"
ATAS, SESUAI, BAWAH = "di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"
TOPIC = "kinerja.appraisals"

# Kadis heads the agency (no SKP); Budi heads Bidang Pengaduan and appraises Siti and Ani;
# Kadis appraises Budi, so Kadis is the superior who decides objections to Budi's results.
ROSTER = [(KADIS, "dinas", None), (BUDI, "bidang", KADIS), (SITI, "bidang", BUDI), (ANI, "bidang", BUDI)]
# Utama IKI target 100 per employee; realisations per checkpoint (the later one is the year's).
REALISED = {SITI: {"tw1": 50.0, "tw2": 120.0}, ANI: {"tw1": 100.0, "tw2": 100.0}, BUDI: {"tw1": 50.0, "tw2": 50.0}}


@pytest.fixture
def appraisal_app(broker, database_url):
    from appraisal_service.main import create_app
    from appraisal_service.settings import AppraisalSettings

    return create_app(
        AppraisalSettings(
            database_url=database_url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_group=f"appraisal-service-{zlib.crc32(database_url.encode()):08x}",
            consumer_backoff_seconds=0.05,
            appraisal_settle_seconds=0.2,
            appraisal_max_wait_seconds=60,
            log_json=False,
            log_level="WARNING",
        )
    )


@pytest.fixture
def clock(appraisal_app):
    """``clock["day"] = date(...)`` sets the service's today."""
    from appraisal_service.entrypoints.deps import fixed_day

    state = {"day": date(2026, 1, 30)}
    appraisal_app.dependency_overrides[fixed_day] = lambda: state["day"]
    return state


@pytest.fixture
def appraisal_events(read_topic, agency):
    """``await appraisal_events(until)`` -> [(type, data)] of this test's agency on kinerja.appraisals."""

    async def read(until, timeout: float = 30) -> list[tuple[str, dict]]:
        records = await read_topic(
            TOPIC,
            until=lambda rs: until([r.headers["ce_type"].split(".")[2] for r in rs]),
            timeout=timeout,
            where=lambda r: r.headers.get("ce_agency") == agency,
        )
        return [(r.headers["ce_type"].split(".")[2], json.loads(r.value)) for r in records]

    return read


@pytest.fixture
def year(publish_event, eventually, agency, as_):
    """``await year(client)``: publish the roster, units, an open period with two checkpoints,
    SKPs, realisations and Siti's appraiser feedback; wait until the service holds them all."""
    period_id = f"{agency}-2025"

    async def publish(client) -> str:
        await publish_event(WorkUnitDefined(agency_id=agency, unit_id="dinas", name="Dinas", head_nip=KADIS))
        await publish_event(
            WorkUnitDefined(
                agency_id=agency, unit_id="bidang", name="Bidang Pengaduan", parent_unit_id="dinas", head_nip=BUDI
            )
        )
        for nip, unit_id, appraiser in ROSTER:
            await publish_event(
                EmployeeRegistered(
                    agency_id=agency,
                    nip=nip,
                    name=f"Pegawai {nip[-4:]}",
                    position="Analis",
                    unit=unit_id,
                    unit_id=unit_id,
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
                    Checkpoint(
                        checkpoint_id="tw1", name="Triwulan I", starts_on=date(2025, 1, 1), ends_on=date(2025, 3, 31)
                    ),
                    Checkpoint(
                        checkpoint_id="tw2", name="Triwulan II", starts_on=date(2025, 4, 1), ends_on=date(2025, 6, 30)
                    ),
                ],
            )
        )
        for nip, by_checkpoint in REALISED.items():
            skp_id = f"skp-{nip}"
            await publish_event(
                TargetSet(
                    agency_id=agency,
                    period_id=period_id,
                    nip=nip,
                    skp_id=skp_id,
                    version=1,
                    approved_by=dict((n, a) for n, _, a in ROSTER)[nip],
                    rhk=[
                        {
                            "rhk_id": "rhk-1",
                            "kind": "utama",
                            "description": "Pengaduan terselesaikan",
                            "indikator": [
                                {
                                    "iki_id": "iki-1",
                                    "aspect": "kuantitas",
                                    "description": "Pengaduan diselesaikan",
                                    "target": 100,
                                    "unit": "pengaduan",
                                    "higher_is_better": True,
                                }
                            ],
                        }
                    ],
                )
            )
            for month, (checkpoint_id, value) in zip((2, 5), by_checkpoint.items(), strict=True):
                await publish_event(
                    RealizationRecorded(
                        agency_id=agency,
                        period_id=period_id,
                        nip=nip,
                        skp_id=skp_id,
                        iki_id="iki-1",
                        realization_id=f"{skp_id}-{checkpoint_id}",
                        value=value,
                        recorded_at=datetime(2025, month, 15, tzinfo=UTC),
                        checkpoint_id=checkpoint_id,
                    )
                )
        await publish_event(
            FeedbackReceived(
                agency_id=agency,
                period_id=period_id,
                nip=SITI,
                feedback_id=str(uuid.uuid4()),
                source="appraiser",
                ratings={v: ATAS for v in BerakhlakValue},
                submitted_at=datetime(2025, 11, 1, tzinfo=UTC),
            )
        )

        async def known():
            for nip in REALISED:
                inputs = await client.get(f"/periods/{period_id}/employees/{nip}/inputs", headers=as_(HR, "hr"))
                assert inputs.status_code == 200 and inputs.json()["realizations"] == 2, inputs.text
            feedback = await client.get(f"/periods/{period_id}/employees/{SITI}/inputs", headers=as_(HR, "hr"))
            assert feedback.json()["feedback_forms"] == 1
            # The organisation tree is another topic: a unit calibration answers once "bidang" is known.
            unit = await client.post(
                f"/periods/{period_id}/calibration",
                headers=as_(HR, "hr"),
                json={"organisation_predikat": "baik", "unit_id": "bidang"},
            )
            assert unit.status_code == 200, unit.text

        await eventually(known, timeout=90, interval=0.3, what="appraisal-service projections complete")
        return period_id

    return publish


async def close_period(publish_event, agency: str, period_id: str) -> None:
    """target-service's close: one event per employee, keyed by NIP on kinerja.targets (after
    that employee's targets and realisations)."""
    closed_at = datetime.now(UTC)
    await publish_event(
        EmployeePeriodClosed(
            agency_id=agency,
            period_id=period_id,
            year=2025,
            nip=KADIS,
            closed_at=closed_at,
            skp_id=None,
            skp_version=None,
            realization_count=0,
        )
    )
    for nip in REALISED:
        await publish_event(
            EmployeePeriodClosed(
                agency_id=agency,
                period_id=period_id,
                year=2025,
                nip=nip,
                closed_at=closed_at,
                skp_id=f"skp-{nip}",
                skp_version=1,
                realization_count=2,
            )
        )


async def test_close_proposes_appraiser_confirms_and_an_objection_revises(
    appraisal_app,
    running,
    year,
    clock,
    as_,
    agency,
    publish_event,
    eventually,
    appraisal_events,
):
    hr = as_(HR, "hr")
    async with running(appraisal_app) as client:
        period_id = await year(client)
        await close_period(publish_event, agency, period_id)

        async def proposals():
            listed = (await client.get(f"/periods/{period_id}/appraisals", headers=hr)).json()
            assert len(listed["appraisals"]) == 3, listed
            return listed

        listed = await eventually(proposals, timeout=60, interval=0.3, what="proposals after close")
        by_nip = {a["nip"]: a for a in listed["appraisals"]}
        assert [(n["nip"], n["status"]) for n in listed["not_completed"]] == [(KADIS, "skipped")]
        assert {a["status"] for a in by_nip.values()} == {"proposed"}
        assert {a["predikat"] for a in by_nip.values()} == {None}, "no final result before confirmation"
        assert by_nip[SITI]["proposed"] == {
            **by_nip[SITI]["proposed"],
            "rating_hasil_kerja": ATAS,
            "rating_perilaku": ATAS,
            "predikat": "sangat_baik",
        }
        assert by_nip[ANI]["proposed"]["predikat"] == "baik"

        # Budi's own capaian is 50 (di bawah), but as head of Bidang he takes the unit's
        # result: the mean of Siti's 120 and Ani's 100 = 110, di atas.
        budi = (await client.get(f"/appraisals/{by_nip[BUDI]['appraisal_id']}", headers=as_(BUDI))).json()
        assert budi["proposed"]["rating_hasil_kerja"] == ATAS and budi["proposed"]["predikat"] == "baik"
        hasil = budi["explanation"]["hasil_kerja"]
        assert (hasil["basis"], hasil["average_capaian_utama"], hasil["level_from_average"]) == ("unit", 50.0, BAWAH)
        assert hasil["unit"]["capaian"] == 110.0 and hasil["unit"]["unit_ids"] == ["bidang"]
        assert hasil["unit"]["members"] == [
            {"nip": SITI, "average_capaian_utama": 120.0},
            {"nip": ANI, "average_capaian_utama": 100.0},
        ]

        # How Siti's proposal was reached: policy, per-IKI capaian, per-value evidence.
        siti = (await client.get(f"/periods/{period_id}/employees/{SITI}/appraisal", headers=as_(SITI))).json()
        assert siti["explanation"]["policy"]["version"] == "default-2026.1"
        assert siti["explanation"]["policy"]["parameters"]["capaian_cap"] == 120.0
        assert [(i["iki_id"], i["capaian"], i["met"]) for i in siti["summary"]["indikator"]] == [("iki-1", 120.0, True)]
        pelayanan = siti["explanation"]["perilaku"]["values"][0]
        assert pelayanan["evidence"] == [{"source": "appraiser", "answers": 1, "mean": 1.0, "weight": 0.5}]
        assert (
            await client.get(f"/periods/{period_id}/employees/{SITI}/appraisal", headers=as_(KADIS))
        ).status_code == 404

        # Only the appraiser in the roster confirms; an override needs a reason.
        ani_id, siti_id = by_nip[ANI]["appraisal_id"], siti["appraisal_id"]
        assert (
            await client.post(f"/appraisals/{ani_id}/confirm", json={}, headers=as_(KADIS, "appraiser"))
        ).status_code == 403
        no_reason = await client.post(
            f"/appraisals/{ani_id}/confirm", json={"rating_hasil_kerja": BAWAH}, headers=as_(BUDI, "appraiser")
        )
        assert no_reason.status_code == 422 and "reason" in no_reason.json()["detail"]
        overridden = await client.post(
            f"/appraisals/{ani_id}/confirm",
            headers=as_(BUDI, "appraiser"),
            json={"rating_hasil_kerja": BAWAH, "reason": "Dua laporan triwulan terlambat tanpa alasan."},
        )
        assert overridden.status_code == 200, overridden.text
        ani = overridden.json()
        assert (ani["status"], ani["predikat"], ani["overridden"], ani["final_on"]) == (
            "final",
            "butuh_perbaikan",
            True,
            "2026-01-30",
        )
        assert ani["objection_closes_on"] == "2026-02-13"
        assert (await client.post(f"/appraisals/{siti_id}/confirm", json={}, headers=as_(BUDI))).json()[
            "predikat"
        ] == "sangat_baik"
        assert (await client.post(f"/appraisals/{siti_id}/confirm", json={}, headers=as_(BUDI))).status_code == 409
        assert (
            await client.post(f"/appraisals/{by_nip[BUDI]['appraisal_id']}/confirm", json={}, headers=as_(KADIS))
        ).status_code == 200

        events = await appraisal_events(until=lambda types: len(types) >= 3)
        completed = {e["nip"]: e for t, e in events if t == "AppraisalCompleted"}
        assert set(completed) == {SITI, ANI, BUDI}
        assert {
            k: completed[ANI][k]
            for k in (
                "proposed_rating_hasil_kerja",
                "proposed_rating_perilaku",
                "rating_hasil_kerja",
                "rating_perilaku",
                "predikat",
                "policy_version",
                "override_reason",
                "appraiser_nip",
                "kind",
                "period_id",
                "revision",
            )
        } == {
            "proposed_rating_hasil_kerja": SESUAI,
            "proposed_rating_perilaku": SESUAI,
            "rating_hasil_kerja": BAWAH,
            "rating_perilaku": SESUAI,
            "predikat": "butuh_perbaikan",
            "policy_version": "default-2026.1",
            "override_reason": "Dua laporan triwulan terlambat tanpa alasan.",
            "appraiser_nip": BUDI,
            "kind": "annual",
            "period_id": period_id,
            "revision": 1,
        }
        assert completed[SITI]["override_reason"] is None and completed[SITI]["predikat"] == "sangat_baik"

        # Objection: day 15 refused with the closing date, day 14 accepted; Budi's superior decides.
        reasons = {"reasons": "Keterlambatan disebabkan gangguan sistem, ada bukti tiket helpdesk."}
        clock["day"] = date(2026, 2, 14)
        late = await client.post(f"/appraisals/{ani_id}/objections", json=reasons, headers=as_(ANI))
        assert late.status_code == 409 and late.json()["closed_on"] == "2026-02-13", late.text
        assert late.headers["content-type"] == "application/problem+json"
        clock["day"] = date(2026, 2, 13)
        assert (
            await client.post(f"/appraisals/{ani_id}/objections", json=reasons, headers=as_(SITI))
        ).status_code == 404
        filed = await client.post(f"/appraisals/{ani_id}/objections", json=reasons, headers=as_(ANI))
        assert filed.status_code == 201, filed.text
        objection = filed.json()
        assert (objection["superior_nip"], objection["status"], objection["filed_on"]) == (KADIS, "open", "2026-02-13")
        assert (
            await client.post(f"/appraisals/{ani_id}/objections", json=reasons, headers=as_(ANI))
        ).status_code == 409
        assert [
            o["objection_id"]
            for o in (await client.get("/objections?status=open", headers=as_(KADIS))).json()["objections"]
        ] == [objection["objection_id"]]

        decision = {"outcome": "changed", "reason": "Bukti gangguan sistem diterima.", "rating_hasil_kerja": SESUAI}
        decide = f"/objections/{objection['objection_id']}/decision"
        assert (await client.post(decide, json=decision, headers=as_(BUDI, "appraiser"))).status_code == 403
        unchanged = {**decision, "rating_hasil_kerja": BAWAH}
        assert (await client.post(decide, json=unchanged, headers=as_(KADIS))).status_code == 422
        decided = await client.post(decide, json=decision, headers=as_(KADIS))
        assert decided.status_code == 200, decided.text
        revised_id = decided.json()["revised_appraisal_id"]
        assert decided.json()["status"] == "changed"
        assert (await client.post(decide, json=decision, headers=as_(KADIS))).status_code == 409

        events = await appraisal_events(until=lambda types: "AppraisalRevised" in types)
        (revised,) = [e for t, e in events if t == "AppraisalRevised"]
        assert {
            k: revised[k]
            for k in (
                "appraisal_id",
                "supersedes_appraisal_id",
                "revision",
                "objection_id",
                "decided_by",
                "rating_hasil_kerja",
                "predikat",
                "policy_version",
            )
        } == {
            "appraisal_id": revised_id,
            "supersedes_appraisal_id": ani_id,
            "revision": 2,
            "objection_id": objection["objection_id"],
            "decided_by": KADIS,
            "rating_hasil_kerja": SESUAI,
            "predikat": "baik",
            "policy_version": "default-2026.1",
        }

        # The original stays readable as it was; the current result is the revision.
        original = (await client.get(f"/appraisals/{ani_id}", headers=as_(ANI))).json()
        assert (original["status"], original["predikat"], original["rating_hasil_kerja"]) == (
            "superseded",
            "butuh_perbaikan",
            BAWAH,
        )
        assert original["override_reason"] == "Dua laporan triwulan terlambat tanpa alasan."
        current = (await client.get(f"/periods/{period_id}/employees/{ANI}/appraisal", headers=as_(ANI))).json()
        assert (current["appraisal_id"], current["revision"], current["predikat"]) == (revised_id, 2, "baik")
        assert [(r["revision"], r["status"]) for r in current["revisions"]] == [(1, "superseded"), (2, "final")]
        assert [o["status"] for o in current["objections"]] == ["changed"]
        again = await client.post(f"/appraisals/{revised_id}/objections", json=reasons, headers=as_(ANI))
        assert again.status_code == 409

        mine = (await client.get("/me/appraisals", params={"period_id": period_id}, headers=as_(ANI))).json()
        assert [(a["revision"], a["status"]) for a in mine["appraisals"]] == [(1, "superseded"), (2, "final")]
        team = (await client.get(f"/periods/{period_id}/appraisals", headers=as_(BUDI, "appraiser"))).json()
        assert sorted(a["nip"] for a in team["appraisals"]) == sorted([SITI, ANI])
        assert {a["nip"]: a["predikat"] for a in team["appraisals"]} == {SITI: "sangat_baik", ANI: "baik"}

        spread = (await client.get(f"/periods/{period_id}/distribution", headers=hr)).json()
        assert spread["units"] == [
            {
                "unit_id": "bidang",
                "name": "Bidang Pengaduan",
                "total": 3,
                "proposed": 0,
                "counts": {
                    "sangat_baik": 1,
                    "baik": 2,
                    "butuh_perbaikan": 0,
                    "kurang_misconduct": 0,
                    "sangat_kurang": 0,
                },
            }
        ]
        assert (
            await client.get(f"/periods/{period_id}/distribution", headers=as_(BUDI, "appraiser"))
        ).status_code == 403


async def test_policy_versions_periodic_appraisals_and_calibration(
    appraisal_app,
    running,
    year,
    as_,
    appraisal_events,
):
    hr = as_(HR, "hr")
    async with running(appraisal_app) as client:
        period_id = await year(client)

        policy = (await client.get("/policy", headers=as_(SITI))).json()
        assert (policy["version"], policy["is_default"]) == ("default-2026.1", True)
        assert policy["parameters"] == policy["defaults"]["parameters"]
        assert (
            await client.put("/policy", json={"capaian_cap": 150}, headers=as_(BUDI, "appraiser"))
        ).status_code == 403
        for invalid in ({"peer_weight": 0.9}, {"hasil_sesuai_from": 120}, {"capaian_cap": -1}, {"unknown": 1}):
            refused = await client.put("/policy", json=invalid, headers=hr)
            assert refused.status_code == 422, (invalid, refused.text)
        changed = await client.put("/policy", json={"capaian_cap": 150, "hasil_di_atas_from": 130}, headers=hr)
        assert changed.status_code == 200, changed.text
        assert (changed.json()["version"], changed.json()["changed"], changed.json()["set_by"]) == (
            "agency-v1",
            True,
            HR,
        )
        same = await client.put("/policy", json={"capaian_cap": 150, "hasil_di_atas_from": 130}, headers=hr)
        assert (same.json()["version"], same.json()["changed"]) == ("agency-v1", False)

        # Periodic: only Triwulan I realisations count (Siti 50 -> di bawah), under the new policy.
        assert (await client.post(f"/periods/{period_id}/checkpoints/tw9/appraisals", headers=hr)).status_code == 404
        tw1 = await client.post(f"/periods/{period_id}/checkpoints/tw1/appraisals", headers=hr)
        assert tw1.status_code == 200, tw1.text
        report = tw1.json()
        assert (report["proposed_count"], report["existing_count"], report["skipped"]) == (3, 0, [])
        proposed = {
            a["nip"]: a
            for a in (
                await client.get(
                    f"/periods/{period_id}/appraisals", headers=hr, params={"kind": "periodic", "checkpoint_id": "tw1"}
                )
            ).json()["appraisals"]
        }
        assert set(proposed) == set(REALISED)
        assert proposed[SITI]["kind"] == "periodic" and proposed[SITI]["checkpoint_id"] == "tw1"
        assert proposed[SITI]["summary"]["indikator"][0]["realization"] == 50.0
        assert proposed[SITI]["proposed"]["rating_hasil_kerja"] == BAWAH
        assert proposed[SITI]["policy_version"] == "agency-v1"
        again = (await client.post(f"/periods/{period_id}/checkpoints/tw1/appraisals", headers=hr)).json()
        assert (again["proposed_count"], again["existing_count"]) == (0, 3)

        # Annual now (HR command): the year's latest realisation, 120, under cap 150 and di atas from 130.
        annual = await client.post(f"/periods/{period_id}/employees/{SITI}/appraisal", headers=hr)
        assert annual.status_code == 200, annual.text
        assert (annual.json()["kind"], annual.json()["status"], annual.json()["policy_version"]) == (
            "annual",
            "proposed",
            "agency-v1",
        )
        assert annual.json()["summary"]["average_capaian_utama"] == 120.0
        assert annual.json()["proposed"]["rating_hasil_kerja"] == SESUAI
        for nip in (ANI, BUDI):
            assert (await client.post(f"/periods/{period_id}/employees/{nip}/appraisal", headers=hr)).status_code == 200
        periodic_list = (
            await client.get(f"/periods/{period_id}/appraisals", params={"kind": "periodic"}, headers=hr)
        ).json()["appraisals"]
        assert len(periodic_list) == 3

        # Calibration over the current annual results (proposals: Siti baik, Ani baik, Budi baik).
        calibrate = f"/periods/{period_id}/calibration"
        baik = (await client.post(calibrate, json={"organisation_predikat": "baik"}, headers=hr)).json()
        assert (baik["total"], baik["proposals_counted"], baik["ok"]) == (3, 3, False)
        assert baik["counts"]["baik"] == 3
        assert [(v["bound"], v["allowed_count"], v["actual_count"]) for v in baik["violations"]] == [
            ("baik_at_most_70_percent", 2, 3),
            ("butuh_perbaikan_or_kurang_misconduct_at_least_1", 1, 0),
        ]
        istimewa = (await client.post(calibrate, json={"organisation_predikat": "istimewa"}, headers=hr)).json()
        assert istimewa["ok"] is True and istimewa["violations"] == []
        assert [(b["bound"], b["ok"]) for b in istimewa["bounds"]] == [("sangat_baik_at_most_70_percent", True)]
        cukup = (
            await client.post(calibrate, json={"organisation_predikat": "cukup", "unit_id": "bidang"}, headers=hr)
        ).json()
        assert cukup["organisation_predikat"] == "butuh_perbaikan" and cukup["total"] == 3
        final_only = (
            await client.post(
                calibrate, json={"organisation_predikat": "istimewa", "include_proposals": False}, headers=hr
            )
        ).json()
        assert final_only["total"] == 0
        assert (
            await client.post(calibrate, json={"organisation_predikat": "luar_biasa"}, headers=hr)
        ).status_code == 422
        assert (
            await client.post(calibrate, json={"organisation_predikat": "baik"}, headers=as_(SITI))
        ).status_code == 403

        # Proposals publish nothing: no AppraisalCompleted before an appraiser confirms.
        assert await appraisal_events(until=lambda types: bool(types), timeout=3) == []
