"""The proposal's summary, built as a plain dict for speed, is exactly what the contract's
AppraisalSummary reads and writes back."""

from appraisal_service.domain import FeedbackAnswer, IndikatorInput, propose, publishable, summary_of
from kinerja_contracts import AppraisalSummary
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, FeedbackSource, RhkKind


def test_the_summary_round_trips_through_the_contract():
    indikator = [
        IndikatorInput("iki-1", "rhk-1", RhkKind.UTAMA, Aspect.KUANTITAS, "Layanan", 100.0, True, 120.0),
        IndikatorInput("iki-2", "rhk-2", RhkKind.TAMBAHAN, Aspect.WAKTU, "Hari", 10.0, False, None),
    ]
    answers = [FeedbackAnswer(FeedbackSource.APPRAISER, v, Ekspektasi.DI_ATAS) for v in BerakhlakValue]
    # One peer answer on Harmonis: that value is withheld, and the summary still validates.
    answers.append(FeedbackAnswer(FeedbackSource.PEER, BerakhlakValue.HARMONIS, Ekspektasi.DI_BAWAH, "r1"))
    for citizens in (None, -0.5):
        proposed = propose(indikator, answers, citizen_service_score=citizens)
        summary = summary_of(proposed, publishable(proposed, answers), 2, citizens)
        assert summary["perilaku_withheld"] == ["harmonis"]
        assert AppraisalSummary.model_validate(summary).model_dump(mode="json") == summary
