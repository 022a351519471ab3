"""kinerja-admin's arguments and dead-letter filters, with no broker and no database."""

from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import TopicPartition
from kinerja_runtime.admin.cli import _details, _filter_of, parser
from kinerja_runtime.admin.deadletters import REPLAY_ID, REPLAYED_AT, DeadLetter, Filter
from kinerja_runtime.admin.kafka import Span
from kinerja_runtime.admin.output import table
from kinerja_runtime.admin.rebuild import loss

AT = datetime(2026, 1, 31, 1, 0, tzinfo=UTC)


def parse(*argv: str):
    return parser().parse_args(list(argv))


def usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        parse(*argv)
    assert stopped.value.code == 2
    return capsys.readouterr().err


def letter(**headers: str) -> DeadLetter:
    base = {
        "ce_id": "e-1",
        "ce_type": "kinerja.target.EmployeeRegistered.v1",
        "ce_agency": "dinas-kesehatan",
        "content-type": "application/json",
        "dlq_consumer": "feedback-service",
        "dlq_error": "ProgrammingError: UndefinedTableError, sqlstate 42P01",
        "dlq_reason": "handler_error",
        "dlq_original_topic": "kinerja.employees",
        "dlq_original_partition": "4",
        "dlq_original_offset": "112",
    }
    return DeadLetter(3, 17, AT, b"198503122010011001", b"{}", {**base, **headers})


def test_times_take_an_offset_and_are_kept_in_utc():
    assert parse("outbox", "replay", "--service", "target-service", "--since", "2026-01-31T08:00:00+07:00").since == AT
    assert parse("outbox", "replay", "--service", "target-service", "--since", "2026-01-31T01:00:00Z").since == AT


@pytest.mark.parametrize(
    ("given", "said"),
    [("2026-01-31T08:00:00", "has no UTC offset"), ("yesterday", "is not an ISO 8601 time")],
)
def test_a_time_without_offset_or_not_a_time_is_bad_usage(capsys, given, said):
    err = usage_error(capsys, "deadletter", "list", "--service", "feedback-service", "--since", given)
    assert said in err


def test_the_service_is_required_and_must_be_installed(capsys):
    assert "--service" in usage_error(capsys, "outbox", "parked", "list")
    err = usage_error(capsys, "outbox", "parked", "list", "--service", "payroll")
    assert "invalid choice: 'payroll'" in err and "appraisal-service" in err
    assert parse("projections", "rebuild", "training-service").service == "training-service"


def test_a_retry_names_one_event_or_all_not_both(capsys):
    assert parse("outbox", "parked", "retry", "--service", "target-service", "e-1").event_id == "e-1"
    assert parse("outbox", "parked", "retry", "--service", "target-service", "--all").all
    usage_error(capsys, "outbox", "parked", "retry", "--service", "target-service")
    assert "not allowed with" in usage_error(
        capsys, "outbox", "parked", "retry", "--service", "target-service", "e-1", "--all"
    )


def test_limits_are_positive(capsys):
    assert "not a positive whole number" in usage_error(
        capsys, "outbox", "parked", "list", "--service", "target-service", "--limit", "0"
    )


def test_dead_letters_are_the_services_own_unless_another_consumer_is_named():
    listed = parse("deadletter", "list", "--service", "feedback-service", "--type", "EmployeeRegistered")
    assert _filter_of(listed, "feedback-service") == Filter(
        consumer="feedback-service", event_type="EmployeeRegistered"
    )
    other = parse("deadletter", "list", "--service", "feedback-service", "--consumer", "training-service")
    assert _filter_of(other, "feedback-service").consumer == "training-service"
    replay = parse("deadletter", "replay", "--service", "appraisal-service", "--reason", "Undefined", "--again")
    assert _filter_of(replay, "appraisal-service") == Filter(consumer="appraisal-service", reason="Undefined")
    assert replay.again


@pytest.mark.parametrize(
    ("wanted", "taken"),
    [
        (Filter(), True),
        (Filter(consumer="feedback-service"), True),
        (Filter(consumer="appraisal-service"), False),
        (Filter(event_type="kinerja.target.EmployeeRegistered.v1"), True),
        (Filter(event_type="employeeregistered"), True),
        (Filter(event_type="EmployeeTransferred"), False),
        (Filter(event_type="kinerja.target"), False),
        (Filter(reason="undefinedtable"), True),
        (Filter(reason="ValidationError"), False),
        (Filter(reason="handler_error"), True),
        (Filter(reason="HANDLER_ERROR"), True),
        (Filter(reason="decode_error"), False),
        (Filter(agency="dinas-kesehatan"), True),
        (Filter(agency="dinas-pendidikan"), False),
        (Filter(since=AT), True),
        (Filter(since=AT + timedelta(seconds=1)), False),
        (Filter(until=AT), False),
        (Filter(until=AT + timedelta(seconds=1)), True),
        (Filter(consumer="feedback-service", event_type="EmployeeRegistered", reason="42P01", since=AT), True),
    ],
)
def test_a_filter_takes_what_each_criterion_takes(wanted, taken):
    assert wanted(letter()) is taken


def test_a_replay_keeps_the_events_headers_and_names_its_delivery():
    replayed_at = AT + timedelta(days=1)
    headers = dict(letter(**{REPLAY_ID: "an-earlier-replay"}).replay_headers("r-2", replayed_at))
    assert not any(k.startswith("dlq_") for k in headers)
    assert headers["ce_id"] == b"e-1" and headers["ce_type"] == b"kinerja.target.EmployeeRegistered.v1"
    assert headers["content-type"] == b"application/json"
    assert headers[REPLAY_ID] == b"r-2" and headers[REPLAYED_AT] == replayed_at.isoformat().encode()


def test_a_dead_letter_says_where_it_came_from():
    assert letter().ref == "3:17"
    assert letter().origin == "kinerja.employees/4@112"
    assert letter().place == (3, 17, "e-1")


def test_a_table_pads_its_columns_and_shows_instants_in_utc():
    shown = table(["A", "WHEN", "N"], [["x", AT, 1], ["longer", None, 22]])
    assert shown.splitlines() == [
        "A       WHEN                  N",
        "x       2026-01-31T01:00:00Z  1",
        "longer  -                     22",
    ]


def test_a_dead_letter_shows_its_key_and_subject_only_with_the_payload():
    shown = _details(letter(ce_subject="198503122010011001"), None, payload=False)
    assert "198503122010011001" not in shown and "key:" in shown and "ce_subject:" in shown
    shown = _details(letter(ce_subject="198503122010011001"), None, payload=True)
    assert "key:         198503122010011001" in shown and "ce_subject: 198503122010011001" in shown


def test_a_rebuild_refuses_topics_that_lost_records_unless_told():
    first, second = TopicPartition("kinerja.employees", 0), TopicPartition("kinerja.employees", 1)
    whole = Span({first: 0, second: 0}, {first: 5, second: 3})
    assert loss(whole, applied=8) is None
    assert "hold only 8 records" in loss(whole, applied=9)
    trimmed = Span({first: 0, second: 2}, {first: 5, second: 3})
    assert "kinerja.employees/1 start past offset 0" in loss(trimmed, applied=0)
    assert parse("projections", "rebuild", "appraisal-service", "--accept-loss").accept_loss
    assert not parse("projections", "rebuild", "appraisal-service").accept_loss
