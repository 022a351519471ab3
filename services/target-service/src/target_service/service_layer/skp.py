"""Use cases of the SKP: drafting, editing, the lifecycle of each version, revisions, and reading."""

import uuid

from kinerja_contracts import EventTooLarge, Iki, Rhk, TargetRevised, TargetSet, encode_bounded
from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.refusals import NotFound, TooLarge, WrongState

from target_service.domain.cascade import check_links
from target_service.domain.period import Period
from target_service.domain.rhk import RhkDraft, plan_rhk
from target_service.domain.roster import Owner
from target_service.domain.skp import Skp, SkpVersion
from target_service.service_layer.cascade import link_targets
from target_service.service_layer.periods import period_found, period_or_404
from target_service.service_layer.roster import NO_EMPLOYEE, readable_employee
from target_service.service_layer.unit_of_work import TargetUnitOfWork
from target_service.service_layer.views import employee_view, skp_view, version_view

NO_SKP = "no such SKP in this agency"


async def skp_or_404(
    uow: TargetUnitOfWork, agency_id: str, skp_id: str, *, actor_nip: str, is_hr: bool
) -> tuple[Skp, Owner | None]:
    """The SKP and its owner as on the roster (None when no longer on it), read together.

    An SKP the caller may not read is not there for them: the same 404 as a missing one, for a
    read or a change, so no answer tells a stranger that the id exists (issue 8)."""
    found = await uow.skps.get(agency_id, skp_id)
    if found is None or not found[0].may_read(actor_nip, appraiser_of(found[1]), is_hr):
        raise NotFound(NO_SKP)
    return found


async def skp_for_change_or_404(
    uow: TargetUnitOfWork, agency_id: str, skp_id: str, *, actor_nip: str, is_hr: bool, lock: str | None = None
) -> tuple[Skp, Owner | None, Period]:
    """As :func:`skp_or_404`, with the SKP's period read in the same statement, its row locked as
    ``lock`` says (see :func:`~target_service.service_layer.periods.period_or_404`)."""
    return _readable_or_404(await uow.skps.get_for_change(agency_id, skp_id, lock), actor_nip, is_hr)


async def skp_for_decision_or_404(
    uow: TargetUnitOfWork, agency_id: str, skp_id: str, *, actor_nip: str, is_hr: bool, lock: str | None = None
) -> tuple[Skp, Owner | None, Period, frozenset[str]]:
    """As :func:`skp_for_change_or_404`, with the RHK ids the SKP's RHK may support (its owner's
    appraiser's in force), read in the same statement."""
    return _readable_or_404(await uow.skps.for_decision(agency_id, skp_id, lock), actor_nip, is_hr)


def _readable_or_404(found, actor_nip: str, is_hr: bool):
    if found is None or not found[0].may_read(actor_nip, appraiser_of(found[1]), is_hr):
        raise NotFound(NO_SKP)
    return found


def appraiser_of(owner: Owner | None) -> str | None:
    return owner.employee.appraiser_nip if owner else None


async def full_view(uow: TargetUnitOfWork, s: Skp, *, nothing_recorded: bool = False) -> dict:
    """``nothing_recorded``: the caller knows the SKP has no realisation and no feedback (both
    need a version in force, and it had none), so the two reads are spared."""
    if nothing_recorded:
        return skp_view(s, [], [])
    return skp_view(
        s,
        await uow.realisations.of_skp(s.skp_id),
        await uow.feedback.of_skp(s.skp_id),
    )


def _registered(owner: Owner | None) -> Owner:
    if owner is None:
        raise NotFound(NO_EMPLOYEE)
    return owner


async def _check_links(
    uow: TargetUnitOfWork,
    s: Skp,
    owner: Owner | None,
    version: SkpVersion,
    complete: bool,
    appraiser_rhk_ids: frozenset[str] | None = None,
) -> None:
    """``owner``: as read at the start of the request (read once, used for the appraiser too)."""
    targets = await link_targets(uow, s.agency_id, s.period_id, _registered(owner), appraiser_rhk_ids)
    check_links(version.rhk, targets, complete)


