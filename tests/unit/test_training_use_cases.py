"""training-service's use cases on a fake unit of work (no database, no broker): a plan decided
from the gaps an appraisal's summary names, with the 20 JP top-up; a revision superseding the
plan and keeping the hours already completed; a JP claim verified by HR and refused to others;
the talent pool's nomination and withdrawal."""

from datetime import UTC, date, datetime, timedelta

import pytest
from kinerja_contracts import (
    AppraisalCompleted,
    AppraisalRevised,
    CloudEventAttributes,
    DevelopmentPlanCreated,
    DevelopmentPlanRevised,
    IndikatorResult,
    PerformancePeriodOpened,
    PerilakuResult,
    TalentPoolNominated,
    TalentPoolWithdrawn,
    TrainingCompleted,
)
from kinerja_contracts.appraisal import AppraisalSummary
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, Predikat, RhkKind
from kinerja_runtime.auth import Principal
from kinerja_runtime.messaging import Delivered, Envelope
from kinerja_runtime.refusals import InvalidInput, NotFound, NotPermitted, WrongState
from training_fakes import FakeTrainingUnitOfWork
from training_service.service_layer import claims, plans, talent, training, views

AGENCY = "kab-contoh"
PERIOD = f"{AGENCY}-2026"
NIP = "198501012010011001"
APPRAISER = "197001011995031001"
HR_NIP = "197501012000031001"
STRANGER = "199001012015011001"
APPRAISED_AT = datetime(2026, 1, 20, 3, 0, tzinfo=UTC)

EMPLOYEE = Principal(NIP, AGENCY, frozenset({"employee"}))
HR = Principal(HR_NIP, AGENCY, frozenset({"hr"}))
OTHER = Principal(STRANGER, AGENCY, frozenset({"employee", "appraiser"}))


def indikator(iki_id: str, aspect: Aspect, *, met: bool, kind: RhkKind = RhkKind.UTAMA) -> IndikatorResult:
    return IndikatorResult(
        iki_id=iki_id,
        rhk_id="rhk-1",
        rhk_kind=kind,
        aspect=aspect,
        description=f"Indikator {iki_id}",
        target=10,
        realization=10 if met else 4,
        capaian=100 if met else 40,
        met=met,
    )


def summary(*, weak_values=None, missed=None, below=(), indikator_results=()) -> AppraisalSummary:
    """``below``: the values the perilaku list rates below expectations (what the old rule read);
    ``weak_values`` / ``missed``: the gaps the appraisal names (None: a producer older than them)."""
    return AppraisalSummary(
        indikator=list(indikator_results),
        perilaku=[
            PerilakuResult(value=v, level=Ekspektasi.DI_BAWAH if v in below else Ekspektasi.SESUAI, answers=5)
            for v in BerakhlakValue
        ],
        average_capaian_utama=70.0,
        feedback_answers=5,
        weak_values=weak_values,
        missed_utama_iki_ids=missed,
    )


def completed(
    predikat: Predikat, gaps: AppraisalSummary, *, nip=NIP, period=PERIOD, at=APPRAISED_AT, appraisal_id=None
):
    return AppraisalCompleted(
        agency_id=AGENCY,
        period_id=period,
        nip=nip,
        appraisal_id=appraisal_id or f"apr-{nip}-{period}",
        rating_hasil_kerja=Ekspektasi.SESUAI,
        rating_perilaku=Ekspektasi.SESUAI,
        predikat=predikat,
        policy_version="default-1",
        completed_at=at,
        summary=gaps,
        appraiser_nip=APPRAISER,
    )


def revised(original: AppraisalCompleted, predikat: Predikat, gaps: AppraisalSummary, *, revision=2, days=10):
    return AppraisalRevised(
        agency_id=original.agency_id,
        period_id=original.period_id,
        nip=original.nip,
        appraisal_id=f"{original.appraisal_id}-r{revision}",
        supersedes_appraisal_id=original.appraisal_id,
        revision=revision,
        objection_id=f"obj-{revision}",
        decided_by=HR_NIP,
        reason="Bukti dukung baru diterima.",
        rating_hasil_kerja=Ekspektasi.SESUAI,
        rating_perilaku=Ekspektasi.SESUAI,
        predikat=predikat,
        policy_version="default-1",
        summary=gaps,
        revised_at=original.completed_at + timedelta(days=days),
    )


