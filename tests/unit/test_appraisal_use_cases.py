"""appraisal-service's use cases on the fake unit of work (no database, no broker): proposing
from the projected inputs, confirming and overriding, objecting and deciding, and the refusals
on the way, as the HTTP routes call them."""

from datetime import UTC, datetime, timedelta

import pytest
from appraisal_fakes import FakeAppraisalUnitOfWork
from appraisal_service.domain import (
    FeedbackAnswer,
    InvalidPolicy,
    ObjectionClosed,
    ObjectionStatus,
    OrganisationPredikat,
    OverrideWithoutReason,
    Status,
)
from appraisal_service.service_layer import reading, reports
from appraisal_service.service_layer.appraise import propose_appraisal
from appraisal_service.service_layer.confirm import confirm
from appraisal_service.service_layer.objections import decide_objection, file_objection, objection_page
from appraisal_service.service_layer.periodic import propose_for_checkpoint
from appraisal_service.service_layer.policy import read_policy, set_policy
from kinerja_contracts import AppraisalCompleted, AppraisalRevised
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource, Predikat
from kinerja_runtime.refusals import InvalidInput, NotFound, NotPermitted, WrongState

AGENCY, PERIOD = "dinas-a", "2025"
KADIS, BUDI, ANI = "198808082012121002", "197801012005011001", "199001012015012001"
ATAS, SESUAI, BAWAH = Ekspektasi.DI_ATAS, Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH


def rhk() -> list[dict]:
    """Two utama RHK (iki-1 met at 120 %, iki-2 missed at 50 %) and a tambahan one."""

    def one(rhk_id, kind, iki_id):
        return {
            "rhk_id": rhk_id,
            "kind": kind,
            "description": rhk_id,
            "indikator": [
                {
                    "iki_id": iki_id,
                    "aspect": "kuantitas",
                    "description": iki_id,
                    "target": 100.0,
                    "unit": "x",
                    "higher_is_better": True,
                }
            ],
        }

    return [one("rhk-1", "utama", "iki-1"), one("rhk-2", "utama", "iki-2"), one("rhk-3", "tambahan", "iki-3")]


@pytest.fixture
def uow() -> FakeAppraisalUnitOfWork:
    """Kadis appraises Budi, Budi appraises Ani; Ani has an approved SKP with realisations and
    her appraiser's answers (Harmonis di bawah, the rest sesuai)."""
    uow = FakeAppraisalUnitOfWork()
    uow.roster.add_period(
        AGENCY,
        PERIOD,
        2025,
        checkpoints=[
            {"checkpoint_id": "tw1", "name": "Triwulan I", "starts_on": "2025-01-01", "ends_on": "2025-03-31"}
        ],
    )
    uow.roster.add_employee(AGENCY, KADIS)
    uow.roster.add_employee(AGENCY, BUDI, appraiser_nip=KADIS)
    uow.roster.add_employee(AGENCY, ANI, appraiser_nip=BUDI)
    target = uow.projections.add_target(AGENCY, PERIOD, ANI, rhk())
    for iki_id, value in (("iki-1", 120.0), ("iki-2", 50.0), ("iki-3", 100.0)):
        uow.projections.add_realization(target.skp_id, iki_id, value)
    uow.projections.add_form(
        (AGENCY, PERIOD, ANI),
        [
            FeedbackAnswer(FeedbackSource.APPRAISER, v, BAWAH if v is BerakhlakValue.HARMONIS else SESUAI)
            for v in BerakhlakValue
        ],
    )
    return uow


async def proposed(uow) -> dict:
    return await propose_appraisal(uow, AGENCY, PERIOD, ANI)


# --- proposing ---------------------------------------------------------------------------------


async def test_a_proposal_is_made_from_the_projected_inputs_and_publishes_nothing(uow):
    made = await proposed(uow)

    assert made["status"] == "proposed" and made["nip"] == ANI
    # Mean capaian of the utama RHK (120 + 50) / 2 = 85: below the sesuai band.
    assert made["proposed"]["rating_hasil_kerja"] == BAWAH.value
    stored = uow.appraisals.rows[made["appraisal_id"]]
    assert stored.status is Status.PROPOSED and stored.revision == 1 and stored.scope == "annual"
    assert stored.proposed_at == uow.clock.now()
    assert stored.summary["weak_values"] == ["harmonis"]
    assert stored.summary["missed_utama_iki_ids"] == ["iki-2"]
    assert uow.published == [] and uow.commits == 1

    again = await proposed(uow)
    assert again["appraisal_id"] == made["appraisal_id"], "a second proposal returns the first"
    assert len(uow.appraisals.rows) == 1


