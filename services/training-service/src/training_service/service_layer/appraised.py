"""One appraisal (revision) as training-service needs it, from either appraisal event."""

from dataclasses import dataclass
from datetime import datetime

from kinerja_contracts import AppraisalCompleted, AppraisalRevised
from kinerja_contracts.appraisal import AppraisalSummary
from kinerja_contracts.vocabulary import Ekspektasi, Predikat, RhkKind

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
    summary = event.summary
    return AppraisalOutcome(
        nip=event.nip,
        predikat=event.predikat,
        weak_values=tuple(p.value for p in summary.perilaku if p.level is Ekspektasi.DI_BAWAH),
        missed_indikator=tuple(
            MissedIndikator(i.iki_id, i.aspect, i.description)
            for i in summary.indikator
            if not i.met and i.rhk_kind is RhkKind.UTAMA
        ),
    )
