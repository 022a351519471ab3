from datetime import date

import pytest
from kinerja_runtime.refusals import InvalidInput, WrongState
from target_service.domain.organisation import WorkUnit, check_unit, default_appraiser, is_head_of_agency, unit_tree
from target_service.domain.roster import Employee, employee_from_row
from target_service.domain.transfer import plan_transfer

KADIS, KABID, STAF, ATASAN = "197001011995031001", "197801012005011001", "198503122010012002", "196505051990031001"
DINAS = WorkUnit("dinas", "Dinas", None, KADIS)
PELAYANAN = WorkUnit("pelayanan", "Bidang Pelayanan", "dinas", KABID, True)
UNITS = {"dinas": DINAS, "pelayanan": PELAYANAN}


def test_units_form_one_tree():
    assert check_unit(WorkUnit("pengaduan", " Bidang Pengaduan ", "dinas"), UNITS).name == "Bidang Pengaduan"
    with pytest.raises(InvalidInput, match="already has its root unit dinas"):
        check_unit(WorkUnit("lain", "Dinas Lain"), UNITS)
    with pytest.raises(InvalidInput, match="parent_unit_id nowhere"):
        check_unit(WorkUnit("x", "X", "nowhere"), UNITS)
    with pytest.raises(InvalidInput, match="below itself"):
        check_unit(WorkUnit("dinas", "Dinas", "pelayanan"), UNITS)
    with pytest.raises(InvalidInput, match="head_nip"):
        check_unit(WorkUnit("x", "X", "dinas", "123"), UNITS)
    assert check_unit(DINAS, UNITS) == DINAS  # the root may be sent again
    [root] = unit_tree(UNITS)
    assert (root["unit_id"], [u["unit_id"] for u in root["units"]]) == ("dinas", ["pelayanan"])


def test_head_of_agency_heads_the_root_unit_or_has_no_appraiser_in_the_agency():
    roster = {KADIS, KABID, STAF}
    assert is_head_of_agency(KADIS, ATASAN, roster, UNITS)  # heads the root unit
    assert is_head_of_agency(KADIS, None, roster, {})  # no appraiser at all
    assert is_head_of_agency(KADIS, ATASAN, roster, {})  # appraiser outside the agency's roster
    assert not is_head_of_agency(KABID, KADIS, roster, UNITS)
    assert not is_head_of_agency(STAF, KABID, roster, UNITS)


def test_import_row_may_name_a_unit_by_id():
    row = {"nip": STAF, "name": "Siti", "position": "Analis", "unit_id": "pelayanan", "appraiser_nip": KABID}
    assert employee_from_row(row, {"pelayanan": "Bidang Pelayanan"}).unit == "Bidang Pelayanan"
    with pytest.raises(InvalidInput, match="unit_id nowhere is not a work unit"):
        employee_from_row({**row, "unit_id": "nowhere"}, {"pelayanan": "Bidang Pelayanan"})


def test_transfer_into_a_unit_answers_to_its_head_and_a_move_must_change_something():
    staf = Employee(STAF, "Siti", "Analis", "Bidang Pengaduan", "198001012005011002", "pengaduan")
    t = plan_transfer(
        staf,
        from_agency="a1",
        to_agency=None,
        unit=PELAYANAN,
        destination_units=UNITS,
        position=None,
        appraiser_nip=None,
        effective_on=date(2025, 7, 1),
    )
    assert (t.moved.unit_id, t.moved.unit, t.moved.appraiser_nip, t.previous_unit_id) == (
        "pelayanan",
        "Bidang Pelayanan",
        KABID,
        "pengaduan",
    )
    assert not t.between_agencies
    assert default_appraiser(KABID, PELAYANAN, UNITS) == KADIS  # the head answers to the parent's head
    elsewhere = plan_transfer(
        staf,
        from_agency="a1",
        to_agency="a2",
        unit=PELAYANAN,
        destination_units=UNITS,
        position="Analis Kebijakan",
        appraiser_nip=None,
        effective_on=date(2025, 7, 1),
    )
    assert elsewhere.between_agencies and elsewhere.moved.position == "Analis Kebijakan"
    with pytest.raises(WrongState, match="already in this unit"):
        plan_transfer(
            t.moved,
            from_agency="a1",
            to_agency="a1",
            unit=PELAYANAN,
            destination_units=UNITS,
            position=None,
            appraiser_nip=None,
            effective_on=date(2025, 7, 1),
        )
    with pytest.raises(InvalidInput, match="own appraiser"):
        plan_transfer(
            staf,
            from_agency="a1",
            to_agency=None,
            unit=PELAYANAN,
            destination_units=UNITS,
            position=None,
            appraiser_nip=STAF,
            effective_on=date(2025, 7, 1),
        )


# --- between agencies: a request the receiving agency accepts (issue 8) ----------------------
def _request(**overrides):
    from datetime import UTC, datetime

    from target_service.domain.transfer import ask_transfer

    staf = Employee(STAF, "Siti", "Analis", "Bidang Pengaduan", KABID, "pengaduan")
    given = {
        "from_agency": "a1",
        "to_agency": "a2",
        "requested_by": KADIS,
        "requested_at": datetime(2025, 9, 1, tzinfo=UTC),
        "effective_on": date(2025, 10, 1),
        "proposed_unit_id": None,
        "proposed_position": None,
        "appraiser_nip": None,
        **overrides,
    }
    return ask_transfer("r1", staf, **given)


def test_a_move_to_another_agency_is_a_pending_request_carrying_only_what_the_sender_knows():
    from target_service.domain.transfer import RequestStatus

    r = _request(proposed_unit_id=" bidang-data ", proposed_position=" ")
    assert (r.status, r.nip, r.name, r.position, r.to_agency) == (RequestStatus.PENDING, STAF, "Siti", "Analis", "a2")
    assert (r.proposed_unit_id, r.proposed_position) == ("bidang-data", None)
    assert r.concerns("a1") and r.concerns("a2") and not r.concerns("a3")
    with pytest.raises(InvalidInput, match="appraiser_nip cannot be set") as caught:
        _request(appraiser_nip=KADIS)
    assert caught.value.details == {"field": "appraiser_nip"}
    with pytest.raises(InvalidInput, match="another agency"):
        _request(to_agency="a1")


def test_only_the_receiver_accepts_or_declines_only_the_sender_withdraws_and_only_once():
    from datetime import UTC, datetime

    from kinerja_runtime.refusals import NotPermitted
    from target_service.domain.transfer import RequestStatus

    later = datetime(2025, 9, 2, tzinfo=UTC)
    r = _request()
    with pytest.raises(NotPermitted, match="receiving agency's HR may accept"):
        r.accept("a1", KADIS, later)
    with pytest.raises(NotPermitted, match="sending agency's HR may withdraw"):
        r.withdraw("a2", KABID, later)
    r.accept("a2", KABID, later)
    assert (r.status, r.decided_by, r.decided_at) == (RequestStatus.ACCEPTED, KABID, later)
    for decide in (
        lambda: r.decline("a2", KABID, later, None),
        lambda: r.withdraw("a1", KADIS, later),
        lambda: r.accept("a2", KABID, later),
    ):
        with pytest.raises(WrongState, match="already accepted"):
            decide()
    declined = _request()
    declined.decline("a2", KABID, later, "  Formasi penuh ")
    assert (declined.status, declined.reason) == (RequestStatus.DECLINED, "Formasi penuh")
    withdrawn = _request()
    withdrawn.withdraw("a1", KADIS, later)
    assert withdrawn.status is RequestStatus.WITHDRAWN
