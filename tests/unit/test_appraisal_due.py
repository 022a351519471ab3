"""When a period close makes an employee's appraisal due: the settle time for answers still in
flight is counted from the close itself, unless its delivery took longer than that (a consumer
catching up) or it is stamped ahead of this service's clock, when it is counted from the close's
arrival. A close whose own transaction took long is not late for that."""

import asyncio
import dataclasses
from datetime import timedelta

from appraisal_fakes import FakeAppraisalUnitOfWork
from appraisal_service.domain import due_after_close
from appraisal_service.service_layer import due
from kinerja_contracts import ClosedPeriodEmployee, EmployeePeriodClosed, PerformancePeriodClosedV1
from kinerja_contracts.cloudevents import CloudEventAttributes
from kinerja_runtime.messaging import Delivered, Envelope

SETTLE = timedelta(seconds=2)
AGENCY, PERIOD = "dinas-a", "2025"
ANI, BUDI = "199001012015012001", "197801012005011001"


def test_a_close_arriving_within_the_settle_time_is_due_settle_after_the_close():
    uow = FakeAppraisalUnitOfWork()
    closed_at = uow.clock.now()
    arrived = closed_at + timedelta(milliseconds=700)
    assert due_after_close(closed_at, arrived, SETTLE) == closed_at + SETTLE
    assert due_after_close(closed_at, closed_at, SETTLE) == closed_at + SETTLE


def test_a_late_close_waits_the_whole_settle_time_from_its_arrival():
    uow = FakeAppraisalUnitOfWork()
    closed_at = uow.clock.now()
    for late in (SETTLE, timedelta(hours=3)):
        assert due_after_close(closed_at, closed_at + late, SETTLE) == closed_at + late + SETTLE


def test_a_long_close_delivered_promptly_is_due_settle_after_the_close():
    uow = FakeAppraisalUnitOfWork()
    closed_at = uow.clock.now()
    sent_at = closed_at + timedelta(seconds=4)  # an agency of thousands: the close took 4 s to commit
    arrived = sent_at + timedelta(milliseconds=900)
    assert due_after_close(closed_at, arrived, SETTLE, sent_at) == closed_at + SETTLE, "due on arrival"


def test_a_close_delivered_late_waits_the_whole_settle_time_from_its_arrival():
    uow = FakeAppraisalUnitOfWork()
    closed_at = uow.clock.now()
    sent_at = closed_at + timedelta(milliseconds=100)
    arrived = sent_at + SETTLE + timedelta(seconds=1)
    assert due_after_close(closed_at, arrived, SETTLE, sent_at) == arrived + SETTLE


def test_a_close_stamped_ahead_of_this_clock_waits_the_whole_settle_time():
    uow = FakeAppraisalUnitOfWork()
    now = uow.clock.now()
    assert due_after_close(now + timedelta(seconds=1), now, SETTLE) == now + SETTLE


def delivered(event, sent_after: timedelta = timedelta(0)) -> Delivered:
    """As target-service sends a close: made ``sent_after`` the close's own time."""
    attributes = CloudEventAttributes.for_event(event, "/kinerja/target-service")
    attributes = dataclasses.replace(attributes, time=event.closed_at + sent_after)
    return Delivered(event, Envelope(attributes, event.topic, 0, 0, event.key()))


async def test_the_closes_queue_appraisals_due_settle_after_the_close():
    uow = FakeAppraisalUnitOfWork()
    now = uow.clock.now()
    closed = dict(agency_id=AGENCY, period_id=PERIOD, year=2025, skp_id=None, skp_version=None, realization_count=0)
    queued = asyncio.Event()
    await due.on_employees_closed(queued, SETTLE.total_seconds())(
        [delivered(EmployeePeriodClosed(nip=ANI, closed_at=now - timedelta(milliseconds=500), **closed))], uow
    )
    legacy = PerformancePeriodClosedV1(
        agency_id=AGENCY,
        period_id="2024",
        year=2024,
        closed_at=now - timedelta(days=1),  # a replay of an old close: the whole settle time from now
        employees=[ClosedPeriodEmployee(nip=BUDI, skp_id=None, skp_version=None, realization_count=0)],
    )
    await due.on_periods_closed_v1(queued, SETTLE.total_seconds())([delivered(legacy)], uow)
    await uow.commit()

    rows = uow.due.rows
    assert rows[AGENCY, PERIOD, ANI].due_at == now + SETTLE - timedelta(milliseconds=500)
    assert rows[AGENCY, "2024", BUDI].due_at == now + SETTLE
    assert {r.queued_at for r in rows.values()} == {now}, "the wait for inputs counts from the arrival"
    assert queued.is_set()
    assert await uow.due.next_due(after=now) == now + SETTLE - timedelta(milliseconds=500)
    assert await uow.due.next_due(after=now + SETTLE) is None


async def test_a_large_close_sent_seconds_after_its_own_time_is_not_late():
    uow = FakeAppraisalUnitOfWork()
    now = uow.clock.now()
    closed = EmployeePeriodClosed(
        agency_id=AGENCY,
        period_id=PERIOD,
        year=2025,
        nip=ANI,
        closed_at=now - timedelta(seconds=4.5),
        skp_id=None,
        skp_version=None,
        realization_count=0,
    )
    # Its transaction made the event 4 s after the close began; it arrived 0.5 s after that.
    await due.on_employees_closed(asyncio.Event(), SETTLE.total_seconds())(
        [delivered(closed, sent_after=timedelta(seconds=4))], uow
    )
    await uow.commit()
    assert uow.due.rows[AGENCY, PERIOD, ANI].due_at == closed.closed_at + SETTLE, "due already, not 2 s more"