async def test_a_proposal_needs_a_known_period_and_an_approved_skp(uow):
    with pytest.raises(NotFound, match="no such period"):
        await propose_appraisal(uow, AGENCY, "1999", ANI)
    with pytest.raises(NotFound, match="no approved SKP"):
        await propose_appraisal(uow, AGENCY, PERIOD, BUDI)
    with pytest.raises(NotFound, match="not known in the agency's roster"):
        await propose_appraisal(uow, AGENCY, PERIOD, "199901012020011001")
    assert uow.appraisals.rows == {} and uow.commits == 0


async def test_an_skp_that_cannot_be_assessed_is_refused_as_a_conflict(uow):
    uow.projections.add_target(AGENCY, PERIOD, BUDI, [rhk()[2]])  # tambahan only: no utama IKI
    with pytest.raises(WrongState, match="utama"):
        await propose_appraisal(uow, AGENCY, PERIOD, BUDI)


async def test_a_checkpoints_proposals_are_counted_and_the_skipped_listed(uow):
    uow.projections.add_target(AGENCY, PERIOD, BUDI, [rhk()[2]])
    report = await propose_for_checkpoint(uow, AGENCY, PERIOD, "tw1")

    assert (report["proposed_count"], report["existing_count"], report["skipped_count"]) == (1, 0, 1)
    assert report["skipped"][0]["nip"] == BUDI
    [periodic] = uow.appraisals.rows.values()
    assert (periodic.kind, periodic.checkpoint_id, periodic.scope) == ("periodic", "tw1", "periodic:tw1")
    with pytest.raises(NotFound, match="no such checkpoint"):
        await propose_for_checkpoint(uow, AGENCY, PERIOD, "tw9")


# --- confirming --------------------------------------------------------------------------------


async def test_the_appraisers_confirmation_publishes_appraisal_completed_with_the_gaps(uow):
    made = await proposed(uow)
    today = uow.clock.today()

    final = await confirm(uow, AGENCY, made["appraisal_id"], BUDI, today)

    assert (final["status"], final["final_on"], final["overridden"]) == ("final", today.isoformat(), False)
    [completed] = uow.events(AppraisalCompleted)
    assert completed.appraisal_id == made["appraisal_id"] and completed.appraiser_nip == BUDI
    assert completed.summary.weak_values == [BerakhlakValue.HARMONIS]
    assert completed.summary.missed_utama_iki_ids == ["iki-2"]
    assert completed.override_reason is None and completed.completed_at == uow.clock.now()
    assert uow.appraisals.rows[made["appraisal_id"]].status is Status.FINAL


async def test_an_override_with_a_reason_is_kept_and_published(uow):
    made = await proposed(uow)

    final = await confirm(
        uow, AGENCY, made["appraisal_id"], BUDI, uow.clock.today(), rating_hasil_kerja=SESUAI, reason="Beban naik"
    )

    assert final["overridden"] and final["override_reason"] == "Beban naik"
    [completed] = uow.events(AppraisalCompleted)
    assert (completed.rating_hasil_kerja, completed.predikat) == (SESUAI, Predikat.BAIK)
    assert completed.proposed_rating_hasil_kerja is BAWAH and completed.override_reason == "Beban naik"


async def test_an_override_without_a_reason_is_refused_and_nothing_changes(uow):
    made = await proposed(uow)
    commits = uow.commits

    with pytest.raises(OverrideWithoutReason) as refused:
        await confirm(uow, AGENCY, made["appraisal_id"], BUDI, uow.clock.today(), rating_hasil_kerja=SESUAI)

    assert isinstance(refused.value, InvalidInput)
    assert uow.appraisals.rows[made["appraisal_id"]].status is Status.PROPOSED
    assert uow.published == [] and uow.commits == commits


