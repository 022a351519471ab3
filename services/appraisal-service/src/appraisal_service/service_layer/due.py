"""The queue of appraisals due once an employee's period closes, and the batch processor
that turns them into proposals awaiting the appraiser's confirmation (no event here).

``EmployeePeriodClosed`` travels on the employee's partition of ``kinerja.targets`` after
their targets and realisations, so by the time it is applied the projections hold them and
the appraisal is due at once (ADR 0002, superseded in part). The completeness check stays
as a cheap safety net, evaluated for a whole batch from the inputs read anyway: a row whose
SKP version or realisations are not all here yet waits, and after ``max_wait`` goes ahead
with what is known, saying so in the log, so one lost event cannot block an agency.

The processor claims up to ``batch_size`` due rows in one transaction (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, so replicas take different rows), reads their inputs in bulk,
writes the proposals and settles the rows in the same transaction. It wakes when a commit
queued rows and when the earliest pending row falls due, and otherwise looks again every
``idle_seconds``.
"""

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from kinerja_contracts import EmployeePeriodClosed, PerformancePeriodClosedV1
from kinerja_runtime import context
from kinerja_runtime.app import ServiceRuntime
from kinerja_runtime.logging import get_logger
from kinerja_runtime.messaging import Delivered, is_outage
from kinerja_runtime.redaction import describe
from kinerja_runtime.uow import UnitOfWorkFactory

from appraisal_service.domain import DueAppraisal, DueStatus, Key, due_after_close
from appraisal_service.service_layer.appraise import Inputs, propose_many, read_inputs
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork

log = get_logger(__name__)

NO_SKP = "no approved SKP at period close"


def _open(uows: UnitOfWorkFactory) -> AppraisalUnitOfWork:
    return cast(AppraisalUnitOfWork, uows())


# --- filling the queue -------------------------------------------------------------------


def on_employees_closed(queued: asyncio.Event, settle_seconds: float = 0.0):
    """Each employee's close queues their annual appraisal. Their targets and realisations came
    before it on the same partition; the settle time, counted from the close, is for feedback
    and citizen answers still in flight on other topics (ADR 0005, ``due_after_close``)."""

    async def handle(batch: Sequence[Delivered[EmployeePeriodClosed]], uow: AppraisalUnitOfWork) -> None:
        now, settle = uow.clock.now(), timedelta(seconds=settle_seconds)
        await uow.due.queue(
            [
                {
                    "agency_id": d.event.agency_id,
                    "period_id": d.event.period_id,
                    "nip": d.event.nip,
                    "skp_id": d.event.skp_id,
                    "skp_version": d.event.skp_version,
                    "realization_count": d.event.realization_count,
                    "due_at": due_after_close(d.event.closed_at, now, settle, d.envelope.attributes.time),
                    "queued_at": now,
                    "status": DueStatus.PENDING.value,
                    # The proposal and the confirmation continue the close's trace from here.
                    "trace": uow.tracing.headers_for(d.event_id),
                }
                for d in batch
            ]
        )
        # Wake the processor once this transaction commits (not before: it would find nothing).
        uow.due.after_commit(queued.set)

    return handle


def on_periods_closed_v1(queued: asyncio.Event, settle_seconds: float):
    """The legacy close listing every employee, on another topic than their targets: queued
    alike, after a settle time, the completeness check doing the waiting."""

    async def handle(batch: Sequence[Delivered[PerformancePeriodClosedV1]], uow: AppraisalUnitOfWork) -> None:
        now, settle = uow.clock.now(), timedelta(seconds=settle_seconds)
        rows = []
        for d in batch:
            e, trace = d.event, uow.tracing.headers_for(d.event_id)
            due_at = due_after_close(e.closed_at, now, settle, d.envelope.attributes.time)
            rows += [
                {
                    "agency_id": e.agency_id,
                    "period_id": e.period_id,
                    "nip": employee.nip,
                    "skp_id": employee.skp_id,
                    "skp_version": employee.skp_version,
                    "realization_count": employee.realization_count,
                    "due_at": due_at,
                    "queued_at": now,
                    "status": DueStatus.PENDING.value,
                    "trace": trace,
                }
                for employee in e.employees
            ]
        await uow.due.queue(rows)
        uow.due.after_commit(queued.set)

    return handle


# --- working through it ------------------------------------------------------------------


async def process_due_forever(
    runtime: ServiceRuntime,
    queued: asyncio.Event,
    *,
    batch_size: int = 1000,
    max_wait: float = 120.0,
    idle_seconds: float = 1.0,
    workers: int = 1,
) -> None:
    """``workers`` batches at once (each claims its own rows): one computes proposals while
    the database writes another's. SQLite, with a single writer, wants one."""
    runtime.extras["appraisals_queued"] = queued
    await asyncio.gather(*(_work(runtime.uows, queued, batch_size, max_wait, idle_seconds) for _ in range(workers)))


