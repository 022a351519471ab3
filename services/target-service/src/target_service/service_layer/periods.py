"""Use cases of periods and their IKU: HR opens a period (with checkpoints), defines IKU, closes it."""

import uuid
from datetime import date

from kinerja_contracts import Checkpoint, EmployeePeriodClosed, PerformancePeriodClosed, PerformancePeriodOpened
from kinerja_runtime.refusals import NotFound, WrongState

from target_service.domain.iku import define_iku
from target_service.domain.period import Period, open_period
from target_service.service_layer.unit_of_work import TargetUnitOfWork
from target_service.service_layer.views import iku_view, period_view

NO_PERIOD = "no such period in this agency"


async def period_or_404(uow: TargetUnitOfWork, agency_id: str, period_id: str, lock: str | None = None) -> Period:
    """The period, or 404. A use case that publishes an employee's targets or realisations locks it
    ``"share"`` and the close ``"update"``: the close then waits for those in flight and later ones
    see it closed, so each employee's EmployeePeriodClosed follows all their targets (ADR 0005)."""
    return period_found(await uow.periods.get(agency_id, period_id, lock))


def period_found(period: Period | None) -> Period:
    """A period read with something else (None: the agency has no such period), or 404."""
    if period is None:
        raise NotFound(NO_PERIOD)
    return period


async def open_new_period(
    uow: TargetUnitOfWork,
    *,
    agency_id: str,
    year: int,
    starts_on: date | None,
    ends_on: date | None,
    checkpoint_months: int | None = None,
    windows: list[tuple[str, date, date]] | None = None,
) -> dict:
    period = open_period(str(uuid.uuid4()), agency_id, year, starts_on, ends_on, checkpoint_months, windows)
    async with uow:
        existing = await uow.periods.of_year(agency_id, year)
        if existing is not None or not await uow.periods.add(period):
            raise WrongState(f"the {year} period already exists")
        await uow.publish(
            PerformancePeriodOpened(
                agency_id=agency_id,
                period_id=period.period_id,
                year=year,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                checkpoints=[
                    Checkpoint(checkpoint_id=c.checkpoint_id, name=c.name, starts_on=c.starts_on, ends_on=c.ends_on)
                    for c in period.checkpoints
                ],
            )
        )
        await uow.commit()
    return period_view(period)


async def list_periods(uow: TargetUnitOfWork, *, agency_id: str) -> dict:
    async with uow:
        return {"items": [period_view(p) for p in await uow.periods.all(agency_id)]}


async def get_period(uow: TargetUnitOfWork, *, agency_id: str, period_id: str) -> dict:
    async with uow:
        return period_view(await period_or_404(uow, agency_id, period_id))


# Closing events built and written at a time: built all at once before one executemany,
# target-service peaked at 412 MB closing an agency of 25,000.
EVENTS_PER_STATEMENT = 2_000


async def close_period(uow: TargetUnitOfWork, *, agency_id: str, period_id: str) -> dict:
    """Close a period: announce it for the agency, and per employee on the roster (on the
    employee's own partition of kinerja.targets, after their targets and realisations) the SKP
    version in force and its realisation count.

    Sized for an agency of 20,000: the roster's state is one query and the events one
    executemany per 2,000 employees (ADR 0005).
    """
    async with uow:
        period = await period_or_404(uow, agency_id, period_id, lock="update")
        closed_at = uow.clock.now()
        period.close(closed_at)
        await uow.periods.save(period)
        state = await uow.periods.closing_state(agency_id, period_id)
        await uow.publish(
            PerformancePeriodClosed(
                agency_id=agency_id,
                period_id=period_id,
                year=period.year,
                closed_at=closed_at,
                employee_count=len(state),
            )
        )
        for start in range(0, len(state), EVENTS_PER_STATEMENT):
            await uow.publish_many(
                [
                    EmployeePeriodClosed(
                        agency_id=agency_id,
                        period_id=period_id,
                        year=period.year,
                        nip=nip,
                        closed_at=closed_at,
                        skp_id=skp_id,
                        skp_version=version,
                        realization_count=count,
                    )
                    for nip, skp_id, version, count in state[start : start + EVENTS_PER_STATEMENT]
                ]
            )
        await uow.commit()
    return {**period_view(period), "employees": len(state)}


# --- IKU -----------------------------------------------------------------------------------
async def define_period_iku(
    uow: TargetUnitOfWork,
    *,
    agency_id: str,
    period_id: str,
    code: str,
    description: str,
    target: float,
    unit: str,
    higher_is_better: bool,
) -> tuple[dict, bool]:
    """Create the IKU with this code in an open period, or change it; returns (the IKU, whether created)."""
    async with uow:
        period = await period_or_404(uow, agency_id, period_id)
        existing = {i.code: i for i in await uow.iku.of_period(agency_id, period_id)}
        before = existing.get(code.strip())
        period.ensure_open("defining an IKU")
        item = define_iku(
            before.iku_id if before else str(uuid.uuid4()),
            period_id,
            code,
            description,
            target,
            unit,
            higher_is_better,
        )
        if item != before:
            if not await uow.iku.save(agency_id, item, is_new=before is None):
                raise WrongState("an IKU with this code was defined at the same time; send it again")
            await uow.commit()
    return iku_view(item), before is None


async def list_iku(uow: TargetUnitOfWork, *, agency_id: str, period_id: str) -> dict:
    async with uow:
        await period_or_404(uow, agency_id, period_id)
        return {"items": [iku_view(i) for i in await uow.iku.of_period(agency_id, period_id)]}
