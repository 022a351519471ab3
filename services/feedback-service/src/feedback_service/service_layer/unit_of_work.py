"""feedback-service's unit of work: one transaction, the repositories that read and write in it,
and the roster projection (``uow.roster``)."""

from kinerja_runtime.roster import RosterUnitOfWork

from feedback_service.adapters.answers import AnswerRepository
from feedback_service.adapters.recognitions import CitizenRatingRepository, RecognitionRepository
from feedback_service.adapters.rounds import RoundRepository
from feedback_service.adapters.surveys import SatisfactionRepository, SurveyAnswerRepository


class FeedbackUnitOfWork(RosterUnitOfWork):
    """Its repositories only run Core statements: the unit runs them on a plain connection (no
    ORM session's bookkeeping per request; see UnitOfWork.plain_connection)."""

    plain_connection = True

    rounds: RoundRepository
    answers: AnswerRepository
    surveys: SurveyAnswerRepository
    satisfaction: SatisfactionRepository
    recognitions: RecognitionRepository
    citizen_ratings: CitizenRatingRepository

    def open_repositories(self, session) -> None:
        super().open_repositories(session)
        self.rounds = RoundRepository(session)
        self.answers = AnswerRepository(session)
        self.surveys = SurveyAnswerRepository(session)
        self.satisfaction = SatisfactionRepository(session)
        self.recognitions = RecognitionRepository(session)
        self.citizen_ratings = CitizenRatingRepository(session)
