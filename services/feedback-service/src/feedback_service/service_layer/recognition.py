"""Use cases of recognition: a checkpoint's candidates (officers citizens rate in the top band
with enough answers), recording a recognition (RecognitionGiven), and reading an employee's.

Who may do what (feedback_service.domain.recognition): HR of the agency and the employee's
appraiser record recognitions and read the candidates (an appraiser those of their own team);
the employee, their appraiser and HR read the employee's recognitions. Anyone else recognising an
employee, or asking for their recognitions, is answered as if the employee did not exist.
"""

import uuid

from kinerja_contracts import RecognitionGiven
from kinerja_contracts.vocabulary import RecognitionKind
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.refusals import NotFound, NotPermitted, WrongState
from kinerja_runtime.roster import KnownPeriod

from feedback_service.adapters.recognitions import Recognition
from feedback_service.domain import recognition as rules
from feedback_service.domain.model import Giver
from feedback_service.domain.recognition import Window
from feedback_service.service_layer.periods import NO_SUCH_PERIOD
from feedback_service.service_layer.unit_of_work import FeedbackUnitOfWork

NO_SUCH_EMPLOYEE = "no such employee"
NOT_ONESELF = "nobody recognises themself"
ALREADY_RECOGNISED = "the employee already has a recognition of this kind for this period and checkpoint"
LISTED_MAX = 200
"""The most recognitions one read lists (the latest): far more than anyone receives."""


async def _period_or_404(uow: FeedbackUnitOfWork, agency_id: str, period_id: str) -> KnownPeriod:
    period = await uow.roster.period(agency_id, period_id)
    if period is None:
        raise NotFound(NO_SUCH_PERIOD)
    return period


async def _window(uow: FeedbackUnitOfWork, period: KnownPeriod, checkpoint_id: str | None) -> Window:
    zone = await uow.zone(period.agency_id)
    return rules.window_of(checkpoint_id, period.checkpoints, period.starts_on, period.ends_on, zone)


def _view(r: Recognition) -> dict:
    return {
        "recognition_id": r.recognition_id,
        "nip": r.nip,
        "period_id": r.period_id,
        "checkpoint_id": r.checkpoint_id,
        "kind": r.kind.value,
        "reason": r.reason,
        "given_by_nip": r.given_by_nip,
        "given_at": r.given_at,
    }


async def candidates(
    uow: FeedbackUnitOfWork, *, agency_id: str, caller: Giver, period_id: str, checkpoint_id: str | None
) -> dict:
    """The officers on the agency's roster (for an appraiser who is not HR: of their team) whose
    citizens' ratings in the checkpoint are in the top band with enough answers, best first,
    each saying whether they were already recognised for it."""
    async with uow:
        period = await _period_or_404(uow, agency_id, period_id)
        window = await _window(uow, period, checkpoint_id)
        team = None if caller.is_hr else [e.nip for e in await uow.roster.team(agency_id, caller.nip)]
        totals = await uow.citizen_ratings.per_officer(agency_id, period_id, window.start, window.end, team)
        found = rules.candidates(totals)
        people = await uow.roster.employees(agency_id, [c.nip for c in found])
        found = [c for c in found if c.nip in people]  # an officer who has left the agency is not listed
        recognised = await uow.recognitions.recognised(
            agency_id, period_id, checkpoint_id, RecognitionKind.CITIZEN_RATING, [c.nip for c in found]
        )
        await access_log.record_reads(uow, [(Kind.CITIZEN_RATINGS, checkpoint_id or period_id, c.nip) for c in found])
    return {
        "period_id": period_id,
        "checkpoint_id": checkpoint_id,
        "starts_on": window.starts_on,
        "ends_on": window.ends_on,
        "min_answers": rules.MIN_CITIZEN_ANSWERS,
        "top_band": rules.TOP_BAND.value,
        "candidates": [
            {
                "nip": c.nip,
                "name": people[c.nip].name,
                "position": people[c.nip].position,
                "unit": people[c.nip].unit,
                "answers": c.answers,
                "index": float(c.index),
                "mutu": c.mutu.value,
                "recognised": c.nip in recognised,
            }
            for c in found
        ],
    }


