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
        appraisal = await uow.appraisals.get(agency_id, appraisal_id)
        if appraisal is None:
            raise NotFound(NO_APPRAISAL)
        # The roster names who appraises whom; a role in the token alone is not enough.
        appraiser_now = await uow.roster.appraiser_of(agency_id, appraisal.nip)
        completed = appraisal.confirm(
            appraiser_nip,
            appraiser_now,
            today=today or await uow.today(agency_id),
            now=uow.clock.now(),
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
