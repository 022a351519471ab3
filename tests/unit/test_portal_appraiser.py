"""The appraiser pages' pure rules: the period shown, the team by SKP state, what needs doing,
which giver row a round refusal is about, and the bodies of confirm and decision."""

from web_portal.clients import FieldError, ServiceProblem
from web_portal.pages.appraiser_shared import (
    appraisal_todos,
    choose_period,
    confirm_body,
    decision_body,
    givers_from_form,
    objection_todos,
    round_errors,
    skp_todos,
    team_by_state,
)

PERIODS = [
    {"period_id": "p24", "year": 2024, "status": "closed"},
    {"period_id": "p25", "year": 2025, "status": "open"},
    {"period_id": "p26", "year": 2026, "status": "closed"},
]


def test_the_period_asked_for_else_the_latest_open_else_the_latest():
    assert choose_period(PERIODS, "p24")["period_id"] == "p24"
    assert choose_period(PERIODS, "unknown")["period_id"] == "p25"
    assert choose_period(PERIODS, None)["period_id"] == "p25"
    assert choose_period([PERIODS[0], PERIODS[2]], None)["period_id"] == "p26"
    assert choose_period([], "p24") is None


def test_the_team_grouped_by_state_what_waits_first_and_a_submitted_revision_waits_too():
    team = [
        {"nip": "1", "name": "Budi", "status": "approved", "skp_id": "s1"},
        {"nip": "2", "name": "Ani", "status": None, "skp_id": None},
        {
            "nip": "3",
            "name": "Citra",
            "status": "approved",
            "skp_id": "s3",
            "revision": {"version": 2, "status": "submitted"},
        },
        {"nip": "4", "name": "Ade", "status": "submitted", "skp_id": "s4"},
    ]
    groups = team_by_state(team)
    assert [(state, [m["name"] for m in members]) for state, members in groups] == [
        ("submitted", ["Ade", "Citra"]),
        ("none", ["Ani"]),
        ("approved", ["Budi"]),
    ]
    assert [t.link for t in skp_todos(team)] == ["/penilai/skp/s4", "/penilai/skp/s3"]


def test_todos_name_proposals_to_confirm_and_only_my_open_objections():
    todos = appraisal_todos(
        [
            {"appraisal_id": "a1", "nip": "1", "status": "proposed"},
            {"appraisal_id": "a2", "nip": "2", "status": "final"},
        ],
        {"1": "Budi"},
    )
    assert [(t.link, t.values) for t in todos] == [("/penilai/penilaian/a1", {"name": "Budi"})]
    objections = [
        {"objection_id": "o1", "nip": "1", "status": "open", "superior_nip": "me"},
        {"objection_id": "o2", "nip": "2", "status": "open", "superior_nip": "other"},
        {"objection_id": "o3", "nip": "3", "status": "upheld", "superior_nip": "me"},
    ]
    assert [t.link for t in objection_todos(objections, "me")] == ["/penilai/keberatan/o1"]


FORM = {
    "givers.0.nip": "boss",
    "givers.0.source": "appraiser",
    "givers.1.nip": "emp",
    "givers.1.source": "self",
    "givers.3.nip": "peer1",
    "givers.3.source": "self",
    "givers.4.nip": " ",
    "givers.4.source": "peer",
}


def test_the_filled_giver_rows_keep_their_row_number():
    assert givers_from_form(FORM) == [
        {"row": 0, "nip": "boss", "source": "appraiser"},
        {"row": 1, "nip": "emp", "source": "self"},
        {"row": 3, "nip": "peer1", "source": "self"},
    ]


def test_round_errors_land_on_the_form_row_of_the_field_the_service_names():
    givers = givers_from_form(FORM)  # rows 0, 1 and 3 filled: the third giver sent is row 3
    invalid = ServiceProblem("feedback-service", 422, errors=[FieldError("givers.2.nip", "not a NIP")])
    assert round_errors(invalid, givers) == ({"givers.3.nip": "not a NIP"}, [])
    rule = ServiceProblem(
        "feedback-service",
        422,
        detail="givers.2.source: only the employee can be the 'self' giver",
        errors=[FieldError("givers.2.source", "only the employee can be the 'self' giver")],
    )
    assert round_errors(rule, givers) == ({"givers.3.source": "only the employee can be the 'self' giver"}, [])
    unknown = ServiceProblem(
        "feedback-service", 422, errors=[FieldError("givers.1.nip", "no such employee in this agency")]
    )
    assert round_errors(unknown, givers) == ({"givers.1.nip": "Pegawai dengan NIP ini tidak dikenal."}, [])
    none = ServiceProblem("feedback-service", 422, errors=[FieldError("givers", "name at least one giver")])
    assert round_errors(none, givers) == ({"givers.0.nip": "name at least one giver"}, [])
    closed = ServiceProblem("feedback-service", 409, detail="the period is closed")
    assert round_errors(closed, givers) == ({}, ["the period is closed"])


def test_confirm_and_decision_bodies_leave_out_what_stays():
    assert confirm_body({"rating_hasil_kerja": "", "rating_perilaku": "", "reason": "  "}) == {}
    assert confirm_body({"rating_hasil_kerja": "di_atas_ekspektasi", "reason": " Kinerja luar biasa "}) == {
        "rating_hasil_kerja": "di_atas_ekspektasi",
        "reason": "Kinerja luar biasa",
    }
    assert decision_body({"outcome": "upheld", "reason": "Sesuai bukti", "rating_perilaku": "di_atas_ekspektasi"}) == {
        "outcome": "upheld",
        "reason": "Sesuai bukti",
    }
    assert decision_body(
        {
            "outcome": "changed",
            "reason": "Bukti baru",
            "rating_perilaku": "di_atas_ekspektasi",
            "rating_hasil_kerja": "",
        }
    ) == {"outcome": "changed", "reason": "Bukti baru", "rating_perilaku": "di_atas_ekspektasi"}