async def test_only_the_rosters_appraiser_confirms_and_only_once(uow):
    made = await proposed(uow)
    with pytest.raises(NotPermitted, match="only the employee's appraiser"):
        await confirm(uow, AGENCY, made["appraisal_id"], KADIS, uow.clock.today())
    with pytest.raises(NotFound, match="no such appraisal"):
        await confirm(uow, "dinas-b", made["appraisal_id"], BUDI, uow.clock.today())

    await confirm(uow, AGENCY, made["appraisal_id"], BUDI, uow.clock.today())
    with pytest.raises(WrongState, match="already final"):
        await confirm(uow, AGENCY, made["appraisal_id"], BUDI, uow.clock.today())
    assert len(uow.events(AppraisalCompleted)) == 1


# --- objecting and deciding ----------------------------------------------------------------------


async def final_result(uow) -> str:
    made = await proposed(uow)
    await confirm(uow, AGENCY, made["appraisal_id"], BUDI, uow.clock.today())
    return made["appraisal_id"]


async def test_an_objection_goes_to_the_appraisers_superior_who_changes_the_result(uow):
    appraisal_id = await final_result(uow)
    uow.time.at += timedelta(days=3)

    filed = await file_objection(uow, AGENCY, appraisal_id, ANI, "Gangguan sistem", uow.clock.today())
    assert (filed["status"], filed["superior_nip"]) == ("open", KADIS)
    assert filed["closes_on"] == (uow.clock.today() - timedelta(days=3) + timedelta(days=14)).isoformat()

    decided = await decide_objection(
        uow, AGENCY, filed["objection_id"], KADIS, uow.clock.today(), "changed", "Bukti diterima", SESUAI
    )

    assert decided["status"] == "changed" and decided["decided_by"] == KADIS
    [revised] = uow.events(AppraisalRevised)
    assert (revised.supersedes_appraisal_id, revised.revision, revised.appraisal_id) == (
        appraisal_id,
        2,
        decided["revised_appraisal_id"],
    )
    assert revised.rating_hasil_kerja is SESUAI and revised.summary.weak_values == [BerakhlakValue.HARMONIS]
    assert revised.summary.missed_utama_iki_ids == ["iki-2"]
    original, new = uow.appraisals.rows[appraisal_id], uow.appraisals.rows[revised.appraisal_id]
    assert original.status is Status.SUPERSEDED and new.status is Status.FINAL
    assert (new.revision, new.objection_id, new.appraiser_nip) == (2, filed["objection_id"], BUDI)
    assert uow.objections.rows[filed["objection_id"]].status is ObjectionStatus.CHANGED

    current = await reading.current_appraisal(uow, AGENCY, PERIOD, ANI, None, ANI, False)
    assert [(r["revision"], r["status"]) for r in current["revisions"]] == [(1, "superseded"), (2, "final")]


async def test_an_upheld_objection_keeps_the_result_and_publishes_nothing(uow):
    appraisal_id = await final_result(uow)
    filed = await file_objection(uow, AGENCY, appraisal_id, ANI, "Tidak adil", uow.clock.today())
    with pytest.raises(InvalidInput, match="upheld result keeps its ratings"):
        await decide_objection(uow, AGENCY, filed["objection_id"], KADIS, uow.clock.today(), "upheld", "x", SESUAI)

    decided = await decide_objection(uow, AGENCY, filed["objection_id"], KADIS, uow.clock.today(), "upheld", "Cukup")

    assert decided["status"] == "upheld" and decided["revised_appraisal_id"] is None
    assert uow.events(AppraisalRevised) == []
    assert uow.appraisals.rows[appraisal_id].status is Status.FINAL
    with pytest.raises(WrongState, match=r"already decided \(upheld\)"):
        await decide_objection(uow, AGENCY, filed["objection_id"], KADIS, uow.clock.today(), "upheld", "Lagi")


async def test_only_the_superior_decides_and_a_change_must_change_a_rating(uow):
    appraisal_id = await final_result(uow)
    filed = await file_objection(uow, AGENCY, appraisal_id, ANI, "Tidak adil", uow.clock.today())
    with pytest.raises(NotPermitted, match="superior"):
        await decide_objection(uow, AGENCY, filed["objection_id"], BUDI, uow.clock.today(), "changed", "x", SESUAI)
    with pytest.raises(InvalidInput, match="change at least one rating"):
        await decide_objection(uow, AGENCY, filed["objection_id"], KADIS, uow.clock.today(), "changed", "x", BAWAH)
    assert uow.objections.rows[filed["objection_id"]].status is ObjectionStatus.OPEN


