import pytest
from target_service.domain.nip import InvalidNip, check_nip


@pytest.mark.parametrize("nip", ["198503122010011002", "200002292023022001", "199912312020121999"])
def test_accepts_well_formed_nip(nip):
    assert check_nip(nip) == nip


@pytest.mark.parametrize(
    ("nip", "reason"),
    [
        ("19850312201001100", "exactly 18 digits"),
        ("1985031220100110021", "exactly 18 digits"),
        ("19850312201001100x", "exactly 18 digits"),
        ("１９８５０３１２２０１００１１００２", "exactly 18 digits"),  # full-width digits
        ("198502302010011002", "digits 1-8 (19850230) are not a valid birth date"),
        ("190102292010011002", "not a valid birth date"),  # 1901 is no leap year
        ("198513012010011002", "not a valid birth date"),
        ("185003122010011002", "birth year before 1900"),
        ("198503122010131002", "digits 9-14 (201013) are not a valid appointment month"),
        ("198503122010001002", "not a valid appointment month"),
        ("198503121984011002", "appointment 198401 is before the birth date"),
        ("198503122010013002", "digit 15 (3) must be the gender code 1 or 2"),
        ("198503122010010002", "gender code"),
    ],
)
def test_rejects_impossible_nip_with_reason(nip, reason):
    with pytest.raises(InvalidNip, match=reason.replace("(", r"\(").replace(")", r"\)")):
        check_nip(nip)
