import pytest
from kinerja_runtime.refusals import InvalidInput
from target_service.domain.roster import Change, Employee, RowError, employee_from_row, plan_import

SITI = "198503122010012002"
BUDI = "197801012005011001"


def row(nip=SITI, name="Siti Rahayu", position="Analis SDM", unit="Bidang Kepegawaian", appraiser_nip=BUDI):
    return {"nip": nip, "name": name, "position": position, "unit": unit, "appraiser_nip": appraiser_nip}


def test_row_becomes_employee_with_trimmed_text_and_empty_appraiser_as_none():
    e = employee_from_row(row(name="  Siti Rahayu ", appraiser_nip=" "))
    assert e == Employee(SITI, "Siti Rahayu", "Analis SDM", "Bidang Kepegawaian", None)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"nip": "123"}, "18 digits"),
        ({"name": ""}, "name is required"),
        ({"unit": None}, "unit is required"),
        ({"position": "x" * 201}, "position is longer than 200"),
        ({"appraiser_nip": "198503122010019002"}, "appraiser_nip: digit 15"),
        ({"appraiser_nip": SITI}, "own appraiser"),
    ],
)
def test_bad_rows_say_why(fields, reason):
    with pytest.raises(InvalidInput, match=reason):
        employee_from_row(row(**fields))


def test_plan_tells_new_changed_unchanged_and_keeps_good_rows():
    existing = {
        SITI: Employee(SITI, "Siti Rahayu", "Analis SDM", "Bidang Kepegawaian", BUDI),
        BUDI: Employee(BUDI, "Budi Santoso", "Kepala Bidang", "Bidang Kepegawaian", None),
    }
    new_nip = "199001012015012001"
    plan = plan_import(
        [
            (2, row()),  # unchanged
            (3, row(nip=BUDI, name="Budi Santoso", position="Sekretaris", appraiser_nip=None)),  # updated
            (4, row(nip="bad")),
            (5, row(nip=new_nip)),  # registered
            (6, row(nip=new_nip, name="Other")),  # repeated
        ],
        existing,
        unreadable=[RowError(7, None, "expected 5 fields, got 2")],
    )
    assert [(e.nip, c) for e, c in plan.changes] == [
        (SITI, Change.UNCHANGED),
        (BUDI, Change.UPDATED),
        (new_nip, Change.REGISTERED),
    ]
    assert [(e.line, e.nip) for e in plan.errors] == [(4, "bad"), (6, new_nip), (7, None)]
    assert "first given on line 5" in plan.errors[1].reason
    assert (plan.count(Change.REGISTERED), plan.count(Change.UPDATED), plan.count(Change.UNCHANGED)) == (1, 1, 1)


def test_a_record_is_read_by_the_employee_their_current_appraiser_and_hr_only():
    from target_service.domain.roster import may_read_record

    other = "199001012015012001"
    assert may_read_record(SITI, False, SITI, BUDI)
    assert may_read_record(BUDI, False, SITI, BUDI)
    assert may_read_record(other, True, SITI, BUDI)
    assert not may_read_record(other, False, SITI, BUDI)  # a colleague, even one holding the appraiser role
    assert not may_read_record(other, False, SITI, None)


def test_a_csv_roster_reads_a_bare_carriage_return_as_a_line_break():
    from target_service.entrypoints.roster_table import roster_rows_of_csv as roster_rows

    ani = "199001012015012001"
    rows, broken = roster_rows(f"nip,name,position,unit\r{SITI},Siti,Analis,Unit\r\r{ani},Ani,Staf,Unit", 10)
    assert ([line for line, _ in rows], broken) == ([2, 4], [])
    assert rows[1][1] == {"nip": ani, "name": "Ani", "position": "Staf", "unit": "Unit"}
    # A CR inside an unquoted field ends the line there: that row is short, and reported as such.
    rows, broken = roster_rows(f"nip,name,position,unit\n{SITI},Si\rti,Analis,Unit\n", 10)
    assert rows == [] and [(e.line, e.reason) for e in broken] == [
        (2, "expected 4 fields, got 2"),
        (3, "expected 4 fields, got 3"),
    ]


@pytest.mark.parametrize(
    ("text", "detail", "line", "field"),
    [
        (f"nip,name,position,unit\n{SITI},Si\x00ti,Analis,Unit\n", "line 2, name: must not contain the NUL", 2, "name"),
        ("ni\x00p,name,position,unit\n", "line 1, header: must not contain the NUL", 1, "header"),
        (f"nip,name,position,unit\n{SITI},Siti,Analis,Unit,\x00\n", "line 2, field 5: must not", 2, "field 5"),
    ],
)
def test_a_nul_character_in_a_csv_roster_is_refused_naming_the_line_and_field(text, detail, line, field):
    from kinerja_runtime.refusals import InvalidInput
    from target_service.entrypoints.roster_table import roster_rows_of_csv as roster_rows

    with pytest.raises(InvalidInput) as caught:
        roster_rows(text, 10)
    assert caught.value.reason.startswith(detail)
    assert caught.value.details == {"line": line, "field": field}
