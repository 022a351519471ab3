"""The agency registry and local time through HTTP, PostgreSQL and the real broker (issue 11):
target-service registers the province's agencies (province admin only) and announces them;
feedback-service and appraisal-service project them and count each agency's days in its zone.
A citizen survey answered at 06:30 WIT on New Year's Day belongs to the new year's period, and
an objection window closes at midnight in the agency's zone, not the server's."""

import uuid
import zlib
from datetime import UTC, date, datetime

import pytest
from kinerja_contracts import AgencyRegistered, PerformancePeriodOpened, WorkUnitDefined
from kinerja_contracts.vocabulary import AgencyKind, AgencyTimezone
from kinerja_runtime.settings import ServiceSettings
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from test_feedback_citizen_survey import ALL_GOOD, survey

pytestmark = pytest.mark.integration

ORGANISATION = "kinerja.organisation"
PROVINCE_ADMIN = "196805051990031001"
KADIS, BUDI, ANI = "198808082012121002", "197801012005011001", "199001012015012001"


class MovableTime:
    """The services' clock source: ``time.at = ...`` moves it."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def settings(service: str, broker, database_url: str) -> ServiceSettings:
    return ServiceSettings(
        service_name=service,
        database_url=database_url,
        kafka_bootstrap_servers=broker.bootstrap_servers,
        consumer_group=f"{service}-{zlib.crc32(database_url.encode()):08x}",
        consumer_backoff_seconds=0.05,
        log_json=False,
        log_level="WARNING",
    )


async def test_a_province_admin_registers_agencies_and_others_read_only_their_own(
    target_app, running, agency, auth_headers, read_topic
):
    admin = auth_headers(PROVINCE_ADMIN, "pemprov", ["province_admin"])
    body = {"name": "Dinas Kesehatan Papua", "kind": "dinas", "timezone": "Asia/Jayapura"}
    other = f"{agency}-lain"
    async with running(target_app) as client:
        created = await client.put(f"/agencies/{agency}", json=body, headers=admin)
        assert created.status_code == 201, created.text
        assert created.json() == {"agency_id": agency, **body, "timezone_label": "WIT"}
        assert (await client.put(f"/agencies/{agency}", json=body, headers=admin)).status_code == 200
        changed = await client.put(f"/agencies/{agency}", json=body | {"timezone": "Asia/Makassar"}, headers=admin)
        assert changed.status_code == 200 and changed.json()["timezone"] == "Asia/Makassar"
        assert (
            await client.put(f"/agencies/{other}", json=body | {"name": "Kecamatan Lain"}, headers=admin)
        ).status_code == 201

        # Only Indonesia's three zones: another (even a valid IANA name) is refused, naming the field.
        for zone in ("Asia/Singapore", "WIB", "UTC+9"):
            refused = await client.put(f"/agencies/{agency}", json=body | {"timezone": zone}, headers=admin)
            assert refused.status_code == 422, refused.text
            assert [e["field"] for e in refused.json()["errors"]] == ["timezone"]
        assert (await client.put(f"/agencies/{agency}", json=body | {"kind": "rumah_sakit"}, headers=admin)).json()[
            "errors"
        ][0]["field"] == "kind"
        hr = auth_headers(BUDI, agency, ["hr"])
        assert (await client.put(f"/agencies/{agency}", json=body, headers=hr)).status_code == 403, (
            "HR is not a province"
        )

        listed = (await client.get("/agencies", headers=admin)).json()["agencies"]
        assert {agency, other} <= {a["agency_id"] for a in listed}
        assert [a["agency_id"] for a in (await client.get("/agencies", headers=hr)).json()["agencies"]] == [agency]
        own = await client.get(f"/agencies/{agency}", headers=auth_headers(ANI, agency))
        assert own.status_code == 200 and own.json()["kind"] == "dinas"
        elsewhere = await client.get(f"/agencies/{other}", headers=hr)
        missing = await client.get("/agencies/dinas-yang-tidak-ada", headers=admin)
        assert elsewhere.status_code == missing.status_code == 404
        assert elsewhere.json()["detail"] == missing.json()["detail"] == "no such agency"
        assert (await client.get(f"/agencies/{other}", headers=admin)).status_code == 200

        # Announced while the service runs (its relay sends the outbox).
        records = await read_topic(
            ORGANISATION,
            until=lambda rs: len(rs) >= 2,
            where=lambda r: r.headers["ce_type"] == AgencyRegistered.event_type and r.key == agency,
        )
        announced = [AgencyRegistered.model_validate_json(r.value) for r in records]
        assert [(a.agency_id, a.timezone) for a in announced] == [
            (agency, AgencyTimezone.WIT),
            (agency, AgencyTimezone.WITA),
        ], "one event per change, keyed by the agency"
        assert records[0].headers["ce_agency"] == agency


async def test_a_survey_answered_at_0630_wit_on_new_years_day_belongs_to_the_new_year(
    broker, target_app, postgres_url_factory, running, agency, auth_headers, publish_event, eventually, monkeypatch
):
    from feedback_service.main import create_app

    monkeypatch.setenv("SURVEY_READ_RATE_LIMIT", "10000")  # the test polls the public read
    time = MovableTime(datetime(2026, 12, 31, 16, 30, tzinfo=UTC))  # 23:30 WIB, 01:30 WIT on 1 January
    feedback_app = create_app(
        settings("feedback-service", broker, postgres_url_factory(f"feedback-{agency}")),
        clock=time,
    )
    papua, jabar = agency, f"{agency}-jabar"  # Jayapura through the registry; the other never registered
    unit = "loket-pelayanan"
    for agency_id in (papua, jabar):
        await publish_event(WorkUnitDefined(agency_id=agency_id, unit_id=unit, name="Loket", serves_public=True))
        for year in (2026, 2027):
            await publish_event(
                PerformancePeriodOpened(
                    agency_id=agency_id,
                    period_id=f"{agency_id}-{year}",
                    year=year,
                    starts_on=date(year, 1, 1),
                    ends_on=date(year, 12, 31),
                )
            )
    admin = auth_headers(PROVINCE_ADMIN, "pemprov", ["province_admin"])
    async with running(target_app) as target, running(feedback_app) as feedback:
        registered = await target.put(
            f"/agencies/{papua}",
            json={"name": "UPTD Puskesmas Wamena", "kind": AgencyKind.PUSKESMAS, "timezone": AgencyTimezone.WIT},
            headers=admin,
        )
        assert registered.status_code == 201, registered.text

        def reported(agency_id: str):
            async def period() -> str:
                r = await feedback.get(f"/public/agencies/{agency_id}/units/{unit}/satisfaction")
                assert r.status_code == 200, r.text
                return r.json()["period_id"]

            return period

        async def caught_up():
            # 01:30 WIT is New Year's Day in Jayapura; 23:30 WIB is still the old year in Bandung.
            assert await reported(papua)() == f"{papua}-2027"
            assert await reported(jabar)() == f"{jabar}-2026"
            return True

        await eventually(caught_up, timeout=60, interval=0.2, what="feedback-service knows the agency's zone")

        answers = {}
        for agency_id in (papua, jabar):
            answered = await feedback.post(
                f"/public/agencies/{agency_id}/units/{unit}/survey-answers", json=survey(ALL_GOOD)
            )
            assert answered.status_code == 201, answered.text
            answers[agency_id] = answered.json()["period_id"]
        assert answers == {papua: f"{papua}-2027", jabar: f"{jabar}-2026"}

        # 06:30 WIT on 1 January (2026-12-31 21:30 UTC): the new year's period.
        time.at = datetime(2026, 12, 31, 21, 30, tzinfo=UTC)
        at_dawn = await feedback.post(f"/public/agencies/{papua}/units/{unit}/survey-answers", json=survey(ALL_GOOD))
        assert at_dawn.status_code == 201, at_dawn.text
        assert at_dawn.json()["period_id"] == f"{papua}-2027"
        # 23:30 WIT on 31 December (14:30 UTC): still the old year there.
        time.at = datetime(2026, 12, 31, 14, 30, tzinfo=UTC)
        late = await feedback.post(f"/public/agencies/{papua}/units/{unit}/survey-answers", json=survey(ALL_GOOD))
        assert late.json()["period_id"] == f"{papua}-2026"

        hr = auth_headers(BUDI, papua, ["hr"])
        report = await feedback.get(f"/units/{unit}/satisfaction", params={"period_id": f"{papua}-2027"}, headers=hr)
        assert report.json()["answers"] == 2


async def seed_final_appraisal(url: str, agency: str, final_on: date | None) -> str:
    """Kadis appraises Budi, Budi appraises Ani; Ani's annual result, final on ``final_on``
    (None: only proposed, for Budi to confirm)."""
    from appraisal_service.adapters.orm import appraisals
    from kinerja_runtime.roster import known_employees

    final = final_on is not None
    appraisal_id = str(uuid.uuid4())
    engine = create_async_engine(url, poolclass=NullPool)
    async with engine.begin() as conn:
        await conn.execute(
            insert(known_employees),
            [
                {"agency_id": agency, "nip": nip, "name": f"Pegawai {nip[-4:]}", "position": "Analis", "unit": "Bidang"}
                | {"appraiser_nip": appraiser, "unit_id": None}
                for nip, appraiser in ((KADIS, None), (BUDI, KADIS), (ANI, BUDI))
            ],
        )
        await conn.execute(
            insert(appraisals).values(
                appraisal_id=appraisal_id,
                agency_id=agency,
                period_id="2026",
                nip=ANI,
                kind="annual",
                checkpoint_id=None,
                scope="annual",
                revision=1,
                status="final" if final else "proposed",
                proposed_rating_hasil_kerja="sesuai_ekspektasi",
                proposed_rating_perilaku="sesuai_ekspektasi",
                proposed_predikat="baik",
                proposed_at=datetime(2026, 6, 1, tzinfo=UTC),
                rating_hasil_kerja="sesuai_ekspektasi" if final else None,
                rating_perilaku="sesuai_ekspektasi" if final else None,
                predikat="baik" if final else None,
                appraiser_nip=BUDI if final else None,
                completed_at=datetime(2026, 6, 1, 16, 30, tzinfo=UTC) if final else None,
                final_on=final_on,
                policy_version="default-2026.1",
                summary={
                    "indikator": [],
                    "perilaku": [],
                    "average_capaian_utama": 100.0,
                    "feedback_answers": 0,
                    "citizen_service_score": None,
                },
                explanation={},
            )
        )
    await engine.dispose()
    return appraisal_id


def appraisal_app(broker, url: str, time: MovableTime):
    from appraisal_service.main import create_app
    from appraisal_service.settings import AppraisalSettings

    return create_app(
        AppraisalSettings(
            database_url=url,
            kafka_bootstrap_servers=broker.bootstrap_servers,
            consumer_group=f"appraisal-service-{zlib.crc32(url.encode()):08x}",
            consumer_backoff_seconds=0.05,
            log_json=False,
            log_level="WARNING",
        ),
        clock=time,
    )


async def papua_registered(url: str, papua: str, sql, eventually) -> None:
    async def registered():
        assert await sql(url, "SELECT timezone FROM known_agencies WHERE agency_id = :a", a=papua) == [
            {"timezone": "Asia/Jayapura"}
        ]
        return True

    await eventually(registered, timeout=60, interval=0.2, what="appraisal-service knows the agency")


async def test_a_result_confirmed_after_midnight_in_the_agencys_zone_is_final_on_that_day(
    broker, postgres_url_factory, running, agency, auth_headers, publish_event, eventually, sql
):
    """1 June 16:30 UTC: 01:30 on 2 June in WIT, 23:30 on 1 June in WIB (the zone of an agency
    not registered). The day a result becomes final is day 0 of its objection window."""
    url = postgres_url_factory(f"appraisal-{agency}")
    app = appraisal_app(broker, url, MovableTime(datetime(2026, 6, 1, 16, 30, tzinfo=UTC)))
    papua, jabar = agency, f"{agency}-jabar"
    await publish_event(
        AgencyRegistered(agency_id=papua, name="Dinas Papua", kind=AgencyKind.DINAS, timezone=AgencyTimezone.WIT)
    )
    async with running(app) as client:
        proposals = {
            papua: await seed_final_appraisal(url, papua, None),
            jabar: await seed_final_appraisal(url, jabar, None),
        }
        await papua_registered(url, papua, sql, eventually)
        for agency_id, day in ((papua, "2026-06-02"), (jabar, "2026-06-01")):
            confirmed = await client.post(
                f"/appraisals/{proposals[agency_id]}/confirm",
                json={},
                headers=auth_headers(BUDI, agency_id, ("appraiser",)),
            )
            assert confirmed.status_code == 200, confirmed.text
            assert (confirmed.json()["status"], confirmed.json()["final_on"]) == ("final", day)


async def test_an_objection_window_closes_at_midnight_in_the_agencys_zone(
    broker, postgres_url_factory, running, agency, auth_headers, publish_event, eventually, sql
):
    url = postgres_url_factory(f"appraisal-{agency}")
    # 16 June 15:30 UTC: 00:30 on 17 June in WIT (day 15 after a result final on 2 June), 22:30 on 16 June in WIB.
    time = MovableTime(datetime(2026, 6, 16, 15, 30, tzinfo=UTC))
    app = appraisal_app(broker, url, time)
    papua, jabar = agency, f"{agency}-jabar"
    await publish_event(
        AgencyRegistered(agency_id=papua, name="Dinas Papua", kind=AgencyKind.DINAS, timezone=AgencyTimezone.WIT)
    )
    async with running(app) as client:
        papua_result = await seed_final_appraisal(url, papua, date(2026, 6, 2))
        jabar_result = await seed_final_appraisal(url, jabar, date(2026, 6, 2))
        await papua_registered(url, papua, sql, eventually)

        def objection(agency_id: str, appraisal_id: str):
            return client.post(
                f"/appraisals/{appraisal_id}/objections",
                json={"reasons": "Bukti dukung belum dihitung."},
                headers=auth_headers(ANI, agency_id),
            )

        closed = await objection(papua, papua_result)
        assert closed.status_code == 409, closed.text
        assert closed.json()["closed_on"] == "2026-06-16"
        taken = await objection(jabar, jabar_result)
        assert taken.status_code == 201, "still 16 June in WIB: the last day"
        assert (taken.json()["filed_on"], taken.json()["closes_on"]) == ("2026-06-16", "2026-06-16")

        time.at = datetime(2026, 6, 16, 14, 30, tzinfo=UTC)  # 23:30 WIT on 16 June
        filed = await objection(papua, papua_result)
        assert filed.status_code == 201, filed.text
        assert filed.json()["filed_on"] == "2026-06-16"
