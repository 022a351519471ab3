"""HTTP routes of appraisal-service: proposals, confirmation and reading appraisals."""

from typing import Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime.auth import Role
from kinerja_runtime.documents import PDF
from kinerja_runtime.inputs import Offset, RequestBody, page_limit
from pydantic import Field

from appraisal_service.entrypoints.deps import HR, Caller, FixedDay, HrOrAppraiser, Uow
from appraisal_service.service_layer import documents, reading
from appraisal_service.service_layer.appraise import propose_appraisal
from appraisal_service.service_layer.confirm import confirm
from appraisal_service.service_layer.periodic import propose_for_checkpoint

router = APIRouter(tags=["appraisals"])


class ConfirmBody(RequestBody):
    """Omitted ratings accept the proposal; a differing rating needs ``reason``."""

    rating_hasil_kerja: Ekspektasi | None = None
    rating_perilaku: Ekspektasi | None = None
    reason: str | None = Field(None, max_length=2000)


@router.post(
    "/periods/{period_id}/employees/{nip}/appraisal", summary="Propose one employee's annual appraisal now (HR)"
)
async def propose_now(period_id: str, nip: str, principal: HR, uow: Uow):
    return await propose_appraisal(uow, principal.agency, period_id, nip)


@router.post(
    "/periods/{period_id}/checkpoints/{checkpoint_id}/appraisals",
    summary="Propose the periodic appraisal of every employee with an approved SKP (HR)",
)
async def propose_periodic(
    period_id: str,
    checkpoint_id: str,
    principal: HR,
    uow: Uow,
    limit: page_limit(500) = 100,
    offset: Offset = 0,
):
    """Counts what was proposed and lists a page of the employees skipped, with why."""
    return await propose_for_checkpoint(uow, principal.agency, period_id, checkpoint_id, limit, offset)


@router.post("/appraisals/{appraisal_id}/confirm", summary="The appraiser confirms or overrides a proposal")
async def confirm_proposal(appraisal_id: str, body: ConfirmBody, principal: Caller, uow: Uow, day: FixedDay):
    confirmed = await confirm(
        uow,
        principal.agency,
        appraisal_id,
        principal.nip,
        day,
        body.rating_hasil_kerja,
        body.rating_perilaku,
        body.reason,
    )
    # The view is plain JSON already (views.appraisal, its summary as stored): sent as it is,
    # not walked again by FastAPI's encoder, which cost about as much as a statement.
    return JSONResponse(confirmed)


@router.get("/appraisals/{appraisal_id}", summary="One appraisal (any revision) and how it was reached")
async def read_by_id(appraisal_id: str, principal: Caller, uow: Uow):
    return await reading.appraisal_by_id(uow, principal.agency, appraisal_id, principal.nip, principal.has(Role.HR))


@router.get(
    "/appraisals/{appraisal_id}/document.pdf",
    summary="The Dokumen Evaluasi Kinerja of one appraisal as PDF (PermenPANRB 6/2022 annex); a proposal is "
    "marked DRAFT / USULAN (whoever may read the appraisal)",
    response_class=Response,
    responses={200: {"content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}},
)
async def evaluation_document(appraisal_id: str, principal: Caller, uow: Uow) -> Response:
    document = await documents.evaluation_document(
        uow, principal.agency, appraisal_id, principal.nip, principal.has(Role.HR)
    )
    return Response(content=document.content, media_type=document.media_type, headers=document.headers)


@router.get(
    "/periods/{period_id}/employees/{nip}/appraisal",
    summary="An employee's current annual (or checkpoint) appraisal and how it was reached",
)
async def read_one(period_id: str, nip: str, principal: Caller, uow: Uow, checkpoint_id: str | None = None):
    return await reading.current_appraisal(
        uow, principal.agency, period_id, nip, checkpoint_id, principal.nip, principal.has(Role.HR)
    )


@router.get("/me/appraisals", summary="My appraisals in a period: annual and periodic, every revision")
async def read_mine(period_id: str, principal: Caller, uow: Uow):
    return await reading.my_appraisals(uow, principal.agency, period_id, principal.nip)


@router.get("/periods/{period_id}/appraisals", summary="A period's appraisals: all (HR) or my team's (appraiser)")
async def read_period(
    period_id: str,
    principal: HrOrAppraiser,
    uow: Uow,
    kind: Literal["annual", "periodic"] = "annual",
    checkpoint_id: str | None = None,
    status: Literal["proposed", "final", "superseded"] | None = Query(None, description="Default: current results"),
    limit: page_limit(500) = 100,
    offset: Offset = 0,
):
    """A page of appraisals by NIP; for HR the same page of the queue rows not completed."""
    return await reading.period_appraisals(
        uow,
        principal.agency,
        period_id,
        principal.nip,
        principal.has(Role.HR),
        kind=kind,
        checkpoint_id=checkpoint_id,
        status=status,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/periods/{period_id}/employees/{nip}/inputs", summary="What this service knows of an employee's year so far"
)
async def read_inputs(period_id: str, nip: str, principal: HrOrAppraiser, uow: Uow):
    return await reading.employee_inputs(uow, principal.agency, period_id, nip, principal.nip, principal.has(Role.HR))
