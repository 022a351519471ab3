"""feedback-service's unit of work with no database behind it: in-memory repositories with the
methods of the real ones (feedback_service.adapters.rounds / answers / surveys), over one shared
:class:`FeedbackState`, and the fake roster (``uow.roster``).

Writes land at once (there is no rollback); the unique keys the real tables hold (one open
round per employee, period and checkpoint; one answer per giver and round; one citizen answer
per submission id) answer as the real repositories do.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from fakes import FakeRoster, FakeUnitOfWork
from feedback_service.adapters.answers import GivenAnswer, StoredAnswer
from feedback_service.adapters.recognitions import Recognition
from feedback_service.adapters.rounds import Assignment, OpenRound, RoundRow
from feedback_service.adapters.surveys import Comment, StoredSatisfaction, SurveyAnswer
from feedback_service.domain.recognition import OfficerTotals
from feedback_service.domain.rounds import FeedbackRound, Nomination, RoundStatus
from feedback_service.domain.satisfaction import UnitSatisfaction
from kinerja_contracts.vocabulary import FeedbackSource, RecognitionKind, SkmElement


@dataclass
class FeedbackState:
    rounds: dict[str, RoundRow] = field(default_factory=dict)
    givers: dict[str, dict[str, FeedbackSource]] = field(default_factory=dict)  # round_id -> giver NIP -> source
    answers: dict[str, StoredAnswer] = field(default_factory=dict)  # feedback_id -> answer
    survey_answers: list[SurveyAnswer] = field(default_factory=list)
    satisfaction: dict[tuple[str, str, str], tuple[UnitSatisfaction, datetime]] = field(default_factory=dict)
    recognitions: list[Recognition] = field(default_factory=list)


class FakeRoundRepository:
    def __init__(self, state: FeedbackState, roster: FakeRoster):
        self.state = state
        self.roster = roster  # the periods to_answer() reads beside the round

    async def get(self, agency_id: str, round_id: str, *, lock: bool = False) -> tuple[RoundRow, FeedbackRound] | None:
        row = self.state.rounds.get(round_id)
        if row is None or row.agency_id != agency_id:
            return None
        givers = dict(self.state.givers.get(round_id, {}))
        return row, FeedbackRound(row.round_id, row.nip, row.checkpoint_id, givers, row.status)

    async def to_answer(self, agency_id: str, round_id: str):
        found = await self.get(agency_id, round_id, lock=True)
        if found is None:
            return None
        period = await self.roster.period(agency_id, found[0].period_id)
        return (*found, period.status if period else None)

    async def open_round_id(self, agency_id: str, period_id: str, nip: str, checkpoint_id: str | None) -> str | None:
        for r in self.state.rounds.values():
            if (r.agency_id, r.period_id, r.nip, r.checkpoint_id, r.status) == (
                agency_id,
                period_id,
                nip,
                checkpoint_id,
                RoundStatus.OPEN,
            ):
                return r.round_id
        return None

    async def add(self, row: RoundRow, nominations: list[Nomination]) -> bool:
        if await self.open_round_id(row.agency_id, row.period_id, row.nip, row.checkpoint_id):
            return False  # the partial unique index: one open round per employee, period and checkpoint
        self.state.rounds[row.round_id] = row
        self.state.givers[row.round_id] = {n.nip: n.source for n in nominations}
        return True

    async def close(self, round_ids, closed_at: datetime) -> None:
        for round_id in round_ids:
            self.state.rounds[round_id] = replace(
                self.state.rounds[round_id], status=RoundStatus.CLOSED, closed_at=closed_at
            )

    async def open_in_periods(self, periods) -> list[OpenRound]:
        keys = set(periods)
        return sorted(
            (
                OpenRound(r.round_id, r.agency_id, r.period_id)
                for r in self.state.rounds.values()
                if (r.agency_id, r.period_id) in keys and r.status is RoundStatus.OPEN
            ),
            key=lambda r: r.round_id,
        )

    async def of_employee(self, agency_id: str, period_id: str, nip: str) -> list[RoundRow]:
        return sorted(
            (r for r in self.state.rounds.values() if (r.agency_id, r.period_id, r.nip) == (agency_id, period_id, nip)),
            key=lambda r: r.opened_at,
        )

    async def assigned_to(self, agency_id: str, giver_nip: str) -> list[Assignment]:
        return [
            Assignment(r.round_id, r.nip, r.period_id, r.checkpoint_id, self.state.givers[r.round_id][giver_nip])
            for r in sorted(self.state.rounds.values(), key=lambda r: r.opened_at)
            if r.agency_id == agency_id
            and r.status is RoundStatus.OPEN
            and giver_nip in self.state.givers.get(r.round_id, {})
        ]


def _given(a: StoredAnswer) -> GivenAnswer:
    return GivenAnswer(a.source, dict(a.ratings), a.giver_nip, a.comment)


class FakeAnswerRepository:
    def __init__(self, state: FeedbackState):
        self.state = state

    async def of_round(self, round_id: str) -> list[GivenAnswer]:
        return [_given(a) for a in self.state.answers.values() if a.round_id == round_id]

    async def outside_rounds(self, agency_id: str, period_id: str, nip: str) -> list[GivenAnswer]:
        return [
            _given(a)
            for a in self.state.answers.values()
            if (a.agency_id, a.period_id, a.nip, a.round_id) == (agency_id, period_id, nip, None)
        ]

    async def per_source(self, round_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a in self.state.answers.values():
            if a.round_id == round_id:
                counts[a.source.value] = counts.get(a.source.value, 0) + 1
        return counts

    async def give(self, answer: StoredAnswer) -> str:
        for a in self.state.answers.values():
            if a.round_id == answer.round_id and a.giver_nip == answer.giver_nip:  # uq_feedback_round_giver
                self.state.answers[a.feedback_id] = replace(
                    a, ratings=answer.ratings, comment=answer.comment, submitted_at=answer.submitted_at
                )
                return a.feedback_id
        self.state.answers[answer.feedback_id] = answer
        return answer.feedback_id

    async def of_rounds(self, round_ids) -> list[StoredAnswer]:
        wanted = set(round_ids)
        return sorted((a for a in self.state.answers.values() if a.round_id in wanted), key=lambda a: a.feedback_id)

    async def answered_rounds(self, giver_nip: str, round_ids) -> set[str]:
        wanted = set(round_ids)
        return {a.round_id for a in self.state.answers.values() if a.giver_nip == giver_nip and a.round_id in wanted}


class FakeSurveyAnswerRepository:
    def __init__(self, state: FeedbackState):
        self.state = state

    def _of_unit(self, agency_id: str, unit_id: str, period_id: str) -> list[SurveyAnswer]:
        return [
            a
            for a in self.state.survey_answers
            if (a.agency_id, a.unit_id, a.period_id) == (agency_id, unit_id, period_id)
        ]

    async def submitted(self, agency_id: str, unit_id: str, submission_id: str) -> str | None:
        for a in self.state.survey_answers:
            if (a.agency_id, a.unit_id, a.submission_id) == (agency_id, unit_id, submission_id):
                return a.answer_id
        return None

    async def add(self, answer: SurveyAnswer) -> bool:
        if await self.submitted(answer.agency_id, answer.unit_id, answer.submission_id):
            return False  # uq_citizen_survey_submission
        self.state.survey_answers.append(answer)
        return True

    async def totals(self, agency_id: str, unit_id: str, period_id: str) -> tuple[int, dict[SkmElement, int]]:
        found = self._of_unit(agency_id, unit_id, period_id)
        return len(found), {e: sum(a.elements[e] for a in found) for e in SkmElement}

    async def totals_of_units(self, keys) -> dict[tuple[str, str, str], tuple[int, dict[SkmElement, int]]]:
        return {key: found for key in set(keys) if (found := await self.totals(*key))[0]}

    async def naming_an_officer(self, agency_id: str, unit_id: str, period_id: str) -> int:
        return sum(1 for a in self._of_unit(agency_id, unit_id, period_id) if a.officer_nip is not None)

    async def latest_comments(self, agency_id: str, unit_id: str, period_id: str, limit: int) -> list[Comment]:
        found = [a for a in self._of_unit(agency_id, unit_id, period_id) if a.comment is not None]
        found.sort(key=lambda a: a.answered_at, reverse=True)
        return [Comment(a.comment, a.answered_at) for a in found[:limit]]


class FakeSatisfactionRepository:
    def __init__(self, state: FeedbackState):
        self.state = state

    async def get(self, agency_id: str, unit_id: str, period_id: str) -> StoredSatisfaction | None:
        found = self.state.satisfaction.get((agency_id, unit_id, period_id))
        if found is None:
            return None
        # Through a float, as the real column keeps it.
        return StoredSatisfaction(Decimal(str(float(found[0].ikm))).quantize(Decimal("0.01")), found[0].mutu)

    async def add(self, agency_id: str, unit_id: str, period_id: str, found: UnitSatisfaction, updated_at) -> None:
        key = (agency_id, unit_id, period_id)
        assert key not in self.state.satisfaction, "the primary key (agency, unit, period) is taken"
        self.state.satisfaction[key] = (found, updated_at)

    async def replace(self, agency_id: str, unit_id: str, period_id: str, found: UnitSatisfaction, updated_at) -> None:
        key = (agency_id, unit_id, period_id)
        if key in self.state.satisfaction:
            self.state.satisfaction[key] = (found, updated_at)


class FakeRecognitionRepository:
    def __init__(self, state: FeedbackState):
        self.state = state

    async def add(self, recognition: Recognition) -> bool:
        if await self.recognised(
            recognition.agency_id, recognition.period_id, recognition.checkpoint_id, recognition.kind, [recognition.nip]
        ):
            return False  # uq_recognitions_once
        self.state.recognitions.append(recognition)
        return True

    async def recognised(
        self, agency_id: str, period_id: str, checkpoint_id: str | None, kind: RecognitionKind, nips
    ) -> set[str]:
        wanted = set(nips)
        return {
            r.nip
            for r in self.state.recognitions
            if (r.agency_id, r.period_id, r.checkpoint_id or "", r.kind)
            == (agency_id, period_id, checkpoint_id or "", kind)
            and r.nip in wanted
        }

    async def of_employee(self, agency_id: str, nip: str, limit: int) -> list[Recognition]:
        found = [r for r in self.state.recognitions if (r.agency_id, r.nip) == (agency_id, nip)]
        found.sort(key=lambda r: r.recognition_id)
        found.sort(key=lambda r: r.given_at, reverse=True)
        return found[:limit]


class FakeCitizenRatingRepository:
    """Added up from the same survey answers the fake survey repository keeps."""

    def __init__(self, state: FeedbackState):
        self.state = state

    async def per_officer(
        self, agency_id: str, period_id: str, start: datetime, end: datetime, nips=None
    ) -> list[OfficerTotals]:
        wanted = None if nips is None else set(nips)
        found: dict[str, tuple[int, int]] = {}
        for a in self.state.survey_answers:
            if (a.agency_id, a.period_id) != (agency_id, period_id) or a.officer_nip is None:
                continue
            if not start <= a.answered_at < end or (wanted is not None and a.officer_nip not in wanted):
                continue
            count, total = found.get(a.officer_nip, (0, 0))
            found[a.officer_nip] = (count + 1, total + sum(a.elements.values()))
        return [OfficerTotals(nip, count, total) for nip, (count, total) in found.items()]


class FakeFeedbackUnitOfWork(FakeUnitOfWork):
    """``uow.roster`` and ``uow.state`` exist from the start, so a test arranges them first."""

    def __init__(self, clock=None):
        super().__init__(clock)
        self.roster = FakeRoster()
        self.state = FeedbackState()

    def open_repositories(self, session) -> None:
        self.rounds = FakeRoundRepository(self.state, self.roster)
        self.answers = FakeAnswerRepository(self.state)
        self.surveys = FakeSurveyAnswerRepository(self.state)
        self.satisfaction = FakeSatisfactionRepository(self.state)
        self.recognitions = FakeRecognitionRepository(self.state)
        self.citizen_ratings = FakeCitizenRatingRepository(self.state)
