"""HTTP routes of the agency registry: the province's agencies and their time zones."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from kinerja_contracts.limits import NAME_MAX
from kinerja_contracts.vocabulary import AgencyKind, AgencyTimezone
from pydantic import Field

from target_service.domain.agency import Agency
from target_service.entrypoints.deps import Caller, ProvinceAdmin, Strict, Uow
from target_service.service_layer import agencies

router = APIRouter(tags=["agencies"])

AgencyIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


class AgencyIn(Strict):
    name: str = Field(min_length=1, max_length=NAME_MAX)
    kind: AgencyKind = Field(description="dinas, badan, kecamatan, kelurahan, puskesmas or sekolah")
    timezone: AgencyTimezone = Field(
        description="IANA time zone its days are counted in: Asia/Jakarta (WIB), Asia/Makassar (WITA) or "
        "Asia/Jayapura (WIT)"
    )


@router.put(
    "/agencies/{agency_id}",
    summary="Register (201) or change (200) an agency of the province (province admin) -> AgencyRegistered",
)
async def register_agency(
    agency_id: AgencyIdPath, body: AgencyIn, principal: ProvinceAdmin, uow: Uow, response: Response
):
    agency, created = await agencies.register_agency(uow, Agency(agency_id, body.name, body.kind, body.timezone))
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return agency


@router.get("/agencies", summary="The province's agencies (province admin); anyone else: their own agency")
async def list_agencies(principal: Caller, uow: Uow):
    return await agencies.list_agencies(uow, principal)


@router.get("/agencies/{agency_id}", summary="One agency (province admin: any; anyone else: their own)")
async def read_agency(agency_id: AgencyIdPath, principal: Caller, uow: Uow):
    return await agencies.read_agency(uow, principal, agency_id)