def delivered(*events):
    return [
        Delivered(e, Envelope(CloudEventAttributes.for_event(e, "/kinerja/test"), e.topic, 0, offset, e.key()))
        for offset, e in enumerate(events)
    ]


async def consume(uow, handler, *events) -> None:
    """As the consumer does: one unit of work for the batch, committed after the handler."""
    async with uow:
        await handler(delivered(*events), uow)
        await uow.commit()


@pytest.fixture
def uow() -> FakeTrainingUnitOfWork:
    fake = FakeTrainingUnitOfWork()
    fake.roster.add_employee(AGENCY, NIP, appraiser_nip=APPRAISER)
    fake.roster.add_employee(AGENCY, STRANGER, appraiser_nip=APPRAISER)
    fake.roster.add_period(AGENCY, PERIOD, 2026)
    return fake


def gaps_of(items) -> list[tuple[str, str, str]]:
    return [(i.gap_kind, i.gap, i.catalogue_code) for i in items]


# -- a plan decided from an appraisal ----------------------------------------------------------


async def test_a_low_result_makes_the_plan_of_the_gaps_its_summary_names_topped_up_to_20_jp(uow):
    named = summary(
        # The perilaku list rates nothing below expectations and iki-1 is an unmet utama
        # indicator: what the summary names decides, not training's own reading of the evidence.
        weak_values=[BerakhlakValue.LOYAL],
        missed=["iki-2"],
        indikator_results=[indikator("iki-1", Aspect.KUALITAS, met=False), indikator("iki-2", Aspect.WAKTU, met=False)],
    )
    appraisal = completed(Predikat.BUTUH_PERBAIKAN, named)

    await consume(uow, plans.on_appraisals_completed, appraisal)

    (created,) = uow.events(DevelopmentPlanCreated)
    assert gaps_of(created.items) == [
        ("perilaku", "loyal", "LOY-N01"),  # Butuh Perbaikan: coaching and mentoring first
        ("hasil_kerja", "iki-2", "HKW-N01"),
        ("jp_entitlement", "teknis:tik_layanan_digital", "TEK-K01"),  # 8 JP planned: 12 short, one 16 JP course
    ]
    assert created.total_jp == 4 + 4 + 16 and created.mandatory
    assert {i.mentor_nip for i in created.items} == {APPRAISER}
    (decision,) = uow.decisions.rows
    assert (decision["appraisal_id"], decision["plan_id"], decision["required"]) == (
        appraisal.appraisal_id,
        created.plan_id,
        True,
    )
    assert uow.plans.rows[created.plan_id]["status"] == "active"
    assert uow.commits == 1


async def test_the_top_up_counts_the_jp_already_verified_this_year(uow):
    await uow.ledger.add(
        {
            "entry_id": "jp-1",
            "agency_id": AGENCY,
            "nip": NIP,
            "year": 2026,
            "jp": 10,
            "catalogue_code": "luar-katalog",
            "title": "Seminar",
            "competency": None,
            "plan_id": None,
            "item_id": None,
            "evidence": "SERT-1",
            "completed_on": date(2026, 1, 10),
            "recorded_by": HR_NIP,
            "recorded_at": APPRAISED_AT,
            "status": "verified",
        }
    )
    appraisal = completed(
        Predikat.BUTUH_PERBAIKAN,
        summary(
            weak_values=[BerakhlakValue.LOYAL],
            missed=["iki-2"],
            indikator_results=[indikator("iki-2", Aspect.WAKTU, met=False)],
        ),
    )

    await consume(uow, plans.on_appraisals_completed, appraisal)

    (created,) = uow.events(DevelopmentPlanCreated)
    assert gaps_of(created.items) == [
        ("perilaku", "loyal", "LOY-N01"),
        ("hasil_kerja", "iki-2", "HKW-N01"),
        ("jp_entitlement", "teknis:manajemen_stres", "TEK-N03"),  # 8 planned + 10 done: 2 short
    ]
    assert created.total_jp == 10


async def test_a_summary_from_an_older_producer_has_its_gaps_derived_as_before(uow):
    older = summary(
        below=[BerakhlakValue.HARMONIS],
        indikator_results=[
            indikator("iki-1", Aspect.KUALITAS, met=False),
            indikator("iki-2", Aspect.WAKTU, met=False, kind=RhkKind.TAMBAHAN),
            indikator("iki-3", Aspect.BIAYA, met=True),
        ],
    )
    assert older.weak_values is None and older.missed_utama_iki_ids is None

    await consume(uow, plans.on_appraisals_completed, completed(Predikat.BUTUH_PERBAIKAN, older))

    (created,) = uow.events(DevelopmentPlanCreated)
    assert [(kind, gap) for kind, gap, _ in gaps_of(created.items) if kind != "jp_entitlement"] == [
        ("perilaku", "harmonis"),
        ("hasil_kerja", "iki-1"),  # the unmet utama indicator; tambahan and met ones are no gap
    ]


