"""training-service keeps RecognitionGiven (a replay changes nothing) and shows each nominated
employee's latest recognitions as the talent pool's evidence; on the fake unit of work."""

from datetime import UTC, datetime, timedelta

import pytest
from kinerja_contracts import CloudEventAttributes, RecognitionGiven
from kinerja_contracts.vocabulary import RecognitionKind
from kinerja_runtime.messaging import Delivered, Envelope
from training_fakes import FakeTrainingUnitOfWork
from training_service.service_layer import recognition, views

AGENCY = "kab-contoh"
STAR, OTHER, APPRAISER = "198501012010011001", "199001012015011001", "197001011995031001"
AT = datetime(2026, 7, 3, 2, 0, tzinfo=UTC)


def given(nip: str, n: int, kind=RecognitionKind.CITIZEN_RATING, agency=AGENCY) -> RecognitionGiven:
    return RecognitionGiven(
        agency_id=agency,
        nip=nip,
        recognition_id=f"rec-{nip}-{n}",
        period_id=f"{agency}-2026",
        checkpoint_id="q2",
        kind=kind,
        reason=f"Alasan {n}",
        given_by_nip=APPRAISER,
        given_at=AT + timedelta(days=n),
    )


def delivered(*events):
    return [
        Delivered(e, Envelope(CloudEventAttributes.for_event(e, "/kinerja/test"), e.topic, 0, offset, e.key()))
        for offset, e in enumerate(events)
    ]


async def consume(uow, *events) -> None:
    async with uow:
        await recognition.on_recognitions_given(delivered(*events), uow)
        await uow.commit()


def nominate(uow, nip: str) -> None:
    uow.talent.nominations[(AGENCY, nip, 2026)] = {
        "agency_id": AGENCY,
        "nip": nip,
        "year": 2026,
        "first_year": 2025,
        "appraisal_ids": "a1,a2",
        "nominated_at": AT,
        "status": "nominated",
        "withdrawn_at": None,
        "withdrawn_by_appraisal_id": None,
    }


@pytest.fixture
def uow() -> FakeTrainingUnitOfWork:
    return FakeTrainingUnitOfWork()


async def test_the_talent_pool_shows_each_nominees_recognitions_newest_first(uow):
    nominate(uow, STAR)
    nominate(uow, OTHER)
    first, second = given(STAR, 1), given(STAR, 2, RecognitionKind.LEADER)
    await consume(uow, first, second, given(STAR, 3, agency="kab-lain"))
    await consume(uow, first)  # a replay

    pool = await views.talent_pool(uow, AGENCY, 500, 0)

    by_nip = {n["nip"]: n for n in pool["nominations"]}
    assert [(r["recognition_id"], r["kind"], r["reason"]) for r in by_nip[STAR]["recognitions"]] == [
        (second.recognition_id, "leader", "Alasan 2"),
        (first.recognition_id, "citizen_rating", "Alasan 1"),
    ]
    assert by_nip[STAR]["recognitions"][0]["given_by_nip"] == APPRAISER
    assert by_nip[STAR]["years"] == [2025, 2026], "the nomination itself is unchanged"
    assert by_nip[OTHER]["recognitions"] == []


async def test_only_the_latest_recognitions_are_shown(uow):
    nominate(uow, STAR)
    await consume(uow, *(given(STAR, n) for n in range(views.RECOGNITIONS_SHOWN + 3)))
    [shown] = (await views.talent_pool(uow, AGENCY, 500, 0))["nominations"]
    assert len(shown["recognitions"]) == views.RECOGNITIONS_SHOWN
    assert shown["recognitions"][0]["reason"] == f"Alasan {views.RECOGNITIONS_SHOWN + 2}"