async def create_skp(uow: TargetUnitOfWork, *, agency_id: str, nip: str, period_id: str, rhk: list[RhkDraft]) -> dict:
    """The caller drafts their own SKP (version 1) for an open period."""
    async with uow:
        # The owner, the period and what the owner's RHK may support: one statement.
        owner, period, appraiser_rhk_ids = await uow.skps.drafting(agency_id, nip, period_id)
        owner = _registered(owner)
        period = period_found(period)
        period.ensure_open("drafting an SKP")
        s = Skp.draft(str(uuid.uuid4()), agency_id, period_id, nip, plan_rhk(rhk), uow.clock.now())
        _ensure_fits_the_contract(s)
        await _check_links(uow, s, owner, s.latest, complete=False, appraiser_rhk_ids=appraiser_rhk_ids)
        await access_log.record_change(uow, Kind.SKP, s.skp_id, s.nip)
        # The unique constraint (agency, period, employee) answers "already has one": no read first.
        if not await uow.skps.add(s):
            raise WrongState("the employee already has an SKP in this period")
        await uow.commit()
        return await full_view(uow, s, nothing_recorded=True)


async def change_skp(
    uow: TargetUnitOfWork,
    *,
    agency_id: str,
    skp_id: str,
    actor_nip: str,
    is_hr: bool,
    action: str,
    rhk: list[RhkDraft] | None = None,
    notes: str = "",
) -> dict:
    """One step of the latest version: ``edit`` | ``revise`` (start version n+1) | ``submit`` (owner),
    ``approve`` | ``return`` (appraiser). Links are checked as given on edits, complete on submit and approval."""
    async with uow:
        s, owner, period, appraiser_rhk_ids = await skp_for_decision_or_404(
            uow, agency_id, skp_id, actor_nip=actor_nip, is_hr=is_hr, lock="share" if action == "approve" else None
        )
        loaded = (s.version, s.latest.status.value)
        appraiser = appraiser_of(owner)
        previous = None
        period.ensure_open(f"changing an SKP ({action})")
        keep = s.in_force.rhk if s.in_force else ()
        if action == "edit":
            s.edit(actor_nip, plan_rhk(rhk or [], keep=keep + s.latest.rhk))
        elif action == "revise":
            s.start_revision(actor_nip, plan_rhk(rhk or [], keep=keep), notes, uow.clock.now())
        elif action == "submit":
            s.submit(actor_nip, uow.clock.now())
        elif action == "approve":
            previous = s.approve(actor_nip, appraiser, uow.clock.now())
        else:
            s.return_for_revision(actor_nip, appraiser, notes)
        if action in ("edit", "revise"):
            _ensure_fits_the_contract(s)
        if action in ("edit", "revise", "submit", "approve"):
            await _check_links(
                uow, s, owner, s.latest, complete=action in ("submit", "approve"), appraiser_rhk_ids=appraiser_rhk_ids
            )
        if not await uow.skps.save(s, loaded=loaded, new_version=action == "revise", plan_changed=action == "edit"):
            raise WrongState("the SKP was changed by another request meanwhile; reload it and try again")
        if action == "approve":
            await uow.publish(_approved(s, s.latest, actor_nip, previous))
        await access_log.record_change(uow, Kind.SKP, s.skp_id, s.nip)
        await uow.commit()
        # With no version in force when loaded, nothing could be recorded against it.
        return await full_view(uow, s, nothing_recorded=loaded[0] is None)


def _ensure_fits_the_contract(s: Skp) -> None:
    """Refuse, while drafting, a plan whose approval event would exceed the contract's size bound
    (413 naming the limit), rather than store an SKP that could never be approved.

    The request models already hold every text and list to the contract's limits; what is left
    is text whose JSON escapes make it larger than those limits assume (control characters)."""
    version = s.latest
    try:
        encode_bounded(
            TargetRevised(
                agency_id=s.agency_id,
                period_id=s.period_id,
                nip=s.nip,
                skp_id=s.skp_id,
                version=version.number + 1,
                previous_version=version.number,
                approved_by=s.nip,
                reason=version.reason,
                rhk=_rhk(version),
            )
        )
    except EventTooLarge as exc:
        raise TooLarge(
            f"this SKP would make a {exc.size}-byte {exc.event_type} event; the contract's maximum is {exc.maximum}"
            " bytes: shorten its descriptions",
            limit="max_encoded_bytes",
            event_type=exc.event_type,
            size=exc.size,
            maximum=exc.maximum,
        ) from exc


def _rhk(version: SkpVersion) -> list[Rhk]:
    return [
        Rhk(
            rhk_id=r.rhk_id,
            kind=r.kind,
            description=r.description,
            supports_rhk_id=r.supports_rhk_id,
            iku_id=r.iku_id,
            indikator=[
                Iki(
                    iki_id=i.iki_id,
                    aspect=i.aspect,
                    description=i.description,
                    target=i.target,
                    unit=i.unit,
                    higher_is_better=i.higher_is_better,
                )
                for i in r.indikator
            ],
        )
        for r in version.rhk
    ]


