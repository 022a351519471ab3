"""target-service's unit of work: one transaction, and the repositories of what the service owns."""

from collections.abc import Collection

from kinerja_runtime.uow import UnitOfWork

from target_service.adapters.agencies import AgencyRepository
from target_service.adapters.organisation import OrganisationRepository
from target_service.adapters.periods import IkuRepository, PeriodRepository
from target_service.adapters.province import ProvinceRepository
from target_service.adapters.realisation import FeedbackRepository, RealisationRepository
from target_service.adapters.roster import RosterRepository
from target_service.adapters.skp import SkpRepository
from target_service.adapters.transfers import TransferRepository


class TargetUnitOfWork(UnitOfWork):
    """``uow.roster`` is the agency roster target-service owns (its source of truth, not the
    runtime's projection of it); ``uow.organisation`` its work units; ``uow.agencies`` the
    province's agency registry, whose zones ``await uow.today(agency_id)`` counts days in;
    ``uow.province`` the counts the province view reads across agencies. Its repositories only
    run Core statements, so the unit runs them on a plain connection (no ORM session)."""

    plain_connection = True

    agencies: AgencyRepository
    roster: RosterRepository
    organisation: OrganisationRepository
    periods: PeriodRepository
    iku: IkuRepository
    skps: SkpRepository
    realisations: RealisationRepository
    feedback: FeedbackRepository
    transfers: TransferRepository
    province: ProvinceRepository

    def open_repositories(self, session) -> None:
        self.agencies = AgencyRepository(session)
        self.roster = RosterRepository(session)
        self.organisation = OrganisationRepository(session)
        self.periods = PeriodRepository(session)
        self.iku = IkuRepository(session)
        self.skps = SkpRepository(session, self.insert_at_commit)
        self.realisations = RealisationRepository(session, self.insert_at_commit)
        self.feedback = FeedbackRepository(session, self.insert_at_commit)
        self.transfers = TransferRepository(session)
        self.province = ProvinceRepository(session)

    async def agency_timezones(self, agency_ids: Collection[str]) -> dict[str, str]:
        return await self.agencies.timezones(agency_ids)
