"""Recognition end to end through HTTP, PostgreSQL and the real broker: citizens rate an officer
through the public survey route (enough answers from the same client, with the officer cap
raised for the test), the officer becomes a candidate of the checkpoint, the appraiser records a
recognition (RecognitionGiven on kinerja.recognitions), and training-service, consuming it,
shows it in the talent pool's evidence of the officer's nomination."""

import json
import uuid
import zlib
from datetime import UTC, date, datetime, timedelta

import pytest
from kinerja_contracts import (
    AppraisalCompleted,
    EmployeeRegistered,
    PerformancePeriodOpened,
    RecognitionGiven,
    WorkUnitDefined,
)
from kinerja_contracts.appraisal import AppraisalSummary, PerilakuResult
from kinerja_contracts.target import Checkpoint
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, Predikat, SkmElement

pytestmark = pytest.mark.integration

TOPIC = "kinerja.recognitions"
HR_NIP = "9" * 18
ALL_GOOD = {e.value: 4 for e in SkmElement}
UNIT = "loket-perizinan"


@pytest.fixture
def training_app(broker):
    """``training_app(database_url)`` -> a training-service app (not started)."""
    from kinerja_runtime.settings import ServiceSettings
    from training_service.main import create_app

    def make(database_url: str):
        return create_app(
            ServiceSettings(
                service_name="training-service",
                database_url=database_url,
                consumer_group=f"training-service-{zlib.crc32(database_url.encode()):08x}",
                kafka_bootstrap_servers=broker.bootstrap_servers,
                consumer_backoff_seconds=0.05,
                log_json=False,
                log_level="WARNING",
            )
        )

    return make


def sangat_baik(agency: str, nip: str, period_id: str, year: int) -> AppraisalCompleted:
    return AppraisalCompleted(
        agency_id=agency,
        period_id=period_id,
        nip=nip,
        appraisal_id=f"apr-{uuid.uuid4().hex[:12]}",
        rating_hasil_kerja=Ekspektasi.DI_ATAS,
        rating_perilaku=Ekspektasi.DI_ATAS,
        predikat=Predikat.SANGAT_BAIK,
        policy_version="default-1",
        completed_at=datetime(year + 1, 1, 15, tzinfo=UTC),
        summary=AppraisalSummary(
            indikator=[],
            perilaku=[PerilakuResult(value=v, level=Ekspektasi.DI_ATAS, answers=5) for v in BerakhlakValue],
            average_capaian_utama=110.0,
            feedback_answers=5,
        ),
    )