def _approved(s: Skp, approved: SkpVersion, approved_by: str, previous: int | None) -> TargetSet | TargetRevised:
    """The event of an approval: ``approved`` (now in force) by ``approved_by``, superseding
    version ``previous`` (TargetRevised) or none (TargetSet, the first)."""
    if previous is None:
        return TargetSet(
            agency_id=s.agency_id,
            period_id=s.period_id,
            nip=s.nip,
            skp_id=s.skp_id,
            version=approved.number,
            approved_by=approved_by,
            rhk=_rhk(approved),
        )
    return TargetRevised(
        agency_id=s.agency_id,
        period_id=s.period_id,
        nip=s.nip,
        skp_id=s.skp_id,
        version=approved.number,
        previous_version=previous,
        approved_by=approved_by,
        reason=approved.reason,
        rhk=_rhk(approved),
    )


# --- reading ---------------------------------------------------------------------------------
def _team_read(team, by_nip: dict[str, Skp]) -> list[access_log.Entry]:
    """What the team list shows of each member: their SKP's state, or (none yet) their roster record."""
    return [(Kind.SKP, by_nip[e.nip].skp_id, e.nip) if e.nip in by_nip else (Kind.ROSTER, e.nip, e.nip) for e in team]


async def _readable(uow: TargetUnitOfWork, agency_id: str, skp_id: str, actor_nip: str, is_hr: bool) -> Skp:
    s, _ = await skp_or_404(uow, agency_id, skp_id, actor_nip=actor_nip, is_hr=is_hr)
    return s


async def get_skp(uow: TargetUnitOfWork, *, agency_id: str, skp_id: str, actor_nip: str, is_hr: bool) -> dict:
    async with uow:
        s = await _readable(uow, agency_id, skp_id, actor_nip, is_hr)
        view = await full_view(uow, s)
        await access_log.record_read(uow, Kind.SKP, s.skp_id, s.nip)
    return view


async def skp_versions(
    uow: TargetUnitOfWork, *, agency_id: str, skp_id: str, actor_nip: str, is_hr: bool, number: int | None = None
) -> dict:
    """The SKP's history: every version, the one in force marked; or one version by number."""
    async with uow:
        s = await _readable(uow, agency_id, skp_id, actor_nip, is_hr)
        await access_log.record_read(uow, Kind.SKP, s.skp_id, s.nip)
    if number is None:
        return {
            "skp_id": s.skp_id,
            "nip": s.nip,
            "period_id": s.period_id,
            "versions": [version_view(s, v) for v in s.versions],
        }
    found = next((v for v in s.versions if v.number == number), None)
    if found is None:
        raise NotFound("no such version of this SKP")
    return {"skp_id": s.skp_id, "nip": s.nip, "period_id": s.period_id, **version_view(s, found)}


async def skp_of_employee(
    uow: TargetUnitOfWork, *, agency_id: str, nip: str, period_id: str | None, actor_nip: str, is_hr: bool
) -> dict:
    async with uow:
        await readable_employee(uow, agency_id, nip, reader_nip=actor_nip, reader_is_hr=is_hr)
        found = await uow.skps.of_employee(agency_id, nip, period_id)
        items = [await full_view(uow, s) for s in found]
        await access_log.record_reads(uow, [(Kind.SKP, s.skp_id, s.nip) for s in found])
    return {"items": items}


async def team_skp(uow: TargetUnitOfWork, *, agency_id: str, appraiser_nip: str, period_id: str) -> dict:
    """For an appraiser: every employee they appraise, with the state of their SKP in the period."""
    async with uow:
        await period_or_404(uow, agency_id, period_id)
        team = await uow.roster.team(agency_id, appraiser_nip)
        by_nip = {s.nip: s for s in await uow.skps.in_period(agency_id, period_id, [e.nip for e in team])}
        await access_log.record_reads(uow, _team_read(team, by_nip))
    items = []
    for e in team:
        s = by_nip.get(e.nip)
        pending = s.pending_revision if s else None
        items.append(
            {
                **employee_view(e),
                "skp_id": s.skp_id if s else None,
                "status": s.status.value if s else None,
                "version": s.version if s else None,
                "revision": {"version": pending.number, "status": pending.status.value} if pending else None,
            }
        )
    return {"period_id": period_id, "items": items}
