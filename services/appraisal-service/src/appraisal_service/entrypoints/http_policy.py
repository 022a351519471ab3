"""HTTP routes of the agency's appraisal policy (README: "Appraisal policy")."""

from fastapi import APIRouter, Response
from kinerja_runtime.inputs import RequestBody
from pydantic import Field

from appraisal_service.entrypoints.deps import HR, Caller, Uow
from appraisal_service.service_layer.policy import read_policy, set_policy

router = APIRouter(tags=["policy"])


class PolicyBody(RequestBody):
    """The whole policy: an omitted parameter takes its documented default (not its current value).
    Cross-field rules (band order, appraiser weighted most, ...) are checked by the domain."""

    capaian_cap: float | None = Field(None, gt=0, le=1000)
    met_threshold: float | None = Field(None, gt=0, le=1000)
    hasil_di_atas_from: float | None = Field(None, gt=0, le=1000)
    hasil_sesuai_from: float | None = Field(None, gt=0, le=1000)
    tambahan_lift_min_utama: float | None = Field(None, ge=0, le=1000)
    tambahan_lift_count: int | None = Field(None, ge=1, le=100)
    appraiser_weight: float | None = Field(None, ge=0, le=100)
    peer_weight: float | None = Field(None, ge=0, le=100)
    subordinate_weight: float | None = Field(None, ge=0, le=100)
    self_weight: float | None = Field(None, ge=0, le=100)
    citizen_weight: float | None = Field(None, ge=0, le=100)
    level_band: float | None = Field(None, gt=0, le=1)
    perilaku_di_bawah_if_values_below: int | None = Field(None, ge=1, le=7)


@router.get("/policy", summary="The agency's appraisal policy in force, with the defaults")
async def get_policy(principal: Caller, uow: Uow):
    return await read_policy(uow, principal.agency)


@router.put("/policy", summary="Set the agency's appraisal policy (HR); each change is a new version")
async def put_policy(body: PolicyBody, principal: HR, uow: Uow, response: Response):
    policy, changed = await set_policy(uow, principal.agency, body.model_dump(exclude_none=True), principal.nip)
    response.headers["X-Policy-Changed"] = "true" if changed else "false"
    return {**policy, "changed": changed}
