"""Works through the appraisals that fell due when a period closed, making each a proposal
that waits for the appraiser's confirmation (no event is published here).

An employee's appraisal waits until the projections hold the SKP version and every
realisation target-service reported at close; after ``max_wait`` it goes ahead with what
it has and says so in the log, so one lost event cannot block a whole agency.
"""

import asyncio
from datetime import UTC, datetime, timedelta

from kinerja_runtime import context
from kinerja_runtime.app import ServiceRuntime
from kinerja_runtime.logging import get_logger
from kinerja_runtime.problems import Problem
from sqlalchemy import select, update

from appraisal_service.adapters import projections
from appraisal_service.adapters.orm import appraisals_due
from appraisal_service.service_layer.appraise import propose_appraisal

log = get_logger(__name__)


async def process_due_forever(runtime: ServiceRuntime, interval: float = 0.5, max_wait: float = 120.0) -> None:
    while True:
        try:
            await process_due_once(runtime, max_wait)
        except Exception:
            log.exception("processing due appraisals failed; retrying")
        await asyncio.sleep(interval)


async def process_due_once(runtime: ServiceRuntime, max_wait: float) -> int:
    now = datetime.now(UTC)
    async with runtime.sessions() as session:
        due = (await session.execute(
            select(appraisals_due).where(appraisals_due.c.status == "pending", appraisals_due.c.due_at <= now)
            .order_by(appraisals_due.c.due_at).limit(100)
        )).all()
    done = 0
    for row in due:
        done += await _process(runtime, row, now, max_wait)
    return done


async def _process(runtime: ServiceRuntime, row, now: datetime, max_wait: float) -> int:
    context.begin()
    key = (appraisals_due.c.agency_id == row.agency_id, appraisals_due.c.period_id == row.period_id,
           appraisals_due.c.nip == row.nip)
    async with runtime.uows() as uow:
        if row.skp_id is None:
            await _finish(uow, key, "skipped", "no approved SKP at period close")
            return 0
        if not await _projection_complete(uow, row) and now - _aware(row.due_at) < timedelta(seconds=max_wait):
            return 0
        # Claiming the row in the same transaction keeps two replicas from appraising twice.
        claimed = await uow.session.execute(update(appraisals_due).where(*key, appraisals_due.c.status == "pending").values(status="done"))
        if claimed.rowcount != 1:
            return 0
        try:
            await propose_appraisal(uow, row.agency_id, row.period_id, row.nip)
        except Problem as exc:
            await uow.session.rollback()
            await _finish(uow, key, "failed", exc.detail)
            log.warning("appraisal could not be made", nip=row.nip, reason=exc.detail)
            return 0
        await uow.commit()
    return 1


async def _projection_complete(uow, row) -> bool:
    target = await projections.target_of(uow.session, row.agency_id, row.period_id, row.nip)
    if target is None or target.version < (row.skp_version or 0):
        return False
    return await projections.realization_count(uow.session, target.skp_id) >= row.realization_count


async def _finish(uow, key, status: str, note: str) -> None:
    await uow.session.execute(update(appraisals_due).where(*key).values(status=status, note=note[:500]))
    await uow.commit()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
