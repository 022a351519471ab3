"""Cascading: what an employee's RHK may link to, and the tree from an IKU down to every linked RHK."""

from kinerja_runtime import access_log
from kinerja_runtime.access_log import Kind
from kinerja_runtime.refusals import NotFound

from target_service.domain.cascade import CascadeReader, CascadeRow, LinkTargets, cascade_tree, reporting_line
from target_service.domain.iku import Iku
from target_service.domain.organisation import heads_agency
from target_service.domain.roster import Owner
from target_service.domain.skp import Skp
from target_service.service_layer.periods import period_or_404
from target_service.service_layer.roster import NO_EMPLOYEE
from target_service.service_layer.unit_of_work import TargetUnitOfWork
from target_service.service_layer.views import link_targets_view


def _appraiser_followed(owner: Owner) -> str | None:
    """The appraiser whose approved RHK the owner's RHK support; None when the owner heads the
    agency (their RHK serve the period's IKU instead)."""
    appraiser = owner.employee.appraiser_nip
    if appraiser is None or heads_agency(owner.heads_root_unit, appraiser, owner.appraiser_on_roster):
        return None
    return appraiser


async def _link_sources(
    uow: TargetUnitOfWork, agency_id: str, period_id: str, owner: Owner
) -> tuple[bool, list[Iku], Skp | None]:
    """Whether the owner heads the agency, the period's IKU (theirs to serve if so), and otherwise
    their appraiser's SKP of the period, whose version in force holds what they may support."""
    appraiser = _appraiser_followed(owner)
    if appraiser is None:
        return True, await uow.iku.of_period(agency_id, period_id), None
    found = await uow.skps.in_period(agency_id, period_id, [appraiser])
    return False, [], found[0] if found else None


async def link_targets(
    uow: TargetUnitOfWork,
    agency_id: str,
    period_id: str,
    owner: Owner,
    appraiser_rhk_ids: frozenset[str] | None = None,
) -> LinkTargets:
    """What the owner's RHK may link to. Every draft, submission and approval checks it, so of the
    appraiser's SKP only the ids of the RHK in force are read, not the whole SKP; not even those
    when the caller read them with the owner (``appraiser_rhk_ids``, SkpRepository.drafting)."""
    appraiser = _appraiser_followed(owner)
    if appraiser is None:
        return LinkTargets(True, iku_ids=frozenset(i.iku_id for i in await uow.iku.of_period(agency_id, period_id)))
    if appraiser_rhk_ids is None:
        appraiser_rhk_ids = await uow.skps.approved_rhk_ids(agency_id, period_id, appraiser)
    return LinkTargets(False, approved_rhk_ids=appraiser_rhk_ids)


async def my_link_targets(uow: TargetUnitOfWork, *, agency_id: str, nip: str, period_id: str) -> dict:
    """What the caller's own RHK may link to in a period, as :func:`link_targets` decides it: the
    editor's list. Of the appraiser's SKP only the approved version's RHK text is shown, never a
    draft (:func:`~target_service.domain.cascade.check_links` refuses links to those too)."""
    async with uow:
        owner = await uow.roster.owner(agency_id, nip)
        if owner is None:
            raise NotFound(NO_EMPLOYEE)
        await period_or_404(uow, agency_id, period_id)
        head, ikus, supervisor = await _link_sources(uow, agency_id, period_id, owner)
        approved = supervisor.in_force if supervisor else None
        if supervisor is not None and approved is not None:  # the appraiser's plan was read: in their access log
            await access_log.record_read(uow, Kind.SKP, supervisor.skp_id, supervisor.nip)
    return link_targets_view(period_id, head, ikus, approved.rhk if approved else ())


async def cascade(uow: TargetUnitOfWork, *, agency_id: str, iku_id: str, reader_nip: str, reader_is_hr: bool) -> dict:
    """The tree from an IKU as this reader may see it (:class:`CascadeReader`); each SKP shows the
    version in force, or, to its owner, appraiser and HR, its first draft while nothing is approved."""
    async with uow:
        iku = await uow.iku.get(agency_id, iku_id)
        if iku is None:
            raise NotFound("no such IKU in this agency")
        on_roster = await uow.roster.all(agency_id)
        appraisers = {nip: e.appraiser_nip for nip, e in on_roster.items()}
        reader = CascadeReader(
            reader_nip, reader_is_hr, frozenset() if reader_is_hr else reporting_line(reader_nip, appraisers)
        )
        rows: list[CascadeRow] = []
        for s in await uow.skps.in_period(agency_id, iku.period_id):
            shown = reader.version_shown(s, appraisers.get(s.nip))
            if shown is None:
                continue
            owner = on_roster.get(s.nip)
            rows.extend(
                CascadeRow(
                    r.rhk_id,
                    r.kind.value,
                    r.description,
                    r.supports_rhk_id,
                    r.iku_id,
                    s.nip,
                    owner.name if owner else None,
                    s.skp_id,
                    shown.status.value,
                    s.version,
                )
                for r in shown.rhk
            )
        tree = cascade_tree(iku, rows)
        # Whose plans the tree shows is whose SKP this reader read (one entry each, one statement).
        await access_log.record_reads(uow, [(Kind.SKP, skp_id, nip) for skp_id, nip in sorted(_skps_in(tree["rhk"]))])
    return {"period_id": iku.period_id, **tree}


def _skps_in(nodes: list[dict]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for node in nodes:
        found.add((node["skp_id"], node["nip"]))
        found |= _skps_in(node["supported_by"])
    return found
