"""HTTP routes of the organisation: the agency's tree of work units."""

from fastapi import APIRouter, Response, status
from kinerja_contracts.limits import NAME_MAX
from pydantic import Field

from target_service.domain.organisation import WorkUnit
from target_service.entrypoints.deps import HR, Caller, Strict, Uow
from target_service.service_layer import organisation

router = APIRouter(tags=["organisation"])


class UnitIn(Strict):
    unit_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
    name: str = Field(min_length=1, max_length=NAME_MAX)
    parent_unit_id: str | None = Field(None, min_length=1, max_length=128, description="null only for the root unit")
    head_nip: str | None = Field(None, max_length=18, description="NIP of the unit's head")
    serves_public: bool = Field(False, description="a public-service unit that citizens can rate")


@router.post("/units", summary="Create (201) or change (200) a work unit (HR) -> WorkUnitDefined")
async def define_unit(body: UnitIn, principal: HR, uow: Uow, response: Response):
    unit, created = await organisation.define_unit(
        uow,
        agency_id=principal.agency,
        unit=WorkUnit(body.unit_id, body.name, body.parent_unit_id, body.head_nip, body.serves_public),
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return unit


@router.get("/units", summary="The agency's work units as a tree")
async def units(principal: Caller, uow: Uow):
    return await organisation.units_tree(uow, agency_id=principal.agency)