async def test_baik_with_nothing_named_makes_no_plan_and_each_appraisal_is_decided_once(uow):
    appraisal = completed(Predikat.BAIK, summary(weak_values=[], missed=[], below=[BerakhlakValue.LOYAL]))

    await consume(uow, plans.on_appraisals_completed, appraisal, appraisal)
    await consume(uow, plans.on_appraisals_completed, appraisal)

    assert [(d["appraisal_id"], d["plan_id"]) for d in uow.decisions.rows] == [(appraisal.appraisal_id, None)]
    assert uow.events(DevelopmentPlanCreated) == [] and uow.plans.rows == {}


# -- a revision supersedes the plan, keeping the hours completed --------------------------------


async def test_a_revision_supersedes_the_plan_and_keeps_the_completed_hours(uow):
    original = completed(Predikat.BUTUH_PERBAIKAN, summary(weak_values=[BerakhlakValue.LOYAL], missed=[]))
    await consume(uow, plans.on_appraisals_completed, original)
    (created,) = uow.events(DevelopmentPlanCreated)
    loyal = next(i for i in created.items if i.gap == "loyal")

    done = await training.complete(
        uow, EMPLOYEE, created.plan_id, loyal.item_id, evidence="SERT-LOY", completed_on=date(2026, 3, 2)
    )
    # Its only mandatory item done (the top-up is not mandatory), the plan is completed.
    assert done["ledger_entry"]["jp"] == loyal.jp and done["plan_status"] == "completed"
    assert [e.item_id for e in uow.events(TrainingCompleted)] == [loyal.item_id]

    objection = revised(
        original, Predikat.BUTUH_PERBAIKAN, summary(weak_values=[BerakhlakValue.LOYAL, BerakhlakValue.HARMONIS])
    )
    await consume(uow, plans.on_appraisals_revised, objection)

    (revision,) = uow.events(DevelopmentPlanRevised)
    assert revision.supersedes_plan_id == created.plan_id
    assert revision.completed_jp_kept == loyal.jp
    gaps = [gap for _, gap, _ in gaps_of(revision.items)]
    assert "harmonis" in gaps and "loyal" not in gaps, "the gap already closed is not planned again"
    # 4 JP planned + 4 JP done: the top-up fills the other 12, not offering the course already done.
    assert revision.total_jp + loyal.jp >= 20 and loyal.catalogue_code not in {i.catalogue_code for i in revision.items}
    old = uow.plans.rows[created.plan_id]
    assert (old["status"], old["superseded_by_plan_id"]) == ("superseded", revision.plan_id)
    assert uow.plans.rows[revision.plan_id]["supersedes_plan_id"] == created.plan_id
    assert await uow.ledger.completed_jp(AGENCY, NIP, 2026) == loyal.jp, "the ledger keeps the hours"

    # Working on the superseded plan is refused, naming the plan that replaced it.
    other = next(i for i in created.items if i.item_id != loyal.item_id)
    with pytest.raises(WrongState) as refused:
        await training.enrol(uow, EMPLOYEE, created.plan_id, other.item_id)
    assert refused.value.details == {"superseded_by_plan_id": revision.plan_id}


async def test_completing_an_item_twice_or_in_the_future_is_refused(uow):
    await consume(
        uow,
        plans.on_appraisals_completed,
        completed(Predikat.BUTUH_PERBAIKAN, summary(weak_values=[BerakhlakValue.LOYAL], missed=[])),
    )
    (created,) = uow.events(DevelopmentPlanCreated)
    item = created.items[0]
    tomorrow = uow.clock.today() + timedelta(days=1)

    with pytest.raises(InvalidInput, match="completed_on: must not be in the future"):
        await training.complete(uow, EMPLOYEE, created.plan_id, item.item_id, evidence="X", completed_on=tomorrow)
    await training.complete(uow, EMPLOYEE, created.plan_id, item.item_id, evidence="X", completed_on=date(2026, 2, 1))
    with pytest.raises(WrongState, match="already completed"):
        await training.complete(
            uow, EMPLOYEE, created.plan_id, item.item_id, evidence="X", completed_on=date(2026, 2, 1)
        )
    with pytest.raises(NotFound):
        await training.enrol(uow, OTHER, created.plan_id, item.item_id)  # neither the employee, HR nor the appraiser
    assert len(uow.events(TrainingCompleted)) == 1


