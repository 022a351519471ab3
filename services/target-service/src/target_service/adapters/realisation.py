"""Recorded realisations and the appraiser's feedback notes of an SKP."""

from kinerja_runtime.db import Executor
from kinerja_runtime.deferred import AtCommit
from sqlalchemy import bindparam, select

from target_service.adapters.orm import realizations, rhk_feedback

_REALISATIONS_OF_SKP = (
    select(
        realizations.c.realization_id,
        realizations.c.iki_id,
        realizations.c.checkpoint_id,
        realizations.c.value,
        realizations.c.evidence,
        realizations.c.recorded_by,
        realizations.c.recorded_at,
    )
    .where(realizations.c.skp_id == bindparam("skp_id"))
    .order_by(realizations.c.recorded_at, realizations.c.realization_id)
)
_FEEDBACK_OF_SKP = (
    select(
        rhk_feedback.c.feedback_id,
        rhk_feedback.c.rhk_id,
        rhk_feedback.c.checkpoint_id,
        rhk_feedback.c.note,
        rhk_feedback.c.given_by,
        rhk_feedback.c.given_at,
    )
    .where(rhk_feedback.c.skp_id == bindparam("skp_id"))
    .order_by(rhk_feedback.c.given_at, rhk_feedback.c.feedback_id)
)


class RealisationRepository:
    """Realisations per IKI (and checkpoint), as recorded; each a dict of the columns shown."""

    def __init__(self, session: Executor, at_commit: AtCommit):
        self.session = session
        self._at_commit = at_commit

    async def add(self, agency_id: str, skp_id: str, realization: dict) -> None:
        """With the commit, in one statement with its event and access-log entry
        (kinerja_runtime.deferred): recording a realisation is the year's most frequent write."""
        self._at_commit(realizations, [{"agency_id": agency_id, "skp_id": skp_id, **realization}])

    async def of_skp(self, skp_id: str) -> list[dict]:
        rows = await self.session.execute(_REALISATIONS_OF_SKP, {"skp_id": skp_id})
        return [dict(row._mapping) for row in rows]


class FeedbackRepository:
    """The appraiser's notes per RHK (umpan balik berkelanjutan); each a dict of the columns shown."""

    def __init__(self, session: Executor, at_commit: AtCommit):
        self.session = session
        self._at_commit = at_commit

    async def add(self, agency_id: str, skp_id: str, feedback: dict) -> None:
        self._at_commit(rhk_feedback, [{"agency_id": agency_id, "skp_id": skp_id, **feedback}])

    async def of_skp(self, skp_id: str) -> list[dict]:
        rows = await self.session.execute(_FEEDBACK_OF_SKP, {"skp_id": skp_id})
        return [dict(row._mapping) for row in rows]
