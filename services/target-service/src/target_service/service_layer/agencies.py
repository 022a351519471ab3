"""Use cases of the agency registry: a province admin registers the province's agencies; a
province admin reads them all, anyone else their own agency only."""

from kinerja_contracts import AgencyRegistered
from kinerja_runtime.auth import Principal, Role
from kinerja_runtime.refusals import NotFound

from target_service.domain.agency import Agency
from target_service.service_layer.unit_of_work import TargetUnitOfWork
from target_service.service_layer.views import agency_view

NO_SUCH_AGENCY = "no such agency"


async def register_agency(uow: TargetUnitOfWork, agency: Agency) -> tuple[dict, bool]:
    """Register or change an agency -> AgencyRegistered; the same agency again changes nothing.

    Returns (the agency, whether it was new)."""
    async with uow:
        before = await uow.agencies.get(agency.agency_id)
        if before == agency:
            return agency_view(agency), False
        await uow.agencies.save(agency, uow.clock.now())
        await uow.publish(
            AgencyRegistered(agency_id=agency.agency_id, name=agency.name, kind=agency.kind, timezone=agency.timezone)
        )
        await uow.commit()
    return agency_view(agency), before is None


def _province_wide(principal: Principal) -> bool:
    return principal.has(Role.PROVINCE_ADMIN)


async def list_agencies(uow: TargetUnitOfWork, principal: Principal) -> dict:
    """A province admin: every agency; anyone else: their own, once it is registered."""
    async with uow:
        if _province_wide(principal):
            found = await uow.agencies.all()
        else:
            own = await uow.agencies.get(principal.agency)
            found = [own] if own is not None else []
    return {"agencies": [agency_view(a) for a in found]}


async def read_agency(uow: TargetUnitOfWork, principal: Principal, agency_id: str) -> dict:
    """Another agency is answered as one that does not exist, except to a province admin."""
    if agency_id != principal.agency and not _province_wide(principal):
        raise NotFound(NO_SUCH_AGENCY)
    async with uow:
        found = await uow.agencies.get(agency_id)
    if found is None:
        raise NotFound(NO_SUCH_AGENCY)
    return agency_view(found)
