"""One appraisal (revision) as training-service needs it, from either appraisal event, and
the development gaps it names."""

from dataclasses import dataclass
from datetime import datetime

from kinerja_contracts import AppraisalCompleted, AppraisalRevised
from kinerja_contracts.appraisal import AppraisalSummary, IndikatorResult
from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, Predikat, RhkKind

from training_service.domain import AppraisalOutcome, MissedIndikator


@dataclass(frozen=True)
class Appraised:
    """What both appraisal events tell about one appraisal (revision)."""

    agency_id: str
    period_id: str
    nip: str
    appraisal_id: str
    predikat: Predikat
    summary: AppraisalSummary
    kind: str
    checkpoint_id: str | None
    revision: int
    supersedes_appraisal_id: str | None
    appraiser_nip: str | None
    at: datetime

    @classmethod
    def completed(cls, e: AppraisalCompleted) -> "Appraised":
        return cls(
            e.agency_id,
            e.period_id,
            e.nip,
            e.appraisal_id,
            e.predikat,
            e.summary,
            e.kind,
            e.checkpoint_id,
            e.revision,
            None,
            e.appraiser_nip,
            e.completed_at,
        )

    @classmethod
    def revised(cls, e: AppraisalRevised) -> "Appraised":
        return cls(
            e.agency_id,
            e.period_id,
            e.nip,
            e.appraisal_id,
            e.predikat,
            e.summary,
            e.kind,
            e.checkpoint_id,
            e.revision,
            e.supersedes_appraisal_id,
            None,
            e.revised_at,
        )

    @property
    def is_revision(self) -> bool:
        return self.revision > 1 or self.supersedes_appraisal_id is not None


def outcome_of(event: AppraisalCompleted | AppraisalRevised | Appraised) -> AppraisalOutcome:
    """The gaps the appraisal names, as its summary states them (``weak_values``,
    ``missed_utama_iki_ids``; the details of a missed indicator from its ``indikator`` entry):
    the appraisal's rule decides what is a gap, training does not decide it again."""
    summary = event.summary
    if summary.weak_values is None or summary.missed_utama_iki_ids is None:
        derived_weak, derived_missed = gaps_of_a_summary_without_them(summary)
    weak_values = derived_weak if summary.weak_values is None else tuple(summary.weak_values)
    if summary.missed_utama_iki_ids is None:
        missed = derived_missed
    else:
        listed = set(summary.missed_utama_iki_ids)
        missed = tuple(_missed(i) for i in summary.indikator if i.iki_id in listed)
    return AppraisalOutcome(nip=event.nip, predikat=event.predikat, weak_values=weak_values, missed_indikator=missed)


def _missed(indikator: IndikatorResult) -> MissedIndikator:
    return MissedIndikator(indikator.iki_id, indikator.aspect, indikator.description)


def gaps_of_a_summary_without_them(
    summary: AppraisalSummary,
) -> tuple[tuple[BerakhlakValue, ...], tuple[MissedIndikator, ...]]:
    """The gaps of a summary made before it carried ``weak_values`` / ``missed_utama_iki_ids``
    (null then), derived as training did before those fields existed: values rated below
    expectations, and utama indicators not met.

    Why it is still here: such events live on in the topics (a replay of an old topic, a
    producer not upgraded yet) and must still make the plans they made. A summary carrying the
    fields is never derived again here, so the appraisal's rule stays in appraisal-service.
    """
    return (
        tuple(p.value for p in summary.perilaku if p.level is Ekspektasi.DI_BAWAH),
        tuple(_missed(i) for i in summary.indikator if not i.met and i.rhk_kind is RhkKind.UTAMA),
    )