# -- a claim for training outside any plan ------------------------------------------------------


async def test_a_claim_counts_once_hr_verifies_it_and_is_refused_to_others(uow):
    claim = await training.record_outside_plan(
        uow,
        EMPLOYEE,
        NIP,
        catalogue_code=None,
        title="Seminar Pelayanan Publik",
        jp=6,
        evidence="SERT-77",
        completed_on=date(2026, 5, 2),
    )
    assert claim["status"] == "claimed" and "agency_id" not in claim
    assert uow.events(TrainingCompleted) == [], "a claim announces nothing"
    assert await uow.ledger.completed_jp(AGENCY, NIP, 2026) == 0

    with pytest.raises(NotFound, match="no such ledger entry"):
        await claims.verify(uow, OTHER, NIP, claim["entry_id"])  # a stranger: as if there were no entry
    with pytest.raises(NotPermitted):
        await claims.verify(uow, EMPLOYEE, NIP, claim["entry_id"])  # nobody verifies their own training

    verified = await claims.verify(uow, HR, NIP, claim["entry_id"])

    assert (verified["status"], verified["reviewed_by"]) == ("verified", HR_NIP)
    assert verified["reviewed_at"] == uow.clock.now()
    (announced,) = uow.events(TrainingCompleted)
    assert (announced.nip, announced.jp, announced.year, announced.plan_id) == (NIP, 6, 2026, None)
    assert await uow.ledger.completed_jp(AGENCY, NIP, 2026) == 6
    # Asked again, the decision made answers unchanged; the other decision is a conflict.
    assert await claims.verify(uow, HR, NIP, claim["entry_id"]) == verified
    with pytest.raises(WrongState, match="already verified") as refused:
        await claims.reject(uow, HR, NIP, claim["entry_id"], "tidak relevan")
    assert refused.value.details == {"entry_status": "verified"}
    assert len(uow.events(TrainingCompleted)) == 1


async def test_hr_records_training_that_counts_at_once_but_not_for_someone_off_the_roster(uow):
    entry = await training.record_outside_plan(
        uow,
        HR,
        NIP,
        catalogue_code="TEK-N01",
        title=None,
        jp=None,
        evidence="SERT-9",
        completed_on=date(2026, 4, 1),
    )
    assert (entry["status"], entry["jp"], entry["title"]) == ("verified", 8, "E-Learning Literasi Digital ASN")
    assert [e.catalogue_code for e in uow.events(TrainingCompleted)] == ["TEK-N01"]
    with pytest.raises(NotFound, match="no such employee"):
        await training.record_outside_plan(
            uow,
            HR,
            "199912312020121001",
            catalogue_code=None,
            title="Seminar",
            jp=2,
            evidence="S",
            completed_on=date(2026, 4, 1),
        )


# -- the talent pool -----------------------------------------------------------------------------


async def test_two_years_sangat_baik_nominate_and_a_lowering_revision_withdraws(uow):
    earlier = f"{AGENCY}-2025"
    uow.roster.add_period(AGENCY, earlier, 2025)
    first = completed(Predikat.SANGAT_BAIK, summary(weak_values=[], missed=[]), period=earlier, at=APPRAISED_AT)
    second = completed(Predikat.SANGAT_BAIK, summary(weak_values=[], missed=[]), at=APPRAISED_AT + timedelta(days=1))

    await consume(uow, plans.on_appraisals_completed, first, second)

    (nominated,) = uow.events(TalentPoolNominated)
    assert (nominated.nip, nominated.years) == (NIP, [2025, 2026])
    pool = await views.talent_pool(uow, AGENCY, 500, 0)
    assert [(n["nip"], n["years"]) for n in pool["nominations"]] == [(NIP, [2025, 2026])]

    lowered = revised(second, Predikat.BAIK, summary(weak_values=[], missed=[]))
    await consume(uow, plans.on_appraisals_revised, lowered)

    (withdrawn,) = uow.events(TalentPoolWithdrawn)
    assert (withdrawn.years, withdrawn.revised_appraisal_id) == ([2025, 2026], lowered.appraisal_id)
    assert (await views.talent_pool(uow, AGENCY, 500, 0))["nominations"] == []

    # The original Sangat Baik replayed after the revision is older: the withdrawal stands.
    await consume(uow, plans.on_appraisals_completed, second)
    assert len(uow.events(TalentPoolNominated)) == 1


