"""The appraiser confirms (or overrides) a proposal: the result becomes final and
AppraisalCompleted is published."""

from datetime import date

from kinerja_contracts.vocabulary import Ekspektasi
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.refusals import NotFound, WrongState

from appraisal_service.domain import NO_APPRAISAL, Status
from appraisal_service.service_layer import views
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork


async def confirm(
    uow: AppraisalUnitOfWork,
    agency_id: str,
    appraisal_id: str,
    appraiser_nip: str,
    today: date | None,
    rating_hasil_kerja: Ekspektasi | None = None,
    rating_perilaku: Ekspektasi | None = None,
    reason: str | None = None,
) -> dict:
    """``today``: the agency's day the result becomes final (day 0 of the objection period);
    None: its date now."""
    async with uow:
        # With the roster's appraiser of the employee (who appraises whom: a role in the token
        # alone is not enough) and the agency's zone, in the same statement.
        found = await uow.appraisals.to_confirm(agency_id, appraisal_id)
        if found is None:
            raise NotFound(NO_APPRAISAL)
        appraisal, now = found.appraisal, uow.clock.now()
        completed = appraisal.confirm(
            appraiser_nip,
            found.appraiser_nip,
            # The agency's date of the confirmation (its zone None: the default zone's).
            today=today or uow.clock.local_date(now, found.timezone),
            now=now,
            rating_hasil_kerja=rating_hasil_kerja,
            rating_perilaku=rating_perilaku,
            reason=reason,
        )
        if not await uow.appraisals.save(appraisal, was=Status.PROPOSED):
            raise WrongState("this appraisal was confirmed meanwhile")
        # The result continues the trace of the close that queued the appraisal (the request
        # that confirmed it is linked), so the close reads as one trace up to training-service.
        closed = await uow.due.trace_of(appraisal.key) if uow.tracing.on and appraisal.checkpoint_id is None else None
        with uow.tracing.continued(closed, "confirm appraisal", {"kinerja.agency": agency_id}):
            await uow.publish(completed)
        await access_log.record_change(uow, Kind.APPRAISAL, appraisal_id, appraisal.nip)
        await uow.commit()
        # As stored: the row changes only by what confirm() changed in it (see save()).
        return views.appraisal(appraisal)
