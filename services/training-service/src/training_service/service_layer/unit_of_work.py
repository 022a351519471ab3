"""training-service's unit of work: the roster it reads and the repositories it keeps."""

from typing import Any

from kinerja_runtime.roster import RosterUnitOfWork

from training_service.adapters.catalogue_repository import CatalogueRepository
from training_service.adapters.decision_repository import DecisionRepository
from training_service.adapters.ledger_repository import LedgerRepository
from training_service.adapters.plan_repository import PlanRepository
from training_service.adapters.province_repository import ProvinceRepository
from training_service.adapters.recognition_repository import RecognitionRepository
from training_service.adapters.talent_repository import TalentRepository


class TrainingUnitOfWork(RosterUnitOfWork):
    """``uow.roster`` (who works where, periods), ``uow.catalogue``, ``uow.decisions`` (one per
    appraisal received), ``uow.plans`` (plans and items), ``uow.ledger`` (the JP ledger and its
    claims), ``uow.talent`` (annual results and talent-pool nominations) and ``uow.province`` (what
    the province view counts across agencies)."""

    catalogue: CatalogueRepository
    decisions: DecisionRepository
    plans: PlanRepository
    ledger: LedgerRepository
    talent: TalentRepository
    recognitions: RecognitionRepository
    province: ProvinceRepository

    def open_repositories(self, session: Any) -> None:
        super().open_repositories(session)
        self.catalogue = CatalogueRepository(session)
        self.decisions = DecisionRepository(session)
        self.plans = PlanRepository(session)
        self.ledger = LedgerRepository(session)
        self.talent = TalentRepository(session)
        self.recognitions = RecognitionRepository(session)
        self.province = ProvinceRepository(session)
