"""Keberatan: the employee objects to a final result; the appraiser's superior decides.
A changed result is a new revision (AppraisalRevised); the objected one stays readable."""

import uuid
from datetime import date

from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.refusals import NotFound, WrongState

from appraisal_service.domain import (
    NO_APPRAISAL,
    NO_OBJECTION,
    ObjectionStatus,
    Outcome,
    Status,
    objection_closes_on,
)
from appraisal_service.service_layer import views
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork


async def file_objection(
    uow: AppraisalUnitOfWork, agency_id: str, appraisal_id: str, nip: str, reasons: str, today: date | None
) -> dict:
    """``today``: the agency's day the objection is filed on; None: its date now."""
    async with uow:
        appraisal = await uow.appraisals.get(agency_id, appraisal_id)
        if appraisal is None or appraisal.nip != nip:
            # Only the appraised employee objects; to anyone else the appraisal is not theirs to see here.
            raise NotFound(NO_APPRAISAL)
        today = today or await uow.today(agency_id)
        appraisal.may_object(today)
        assert appraisal.final_on is not None  # a final result has its day
        appraiser = None
        if appraisal.appraiser_nip is not None:
            appraiser = await uow.roster.employee(agency_id, appraisal.appraiser_nip)
        if appraiser is None:
            raise WrongState("the appraiser is no longer on the roster to route the objection")
        if appraiser.appraiser_nip is None:
            raise WrongState("the appraiser has no superior in the roster to decide an objection")
        objection = appraisal.object(
            str(uuid.uuid4()), reasons, superior_nip=appraiser.appraiser_nip, today=today, now=uow.clock.now()
        )
        # One objection per result (a unique appraisal_id): of two filed at once, the second
        # finds the first's row and files nothing.
        if not await uow.objections.add(objection):
            raise WrongState("an objection to this result was already filed")
        await access_log.record_change(uow, Kind.OBJECTION, objection.objection_id, nip)
        stored = await uow.objections.get(agency_id, objection.objection_id)
        await uow.commit()
        return {
            **views.objection(stored or objection),
            "closes_on": objection_closes_on(appraisal.final_on).isoformat(),
        }


async def decide_objection(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    objection_id: str,
    superior_nip: str,
    today: date | None,
    outcome: Outcome,
    reason: str,
    rating_hasil_kerja: Ekspektasi | None = None,
    rating_perilaku: Ekspektasi | None = None,
) -> dict:
    """``today``: the agency's day of the decision (a changed result's day 0); None: its date now."""
    async with uow:
        objection = await uow.objections.get(agency_id, objection_id)
        if objection is None:
            raise NotFound(NO_OBJECTION)
        objection.may_decide(superior_nip)
        original = await uow.appraisals.get(agency_id, objection.appraisal_id)
        if original is None:
            raise NotFound(NO_APPRAISAL)
        revised, events = original.decide(
            objection,
            superior_nip,
            outcome,
            reason,
            revised_id=str(uuid.uuid4()),
            today=today or await uow.today(agency_id),
            now=uow.clock.now(),
            rating_hasil_kerja=rating_hasil_kerja,
            rating_perilaku=rating_perilaku,
        )
        # The decision claims the objection while it is still open: of two decisions at once, the
        # second waits for the first's row lock, then finds it decided and changes nothing.
        if not await uow.objections.save_decision(objection):
            raise WrongState("this objection was decided meanwhile")
        if revised is not None:
            # Only a final result is revised, and only once.
            if not await uow.appraisals.save(original, was=Status.FINAL):
                raise WrongState("the objected result is no longer the current one")
            await uow.appraisals.add(revised)
        for event in events:
            await uow.publish(event)
        await access_log.record_change(uow, Kind.OBJECTION, objection_id, objection.nip)
        stored = await uow.objections.get(agency_id, objection_id)
        await uow.commit()
        return views.objection(stored or objection)


async def objection_page(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    reader_nip: str,
    is_hr: bool,
    status: str | None,
    limit: int,
    offset: int,
) -> dict:
    """A page of the objections the reader filed or must decide (HR: all), oldest first."""
    async with uow:
        # One row past the page tells whether there is a next one.
        found = await uow.objections.page(
            agency_id,
            party_nip=None if is_hr else reader_nip,
            status=ObjectionStatus(status) if status else None,
            limit=limit + 1,
            offset=offset,
        )
        await access_log.record_reads(uow, [(Kind.OBJECTION, o.objection_id, o.nip) for o in found[:limit]])
    return {
        "objections": [views.objection(o) for o in found[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(found) > limit else None,
    }


async def objection_by_id(
    uow: AppraisalUnitOfWork, agency_id: str, objection_id: str, reader_nip: str, is_hr: bool
) -> dict:
    """To anyone but its two parties (and HR) the objection answers like a missing one."""
    async with uow:
        objection = await uow.objections.get(agency_id, objection_id)
        if objection is None or (reader_nip not in (objection.nip, objection.superior_nip) and not is_hr):
            raise NotFound(NO_OBJECTION)
        await access_log.record_read(uow, Kind.OBJECTION, objection.objection_id, objection.nip)
    return views.objection(objection)
