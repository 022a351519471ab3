"""The shared roster projection's rules of order (issue 8, item 13): events apply by their
CloudEvents time, and transfers, applied in memory, never let an older event undo a newer one."""

from datetime import UTC, date, datetime, timedelta

from kinerja_contracts import CloudEventAttributes, EmployeeRegistered, EmployeeTransferred
from kinerja_runtime.messaging import Delivered, Envelope
from kinerja_runtime.roster import CHANGED_AT, Moves, in_time_order, is_older

NIP = "198503122010012002"
T0 = datetime(2026, 1, 5, 8, tzinfo=UTC)
T1, T2, T3 = T0 + timedelta(days=1), T0 + timedelta(days=2), T0 + timedelta(days=3)


def row(agency: str, at: datetime | None, name: str = "Siti Rahayu", unit_id: str = "umum") -> dict:
    return {
        "agency_id": agency,
        "nip": NIP,
        "name": name,
        "position": "Analis",
        "unit": unit_id,
        "appraiser_nip": None,
        "unit_id": unit_id,
        CHANGED_AT: at,
    }


def transfer(source: str, destination: str, unit_id: str = "keuangan") -> EmployeeTransferred:
    return EmployeeTransferred(
        agency_id=destination,
        nip=NIP,
        previous_agency_id=source,
        unit_id=unit_id,
        unit=unit_id,
        position="Analis",
        effective_on=date(2026, 1, 5),
    )


def delivered(name: str, at: datetime) -> Delivered:
    event = EmployeeRegistered(agency_id="a", nip=NIP, name=name, position="Analis", unit="Umum")
    attributes = CloudEventAttributes(id=name, source="/kinerja/tests", type=event.event_type, time=at)
    return Delivered(event, Envelope(attributes, event.topic, 0, 0, NIP))


def test_a_batch_is_put_oldest_first_and_events_of_one_time_keep_their_delivery_order():
    batch = [delivered("late", T2), delivered("first", T0), delivered("second", T0), delivered("middle", T1)]
    assert [d.event.name for d in in_time_order(batch)] == ["first", "second", "middle", "late"]


def test_an_event_is_older_only_than_a_later_time_and_a_value_with_no_time_is_replaced():
    assert is_older(T0, T1)
    assert not is_older(T1, T1), "an event of the same time applies (the later delivered wins)"
    assert not is_older(T1, T0)
    assert not is_older(T0, None)


def test_a_transfer_moves_the_employee_with_their_name_and_records_the_departure():
    moves = Moves({("a", NIP): row("a", T0)}, {})
    moves.move(transfer("a", "b"), T1)
    assert moves.rows == {("b", NIP): {**row("b", T1, unit_id="keuangan")}}
    assert (moves.removed, moves.written, moves.departed) == ({("a", NIP)}, {("b", NIP)}, {("a", NIP)})
    assert moves.departures == {("a", NIP): T1}


def test_a_transfer_older_than_the_row_it_would_remove_or_replace_leaves_it():
    # Re-registered in the old agency after the transfer's time: the late transfer removes nothing.
    moves = Moves({("a", NIP): row("a", T2)}, {})
    moves.move(transfer("a", "b"), T1)
    assert ("a", NIP) in moves.rows and not moves.removed
    # A move within the agency older than the row's last change leaves the row.
    moves = Moves({("a", NIP): row("a", T2, unit_id="umum")}, {})
    moves.move(transfer("a", "a", unit_id="keuangan"), T1)
    assert moves.rows[("a", NIP)]["unit_id"] == "umum" and not moves.written


def test_a_transfer_into_an_agency_the_employee_has_left_since_is_history():
    # a -> b at T1, b -> c at T2 applied; a -> b replayed: the employee stays in c only.
    moves = Moves({("c", NIP): row("c", T2)}, {("a", NIP): T1, ("b", NIP): T2})
    moves.move(transfer("a", "b"), T1)
    assert set(moves.rows) == {("c", NIP)} and not moves.written
    assert moves.departures == {("a", NIP): T1, ("b", NIP): T2}, "a departure never goes back in time"


def test_moves_within_one_batch_apply_in_order_and_a_return_re_adds_the_employee():
    moves = Moves({("a", NIP): row("a", T0)}, {})
    moves.move(transfer("a", "b"), T1)
    moves.move(transfer("b", "a", unit_id="umum"), T3)
    assert set(moves.rows) == {("a", NIP)} and moves.rows[("a", NIP)]["name"] == "Siti Rahayu"
    assert (moves.removed, moves.written) == ({("b", NIP)}, {("a", NIP)})
    assert moves.departures == {("a", NIP): T1, ("b", NIP): T3}


def test_with_no_row_to_take_it_from_the_name_is_the_destinations_or_else_the_nip():
    moves = Moves({}, {})
    moves.move(transfer("a", "b"), T1)
    assert moves.rows[("b", NIP)]["name"] == NIP
    moves = Moves({("b", NIP): row("b", T0, name="Siti R.")}, {})
    moves.move(transfer("a", "b"), T1)
    assert moves.rows[("b", NIP)]["name"] == "Siti R."
