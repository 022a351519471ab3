"""The whole flow through the four services as separate processes on the embedded broker,
asserted through HTTP and by a plain aiokafka consumer reading the topics."""

import asyncio
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from appraisal_service.domain import predikat_for
from kinerja_devtools.devstack import DevStack
from kinerja_devtools.scenario import PROFILES, Scenario
from kinerja_devtools.year_end import YearEnd

pytestmark = pytest.mark.e2e

EXPECTED = {
    "excellent": "sangat_baik",
    "solid": "baik",
    "behind": "butuh_perbaikan",
    "misconduct": "kurang_misconduct",
    "struggling": "sangat_kurang",
}
BEHAVIOUR = {name: profile.behaviour for name, profile in PROFILES.items()}
LOW = {"butuh_perbaikan", "kurang_misconduct", "sangat_kurang"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with DevStack(tmp_path_factory.mktemp("stack"), fixed_ports=False) as running:
        print(f"\ne2e stack: {running.broker.kind}; services on SQLite files in {running.data_dir}")
        yield running


def urls(stack: DevStack) -> dict[str, str]:
    return {name: stack.url(name) for name in stack.ports}


def read_topic(bootstrap: str, topic: str, agency: str, want: int, timeout: float = 60.0) -> list:
    """Every record of ``topic`` whose ce_agency is ``agency``, once ``want`` distinct ce_ids arrived."""

    async def consume():
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=f"e2e-{uuid.uuid4()}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        found = []
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        headers = {k: v.decode() for k, v in record.headers}
                        if headers.get("ce_agency") == agency:
                            found.append((headers, record))
                if len({h["ce_id"] for h, _ in found}) >= want:
                    await asyncio.sleep(1.0)  # let any duplicate that was on its way show up too
                    for records in (await consumer.getmany(timeout_ms=500)).values():
                        found += [
                            ({k: v.decode() for k, v in r.headers}, r)
                            for r in records
                            if dict(r.headers).get("ce_agency", b"").decode() == agency
                        ]
                    return found
            return found
        finally:
            await consumer.stop()

    return asyncio.run(consume())


def check_predikat_and_plans(result: dict) -> None:
    profile_of = {e.nip: e.profile.name for e in result["employees"]}
    by_nip = {a["nip"]: a for a in result["appraisals"]}
    assert set(by_nip) == set(profile_of), "every employee has an appraisal"
    heads = {unit["head_nip"] for unit in result["units"] if unit.get("head_nip")}
    for nip, appraisal in by_nip.items():
        if nip in heads:
            # A head of unit takes the unit's result as hasil kerja; the matrix still decides.
            assert appraisal["rating_perilaku"] == BEHAVIOUR[profile_of[nip]], (nip, appraisal)
            assert appraisal["predikat"] == predikat_for(appraisal["rating_hasil_kerja"], appraisal["rating_perilaku"])
        else:
            assert appraisal["predikat"] == EXPECTED[profile_of[nip]], (nip, profile_of[nip], appraisal)
    mandatory = {p["nip"] for p in result["plans"] if p.get("mandatory", True)}
    assert mandatory == {nip for nip, a in by_nip.items() if a["predikat"] in LOW}
    decisions = {d["nip"]: d for d in result["decisions"]}
    assert set(decisions) == set(profile_of), "the no-plan decisions are recorded too"
    for plan in (p for p in result["plans"] if p.get("mandatory", True)):
        appraisal = by_nip[plan["nip"]]
        weak = {p["value"] for p in appraisal["summary"]["perilaku"] if p["level"] == "di_bawah_ekspektasi"}
        missed = {i["iki_id"] for i in appraisal["summary"]["indikator"] if not i["met"] and i["rhk_kind"] == "utama"}
        gaps = {item["gap"] for item in plan["items"]}
        assert weak | missed <= gaps, (plan["nip"], weak, missed, gaps)
        assert plan["items"], "a low result always gets at least one intervention"


def test_whole_flow_through_the_real_services(stack):
    scenario = Scenario(urls(stack), size=20, say=lambda _m: None)
    result = scenario.run()
    check_predikat_and_plans(result)

    completed = read_topic(stack.bootstrap_servers, "kinerja.appraisals", result["agency"], len(result["employees"]))
    assert {h["ce_type"] for h, _ in completed} == {"kinerja.appraisal.AppraisalCompleted.v1"}
    assert len({h["ce_id"] for h, _ in completed}) == len(result["employees"])
    assert {r.key.decode() for _, r in completed} == {e.nip for e in result["employees"]}

    plans = read_topic(stack.bootstrap_servers, "kinerja.development", result["agency"], len(result["plans"]))
    assert len({h["ce_id"] for h, _ in plans}) == len(result["plans"])

    # The year's end: trainings completed, one objection changing a result, calibration.
    year_end = YearEnd(scenario, result).run()
    assert year_end["trainings"]["items"] == len([p for p in result["plans"] if p.get("mandatory", True)])
    objection = year_end["objection"]
    assert (objection["before"], objection["after"]) == ("butuh_perbaikan", "baik")
    assert any(p["status"] == "superseded" for p in objection["plans"]["plans"])
    assert year_end["calibration"]["ok"] is True and year_end["calibration"]["counts"]["baik"] >= 1
    revised = read_topic(stack.bootstrap_servers, "kinerja.appraisals", result["agency"], len(result["employees"]) + 1)
    assert "kinerja.appraisal.AppraisalRevised.v1" in {h["ce_type"] for h, _ in revised}


def test_training_service_killed_mid_flow_loses_and_doubles_nothing(stack):
    scenario = Scenario(urls(stack), size=20, say=lambda _m: None)
    scenario.register_roster()
    scenario.open_period()
    for employee in scenario.employees:
        scenario.set_targets(employee)
    scenario.record_realizations()
    scenario.give_feedback()
    scenario.wait_until_appraisal_knows_everything()
    scenario.close_period()
    scenario.confirm_appraisals()
    # Confirmed appraisals are flowing to training-service: kill it while they do.
    stack.kill("training-service")
    time.sleep(1.0)
    stack.start_service("training-service")
    stack.wait_ready("training-service")
    result = scenario.results()
    check_predikat_and_plans(result)

    plans = read_topic(stack.bootstrap_servers, "kinerja.development", result["agency"], len(result["plans"]))
    distinct_plans = {h["ce_id"]: r for h, r in plans}
    assert len(distinct_plans) == len(result["plans"]), "one DevelopmentPlanCreated per low employee"
    assert sorted(r.key.decode() for r in distinct_plans.values()) == sorted(p["nip"] for p in result["plans"])