async def record_recognition(
    uow: FeedbackUnitOfWork,
    *,
    agency_id: str,
    caller: Giver,
    nip: str,
    period_id: str,
    checkpoint_id: str | None,
    kind: RecognitionKind,
    reason: str,
) -> dict:
    """Record a recognition and announce it (RecognitionGiven). One of a kind per employee,
    period and checkpoint; one for citizens' ratings only while they are in the top band."""
    reason = rules.check_reason(reason)
    async with uow:
        if nip == caller.nip:
            raise NotPermitted(NOT_ONESELF)
        employee = await uow.roster.employee(agency_id, nip)
        if employee is None or not rules.may_recognise(caller.nip, caller.is_hr, nip, employee.appraiser_nip):
            # Someone the caller may not recognise is answered as if they did not exist, so the
            # route cannot be used to learn who works at the agency; never echo the NIP.
            raise NotFound(NO_SUCH_EMPLOYEE)
        period = await _period_or_404(uow, agency_id, period_id)
        if kind is RecognitionKind.CITIZEN_RATING or checkpoint_id is not None:
            window = await _window(uow, period, checkpoint_id)  # a leader may recognise the whole period
            if kind is RecognitionKind.CITIZEN_RATING:
                totals = await uow.citizen_ratings.per_officer(agency_id, period_id, window.start, window.end, [nip])
                rules.check_citizen_rating(kind, rules.citizen_rating(totals[0]) if totals else None)
        if await uow.recognitions.recognised(agency_id, period_id, checkpoint_id, kind, [nip]):
            raise WrongState(ALREADY_RECOGNISED)
        given = Recognition(
            recognition_id=str(uuid.uuid4()),
            agency_id=agency_id,
            nip=nip,
            period_id=period_id,
            checkpoint_id=checkpoint_id,
            kind=kind,
            reason=reason,
            given_by_nip=caller.nip,
            given_at=uow.clock.now(),
        )
        if not await uow.recognitions.add(given):
            raise WrongState(ALREADY_RECOGNISED)  # a racing record of the same won
        await access_log.record_change(uow, Kind.RECOGNITION, given.recognition_id, nip)
        await uow.publish(
            RecognitionGiven(
                agency_id=agency_id,
                nip=nip,
                recognition_id=given.recognition_id,
                period_id=period_id,
                checkpoint_id=checkpoint_id,
                kind=kind,
                reason=reason,
                given_by_nip=caller.nip,
                given_at=given.given_at,
            )
        )
        await uow.commit()
    return _view(given)


async def recognitions_of(uow: FeedbackUnitOfWork, *, agency_id: str, caller: Giver, nip: str) -> dict:
    """An employee's recognitions, newest first, for the employee, their appraiser or HR."""
    async with uow:
        employee = await uow.roster.employee(agency_id, nip)
        if employee is None or not rules.may_read(caller.nip, caller.is_hr, nip, employee.appraiser_nip):
            raise NotFound(NO_SUCH_EMPLOYEE)  # a stranger learns nothing, not even that they exist
        found = await uow.recognitions.of_employee(agency_id, nip, LISTED_MAX)
        await access_log.record_read(uow, Kind.RECOGNITION, nip, nip)
    return {"nip": nip, "recognitions": [_view(r) for r in found]}


async def my_recognitions(uow: FeedbackUnitOfWork, *, agency_id: str, nip: str) -> dict:
    """The caller's own recognitions (none for someone the agency never recognised)."""
    async with uow:
        found = await uow.recognitions.of_employee(agency_id, nip, LISTED_MAX)
        await access_log.record_read(uow, Kind.RECOGNITION, nip, nip)
    return {"nip": nip, "recognitions": [_view(r) for r in found]}
