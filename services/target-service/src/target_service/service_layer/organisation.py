"""Use cases of the organisation: HR defines the agency's work units; anyone in it reads the tree."""

from dataclasses import replace

from kinerja_contracts import WorkUnitDefined

from target_service.domain.organisation import WorkUnit, check_unit, unit_tree
from target_service.service_layer.roster import registered
from target_service.service_layer.unit_of_work import TargetUnitOfWork
from target_service.service_layer.views import unit_view


async def define_unit(uow: TargetUnitOfWork, *, agency_id: str, unit: WorkUnit) -> tuple[dict, bool]:
    """Create or change a unit -> WorkUnitDefined; sending the same unit again changes nothing.

    Returns (the unit, whether it was created)."""
    async with uow:
        existing = await uow.organisation.units(agency_id)
        checked = check_unit(unit, existing)
        before = existing.get(checked.unit_id)
        if before == checked:
            return unit_view(checked), False
        await uow.organisation.save_unit(agency_id, checked, is_new=before is None)
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
            members = [replace(m, unit=checked.name) for m in await uow.roster.in_unit(agency_id, checked.unit_id)]
            await uow.roster.update(agency_id, members)
            await uow.publish_many([registered(agency_id, m) for m in members])
        await uow.commit()
    return unit_view(checked), before is None


async def units_tree(uow: TargetUnitOfWork, *, agency_id: str) -> dict:
    async with uow:
        return {"units": unit_tree(await uow.organisation.units(agency_id))}
