from datetime import UTC, datetime
from itertools import count

import pytest
from kinerja_contracts.vocabulary import Aspect, RhkKind
from kinerja_runtime.refusals import InvalidInput, NotPermitted, WrongState
from target_service.domain.errors import UnknownIndicator
from target_service.domain.skp import IndikatorDraft, RhkDraft, Skp, SkpStatus, plan_rhk

OWNER, APPRAISER, OTHER = "198503122010012002", "197801012005011001", "199001012015012001"
NOW = datetime(2025, 2, 1, tzinfo=UTC)


def ids():
    n = count(1)
    return lambda: f"id{next(n)}"


def iki(aspect=Aspect.KUANTITAS, target=12.0, better=None):
    return IndikatorDraft(aspect, "Dokumen analisis jabatan", target, "dokumen", better)


def rhk(kind=RhkKind.UTAMA, *indikator):
    return RhkDraft(kind, "Tersusunnya analisis jabatan", tuple(indikator) if indikator else (iki(),))


def new_skp():
    return Skp.draft("skp1", "a1", "p1", OWNER, plan_rhk([rhk(), rhk(RhkKind.TAMBAHAN)], ids()))


def test_plan_gives_ids_and_defaults_lower_is_better_for_time_and_cost():
    rows = plan_rhk(
        [
            rhk(
                RhkKind.UTAMA,
                iki(Aspect.WAKTU, 14),
                iki(Aspect.BIAYA, 5),
                iki(Aspect.KUALITAS, 100),
                iki(Aspect.WAKTU, 7, better=True),
            )
        ],
        ids(),
    )
    assert [i.higher_is_better for i in rows[0].indikator] == [False, False, True, True]
    assert [rows[0].rhk_id, *(i.iki_id for i in rows[0].indikator)] == ["id5", "id1", "id2", "id3", "id4"]


@pytest.mark.parametrize(
    ("drafts", "reason"),
    [
        ([], "at least one RHK utama"),
        ([rhk(RhkKind.TAMBAHAN)], "at least one RHK utama"),
        ([RhkDraft(RhkKind.UTAMA, "Tanpa indikator", ())], "at least one IKI"),
        ([rhk(RhkKind.UTAMA, iki(target=0))], "greater than 0"),
        ([rhk(RhkKind.UTAMA, iki(target=-3))], "greater than 0"),
        ([rhk(RhkKind.UTAMA, iki(target=float("nan")))], "greater than 0"),
    ],
)
def test_plan_rules(drafts, reason):
    with pytest.raises(InvalidInput, match=reason):
        plan_rhk(drafts)


def test_lifecycle_draft_submit_return_revise_resubmit_approve():
    s = new_skp()
    assert s.status is SkpStatus.DRAFT and s.version is None
    s.submit(OWNER)
    with pytest.raises(WrongState):
        s.edit(OWNER, plan_rhk([rhk()]))
    s.return_for_revision(APPRAISER, APPRAISER, "Tambahkan target kualitas")
    assert (s.status, s.latest.notes) == (SkpStatus.RETURNED, "Tambahkan target kualitas")
    s.edit(OWNER, plan_rhk([rhk(RhkKind.UTAMA, iki(), iki(Aspect.KUALITAS, 100))]))
    assert s.status is SkpStatus.DRAFT and len(s.latest.rhk[0].indikator) == 2
    s.submit(OWNER)
    assert s.approve(APPRAISER, APPRAISER, NOW) is None  # nothing superseded
    v = s.in_force
    assert (s.status, s.version, v.approved_by, v.approved_at, v.notes) == (SkpStatus.APPROVED, 1, APPRAISER, NOW, None)
    with pytest.raises(WrongState):
        s.submit(OWNER)
    with pytest.raises(WrongState):
        s.approve(APPRAISER, APPRAISER, NOW)


def test_returned_skp_may_be_resubmitted_unchanged():
    s = new_skp()
    s.submit(OWNER)
    s.return_for_revision(APPRAISER, APPRAISER, "Periksa lagi")
    s.submit(OWNER)
    assert s.status is SkpStatus.SUBMITTED


def test_only_the_owner_edits_and_submits():
    s = new_skp()
    with pytest.raises(NotPermitted, match="only the employee"):
        s.submit(APPRAISER)
    with pytest.raises(NotPermitted):
        s.edit(OTHER, plan_rhk([rhk()]))


def test_only_the_appraiser_approves_or_returns():
    s = new_skp()
    with pytest.raises(WrongState, match="only a submitted SKP"):
        s.approve(APPRAISER, APPRAISER, NOW)
    s.submit(OWNER)
    with pytest.raises(NotPermitted, match="appraiser"):
        s.approve(OTHER, APPRAISER, NOW)
    with pytest.raises(NotPermitted, match="own SKP"):
        s.approve(OWNER, OWNER, NOW)
    with pytest.raises(NotPermitted, match="no appraiser"):
        s.approve(APPRAISER, None, NOW)
    with pytest.raises(NotPermitted):
        s.return_for_revision(OTHER, APPRAISER, "x")
    with pytest.raises(InvalidInput, match="notes"):
        s.return_for_revision(APPRAISER, APPRAISER, "  ")


