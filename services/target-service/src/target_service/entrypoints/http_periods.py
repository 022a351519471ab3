"""HTTP routes of periods, their checkpoints and IKU, and the cascade tree from an IKU."""

from datetime import date

from fastapi import APIRouter, Response, status
from kinerja_contracts.limits import CHECKPOINTS_MAX
from kinerja_runtime.auth import Role
from pydantic import Field

from target_service.entrypoints.deps import HR, Caller, Strict, Uow
from target_service.service_layer import cascade, periods

router = APIRouter(tags=["periods"])


class CheckpointIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    starts_on: date
    ends_on: date


class PeriodIn(Strict):
    year: int = Field(ge=2000, le=2100)
    starts_on: date | None = Field(None, description="default 1 January of the year")
    ends_on: date | None = Field(None, description="default 31 December of the year")
    checkpoint_months: int | None = Field(None, description="1, 2, 3 (default: Triwulan I–IV), 4, 6 or 12")
    checkpoints: list[CheckpointIn] | None = Field(
        None, max_length=CHECKPOINTS_MAX, description="the agency's own windows instead ([] for none)"
    )


class IkuIn(Strict):
    code: str = Field(min_length=1, max_length=64, description="the IKU's code; sending it again changes the IKU")
    description: str = Field(min_length=1, max_length=2000)
    target: float = Field(allow_inf_nan=False, description="greater than 0")
    unit: str = Field(min_length=1, max_length=100)
    higher_is_better: bool = True


@router.post("/periods", status_code=status.HTTP_201_CREATED, summary="Open the performance period of a year (HR)")
async def open_period(body: PeriodIn, principal: HR, uow: Uow):
    windows = None if body.checkpoints is None else [(c.name, c.starts_on, c.ends_on) for c in body.checkpoints]
    return await periods.open_new_period(
        uow,
        agency_id=principal.agency,
        year=body.year,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        checkpoint_months=body.checkpoint_months,
        windows=windows,
    )


@router.get("/periods", summary="The agency's performance periods")
async def list_periods(principal: Caller, uow: Uow):
    return await periods.list_periods(uow, agency_id=principal.agency)


@router.get("/periods/{period_id}")
async def get_period(period_id: str, principal: Caller, uow: Uow):
    return await periods.get_period(uow, agency_id=principal.agency, period_id=period_id)


@router.post("/periods/{period_id}/close", summary="Close a period; appraisal may start (HR)")
async def close_period(period_id: str, principal: HR, uow: Uow):
    return await periods.close_period(uow, agency_id=principal.agency, period_id=period_id)


@router.post("/periods/{period_id}/iku", summary="Define (201) or change (200) an agency IKU of an open period (HR)")
async def define_iku(period_id: str, body: IkuIn, principal: HR, uow: Uow, response: Response):
    iku, created = await periods.define_period_iku(
        uow,
        agency_id=principal.agency,
        period_id=period_id,
        code=body.code,
        description=body.description,
        target=body.target,
        unit=body.unit,
        higher_is_better=body.higher_is_better,
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return iku


@router.get("/periods/{period_id}/iku", summary="The agency IKU of a period")
async def list_iku(period_id: str, principal: Caller, uow: Uow):
    return await periods.list_iku(uow, agency_id=principal.agency, period_id=period_id)


@router.get(
    "/iku/{iku_id}/cascade",
    summary="The cascade from an IKU: the head's RHK, the RHK supporting them, … with NIP, name and SKP "
    "status. HR sees every plan; anyone else the approved plans of their own reporting line "
    "(above and below them), and drafts only of their own SKP or of those they appraise",
)
async def iku_cascade(iku_id: str, principal: Caller, uow: Uow):
    return await cascade.cascade(
        uow, agency_id=principal.agency, iku_id=iku_id, reader_nip=principal.nip, reader_is_hr=principal.has(Role.HR)
    )