async def test_the_objection_window_closes_after_14_days_by_the_agencys_clock(uow):
    appraisal_id = await final_result(uow)
    final_on = uow.clock.today()
    uow.time.at += timedelta(days=15)

    with pytest.raises(ObjectionClosed) as refused:
        await file_objection(uow, AGENCY, appraisal_id, ANI, "Terlambat", uow.clock.today())

    assert isinstance(refused.value, WrongState)
    assert refused.value.details == {"closed_on": (final_on + timedelta(days=14)).isoformat()}
    assert uow.objections.rows == {}


async def test_objections_are_refused_to_others_before_the_result_is_final_and_twice(uow):
    made = await proposed(uow)
    with pytest.raises(WrongState, match="only a final result"):
        await file_objection(uow, AGENCY, made["appraisal_id"], ANI, "Terlalu cepat", uow.clock.today())
    await confirm(uow, AGENCY, made["appraisal_id"], BUDI, uow.clock.today())
    with pytest.raises(NotFound, match="no such appraisal"):
        await file_objection(uow, AGENCY, made["appraisal_id"], BUDI, "Bukan milik saya", uow.clock.today())

    await file_objection(uow, AGENCY, made["appraisal_id"], ANI, "Pertama", uow.clock.today())
    with pytest.raises(WrongState, match="already filed"):
        await file_objection(uow, AGENCY, made["appraisal_id"], ANI, "Kedua", uow.clock.today())
    page = await objection_page(uow, AGENCY, KADIS, False, None, 10, 0)
    assert [o["reasons"] for o in page["objections"]] == ["Pertama"]


async def test_an_objection_needs_a_superior_on_the_roster(uow):
    appraisal_id = await final_result(uow)
    uow.roster.add_employee(AGENCY, BUDI, appraiser_nip=None)  # Budi's superior left the roster
    with pytest.raises(WrongState, match="no superior"):
        await file_objection(uow, AGENCY, appraisal_id, ANI, "Tidak adil", uow.clock.today())


# --- reading, policy and reports ------------------------------------------------------------------


async def test_an_appraisal_reads_as_missing_to_outsiders(uow):
    made = await proposed(uow)
    assert (await reading.appraisal_by_id(uow, AGENCY, made["appraisal_id"], BUDI, False))["nip"] == ANI
    with pytest.raises(NotFound, match="^no such appraisal$"):
        await reading.appraisal_by_id(uow, AGENCY, made["appraisal_id"], KADIS, False)
    with pytest.raises(NotFound, match="^no such employee$"):
        await reading.employee_inputs(uow, AGENCY, PERIOD, ANI, KADIS, False)
    inputs = await reading.employee_inputs(uow, AGENCY, PERIOD, ANI, BUDI, False)
    assert (inputs["realizations"], inputs["feedback_forms"]) == (3, 1)


async def test_a_team_page_holds_the_appraisers_team_only(uow):
    await proposed(uow)
    assert [
        a["nip"]
        for a in (
            await reading.period_appraisals(
                uow, AGENCY, PERIOD, BUDI, False, kind="annual", checkpoint_id=None, status=None, limit=10, offset=0
            )
        )["appraisals"]
    ] == [ANI]
    empty = await reading.period_appraisals(
        uow, AGENCY, PERIOD, KADIS, False, kind="annual", checkpoint_id=None, status=None, limit=10, offset=0
    )
    assert empty["appraisals"] == [] and empty["next_offset"] is None


async def test_a_policy_change_is_a_new_version_and_an_invalid_one_is_refused(uow):
    with pytest.raises(InvalidPolicy, match="^invalid policy: ") as refused:
        await set_policy(uow, AGENCY, {"peer_weight": 0.9}, KADIS)
    assert isinstance(refused.value, InvalidInput)

    policy, changed = await set_policy(uow, AGENCY, {"met_threshold": 95.0}, KADIS)
    assert changed and policy["version"] == "agency-v1" and policy["set_by"] == KADIS
    _, again = await set_policy(uow, AGENCY, {"met_threshold": 95.0}, KADIS)
    assert not again and len(uow.policies.versions[AGENCY]) == 1
    assert (await read_policy(uow, AGENCY))["parameters"]["met_threshold"] == 95.0