def test_realisation_rules():
    s = new_skp()
    iki_id = s.latest.rhk[0].indikator[0].iki_id
    with pytest.raises(WrongState, match="approved SKP"):
        s.check_realization(OWNER, APPRAISER, False, iki_id, 3)
    s.submit(OWNER)
    s.approve(APPRAISER, APPRAISER, NOW)
    assert s.check_realization(OWNER, APPRAISER, False, iki_id, 0).iki_id == iki_id
    assert s.check_realization(APPRAISER, APPRAISER, False, iki_id, 3)
    assert s.check_realization(OTHER, APPRAISER, True, iki_id, 3)  # HR
    with pytest.raises(NotPermitted):
        s.check_realization(OTHER, APPRAISER, False, iki_id, 3)
    with pytest.raises(UnknownIndicator):
        s.check_realization(OWNER, APPRAISER, False, "nope", 3)
    with pytest.raises(InvalidInput, match="0 or more"):
        s.check_realization(OWNER, APPRAISER, False, iki_id, -1)


# --- revisions: version n+1 while version n stays in force ------------------------------
def approved_skp():
    s = new_skp()
    s.submit(OWNER)
    s.approve(APPRAISER, APPRAISER, NOW)
    return s


def test_a_revision_is_version_n_plus_1_and_version_n_stays_in_force_until_approved():
    s = approved_skp()
    first = s.in_force
    kept = first.rhk[0]
    later = datetime(2025, 7, 1, tzinfo=UTC)
    revised_plan = plan_rhk(
        [
            RhkDraft(
                RhkKind.UTAMA,
                "Tersusunnya analisis jabatan",
                (IndikatorDraft(Aspect.KUANTITAS, "Dokumen", 15, "dokumen", iki_id=kept.indikator[0].iki_id),),
                rhk_id=kept.rhk_id,
            )
        ],
        ids(),
        keep=first.rhk,
    )
    with pytest.raises(NotPermitted):
        s.start_revision(APPRAISER, revised_plan, "Target naik")
    with pytest.raises(InvalidInput, match="reason"):
        s.start_revision(OWNER, revised_plan, " ")
    revision = s.start_revision(OWNER, revised_plan, "Target naik setelah APBD-P")
    assert (revision.number, revision.status, s.pending_revision) == (2, SkpStatus.DRAFT, revision)
    assert (s.version, s.in_force, s.status) == (1, first, SkpStatus.APPROVED)  # version 1 still in force
    assert s.indikator(kept.indikator[0].iki_id).target == 12  # realisation uses version 1's target
    with pytest.raises(WrongState, match="only an approved SKP can be revised"):
        s.start_revision(OWNER, revised_plan, "lagi")

    s.submit(OWNER)
    s.return_for_revision(APPRAISER, APPRAISER, "Sertakan dasar perubahan")
    assert s.version == 1 and s.latest.notes == "Sertakan dasar perubahan"
    s.submit(OWNER)
    assert s.approve(APPRAISER, APPRAISER, later) == 1  # supersedes version 1
    assert (s.version, s.in_force.reason, s.pending_revision) == (2, "Target naik setelah APBD-P", None)
    assert [v.number for v in s.versions] == [1, 2] and s.versions[0].rhk == first.rhk  # history kept
    assert s.in_force.rhk[0].rhk_id == kept.rhk_id  # kept RHK: subordinates' links still hold
    assert s.indikator(kept.indikator[0].iki_id).target == 15


def test_a_revision_may_keep_only_ids_of_this_skp():
    s = approved_skp()
    with pytest.raises(InvalidInput, match="rhk_id: elsewhere is not one of this SKP's ids"):
        plan_rhk([RhkDraft(RhkKind.UTAMA, "x", (iki(),), rhk_id="elsewhere")], keep=s.in_force.rhk)
    other_rhk = s.in_force.rhk[1]
    with pytest.raises(InvalidInput, match="iki_id"):
        plan_rhk(
            [
                RhkDraft(
                    RhkKind.UTAMA,
                    "x",
                    (IndikatorDraft(Aspect.KUANTITAS, "d", 1, "u", iki_id=other_rhk.indikator[0].iki_id),),
                    rhk_id=s.in_force.rhk[0].rhk_id,
                )
            ],
            keep=s.in_force.rhk,
        )
    rhk_id = s.in_force.rhk[0].rhk_id
    with pytest.raises(InvalidInput, match="given twice"):
        plan_rhk(
            [
                RhkDraft(RhkKind.UTAMA, "x", (iki(),), rhk_id=rhk_id),
                RhkDraft(RhkKind.UTAMA, "y", (iki(),), rhk_id=rhk_id),
            ],
            keep=s.in_force.rhk,
        )


def test_feedback_is_the_appraisers_on_an_rhk_in_force():
    s = new_skp()
    rhk_id = s.latest.rhk[0].rhk_id
    with pytest.raises(WrongState, match="approved SKP"):
        s.check_feedback(APPRAISER, APPRAISER, rhk_id, "Bagus")
    s.submit(OWNER)
    s.approve(APPRAISER, APPRAISER, NOW)
    assert s.check_feedback(APPRAISER, APPRAISER, rhk_id, "Pertahankan").rhk_id == rhk_id
    with pytest.raises(NotPermitted):
        s.check_feedback(OWNER, APPRAISER, rhk_id, "Saya bagus")
    with pytest.raises(UnknownIndicator):
        s.check_feedback(APPRAISER, APPRAISER, "nope", "x")
