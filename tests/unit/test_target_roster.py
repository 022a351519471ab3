import pytest
from target_service.domain.errors import InvalidInput
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
        (SITI, Change.UNCHANGED), (BUDI, Change.UPDATED), (new_nip, Change.REGISTERED),
    ]
    assert [(e.line, e.nip) for e in plan.errors] == [(4, "bad"), (6, new_nip), (7, None)]
    assert "first given on line 5" in plan.errors[1].reason
    assert (plan.count(Change.REGISTERED), plan.count(Change.UPDATED), plan.count(Change.UNCHANGED)) == (1, 1, 1)