async def test_the_distribution_counts_current_results_per_unit(uow):
    uow.roster.add_unit(AGENCY, "bidang", name="Bidang Umum")
    uow.roster.add_employee(AGENCY, ANI, appraiser_nip=BUDI, unit_id="bidang")
    await proposed(uow)

    report = await reports.distribution(uow, AGENCY, PERIOD, include_proposals=True)

    assert [(u["unit_id"], u["name"], u["total"], u["proposed"]) for u in report["units"]] == [
        ("bidang", "Bidang Umum", 1, 1)
    ]
    assert (await reports.distribution(uow, AGENCY, PERIOD, include_proposals=False))["agency"]["total"] == 0
    with pytest.raises(NotFound, match="no such work unit"):
        await reports.calibration(uow, AGENCY, PERIOD, "baik", "nowhere", True)


async def test_the_distribution_exports_as_a_workbook_with_its_calibration_sheet(uow):
    import io

    import openpyxl

    uow.roster.add_unit(AGENCY, "bidang", name="Bidang Umum")
    uow.roster.add_employee(AGENCY, ANI, appraiser_nip=BUDI, unit_id="bidang")
    made = await proposed(uow)
    predikat = made["proposed"]["predikat"]

    data = await reports.distribution_workbook(uow, AGENCY, PERIOD, True, OrganisationPredikat.BAIK, None)

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Sebaran Predikat", "Kalibrasi"]
    rows = list(book["Sebaran Predikat"].iter_rows(values_only=True))
    assert rows[0][0] == "Sebaran Predikat Kinerja Pegawai 2025" and rows[2][:2] == ("Periode", PERIOD)
    header = [r[0] for r in rows].index("ID unit")
    labels = [p.label for p in Predikat]
    assert rows[header] == ("ID unit", "Unit kerja", "Jumlah pegawai", "Masih usulan", *labels)
    counts = tuple(1 if p.value == predikat else 0 for p in Predikat)
    assert rows[header + 1] == ("bidang", "Bidang Umum", 1, 1, *counts)
    assert rows[header + 2] == (None, "Seluruh instansi", 1, 1, *counts)
    check = list(book["Kalibrasi"].iter_rows(values_only=True))
    assert ("Predikat organisasi", "Baik") in [r[:2] for r in check] and ("Jumlah hasil", 1) in [r[:2] for r in check]
    bounds = check[[r[0] for r in check].index("Predikat") + 1 :]
    assert bounds[0][:3] == ("Baik", "paling banyak", 70) and bounds[0][-1] in ("ya", "tidak")

    only = openpyxl.load_workbook(
        io.BytesIO(await reports.distribution_workbook(uow, AGENCY, PERIOD, False, None, None))
    )
    assert only.sheetnames == ["Sebaran Predikat"]
    with pytest.raises(NotFound):
        await reports.distribution_workbook(uow, AGENCY, "1999", True, None, None)


async def test_the_objection_window_counts_the_agencys_own_days_as_the_routes_see_them(uow):
    """Jayapura (WIT): the routes fix no day (``today=None``), so confirming and objecting count
    the agency's own date. Confirmed at 01:30 WIT on 2 June (23:30 WIB on 1 June), the result is
    final on 2 June and objections close on 16 June there: at 00:30 WIT on 17 June (still 16
    June in WIB) the window is closed."""
    uow.roster.add_agency(AGENCY, "Asia/Jayapura")
    made = await proposed(uow)
    uow.time.at = datetime(2026, 6, 1, 16, 30, tzinfo=UTC)
    final = await confirm(uow, AGENCY, made["appraisal_id"], BUDI, None)
    assert final["final_on"] == "2026-06-02"

    uow.time.at = datetime(2026, 6, 16, 15, 30, tzinfo=UTC)
    with pytest.raises(ObjectionClosed) as refused:
        await file_objection(uow, AGENCY, made["appraisal_id"], ANI, "Terlambat", None)
    assert refused.value.details == {"closed_on": "2026-06-16"}

    uow.time.at = datetime(2026, 6, 16, 14, 30, tzinfo=UTC)  # 23:30 WIT on 16 June, the last day
    filed = await file_objection(uow, AGENCY, made["appraisal_id"], ANI, "Tepat waktu", None)
    assert (filed["filed_on"], filed["closes_on"]) == ("2026-06-16", "2026-06-16")
