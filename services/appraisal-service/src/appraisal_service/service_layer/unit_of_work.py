"""appraisal-service's unit of work: one transaction and the repositories working in it."""

from kinerja_runtime.roster import RosterUnitOfWork

from appraisal_service.adapters.due import DueRepository
from appraisal_service.adapters.policies import PolicyRepository
from appraisal_service.adapters.projections import ProjectionRepository
from appraisal_service.adapters.province import OrganisationPredikatRepository, ProvinceRepository
from appraisal_service.adapters.records import AppraisalRepository, ObjectionRepository


class AppraisalUnitOfWork(RosterUnitOfWork):
    """``uow.appraisals`` (every revision), ``uow.objections``, ``uow.policies`` (the agency's
    appraisal policy), ``uow.projections`` (targets, realisations, feedback answers and citizens'
    ratings as the events brought them), ``uow.due`` (the queue of appraisals due after a close),
    ``uow.organisation_predikats`` (each agency's own predikat of a period, as its HR recorded it),
    ``uow.province`` (the counts the province view reads across agencies) and ``uow.roster``
    (who works where, units and periods). Its repositories only run Core statements: the unit
    runs them on a plain connection (no ORM session's bookkeeping; UnitOfWork.plain_connection)."""

    plain_connection = True

    appraisals: AppraisalRepository
    objections: ObjectionRepository
    policies: PolicyRepository
    projections: ProjectionRepository
    due: DueRepository
    organisation_predikats: OrganisationPredikatRepository
    province: ProvinceRepository

    def open_repositories(self, session) -> None:
        super().open_repositories(session)
        self.appraisals = AppraisalRepository(session)
        self.objections = ObjectionRepository(session)
        self.policies = PolicyRepository(session)
        self.projections = ProjectionRepository(session)
        self.due = DueRepository(session, self.after_commit)
        self.organisation_predikats = OrganisationPredikatRepository(session)
        self.province = ProvinceRepository(session)
