"""The Appraisal aggregate: proposed -> final -> superseded, who may take each step, and the
events each step returns (with the summary's development gaps)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from appraisal_service.domain import (
    DEFAULT_POLICY,
    Appraisal,
    FeedbackAnswer,
    IndikatorInput,
    ObjectionClosed,
    ObjectionStatus,
    Outcome,
    OverrideWithoutReason,
    Status,
    Target,
    UnitResult,
    propose,
    publishable,
    with_gaps,
)
from kinerja_contracts import AppraisalCompleted, AppraisalRevised
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, FeedbackSource, Predikat, RhkKind
from kinerja_runtime.refusals import InvalidInput, NotPermitted, WrongState

KEY = ("dinas-a", "2025", "199001012015012001")
APPRAISER, SUPERIOR = "197801012005011001", "198808082012121002"
NOW = datetime(2026, 1, 30, 2, tzinfo=UTC)
TODAY = date(2026, 1, 30)
ATAS, SESUAI, BAWAH = Ekspektasi.DI_ATAS, Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH


def proposal(*, unit: UnitResult | None = None, peers: int = 0) -> Appraisal:
    """iki-1 met, iki-2 missed (both utama), tambahan iki-3 missed; the appraiser rates Harmonis
    di bawah; ``peers`` peer answers rate Adaptif di bawah (withheld under three)."""
    indikator = [
        IndikatorInput("iki-1", "rhk-1", RhkKind.UTAMA, Aspect.KUANTITAS, "Layanan", 100.0, True, 120.0),
        IndikatorInput("iki-2", "rhk-2", RhkKind.UTAMA, Aspect.KUALITAS, "Mutu", 100.0, True, 50.0),
        IndikatorInput("iki-3", "rhk-3", RhkKind.TAMBAHAN, Aspect.WAKTU, "Ekstra", 100.0, True, 10.0),
    ]
    answers = [
        FeedbackAnswer(FeedbackSource.APPRAISER, v, BAWAH if v is BerakhlakValue.HARMONIS else SESUAI)
        for v in BerakhlakValue
    ]
    answers += [FeedbackAnswer(FeedbackSource.PEER, BerakhlakValue.ADAPTIF, BAWAH, "r1") for _ in range(peers)]
    proposed = propose(indikator, answers)
    return Appraisal.propose(
        "apr-1",
        KEY,
        proposed,
        publishable(proposed, answers),
        DEFAULT_POLICY,
        target=Target(*KEY, "skp-1", 2, []),
        realizations=3,
        forms=1 + peers,
        citizens=None,
        unit=unit,
        checkpoint=None,
        now=NOW,
    )


def final() -> Appraisal:
    appraisal = proposal()
    appraisal.confirm(APPRAISER, APPRAISER, today=TODAY, now=NOW)
    return appraisal


def test_a_proposal_keeps_the_evidence_and_the_development_gaps():
    appraisal = proposal()
    assert appraisal.status is Status.PROPOSED and appraisal.revision == 1
    assert (appraisal.kind, appraisal.scope, appraisal.checkpoint_id) == ("annual", "annual", None)
    assert appraisal.proposed_rating_hasil_kerja == BAWAH.value  # (120 + 50) / 2 = 85
    assert appraisal.summary["weak_values"] == ["harmonis"]
    assert appraisal.summary["missed_utama_iki_ids"] == ["iki-2"], "a missed tambahan IKI is no gap"
    assert appraisal.explanation["hasil_kerja"]["basis"] == "own"


def test_a_withheld_values_level_is_no_published_gap():
    appraisal = proposal(peers=2)  # two peers rated Adaptif di bawah: withheld, so unknown to readers
    assert "adaptif" in appraisal.summary["perilaku_withheld"]
    assert appraisal.summary["weak_values"] == ["harmonis"]


def test_a_head_of_unit_is_proposed_the_units_result():
    unit = UnitResult(("bidang",), (("198501012010011001", 112.0),), 112.0, ATAS)
    appraisal = proposal(unit=unit)
    assert (appraisal.proposed_rating_hasil_kerja, appraisal.proposed_predikat) == (ATAS.value, Predikat.BAIK.value)
    assert appraisal.explanation["hasil_kerja"]["basis"] == "unit"


def test_confirming_makes_the_result_final_and_returns_appraisal_completed():
    appraisal = proposal()
    completed = appraisal.confirm(APPRAISER, APPRAISER, today=TODAY, now=NOW)

    assert isinstance(completed, AppraisalCompleted)
    assert (appraisal.status, appraisal.final_on, appraisal.appraiser_nip) == (Status.FINAL, TODAY, APPRAISER)
    assert (completed.rating_hasil_kerja, completed.rating_perilaku) == (BAWAH, SESUAI)
    assert completed.predikat is Predikat.BUTUH_PERBAIKAN and completed.override_reason is None
    assert completed.summary.weak_values == [BerakhlakValue.HARMONIS]
    assert completed.summary.missed_utama_iki_ids == ["iki-2"]


def test_only_the_appraiser_confirms_a_proposal_once():
    appraisal = proposal()
    with pytest.raises(NotPermitted):
        appraisal.confirm(SUPERIOR, APPRAISER, today=TODAY, now=NOW)
    with pytest.raises(NotPermitted):
        appraisal.confirm(APPRAISER, None, today=TODAY, now=NOW)  # off the roster: nobody appraises them
    appraisal.confirm(APPRAISER, APPRAISER, today=TODAY, now=NOW)
    with pytest.raises(WrongState, match="already final"):
        appraisal.confirm(APPRAISER, APPRAISER, today=TODAY, now=NOW)


def test_an_override_needs_a_reason():
    appraisal = proposal()
    with pytest.raises(OverrideWithoutReason) as refused:
        appraisal.override(APPRAISER, APPRAISER, reason="  ", today=TODAY, now=NOW, rating_hasil_kerja=SESUAI)
    assert isinstance(refused.value, InvalidInput) and appraisal.status is Status.PROPOSED

    completed = appraisal.override(
        APPRAISER, APPRAISER, reason="Beban kerja naik", today=TODAY, now=NOW, rating_hasil_kerja=SESUAI
    )
    assert (completed.rating_hasil_kerja, completed.predikat) == (SESUAI, Predikat.BAIK)
    assert completed.override_reason == "Beban kerja naik" and appraisal.confirm_reason == "Beban kerja naik"


def test_an_objection_is_to_a_final_first_result_within_14_days():
    with pytest.raises(WrongState, match="only a final result"):
        proposal().object("obj-1", "x", superior_nip=SUPERIOR, today=TODAY, now=NOW)

    appraisal = final()
    objection = appraisal.object("obj-1", "Gangguan", superior_nip=SUPERIOR, today=TODAY + timedelta(days=14), now=NOW)
    assert (objection.status, objection.superior_nip, objection.appraisal_id) == (
        ObjectionStatus.OPEN,
        SUPERIOR,
        "apr-1",
    )
    with pytest.raises(ObjectionClosed) as refused:
        appraisal.object("obj-2", "x", superior_nip=SUPERIOR, today=TODAY + timedelta(days=15), now=NOW)
    assert isinstance(refused.value, WrongState) and refused.value.details == {"closed_on": "2026-02-13"}


def test_a_changed_decision_supersedes_the_result_with_a_final_revision():
    appraisal = final()
    objection = appraisal.object("obj-1", "Gangguan", superior_nip=SUPERIOR, today=TODAY, now=NOW)
    later = NOW + timedelta(days=2)

    revised, events = appraisal.decide(
        objection,
        SUPERIOR,
        Outcome.CHANGED,
        "Bukti diterima",
        revised_id="apr-2",
        today=TODAY + timedelta(days=2),
        now=later,
        rating_hasil_kerja=SESUAI,
    )

    assert appraisal.status is Status.SUPERSEDED
    assert revised is not None and revised.status is Status.FINAL
    assert (revised.appraisal_id, revised.revision, revised.supersedes_appraisal_id, revised.objection_id) == (
        "apr-2",
        2,
        "apr-1",
        "obj-1",
    )
    assert (revised.rating_hasil_kerja, revised.confirm_reason, revised.appraiser_nip) == (
        SESUAI.value,
        "Bukti diterima",
        APPRAISER,
    )
    [event] = events
    assert isinstance(event, AppraisalRevised)
    assert (event.appraisal_id, event.supersedes_appraisal_id, event.decided_by, event.revised_at) == (
        "apr-2",
        "apr-1",
        SUPERIOR,
        later,
    )
    assert event.summary.missed_utama_iki_ids == ["iki-2"]
    assert (objection.status, objection.revised_appraisal_id) == (ObjectionStatus.CHANGED, "apr-2")
    # The superior's decision is final: the revision takes no objection, the original no second revision.
    with pytest.raises(WrongState, match="superior's decision"):
        revised.may_object(TODAY + timedelta(days=2))
    with pytest.raises(WrongState, match="no longer the current one"):
        appraisal.supersede("apr-3", objection, revised_ratings_of(revised), today=TODAY, now=later)


def revised_ratings_of(appraisal: Appraisal):
    from appraisal_service.domain import FinalRatings

    return FinalRatings(Ekspektasi(appraisal.rating_hasil_kerja), SESUAI, Predikat.BAIK, True, "again")


def test_an_upheld_decision_keeps_the_result_and_returns_no_event():
    appraisal = final()
    objection = appraisal.object("obj-1", "Gangguan", superior_nip=SUPERIOR, today=TODAY, now=NOW)
    with pytest.raises(NotPermitted):
        appraisal.decide(objection, APPRAISER, Outcome.UPHELD, "x", revised_id="apr-2", today=TODAY, now=NOW)
    with pytest.raises(InvalidInput, match="upheld result keeps its ratings"):
        appraisal.decide(
            objection, SUPERIOR, Outcome.UPHELD, "x", revised_id="apr-2", today=TODAY, now=NOW, rating_perilaku=ATAS
        )

    revised, events = appraisal.decide(
        objection, SUPERIOR, Outcome.UPHELD, "Cukup", revised_id="apr-2", today=TODAY, now=NOW
    )

    assert (revised, events, appraisal.status) == (None, [], Status.FINAL)
    assert (objection.status, objection.revised_appraisal_id) == (ObjectionStatus.UPHELD, None)
    with pytest.raises(WrongState, match="already decided"):
        appraisal.decide(objection, SUPERIOR, Outcome.UPHELD, "x", revised_id="apr-3", today=TODAY, now=NOW)


def test_a_summary_stored_before_the_gaps_were_kept_gets_them_by_the_same_rule():
    stored = {
        "indikator": [
            {"iki_id": "a", "rhk_kind": "utama", "met": False},
            {"iki_id": "b", "rhk_kind": "utama", "met": True},
            {"iki_id": "c", "rhk_kind": "tambahan", "met": False},
        ],
        "perilaku": [
            {"value": "harmonis", "level": "di_bawah_ekspektasi", "answers": 1},
            {"value": "loyal", "level": "sesuai_ekspektasi", "answers": 1},
        ],
    }
    assert with_gaps(stored) == {**stored, "weak_values": ["harmonis"], "missed_utama_iki_ids": ["a"]}
    kept = {**stored, "weak_values": [], "missed_utama_iki_ids": []}
    assert with_gaps(kept) is kept


async def test_the_fake_projection_takes_the_handlers_writes_as_the_real_one_does():
    """The fast tier's projections accept what the event handlers write: a form sent again
    replaces its answers, a citizen's answer delivered twice counts once."""
    from appraisal_fakes import FakeProjections

    projections, key = FakeProjections(), ("dinas", "2026", "198503122010011002")
    form = {
        "feedback_id": "f-1",
        "agency_id": key[0],
        "period_id": key[1],
        "nip": key[2],
        "source": "peer",
        "ratings": {"adaptif": "sesuai_ekspektasi"},
        "checkpoint_id": None,
        "round_id": "r-1",
    }
    await projections.put_feedback([form])
    await projections.put_feedback(
        [{**form, "ratings": {"adaptif": "di_atas_ekspektasi", "loyal": "sesuai_ekspektasi"}}]
    )
    rating = {"answer_id": "c-1", "agency_id": key[0], "period_id": key[1], "officer_nip": key[2], "mean_score": 4.0}
    await projections.add_citizen_ratings([rating, rating])
    evidence = (await projections.evidence_of([key]))[key]
    assert evidence.forms == 1 and sorted(a.value.value for a in evidence.answers) == ["adaptif", "loyal"]
    assert evidence.citizen_score == 1.0