async def test_a_result_before_its_period_is_nominated_when_the_period_arrives(uow):
    later = f"{AGENCY}-2027"
    first = completed(Predikat.SANGAT_BAIK, summary(weak_values=[], missed=[]))
    second = completed(Predikat.SANGAT_BAIK, summary(weak_values=[], missed=[]), period=later)

    await consume(uow, plans.on_appraisals_completed, first, second)
    assert uow.events(TalentPoolNominated) == [], "2027 is not on the roster yet: no year to pair"

    uow.roster.add_period(AGENCY, later, 2027)
    opened = PerformancePeriodOpened(
        agency_id=AGENCY, period_id=later, year=2027, starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31)
    )
    await consume(uow, talent.on_periods_opened, opened)

    (nominated,) = uow.events(TalentPoolNominated)
    assert nominated.years == [2026, 2027]
    assert uow.talent.results[(AGENCY, NIP, later)]["year"] == 2027


# -- the development report as a workbook ------------------------------------------------------


async def test_the_development_report_exports_every_employee_with_nips_as_text_and_jp_as_numbers(uow, monkeypatch):
    import io

    import openpyxl
    from kinerja_runtime.refusals import TooLarge

    claim = await training.record_outside_plan(
        uow, EMPLOYEE, NIP, catalogue_code=None, title="Seminar", jp=6, evidence="S-1", completed_on=date(2026, 5, 2)
    )
    await claims.verify(uow, HR, NIP, claim["entry_id"])

    data = await views.development_report_workbook(uow, AGENCY, 2026, date(2026, 6, 1))

    sheet = openpyxl.load_workbook(io.BytesIO(data))["Pemenuhan JP"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Pemenuhan 20 JP pengembangan kompetensi 2026"
    assert ("Instansi", AGENCY) == rows[1][:2] and ("Jumlah pegawai", 2) == rows[3][:2]
    header = rows.index(
        ("NIP", "Nama", "JP terverifikasi", "JP diklaim (belum diverifikasi)", "Hak JP", "Memenuhi 20 JP")
    )
    assert [r[0] for r in rows[header + 1 :]] == sorted([NIP, STRANGER])
    mine = next(r for r in rows[header + 1 :] if r[0] == NIP)
    assert mine[2:] == (6, 0, 20, "tidak")
    assert sheet.cell(header + 2, 1).data_type == "s"

    monkeypatch.setattr(views, "MAX_EXPORT_EMPLOYEES", 1)
    with pytest.raises(TooLarge, match="more than 1 employees"):
        await views.development_report_workbook(uow, AGENCY, 2026, date(2026, 6, 1))


# -- the agency's own days ------------------------------------------------------------------------


async def test_a_plan_and_its_completion_dates_count_the_agencys_own_days(uow):
    """Jayapura (WIT): an appraisal completed at 01:30 on New Year's Day there (23:30 WIB) makes
    a plan of the new year, its items due from that day; an item done that day is not "future"."""
    uow.roster.add_agency(AGENCY, "Asia/Jayapura")
    new_year_in_wit = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    uow.time.at = new_year_in_wit
    await consume(
        uow,
        plans.on_appraisals_completed,
        completed(Predikat.BUTUH_PERBAIKAN, summary(weak_values=[BerakhlakValue.LOYAL], missed=[]), at=new_year_in_wit),
    )
    (created,) = uow.events(DevelopmentPlanCreated)
    assert uow.plans.rows[created.plan_id]["year"] == 2027, "the year the plan tops up is Jayapura's"
    mandatory = next(i for i in created.items if i.mandatory and i.gap_kind != "jp_entitlement")
    assert mandatory.due_on == date(2027, 1, 1) + timedelta(days=90)

    await training.complete(
        uow, EMPLOYEE, created.plan_id, mandatory.item_id, evidence="SERT-1", completed_on=date(2027, 1, 1)
    )
    assert uow.events(TrainingCompleted)[0].completed_on == date(2027, 1, 1)
    with pytest.raises(InvalidInput, match="completed_on: must not be in the future"):
        await training.record_outside_plan(
            uow, HR, NIP, catalogue_code=None, title="Seminar", jp=2, evidence="P-1", completed_on=date(2027, 1, 2)
        )
