"""Use cases of the organisation: HR defines the agency's work units; anyone in it reads the tree."""

from dataclasses import replace

from kinerja_contracts import WorkUnitDefined
from kinerja_runtime.uow import UnitOfWork

from target_service.adapters import organisation as repo
from target_service.adapters import roster as roster_repo
from target_service.domain.organisation import WorkUnit, check_unit, unit_tree
from target_service.service_layer.refusals import domain_refusals
from target_service.service_layer.roster import registered
from target_service.service_layer.views import unit_view


async def define_unit(uow: UnitOfWork, *, agency_id: str, unit: WorkUnit) -> tuple[dict, bool]:
    """Create or change a unit -> WorkUnitDefined; sending the same unit again changes nothing.

    Returns (the unit, whether it was created)."""
    async with uow:
        existing = await repo.units(uow.session, agency_id)
        with domain_refusals():
            checked = check_unit(unit, existing)
        before = existing.get(checked.unit_id)
        if before == checked:
            return unit_view(checked), False
        await repo.save_unit(uow.session, agency_id, checked, is_new=before is None)
        await uow.publish(
            WorkUnitDefined(
                agency_id=agency_id,
                unit_id=checked.unit_id,
                name=checked.name,
                parent_unit_id=checked.parent_unit_id,
                head_nip=checked.head_nip,
                serves_public=checked.serves_public,
            )
        )
        if before is not None and before.name != checked.name:
            # The roster carries the unit's name too; members are re-announced so no projection keeps the old one.
            members = [
                replace(m, unit=checked.name)
                for m in await roster_repo.in_unit(uow.session, agency_id, checked.unit_id)
            ]
            await roster_repo.update_employees(uow.session, agency_id, members)
            await uow.publish_many([registered(agency_id, m) for m in members])
        await uow.commit()
    return unit_view(checked), before is None


async def units_tree(uow: UnitOfWork, *, agency_id: str) -> dict:
    async with uow:
        return {"units": unit_tree(await repo.units(uow.session, agency_id))}