async def test_an_officer_citizens_rate_well_is_recognised_and_shown_in_the_talent_pool(
    agency,
    new_nip,
    postgres_url_factory,
    feedback_app,
    training_app,
    running,
    publish_event,
    read_topic,
    auth_headers,
    eventually,
    monkeypatch,
):
    # One client (the test) rates the officer many times: raise the per-client limits.
    monkeypatch.setenv("SURVEY_RATE_LIMIT", "1000")
    monkeypatch.setenv("SURVEY_OFFICER_RATINGS_PER_DAY", "100")
    officer, newcomer, appraiser, colleague = new_nip(), new_nip(), new_nip(), new_nip()
    today = date.today()
    year = today.year
    period_id, earlier = f"{agency}-{year}", f"{agency}-{year - 1}"
    checkpoint = Checkpoint(
        checkpoint_id="cp-now",
        name="Triwulan uji",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=10),
    )
    hr = auth_headers(HR_NIP, agency, ["hr"])
    as_appraiser = auth_headers(appraiser, agency, ["appraiser"])

    await publish_event(WorkUnitDefined(agency_id=agency, unit_id=UNIT, name="Loket Perizinan", serves_public=True))
    await publish_event(
        EmployeeRegistered(
            agency_id=agency, nip=appraiser, name="Kepala Loket", position="Kepala Seksi", unit="Loket", unit_id=UNIT
        )
    )
    for nip, name in ((officer, "Siti Pelayan"), (newcomer, "Budi Baru"), (colleague, "Rina Rekan")):
        await publish_event(
            EmployeeRegistered(
                agency_id=agency,
                nip=nip,
                name=name,
                position="Petugas Pelayanan",
                unit="Loket",
                unit_id=UNIT,
                appraiser_nip=appraiser,
            )
        )
    await publish_event(
        PerformancePeriodOpened(
            agency_id=agency,
            period_id=period_id,
            year=year,
            starts_on=today - timedelta(days=100),
            ends_on=today + timedelta(days=100),
            checkpoints=[checkpoint],
        )
    )
    await publish_event(
        PerformancePeriodOpened(
            agency_id=agency,
            period_id=earlier,
            year=year - 1,
            starts_on=date(year - 1, 1, 1),
            ends_on=date(year - 1, 12, 31),
        )
    )
    query = {"period_id": period_id, "checkpoint_id": "cp-now"}

    feedback_db = postgres_url_factory(f"recognition-feedback-{agency}")
    training_db = postgres_url_factory(f"recognition-training-{agency}")
    async with running(feedback_app(feedback_db)) as feedback, running(training_app(training_db)) as training:

        async def known_to_feedback():
            r = await feedback.get(f"/public/agencies/{agency}/units/{UNIT}/satisfaction")
            assert r.status_code == 200, r.text
            r = await feedback.get(f"/employees/{colleague}/recognitions", headers=hr)
            assert r.status_code == 200, r.text
            r = await feedback.get("/recognition/candidates", params=query, headers=hr)
            assert r.status_code == 200, r.text

        await eventually(known_to_feedback, timeout=60, interval=0.2, what="unit, roster and period in feedback")

        # Citizens: 10 answers naming the officer (all 4s), 3 naming the newcomer (too few).
        url = f"/public/agencies/{agency}/units/{UNIT}/survey-answers"
        for nip, count in ((officer, 10), (newcomer, 3)):
            for _ in range(count):
                body = {"submission_id": str(uuid.uuid4()), "elements": ALL_GOOD, "officer_nip": nip}
                answered = await feedback.post(url, json=body)
                assert answered.status_code == 201, answered.text

        found = (await feedback.get("/recognition/candidates", params=query, headers=hr)).json()
        assert [(c["nip"], c["answers"], c["index"], c["mutu"], c["recognised"]) for c in found["candidates"]] == [
            (officer, 10, 100.0, "A", False)
        ]
        assert found["candidates"][0]["name"] == "Siti Pelayan" and found["min_answers"] == 10
        mine = await feedback.get("/recognition/candidates", params=query, headers=as_appraiser)
        assert [c["nip"] for c in mine.json()["candidates"]] == [officer], "the appraiser's own team"
        employee_asks = await feedback.get(
            "/recognition/candidates", params=query, headers=auth_headers(colleague, agency)
        )
        assert employee_asks.status_code == 403
        unknown_checkpoint = await feedback.get(
            "/recognition/candidates", params={**query, "checkpoint_id": "cp-9"}, headers=hr
        )
        assert unknown_checkpoint.status_code == 422

        body = {
            "nip": officer,
            "period_id": period_id,
            "checkpoint_id": "cp-now",
            "kind": "citizen_rating",
            "reason": "Dinilai sangat baik oleh warga yang dilayani di loket perizinan.",
        }
        too_long = await feedback.post("/recognitions", json={**body, "reason": "x" * 1001}, headers=as_appraiser)
        assert too_long.status_code == 422
        too_few = await feedback.post("/recognitions", json={**body, "nip": newcomer}, headers=as_appraiser)
        assert too_few.status_code == 422 and too_few.json()["errors"][0]["field"] == "kind"
        by_colleague = await feedback.post("/recognitions", json=body, headers=auth_headers(colleague, agency))
        assert by_colleague.status_code == 404, "as if the officer did not exist"
        recorded = await feedback.post("/recognitions", json=body, headers=as_appraiser)
        assert recorded.status_code == 201, recorded.text
        made = recorded.json()
        assert (made["kind"], made["given_by_nip"], made["checkpoint_id"]) == ("citizen_rating", appraiser, "cp-now")
        again = await feedback.post("/recognitions", json=body, headers=hr)
        assert again.status_code == 409, again.text

        own = await feedback.get("/me/recognitions", headers=auth_headers(officer, agency))
        assert [r["recognition_id"] for r in own.json()["recognitions"]] == [made["recognition_id"]]
        for reader in (as_appraiser, hr):
            read = await feedback.get(f"/employees/{officer}/recognitions", headers=reader)
            assert read.status_code == 200 and len(read.json()["recognitions"]) == 1
        stranger = await feedback.get(f"/employees/{officer}/recognitions", headers=auth_headers(colleague, agency))
        missing = await feedback.get(f"/employees/{'1' * 18}/recognitions", headers=auth_headers(colleague, agency))
        assert stranger.status_code == missing.status_code == 404
        assert stranger.json()["detail"] == missing.json()["detail"]
        candidate = (await feedback.get("/recognition/candidates", params=query, headers=hr)).json()["candidates"][0]
        assert candidate["recognised"] is True

        records = await read_topic(
            TOPIC,
            timeout=30,
            where=lambda r: r.headers.get("ce_agency") == agency,
            until=lambda rs: len(rs) >= 1,
        )
        [record] = records
        event = RecognitionGiven.model_validate_json(record.value)
        assert record.key == officer and record.headers["ce_type"] == RecognitionGiven.event_type
        assert (event.recognition_id, event.kind.value, event.period_id, event.checkpoint_id) == (
            made["recognition_id"],
            "citizen_rating",
            period_id,
            "cp-now",
        )
        assert json.loads(record.value)["given_by_nip"] == appraiser

        # Two years Sangat Baik nominate the officer; the pool shows the recognition as evidence.
        await publish_event(sangat_baik(agency, officer, earlier, year - 1))
        await publish_event(sangat_baik(agency, officer, period_id, year))

        async def in_the_pool_with_the_recognition():
            r = await training.get("/talent-pool", headers=hr)
            assert r.status_code == 200, r.text
            nominations = r.json()["nominations"]
            assert len(nominations) == 1, nominations
            nomination = nominations[0]
            assert (nomination["nip"], nomination["years"]) == (officer, [year - 1, year])
            assert len(nomination["recognitions"]) == 1, nomination
            shown = nomination["recognitions"][0]
            assert (shown["recognition_id"], shown["kind"], shown["reason"], shown["given_by_nip"]) == (
                made["recognition_id"],
                "citizen_rating",
                body["reason"],
                appraiser,
            )

        await eventually(in_the_pool_with_the_recognition, timeout=60, interval=0.3, what="recognition in the pool")