async def _work(
    uows: UnitOfWorkFactory, queued: asyncio.Event, batch_size: int, max_wait: float, idle_seconds: float
) -> None:
    size = batch_size
    while True:
        queued.clear()  # before the batch: a commit during it wakes the next round
        looked_at = uows.clock.now()
        try:
            settled = await process_due_once(uows, size, max_wait, retry_seconds=idle_seconds)
            size = batch_size
        except Exception as exc:
            if is_outage(exc):
                log.warning("database unavailable; due appraisals wait", error=describe(exc))
            else:
                # Narrow down to the row at fault; a batch of one that fails is marked failed.
                log.exception("a batch of due appraisals failed", batch_size=size)
                size = max(1, size // 2)
            await asyncio.sleep(idle_seconds)
            continue
        if settled >= size:
            continue  # a full batch: more are probably due
        try:
            pause = await _until_next_due(uows, looked_at, idle_seconds)
        except Exception as exc:
            log.warning("next due appraisal not read", error=describe(exc))
            pause = idle_seconds
        if pause > 0:
            try:
                await asyncio.wait_for(queued.wait(), timeout=pause)
            except TimeoutError:
                pass


async def _until_next_due(uows: UnitOfWorkFactory, looked_at: datetime, idle_seconds: float) -> float:
    """Seconds until the earliest pending row falling due after ``looked_at`` (the last claim's
    time) is due, at most ``idle_seconds``: rows queued with a settle time are proposed when it
    ends, not at the next idle look. Rows due by then that the claim did not get are another
    worker's (locked) and are not waited on here, which would spin. (Rows another replica's
    consumer queues meanwhile are found by the idle look.)"""
    uow = _open(uows)
    async with uow:
        next_due = await uow.due.next_due(after=looked_at)
        now = uow.clock.now()
    if next_due is None:
        return idle_seconds
    return min(idle_seconds, max(0.0, (next_due - now).total_seconds()))


async def process_due_once(
    uows: UnitOfWorkFactory, batch_size: int = 1000, max_wait: float = 120.0, retry_seconds: float = 1.0
) -> int:
    """One batch in one transaction; returns how many due rows it settled or put back."""
    context.begin()
    try:
        return await _batch(uows, batch_size, max_wait, retry_seconds)
    except Exception as exc:
        claimed = getattr(exc, "claimed_keys", [])
        if batch_size > 1 or is_outage(exc) or not claimed:
            raise
        await _fail(uows, claimed, f"appraisal could not be made: {describe(exc)}")
        return len(claimed)


async def _batch(uows: UnitOfWorkFactory, batch_size: int, max_wait: float, retry_seconds: float) -> int:
    uow = _open(uows)
    async with uow:
        now = uow.clock.now()
        rows = await uow.due.claim(now, batch_size)
        if not rows:
            return 0
        try:
            return await _settle(uow, rows, now, max_wait, retry_seconds)
        except Exception as exc:
            # So a batch of one marks exactly its own row failed.
            exc.claimed_keys = [r.key for r in rows]  # type: ignore[attr-defined]
            raise


async def _settle(
    uow: AppraisalUnitOfWork, rows: list[DueAppraisal], now: datetime, max_wait: float, retry_seconds: float
) -> int:
    keys = {r.key: r for r in rows}
    with_skp = [k for k, r in keys.items() if r.skp_id is not None]
    inputs = await read_inputs(uow, with_skp)
    ready, waiting = [], []
    for key in with_skp:
        row = keys[key]
        if _complete(row, inputs):
            ready.append(key)
        elif now - (row.queued_at or row.due_at) < timedelta(seconds=max_wait):
            waiting.append(key)
        else:
            log.warning(
                "appraising with incomplete inputs after waiting",
                agency_id=key[0],
                period_id=key[1],
                skp_version=row.skp_version,
                realizations=row.realization_count,
            )
            ready.append(key)
    # Each proposal is a span in the trace of the close that queued it.
    with uow.tracing.branches("propose appraisal", (keys[k].trace for k in ready)):
        made = await propose_many(uow, ready, inputs=inputs)
        failed = {**made.not_found, **made.refused}
        if failed:  # each row's note says why; the log names no employee
            log.warning("appraisals could not be made", count=len(failed))
        await uow.due.set([k for k in ready if k not in failed], status=DueStatus.DONE)
        await uow.due.set([k for k, r in keys.items() if r.skp_id is None], status=DueStatus.SKIPPED, note=NO_SKP)
        await uow.due.set(waiting, due_at=now + timedelta(seconds=retry_seconds))
        await uow.due.fail({key: reason[:500] for key, reason in failed.items()})
        await uow.commit()
    log.info(
        "due appraisals processed",
        claimed=len(rows),
        proposed=len(made.created),
        waiting=len(waiting),
        failed=len(failed),
    )
    return len(rows)


def _complete(row: DueAppraisal, inputs: Inputs) -> bool:
    """Whether the projections hold the SKP version and every realisation target-service had at close."""
    target = inputs.targets.get(row.key)
    if target is None or target.version < (row.skp_version or 0):
        return False
    return inputs.realized_of(target).count >= row.realization_count


async def _fail(uows: UnitOfWorkFactory, keys: list[Key], note: str) -> None:
    """The batch of one kept failing: mark its row failed so the queue moves on."""
    uow = _open(uows)
    async with uow:
        await uow.due.set(keys, status=DueStatus.FAILED, note=note[:500])
        await uow.commit()
    for agency_id, period_id, _nip in keys:
        log.error("appraisal failed", period_id=period_id, agency_id=agency_id, reason=note)
