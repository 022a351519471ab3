"""HTTP routes of the SKP: drafting, the lifecycle, revisions, history, realisation and feedback."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from kinerja_contracts.limits import (
    DESCRIPTION_MAX,
    EVIDENCE_MAX,
    IKI_PER_RHK_MAX,
    REASON_MAX,
    RHK_PER_SKP_MAX,
    SHORT_TEXT_MAX,
)
from kinerja_contracts.vocabulary import Aspect, RhkKind
from kinerja_runtime.auth import Role
from kinerja_runtime.documents import PDF
from pydantic import Field

from target_service.domain.rhk import IndikatorDraft, RhkDraft
from target_service.entrypoints.deps import Caller, Strict, Uow
from target_service.service_layer import cascade, documents, realisation, skp

router = APIRouter(tags=["skp"])
# Every route answers a JSON-ready dict (service_layer.views) and says so (``-> dict``): FastAPI
# then serialises it in pydantic's core instead of first copying it with jsonable_encoder, which
# cost ~0.13 ms of CPU per SKP answer, as much as one more SQL statement.


class IkiIn(Strict):
    iki_id: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="in a revision: keep this IKI of the version in force (and its realisations)",
    )
    aspect: Aspect
    description: str = Field(min_length=1, max_length=DESCRIPTION_MAX)
    target: float = Field(allow_inf_nan=False, description="greater than 0")
    unit: str = Field(min_length=1, max_length=SHORT_TEXT_MAX, description='e.g. "dokumen", "hari", "%"')
    higher_is_better: bool | None = Field(None, description="default: false for waktu and biaya, true otherwise")


class RhkIn(Strict):
    rhk_id: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="in a revision: keep this RHK of the version in force (and links to it)",
    )
    kind: RhkKind
    description: str = Field(min_length=1, max_length=DESCRIPTION_MAX)
    supports_rhk_id: str | None = Field(
        None, min_length=1, max_length=64, description="the appraiser's approved RHK this one supports"
    )
    iku_id: str | None = Field(None, min_length=1, max_length=64, description="head of agency only: the IKU served")
    indikator: list[IkiIn] = Field(max_length=IKI_PER_RHK_MAX, description="at least one IKI")


class PlanIn(Strict):
    rhk: list[RhkIn] = Field(max_length=RHK_PER_SKP_MAX, description="at least one RHK utama")

    def drafts(self) -> list[RhkDraft]:
        return [
            RhkDraft(
                r.kind,
                r.description,
                tuple(
                    IndikatorDraft(i.aspect, i.description, i.target, i.unit, i.higher_is_better, i.iki_id)
                    for i in r.indikator
                ),
                r.supports_rhk_id,
                r.iku_id,
                r.rhk_id,
            )
            for r in self.rhk
        ]


class SkpIn(PlanIn):
    period_id: str = Field(min_length=1, max_length=64)


class RevisionIn(PlanIn):
    reason: str = Field(min_length=1, max_length=REASON_MAX, description="why the approved SKP changes")


class ReturnIn(Strict):
    notes: str = Field(min_length=1, max_length=4000, description="what the employee should change")


class RealizationIn(Strict):
    iki_id: str = Field(min_length=1, max_length=64)
    checkpoint_id: str | None = Field(
        None, min_length=1, max_length=64, description="required when the period has checkpoints (e.g. triwulan-4)"
    )
    value: float = Field(allow_inf_nan=False, description="0 or more")
    evidence: str | None = Field(
        None, min_length=1, max_length=EVIDENCE_MAX, description="bukti dukung: a link or document id"
    )


class FeedbackIn(Strict):
    note: str = Field(min_length=1, max_length=4000)
    checkpoint_id: str | None = Field(None, min_length=1, max_length=64)


def _is_hr(principal) -> bool:
    return principal.has(Role.HR)


@router.post("/skp", status_code=status.HTTP_201_CREATED, summary="Draft the caller's own SKP (version 1) for a period")
async def create_skp(body: SkpIn, principal: Caller, uow: Uow) -> dict:
    return await skp.create_skp(
        uow, agency_id=principal.agency, nip=principal.nip, period_id=body.period_id, rhk=body.drafts()
    )


@router.get("/me/skp", summary="The caller's SKPs (version in force, pending revision, realisations, feedback)")
async def my_skp(principal: Caller, uow: Uow, period_id: Annotated[str | None, Query(max_length=64)] = None) -> dict:
    return await skp.skp_of_employee(
        uow, agency_id=principal.agency, nip=principal.nip, period_id=period_id, actor_nip=principal.nip, is_hr=False
    )


@router.get("/me/team/skp", summary="For an appraiser: the employees they appraise and the state of their SKP")
async def team_skp(principal: Caller, uow: Uow, period_id: Annotated[str, Query(min_length=1, max_length=64)]) -> dict:
    return await skp.team_skp(uow, agency_id=principal.agency, appraiser_nip=principal.nip, period_id=period_id)


# Before /skp/{skp_id}: "link-targets" is not an SKP id.
@router.get(
    "/skp/link-targets",
    summary="What the caller's own RHK may link to: the period's IKU (head of agency) or the appraiser's "
    "approved RHK in force",
)
async def my_link_targets(
    principal: Caller, uow: Uow, period_id: Annotated[str, Query(min_length=1, max_length=64)]
) -> dict:
    return await cascade.my_link_targets(uow, agency_id=principal.agency, nip=principal.nip, period_id=period_id)


@router.get(
    "/skp/{skp_id}", summary="An SKP: version in force (or first draft), pending revision, realisations, feedback"
)
async def get_skp(skp_id: str, principal: Caller, uow: Uow) -> dict:
    return await skp.get_skp(
        uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, is_hr=_is_hr(principal)
    )


@router.get("/skp/{skp_id}/versions", summary="The SKP's history: every version with its RHK (owner, appraiser, HR)")
async def skp_history(skp_id: str, principal: Caller, uow: Uow) -> dict:
    return await skp.skp_versions(
        uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, is_hr=_is_hr(principal)
    )


@router.get("/skp/{skp_id}/versions/{number}", summary="One version of the SKP")
async def skp_version(skp_id: str, number: int, principal: Caller, uow: Uow) -> dict:
    return await skp.skp_versions(
        uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, is_hr=_is_hr(principal), number=number
    )


@router.get(
    "/skp/{skp_id}/document.pdf",
    summary="The SKP form as PDF (PermenPANRB 6/2022 annex): the version in force, else the latest marked "
    "DRAFT (owner, appraiser, HR)",
    response_class=Response,
    responses={200: {"content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}},
)
async def skp_document(skp_id: str, principal: Caller, uow: Uow) -> Response:
    document = await documents.skp_document(
        uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, is_hr=_is_hr(principal)
    )
    return Response(content=document.content, media_type=document.media_type, headers=document.headers)


async def _step(uow, principal, skp_id: str, action: str, **kwargs):
    return await skp.change_skp(
        uow,
        agency_id=principal.agency,
        skp_id=skp_id,
        actor_nip=principal.nip,
        is_hr=_is_hr(principal),
        action=action,
        **kwargs,
    )


@router.put("/skp/{skp_id}", summary="Replace the RHK of the draft or returned version (owner)")
async def edit_skp(skp_id: str, body: PlanIn, principal: Caller, uow: Uow) -> dict:
    return await _step(uow, principal, skp_id, "edit", rhk=body.drafts())


@router.post(
    "/skp/{skp_id}/revisions",
    status_code=status.HTTP_201_CREATED,
    summary="Start version n+1 of an approved SKP (owner); version n stays in force until it is approved",
)
async def revise_skp(skp_id: str, body: RevisionIn, principal: Caller, uow: Uow) -> dict:
    return await _step(uow, principal, skp_id, "revise", rhk=body.drafts(), notes=body.reason)


@router.post("/skp/{skp_id}/submit", summary="Submit the latest version to the appraiser (owner)")
async def submit_skp(skp_id: str, principal: Caller, uow: Uow) -> dict:
    return await _step(uow, principal, skp_id, "submit")


@router.post(
    "/skp/{skp_id}/approve",
    summary="Approve the submitted version (the owner's appraiser) -> TargetSet, or TargetRevised for n ≥ 2",
)
async def approve_skp(skp_id: str, principal: Caller, uow: Uow) -> dict:
    return await _step(uow, principal, skp_id, "approve")


@router.post("/skp/{skp_id}/return", summary="Return the submitted version with notes (the owner's appraiser)")
async def return_skp(skp_id: str, body: ReturnIn, principal: Caller, uow: Uow) -> dict:
    return await _step(uow, principal, skp_id, "return", notes=body.notes)


@router.post(
    "/skp/{skp_id}/realizations",
    status_code=status.HTTP_201_CREATED,
    summary="Record a realisation of one IKI at a checkpoint (owner, their appraiser or HR) -> RealizationRecorded",
)
async def record_realization(skp_id: str, body: RealizationIn, principal: Caller, uow: Uow) -> dict:
    return await realisation.record_realization(
        uow,
        agency_id=principal.agency,
        skp_id=skp_id,
        actor_nip=principal.nip,
        is_hr=_is_hr(principal),
        iki_id=body.iki_id,
        value=body.value,
        evidence=body.evidence,
        checkpoint_id=body.checkpoint_id,
    )


@router.post(
    "/skp/{skp_id}/rhk/{rhk_id}/feedback",
    status_code=status.HTTP_201_CREATED,
    summary="Continuous feedback on an RHK in force (the owner's appraiser)",
)
async def give_feedback(skp_id: str, rhk_id: str, body: FeedbackIn, principal: Caller, uow: Uow) -> dict:
    return await realisation.give_feedback(
        uow,
        agency_id=principal.agency,
        skp_id=skp_id,
        rhk_id=rhk_id,
        actor_nip=principal.nip,
        is_hr=_is_hr(principal),
        note=body.note,
        checkpoint_id=body.checkpoint_id,
    )


@router.get("/skp/{skp_id}/feedback", summary="The appraiser's feedback notes on the SKP (owner, appraiser, HR)")
async def skp_feedback(skp_id: str, principal: Caller, uow: Uow) -> dict:
    view = await skp.get_skp(
        uow, agency_id=principal.agency, skp_id=skp_id, actor_nip=principal.nip, is_hr=_is_hr(principal)
    )
    return {"skp_id": skp_id, "items": view["feedback"]}
