"""Cascading: what an employee's RHK may link to, and the tree from an IKU down to every linked RHK."""

from kinerja_runtime.problems import NotFound
from kinerja_runtime.uow import UnitOfWork

from target_service.adapters import periods as periods_repo
from target_service.adapters import roster as roster_repo
from target_service.adapters import skp as skp_repo
from target_service.domain.cascade import CascadeRow, LinkTargets, cascade_tree
from target_service.domain.organisation import heads_agency


async def link_targets(uow: UnitOfWork, agency_id: str, period_id: str, owner: roster_repo.Owner) -> LinkTargets:
    appraiser = owner.employee.appraiser_nip
    if heads_agency(owner.heads_root_unit, appraiser, owner.appraiser_on_roster):
        ikus = await periods_repo.iku_of_period(uow.session, agency_id, period_id)
        return LinkTargets(True, iku_ids=frozenset(i.iku_id for i in ikus))
    found = await skp_repo.skp_in_period(uow.session, agency_id, period_id, [appraiser])
    supervisor = found[0] if found else None
    approved = frozenset(r.rhk_id for r in supervisor.in_force.rhk) if supervisor and supervisor.in_force else frozenset()
    drafted = frozenset(r.rhk_id for v in supervisor.versions for r in v.rhk) if supervisor else frozenset()
    return LinkTargets(False, appraiser_nip=appraiser, approved_rhk_ids=approved, unapproved_rhk_ids=drafted - approved)


async def cascade(uow: UnitOfWork, *, agency_id: str, iku_id: str) -> dict:
    """Each SKP shows the version in force, or its first draft when nothing is approved yet."""
    async with uow:
        iku = await periods_repo.one_iku(uow.session, agency_id, iku_id)
        if iku is None:
            raise NotFound(f"IKU {iku_id} does not exist in this agency", iku_id=iku_id)
        names = {nip: e.name for nip, e in (await roster_repo.roster(uow.session, agency_id)).items()}
        rows = [
            CascadeRow(r.rhk_id, r.kind.value, r.description, r.supports_rhk_id, r.iku_id, s.nip, names.get(s.nip),
                       s.skp_id, s.status.value, s.version)
            for s in await skp_repo.skp_in_period(uow.session, agency_id, iku.period_id)
            for r in s.current.rhk
        ]
    return {"period_id": iku.period_id, **cascade_tree(iku, rows)}
