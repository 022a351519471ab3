"""appraisal-service's projections of other services' events (targets, realisations, feedback
answers, citizens' ratings): the handlers' set-based writes and the reads that turn them into
the inputs the pure appraisal rules need.

``checkpoint`` narrows a read to one periodic checkpoint (realisations and feedback tagged
with its id, citizen answers dated inside it); None reads the whole year. The bulk reads cost
one statement per kind for a whole batch of employees.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo

from kinerja_contracts.vocabulary import BerakhlakValue, Ekspektasi, FeedbackSource
from kinerja_runtime import bulk
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters.orm import citizen_ratings, feedback_answers, realizations, targets
from appraisal_service.domain import Checkpoint, Evidence, FeedbackAnswer, Key, Realized, Target

__all__ = ["CHUNK", "ProjectionRepository", "chunks", "keyed"]

_SOURCES = {s.value: s for s in FeedbackSource}
_VALUES = {v.value: v for v in BerakhlakValue}
_LEVELS = {e.value: e for e in Ekspektasi}
_answer = tuple.__new__

# Keys or ids per statement at most: a whole agency's members (a head of agency's unit) stays
# one statement, far below the driver's bound on parameters (32,767 on PostgreSQL).
CHUNK = 10_000


def keyed(table, keys: Iterable[Key], nip_column: str = "nip"):
    """The rows of ``keys`` ((agency, period, nip) triples), one index range per agency and period."""
    return bulk.keyed_in(table, ["agency_id", "period_id", nip_column], keys)


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ProjectionRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    # --- the handlers' writes: a whole batch in one statement ------------------------------

    async def put_targets(self, rows: list[dict]) -> None:
        """The highest version wins, whether the versions meet in one batch or a redelivered older
        one arrives later (``rows`` in version order: per employee the last one is kept)."""
        await bulk.upsert(
            self._session,
            targets,
            rows,
            ["agency_id", "period_id", "nip"],
            where=lambda table, excluded: excluded.version >= table.c.version,
        )

    async def add_realizations(self, rows: list[dict]) -> None:
        await bulk.insert_new(self._session, realizations, rows, ["realization_id"])

    async def put_feedback(self, rows: list[dict]) -> None:
        """The latest ``submitted_at`` of a form wins (``rows`` in submission order); a form
        projected before submission times were kept is replaced by any."""
        await bulk.upsert(
            self._session,
            feedback_answers,
            rows,
            ["feedback_id"],
            update=["ratings", "submitted_at", "round_id"],
            where=lambda table, excluded: or_(
                table.c.submitted_at.is_(None), excluded.submitted_at >= table.c.submitted_at
            ),
        )

    async def add_citizen_ratings(self, rows: list[dict]) -> None:
        await bulk.insert_new(self._session, citizen_ratings, rows, ["answer_id"])

    # --- one employee ------------------------------------------------------------------------

    async def nips_with_targets(self, agency_id: str, period_id: str) -> list[str]:
        """The employees with an approved SKP in the period, in NIP order."""
        return list(
            await self._session.scalars(
                select(targets.c.nip)
                .where(targets.c.agency_id == agency_id, targets.c.period_id == period_id)
                .order_by(targets.c.nip)
            )
        )

    async def target_of(self, agency_id: str, period_id: str, nip: str) -> Target | None:
        found = await self.targets_of([(agency_id, period_id, nip)])
        return found.get((agency_id, period_id, nip))

    async def realization_count(self, skp_id: str) -> int:
        return await self._session.scalar(
            select(func.count()).select_from(realizations).where(realizations.c.skp_id == skp_id)
        )

    async def feedback_forms(self, agency_id: str, period_id: str, nip: str) -> int:
        """How many feedback forms about the employee of the period are known."""
        return await self._session.scalar(
            select(func.count())
            .select_from(feedback_answers)
            .where(
                feedback_answers.c.agency_id == agency_id,
                feedback_answers.c.period_id == period_id,
                feedback_answers.c.nip == nip,
            )
        )

    # --- a batch of employees ----------------------------------------------------------------

    async def targets_of(self, keys: Iterable[Key]) -> dict[Key, Target]:
        found: dict[Key, Target] = {}
        for some in chunks(list(keys)):
            query = select(
                targets.c.agency_id,
                targets.c.period_id,
                targets.c.nip,
                targets.c.skp_id,
                targets.c.version,
                targets.c.rhk,
            ).where(keyed(targets, some))
            for agency_id, period_id, nip, skp_id, version, rhk in await self._session.execute(query):
                found[agency_id, period_id, nip] = Target(agency_id, period_id, nip, skp_id, version, rhk)
        return found

    async def realizations_of(
        self, skp_ids: Iterable[str], checkpoint: Checkpoint | None = None
    ) -> dict[str, Realized]:
        found: dict[str, Realized] = defaultdict(Realized)
        for some in chunks(sorted(set(skp_ids))):
            query = select(realizations.c.skp_id, realizations.c.iki_id, realizations.c.value).where(
                realizations.c.skp_id.in_(some)
            )
            if checkpoint is not None:
                query = query.where(realizations.c.checkpoint_id == checkpoint.checkpoint_id)
            # In recording order, so the latest realisation of an indicator is its value.
            rows = await self._session.execute(
                query.order_by(realizations.c.recorded_at, realizations.c.realization_id)
            )
            for skp_id, iki_id, value in rows:
                realized = found[skp_id]
                realized.latest[iki_id] = value
                realized.count += 1
        return dict(found)

    async def evidence_of(
        self, keys: Iterable[Key], checkpoint: Checkpoint | None = None, zone: tzinfo | None = None
    ) -> dict[Key, Evidence]:
        """Feedback answers and citizens' score per employee: two statements for all ``keys``."""
        keys = list(keys)
        found: dict[Key, Evidence] = defaultdict(Evidence)
        query = select(
            feedback_answers.c.agency_id,
            feedback_answers.c.period_id,
            feedback_answers.c.nip,
            feedback_answers.c.source,
            feedback_answers.c.ratings,
            feedback_answers.c.round_id,
        ).where(keyed(feedback_answers, keys))
        if checkpoint is not None:
            query = query.where(feedback_answers.c.checkpoint_id == checkpoint.checkpoint_id)
        for agency_id, period_id, nip, source_text, ratings, round_id in (await self._session.execute(query)).all():
            evidence = found[agency_id, period_id, nip]
            source = _SOURCES[source_text]
            # Seven answers a form, thousands of forms a batch: made as plain tuples of the
            # named tuple's type, skipping its (Python-level) constructor.
            evidence.answers.extend(
                _answer(FeedbackAnswer, (source, _VALUES[v], _LEVELS[level], round_id)) for v, level in ratings.items()
            )
            evidence.forms += 1
        officer = citizen_ratings.c.officer_nip
        query = select(
            citizen_ratings.c.agency_id,
            citizen_ratings.c.period_id,
            officer,
            func.avg(citizen_ratings.c.mean_score).label("mean"),
        ).where(keyed(citizen_ratings, keys, "officer_nip"))
        if checkpoint is not None:
            # The checkpoint's days are the agency's (``zone``): a citizen's answer at 06:30 WIT on
            # its first day counts, as it does for recognition.
            start = datetime.combine(checkpoint.starts_on, time.min, zone or UTC)
            end = datetime.combine(checkpoint.ends_on + timedelta(days=1), time.min, zone or UTC)
            query = query.where(citizen_ratings.c.answered_at >= start, citizen_ratings.c.answered_at < end)
        query = query.group_by(citizen_ratings.c.agency_id, citizen_ratings.c.period_id, officer)
        for row in (await self._session.execute(query)).all():
            found[row.agency_id, row.period_id, row.officer_nip].citizen_score = _citizen_score(row.mean)
        return dict(found)


def _citizen_score(mean) -> float:
    """Survey scale 1..4 (2.5 neutral) as a score in -1..+1."""
    return round((float(mean) - 2.5) / 1.5, 4)
