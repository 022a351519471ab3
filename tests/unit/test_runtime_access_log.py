"""The access log's entries: who, when, which record and route -- nothing else (issue 8 item 15)."""

from datetime import UTC, datetime

from kinerja_runtime.access_log import Action, Kind, accessor, entry_rows
from kinerja_runtime.auth import Principal

SITI, ANI, HR = "198503122010012002", "199001012015012001", "196805051990031001"
NOW = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def test_an_entry_names_the_caller_their_known_roles_the_route_template_and_the_record():
    who = accessor(Principal(HR, "dinas-a", frozenset({"hr", "employee", "superuser"})), "GET", "/skp/{skp_id}")
    (row,) = entry_rows(who, Action.READ, [(Kind.SKP, "skp-1", SITI)], NOW)
    assert row == {
        "agency_id": "dinas-a",
        "subject_nip": SITI,
        "accessed_at": NOW,
        "actor_nip": HR,
        "actor_roles": "employee,hr",
        "action": "read",
        "record_kind": "skp",
        "record_id": "skp-1",
        "route": "GET /skp/{skp_id}",
    }


def test_one_entry_per_record_in_the_order_given():
    who = accessor(Principal(HR, "dinas-a", frozenset({"appraiser"})), "GET", "/me/team/skp")
    rows = entry_rows(
        who, Action.READ, [(Kind.SKP, "s-2", ANI), (Kind.ROSTER, SITI, SITI), (Kind.SKP, "s-2", ANI)], NOW
    )
    assert [(r["record_kind"], r["record_id"], r["subject_nip"]) for r in rows] == [
        ("skp", "s-2", ANI),
        ("roster", SITI, SITI),
    ]


def test_a_value_that_is_no_nip_reads_nobodys_record_and_long_values_are_cut_to_the_columns():
    who = accessor(Principal("x" * 100, "dinas-a", frozenset({"hr"})), "GET", "/employees/{nip}/jp-ledger")
    assert (
        entry_rows(who, Action.READ, [(Kind.JP_LEDGER, "2026", "not-a-nip"), (Kind.JP_LEDGER, "2026", "1" * 19)], NOW)
        == []
    )
    (row,) = entry_rows(who, Action.CHANGE, [(Kind.FEEDBACK, "p" * 500, SITI)], NOW)
    assert (len(row["actor_nip"]), len(row["record_id"]), row["action"]) == (64, 128, "change")
