"""Reading appraisals: one with how it was reached, an employee's, a period's page, and what
the service knows of an employee's year so far. Every read is recorded in the access log."""

from dataclasses import dataclass

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.refusals import NotFound

from appraisal_service.domain import CURRENT, NO_APPRAISAL, NO_EMPLOYEE, Appraisal, Objection, Status, scope_of
from appraisal_service.service_layer import views
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork


@dataclass(frozen=True)
class Readable:
    """An appraisal its reader may read, with what deciding that took: its revisions (oldest
    first), the objections to them, and the employee's appraiser on the roster now."""

    appraisal: Appraisal
    lineage: list[Appraisal]
    objections: list[Objection]
    appraiser_now: str | None


async def readable(uow: AppraisalUnitOfWork, appraisal: Appraisal | None, reader_nip: str, is_hr: bool) -> Readable:
    """Who reads an appraisal: the employee, their appraiser now, whoever confirmed one of its
    revisions, the superior deciding an objection to it, and HR; to anyone else it reads exactly
    as a missing one."""
    if appraisal is None:
        raise NotFound(NO_APPRAISAL)
    appraiser_now = await uow.roster.appraiser_of(appraisal.agency_id, appraisal.nip)
    lineage = await uow.appraisals.lineage(appraisal)
    objected = await uow.objections.on_appraisals(appraisal.agency_id, [a.appraisal_id for a in lineage])
    readers = {
        appraisal.nip,
        appraiser_now,
        *(a.appraiser_nip for a in lineage),
        *(o.superior_nip for o in objected),
    } - {None}
    if reader_nip not in readers and not is_hr:
        raise NotFound(NO_APPRAISAL)
    return Readable(appraisal, lineage, objected, appraiser_now)


async def _detail(uow: AppraisalUnitOfWork, appraisal: Appraisal | None, reader_nip: str, is_hr: bool) -> dict:
    """The appraisal with how it was reached, its revisions and objections; to outsiders
    exactly the answer to a missing appraisal."""
    found = await readable(uow, appraisal, reader_nip, is_hr)
    appraisal, lineage, objected = found.appraisal, found.lineage, found.objections
    # Every reader gets the same explanation: only publishable evidence is stored (domain/anonymity.py).
    body = views.appraisal(appraisal, with_explanation=True)
    await access_log.record_read(uow, Kind.APPRAISAL, appraisal.appraisal_id, appraisal.nip)
    return {
        **body,
        "revisions": [views.appraisal(a) for a in lineage],
        "objections": [views.objection(o) for o in objected],
    }


async def appraisal_by_id(
    uow: AppraisalUnitOfWork, agency_id: str, appraisal_id: str, reader_nip: str, is_hr: bool
) -> dict:
    async with uow:
        return await _detail(uow, await uow.appraisals.get(agency_id, appraisal_id), reader_nip, is_hr)


async def current_appraisal(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    period_id: str,
    nip: str,
    checkpoint_id: str | None,
    reader_nip: str,
    is_hr: bool,
) -> dict:
    """An employee's current annual (or checkpoint) appraisal: the latest revision."""
    async with uow:
        found = await uow.appraisals.latest_in_scope(agency_id, period_id, nip, scope_of(checkpoint_id))
        return await _detail(uow, found, reader_nip, is_hr)


async def my_appraisals(uow: AppraisalUnitOfWork, agency_id: str, period_id: str, nip: str) -> dict:
    async with uow:
        found = await uow.appraisals.of_employee(agency_id, period_id, nip)
        await access_log.record_reads(uow, [(Kind.APPRAISAL, a.appraisal_id, a.nip) for a in found])
    return {"period_id": period_id, "nip": nip, "appraisals": [views.appraisal(a) for a in found]}


async def period_appraisals(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    period_id: str,
    reader_nip: str,
    is_hr: bool,
    *,
    kind: str,
    checkpoint_id: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> dict:
    """A page of appraisals by NIP: all (HR) or the reader's team's (the roster's appraiser);
    for HR the same page of the queue rows not completed. ``status`` None: current results."""
    async with uow:
        team = None
        if not is_hr:
            team = {e.nip for e in await uow.roster.team(agency_id, reader_nip)}
        found: list[Appraisal] = []
        if team is None or team:
            # One row past the page tells whether there is a next one.
            found = await uow.appraisals.page(
                agency_id,
                period_id,
                kind=kind,
                statuses=[Status(status)] if status else CURRENT,
                checkpoint_id=checkpoint_id,
                nips=team,
                limit=limit + 1,
                offset=offset,
            )
        pending = await uow.due.not_completed(agency_id, period_id, limit + 1, offset) if is_hr else []
        await access_log.record_reads(uow, [(Kind.APPRAISAL, a.appraisal_id, a.nip) for a in found[:limit]])
    more = len(found) > limit or len(pending) > limit
    return {
        "period_id": period_id,
        "appraisals": [views.appraisal(a) for a in found[:limit]],
        "not_completed": pending[:limit],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


async def employee_inputs(
    uow: AppraisalUnitOfWork, agency_id: str, period_id: str, nip: str, reader_nip: str, is_hr: bool
) -> dict:
    """What the service knows of an employee's year so far: to HR and the employee's appraiser;
    to anyone else the employee reads as unknown, word for word."""
    async with uow:
        employee = await uow.roster.employee(agency_id, nip)
        if employee is None or not (is_hr or employee.appraiser_nip == reader_nip):
            raise NotFound(NO_EMPLOYEE)
        target = await uow.projections.target_of(agency_id, period_id, nip)
        realizations = await uow.projections.realization_count(target.skp_id) if target else 0
        forms = await uow.projections.feedback_forms(agency_id, period_id, nip)
        await access_log.record_read(uow, Kind.APPRAISAL_INPUTS, period_id, nip)
    return {
        "nip": nip,
        "period_id": period_id,
        "skp_id": target.skp_id if target else None,
        "skp_version": target.version if target else None,
        "realizations": realizations,
        "feedback_forms": forms,
    }
