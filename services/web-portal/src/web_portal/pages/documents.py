"""Official documents (PDF) from the pages that show their records: the SKP form (target-service)
and the Dokumen Evaluasi Kinerja (appraisal-service), each fetched with the signed-in user's token
and handed on as the service made it. The service decides who may read it: to anyone else the
record is missing, and the portal shows its not-found page."""

import re
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Path, Request, Response

from web_portal.clients import api
from web_portal.session import User, require_role

router = APIRouter()
Employee = Annotated[User, Depends(require_role("employee"))]
Appraiser = Annotated[User, Depends(require_role("appraiser"))]
Id = Annotated[str, Path(min_length=1, max_length=128)]

PDF = "application/pdf"
# The service names the file (skp-<nip>-<year>.pdf); anything else is not passed on.
SAFE_NAME = re.compile(r'attachment; filename="[A-Za-z0-9-]{1,120}\.pdf"')


def handed_on(answer: httpx.Response, fallback: str) -> Response:
    """The service's document as the browser downloads it: the same bytes and file name; kept out of
    shared caches (it is a person's record)."""
    disposition = answer.headers.get("content-disposition", "")
    if not SAFE_NAME.fullmatch(disposition):
        disposition = f'attachment; filename="{fallback}"'
    return Response(
        content=answer.content,
        media_type=PDF,
        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"},
    )


async def _skp(request: Request, skp_id: str) -> Response:
    return handed_on(await api(request).target.download(f"/skp/{skp_id}/document.pdf"), "skp.pdf")


async def _evaluation(request: Request, appraisal_id: str) -> Response:
    answer = await api(request).appraisal.download(f"/appraisals/{appraisal_id}/document.pdf")
    return handed_on(answer, "evaluasi-kinerja.pdf")


@router.get("/pegawai/skp/{skp_id}/dokumen.pdf")
async def my_skp(request: Request, user: Employee, skp_id: Id):
    return await _skp(request, skp_id)


@router.get("/pegawai/penilaian/{appraisal_id}/dokumen.pdf")
async def my_evaluation(request: Request, user: Employee, appraisal_id: Id):
    return await _evaluation(request, appraisal_id)


@router.get("/penilai/skp/{skp_id}/dokumen.pdf")
async def team_skp(request: Request, user: Appraiser, skp_id: Id):
    return await _skp(request, skp_id)


@router.get("/penilai/penilaian/{appraisal_id}/dokumen.pdf")
async def team_evaluation(request: Request, user: Appraiser, appraisal_id: Id):
    return await _evaluation(request, appraisal_id)
