"""training-service's projections apply appraisal results by version, not by arrival (issue 8
item 13), on the real database: an older annual result arriving after a newer one changes
nothing, and a revision lowering a Sangat Baik year withdraws the talent-pool nomination
(TalentPoolWithdrawn); the pool and a period's decisions come in bounded pages (item 11)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from kinerja_contracts import AppraisalCompleted, AppraisalRevised, EmployeeRegistered, PerformancePeriodOpened
from kinerja_contracts.vocabulary import Predikat
from test_training_batches import RATING, apply, appraisal, delivered, rows, uows  # noqa: F401  (fixture by name)

pytestmark = pytest.mark.integration


def revision_of(
    original: AppraisalCompleted,
    predikat: Predikat,
    revision: int = 2,
    *,
    days: int = 10,
    supersedes: str | None = None,
) -> AppraisalRevised:
    hasil, perilaku = RATING[predikat]
    return AppraisalRevised(
        agency_id=original.agency_id,
        period_id=original.period_id,
        nip=original.nip,
        appraisal_id=f"{original.appraisal_id}-r{revision}",
        supersedes_appraisal_id=supersedes or original.appraisal_id,
        revision=revision,
        objection_id=f"obj-{revision}",
        decided_by="197001011990031001",
        reason="Bukti dukung baru diterima.",
        rating_hasil_kerja=hasil,
        rating_perilaku=perilaku,
        predikat=predikat,
        policy_version="default-1",
        summary=original.summary,
        revised_at=original.completed_at + timedelta(days=days),
    )


async def roster(uows, agency, employees, periods):  # noqa: F811
    from kinerja_runtime import roster as projection
    from training_service.service_layer import talent

    await apply(
        uows,
        [projection.on_employees_registered],
        delivered(
            [
                EmployeeRegistered(agency_id=agency, nip=nip, name="Pegawai", position="Analis", unit="Bidang")
                for nip in employees
            ]
        ),
    )
    await apply(
        uows,
        [projection.on_periods_opened, talent.on_periods_opened],
        delivered(
            [
                PerformancePeriodOpened(
                    agency_id=agency, period_id=p, year=y, starts_on=date(y, 1, 1), ends_on=date(y, 12, 31)
                )
                for p, y in periods.items()
            ]
        ),
    )


async def published(uows, agency):  # noqa: F811
    found = await rows(uows, "SELECT event_type, payload FROM outbox ORDER BY id")
    return [
        (o["event_type"].split(".")[2], json.loads(o["payload"]))
        for o in found
        if json.loads(o["payload"])["agency_id"] == agency
    ]


async def test_an_older_annual_result_after_a_newer_one_leaves_the_newer(uows, agency, new_nip):  # noqa: F811
    from training_service.service_layer import plans

    nip = new_nip()
    period = f"{agency}-2025"
    await roster(uows, agency, [nip], {period: 2025})
    original = appraisal(agency, nip, period, Predikat.SANGAT_KURANG)
    newer = revision_of(original, Predikat.BAIK)

    # The revision arrives first (the original was delayed on another path, or is replayed later).
    await apply(uows, [plans.on_appraisals_revised], delivered([newer]))
    await apply(uows, [plans.on_appraisals_completed], delivered([original]))

    (result,) = await rows(uows, "SELECT * FROM annual_results WHERE agency_id = :a", a=agency)
    assert (result["appraisal_id"], result["predikat"], result["revision"]) == (newer.appraisal_id, "baik", 2)
    decisions = {
        d["appraisal_id"]: d for d in await rows(uows, "SELECT * FROM plan_decisions WHERE agency_id = :a", a=agency)
    }
    assert decisions[original.appraisal_id]["plan_id"] is None, "the older Sangat Kurang makes no plan"
    assert "later revision" in decisions[original.appraisal_id]["reason"]
    assert await rows(uows, "SELECT * FROM plans WHERE agency_id = :a", a=agency) == []
    assert [t for t, _ in await published(uows, agency)] == []

    # The original replayed once more (a new event id): still nothing changes.
    await apply(uows, [plans.on_appraisals_completed], delivered([original]))
    (again,) = await rows(uows, "SELECT * FROM annual_results WHERE agency_id = :a", a=agency)
    assert again["appraisal_id"] == newer.appraisal_id


async def test_a_revision_lowering_the_predikat_withdraws_the_nomination(uows, agency, new_nip):  # noqa: F811
    from training_service.service_layer import plans, views

    star, other = new_nip(), new_nip()
    periods = {f"{agency}-2024": 2024, f"{agency}-2025": 2025}
    await roster(uows, agency, [star, other], periods)
    results = {
        nip: [
            appraisal(agency, nip, p, Predikat.SANGAT_BAIK, at=datetime(y + 1, 1, 15, tzinfo=UTC))
            for p, y in periods.items()
        ]
        for nip in (star, other)
    }
    await apply(uows, [plans.on_appraisals_completed], delivered([*results[star], *results[other]]))
    assert sorted(t for t, _ in await published(uows, agency)) == ["TalentPoolNominated"] * 2

    # An objection lowers the star's 2025 result: the nomination no longer holds.
    lowered = revision_of(results[star][1], Predikat.BAIK)
    await apply(uows, [plans.on_appraisals_revised], delivered([lowered]))
    (withdrawn,) = await rows(uows, "SELECT * FROM talent_nominations WHERE nip = :n", n=star)
    assert (withdrawn["status"], withdrawn["withdrawn_by_appraisal_id"]) == ("withdrawn", lowered.appraisal_id)
    events = await published(uows, agency)
    assert events[-1] == (
        "TalentPoolWithdrawn",
        {
            "agency_id": agency,
            "nip": star,
            "years": [2024, 2025],
            "appraisal_ids": [results[star][0].appraisal_id, results[star][1].appraisal_id],
            "revised_appraisal_id": lowered.appraisal_id,
            "withdrawn_at": lowered.revised_at.isoformat().replace("+00:00", "Z"),
        },
    )
    async with uows() as uow:
        pool = await views.talent_pool(uow, agency, 500, 0)
    assert [n["nip"] for n in pool["nominations"]] == [other], "a withdrawn nomination leaves the pool"

    # The original Sangat Baik replayed after the revision: older, so the withdrawal stands.
    await apply(uows, [plans.on_appraisals_completed], delivered([results[star][1]]))
    assert (await rows(uows, "SELECT status FROM talent_nominations WHERE nip = :n", n=star))[0][
        "status"
    ] == "withdrawn"
    assert len(await published(uows, agency)) == len(events), "nothing announced again"

    # A further revision restores Sangat Baik: nominated again, announced again.
    restored = revision_of(results[star][1], Predikat.SANGAT_BAIK, revision=3, days=20, supersedes=lowered.appraisal_id)
    await apply(uows, [plans.on_appraisals_revised], delivered([restored]))
    assert (await published(uows, agency))[-1][0] == "TalentPoolNominated"
    async with uows() as uow:
        first = await views.talent_pool(uow, agency, 1, 0)
        second = await views.talent_pool(uow, agency, 1, first["next_offset"])
        last = await views.talent_pool(uow, agency, 1, second["next_offset"])
    assert first["next_offset"] == 1 and len(first["nominations"]) == 1
    assert {first["nominations"][0]["nip"], second["nominations"][0]["nip"]} == {star, other}
    assert (last["nominations"], last["next_offset"]) == ([], None)


async def test_a_periods_decisions_come_in_pages_with_only_their_plans(uows, agency, new_nip):  # noqa: F811
    from training_service.service_layer import plans, views

    staff = sorted(new_nip() for _ in range(5))
    period = f"{agency}-2025"
    await roster(uows, agency, staff, {period: 2025})
    await apply(
        uows,
        [plans.on_appraisals_completed],
        delivered(
            [
                appraisal(agency, nip, period, Predikat.BUTUH_PERBAIKAN if i % 2 == 0 else Predikat.BAIK)
                for i, nip in enumerate(staff)
            ]
        ),
    )
    seen, offset, pages = [], 0, 0
    while offset is not None:
        async with uows() as uow:
            page = await views.period_decisions(uow, agency, period, 2, offset, date(2026, 2, 1))
        assert len(page["decisions"]) <= 2
        assert {p["plan_id"] for p in page["plans"]} == {d["plan_id"] for d in page["decisions"] if d["plan_id"]}
        seen += [d["nip"] for d in page["decisions"]]
        offset, pages = page["next_offset"], pages + 1
    assert seen == staff and pages == 3
