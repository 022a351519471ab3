"""The appraiser pages' pure rules: the period shown, the team by SKP state, what needs doing,
which giver row a round refusal is about, and the bodies of confirm and decision."""

from web_portal.clients import FieldError, ServiceProblem
from web_portal.pages.appraiser_shared import (
    appraisal_todos,
    choose_period,
    confirm_body,
    decision_body,
    giver_refusal_field,
    givers_from_form,
    objection_todos,
    round_errors,
    skp_todos,
    team_by_state,
)

PERIODS = [{"period_id": "p24", "year": 2024, "status": "closed"}, {"period_id": "p25", "year": 2025, "status": "open"},
           {"period_id": "p26", "year": 2026, "status": "closed"}]


def test_the_period_asked_for_else_the_latest_open_else_the_latest():
    assert choose_period(PERIODS, "p24")["period_id"] == "p24"
    assert choose_period(PERIODS, "unknown")["period_id"] == "p25"
    assert choose_period(PERIODS, None)["period_id"] == "p25"
    assert choose_period([PERIODS[0], PERIODS[2]], None)["period_id"] == "p26"
    assert choose_period([], "p24") is None


def test_the_team_grouped_by_state_what_waits_first_and_a_submitted_revision_waits_too():
    team = [{"nip": "1", "name": "Budi", "status": "approved", "skp_id": "s1"},
            {"nip": "2", "name": "Ani", "status": None, "skp_id": None},
            {"nip": "3", "name": "Citra", "status": "approved", "skp_id": "s3",
             "revision": {"version": 2, "status": "submitted"}},
            {"nip": "4", "name": "Ade", "status": "submitted", "skp_id": "s4"}]
    groups = team_by_state(team)
    assert [(state, [m["name"] for m in members]) for state, members in groups] == [
        ("submitted", ["Ade", "Citra"]), ("none", ["Ani"]), ("approved", ["Budi"])]
    assert [t.link for t in skp_todos(team)] == ["/penilai/skp/s4", "/penilai/skp/s3"]


def test_todos_name_proposals_to_confirm_and_only_my_open_objections():
    todos = appraisal_todos([{"appraisal_id": "a1", "nip": "1", "status": "proposed"},
                             {"appraisal_id": "a2", "nip": "2", "status": "final"}], {"1": "Budi"})
    assert [(t.link, t.values) for t in todos] == [("/penilai/penilaian/a1", {"name": "Budi"})]
    objections = [{"objection_id": "o1", "nip": "1", "status": "open", "superior_nip": "me"},
                  {"objection_id": "o2", "nip": "2", "status": "open", "superior_nip": "other"},
                  {"objection_id": "o3", "nip": "3", "status": "upheld", "superior_nip": "me"}]
    assert [t.link for t in objection_todos(objections, "me")] == ["/penilai/keberatan/o1"]


FORM = {"givers.0.nip": "boss", "givers.0.source": "appraiser", "givers.1.nip": "emp", "givers.1.source": "self",
        "givers.3.nip": "peer1", "givers.3.source": "self", "givers.4.nip": " ", "givers.4.source": "peer"}


def test_the_filled_giver_rows_keep_their_row_number():
    assert givers_from_form(FORM) == [{"row": 0, "nip": "boss", "source": "appraiser"},
                                      {"row": 1, "nip": "emp", "source": "self"},
                                      {"row": 3, "nip": "peer1", "source": "self"}]


def test_a_refusal_lands_on_the_row_that_breaks_its_rule():
    givers = givers_from_form(FORM)
    where = {"employee_nip": "emp", "appraiser_nip": "boss", "opener_nip": "boss"}
    assert giver_refusal_field("only the employee can be the 'self' giver", givers, **where) == "givers.3.source"
    twice = givers + [{"row": 5, "nip": "emp", "source": "peer"}]
    assert giver_refusal_field("each giver is named once; a giver was named more than once", twice, **where) \
        == "givers.5.nip"
    as_peer = [{"row": 2, "nip": "boss", "source": "peer"}]
    assert giver_refusal_field("the employee's appraiser can only give 'appraiser' feedback", as_peer, **where) \
        == "givers.2.source"
    assert giver_refusal_field("the period is closed", givers, **where) is None


def test_round_errors_from_validation_rule_and_unknown_giver():
    givers = givers_from_form(FORM)
    where = {"employee_nip": "emp", "appraiser_nip": "boss", "opener_nip": "boss", "known_nips": {"boss", "emp"}}
    invalid = ServiceProblem("feedback-service", 422, errors=[FieldError("givers.2.nip", "not a NIP")])
    assert round_errors(invalid, givers, **where) == ({"givers.3.nip": "not a NIP"}, [])  # the third row sent is row 3
    rule = ServiceProblem("feedback-service", 422, detail="only the employee can be the 'self' giver")
    assert round_errors(rule, givers, **where) == ({"givers.3.source": rule.detail}, [])
    unknown = ServiceProblem("feedback-service", 404, detail="no such employee")
    assert round_errors(unknown, givers, **where) == ({"givers.3.nip": "Pegawai dengan NIP ini tidak dikenal."}, [])
    closed = ServiceProblem("feedback-service", 409, detail="the period is closed")
    assert round_errors(closed, givers, **where) == ({}, ["the period is closed"])


def test_confirm_and_decision_bodies_leave_out_what_stays():
    assert confirm_body({"rating_hasil_kerja": "", "rating_perilaku": "", "reason": "  "}) == {}
    assert confirm_body({"rating_hasil_kerja": "di_atas_ekspektasi", "reason": " Kinerja luar biasa "}) == {
        "rating_hasil_kerja": "di_atas_ekspektasi", "reason": "Kinerja luar biasa"}
    assert decision_body({"outcome": "upheld", "reason": "Sesuai bukti", "rating_perilaku": "di_atas_ekspektasi"}) \
        == {"outcome": "upheld", "reason": "Sesuai bukti"}
    assert decision_body({"outcome": "changed", "reason": "Bukti baru", "rating_perilaku": "di_atas_ekspektasi",
                          "rating_hasil_kerja": ""}) == {
        "outcome": "changed", "reason": "Bukti baru", "rating_perilaku": "di_atas_ekspektasi"}
