"""appraisal-service's projections apply by version or time, not by arrival (issue 8, item
13): an older event delivered late or replayed after a newer one leaves the newer state, on
the real database, whether the two meet in one batch or in different ones."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kinerja_contracts import FeedbackReceived, RealizationRecorded, TargetRevised, TargetSet
from kinerja_contracts.cloudevents import CloudEventAttributes
from kinerja_contracts.vocabulary import BerakhlakValue
from kinerja_runtime.db import create_engine, session_factory
from kinerja_runtime.messaging import Delivered, Envelope
from kinerja_runtime.migrations import upgrade_to_head
from kinerja_runtime.uow import UnitOfWorkFactory
from sqlalchemy import text

pytestmark = pytest.mark.integration

PERIOD = "2025"
NIP = "198001012005011001"
ATAS, SESUAI, BAWAH = "di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"


@pytest.fixture
async def uows(database_url):
    import appraisal_service.main

    await asyncio.to_thread(upgrade_to_head, Path(appraisal_service.main.__file__).parent / "migrations", database_url)
    engine = create_engine(database_url)
    from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork

    yield UnitOfWorkFactory(session_factory(engine), source="/kinerja/test", kind=AppraisalUnitOfWork)
    await engine.dispose()


def delivered(*events) -> list[Delivered]:
    return [
        Delivered(e, Envelope(CloudEventAttributes.for_event(e, "/kinerja/test"), e.topic, 0, offset, e.key()))
        for offset, e in enumerate(events)
    ]


async def apply(uows, handler, *events) -> None:
    async with uows() as uow:
        await handler(delivered(*events), uow)
        await uow.commit()


async def rows(uows, statement: str) -> list[dict]:
    async with uows() as uow:
        return [dict(r._mapping) for r in await uow.session.execute(text(statement))]


def answer(agency: str, feedback_id: str, level: str, day: int) -> FeedbackReceived:
    """The giver's submission of ``feedback_id`` on 2025-11-``day``."""
    return FeedbackReceived(
        agency_id=agency,
        period_id=PERIOD,
        nip=NIP,
        feedback_id=feedback_id,
        source="peer",
        ratings={v: level for v in BerakhlakValue},
        submitted_at=datetime(2025, 11, day, 9, tzinfo=UTC),
    )


async def levels(uows) -> dict[str, set[str]]:
    found = await rows(uows, "SELECT feedback_id, ratings FROM feedback_answers")
    return {
        r["feedback_id"]: set((json.loads(r["ratings"]) if isinstance(r["ratings"], str) else r["ratings"]).values())
        for r in found
    }


async def test_an_older_feedback_submission_after_a_newer_one_leaves_the_newer(uows, agency):
    from appraisal_service.service_layer.projection import on_feedback

    # The giver answered "di bawah" on the 1st and replaced it with "di atas" on the 3rd.
    await apply(uows, on_feedback, answer(agency, "f-1", BAWAH, 1))
    await apply(uows, on_feedback, answer(agency, "f-1", ATAS, 3))
    # The first submission redelivered (another event id) or replayed later: no roll back.
    await apply(uows, on_feedback, answer(agency, "f-1", BAWAH, 1))
    # In one batch, the older after the newer: the newer still wins.
    await apply(uows, on_feedback, answer(agency, "f-2", ATAS, 5), answer(agency, "f-2", SESUAI, 2))
    assert await levels(uows) == {"f-1": {ATAS}, "f-2": {ATAS}}

    # A later resubmission still replaces (the guard is by time, not first-come).
    await apply(uows, on_feedback, answer(agency, "f-1", SESUAI, 4))
    assert (await levels(uows))["f-1"] == {SESUAI}


async def test_a_form_projected_before_submission_times_were_kept_is_replaced(uows, agency):
    from appraisal_service.service_layer.projection import on_feedback

    await apply(uows, on_feedback, answer(agency, "f-old", BAWAH, 1))
    async with uows() as uow:
        await uow.session.execute(text("UPDATE feedback_answers SET submitted_at = NULL"))
        await uow.commit()
    await apply(uows, on_feedback, answer(agency, "f-old", ATAS, 1))
    assert await levels(uows) == {"f-old": {ATAS}}


async def test_an_older_skp_version_or_realisation_after_a_newer_one_leaves_the_newer(uows, agency):
    """The SKP version in force is the highest; an indicator's value is its latest recorded
    one, whatever order the realisations arrive in."""
    from appraisal_service.service_layer.projection import on_realizations, on_targets

    def skp(version: int, target: float):
        extra = {} if version == 1 else {"previous_version": version - 1}
        return (TargetSet if version == 1 else TargetRevised)(
            agency_id=agency,
            period_id=PERIOD,
            nip=NIP,
            skp_id="skp-1",
            version=version,
            approved_by=NIP,
            **extra,
            rhk=[
                {
                    "rhk_id": "rhk-1",
                    "kind": "utama",
                    "description": "Layanan",
                    "indikator": [
                        {
                            "iki_id": "iki-1",
                            "aspect": "kuantitas",
                            "description": "Layanan",
                            "target": target,
                            "unit": "x",
                            "higher_is_better": True,
                        }
                    ],
                }
            ],
        )

    def realised(realization_id: str, value: float, month: int):
        return RealizationRecorded(
            agency_id=agency,
            period_id=PERIOD,
            nip=NIP,
            skp_id="skp-1",
            iki_id="iki-1",
            realization_id=realization_id,
            value=value,
            recorded_at=datetime(2025, month, 1, tzinfo=UTC),
        )

    await apply(uows, on_targets, skp(2, 80.0))
    await apply(uows, on_targets, skp(1, 100.0))
    await apply(uows, on_realizations, realised("r-june", 90.0, 6))
    await apply(uows, on_realizations, realised("r-march", 10.0, 3))
    async with uows() as uow:
        target = (await uow.projections.targets_of([(agency, PERIOD, NIP)]))[agency, PERIOD, NIP]
        realized = (await uow.projections.realizations_of(["skp-1"]))["skp-1"]
    assert (target.version, target.rhk[0]["indikator"][0]["target"]) == (2, 80.0)
    assert (realized.latest, realized.count) == ({"iki-1": 90.0}, 2)
