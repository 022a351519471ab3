import pytest
from appraisal_service.domain import predikat_for
from kinerja_contracts.vocabulary import Ekspektasi, Predikat

ATAS, SESUAI, BAWAH = Ekspektasi.DI_ATAS, Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH


@pytest.mark.parametrize(
    ("hasil", "perilaku", "expected"),
    [
        (ATAS, BAWAH, Predikat.KURANG_MISCONDUCT),
        (ATAS, SESUAI, Predikat.BAIK),
        (ATAS, ATAS, Predikat.SANGAT_BAIK),
        (SESUAI, BAWAH, Predikat.KURANG_MISCONDUCT),
        (SESUAI, SESUAI, Predikat.BAIK),
        (SESUAI, ATAS, Predikat.BAIK),
        (BAWAH, BAWAH, Predikat.SANGAT_KURANG),
        (BAWAH, SESUAI, Predikat.BUTUH_PERBAIKAN),
        (BAWAH, ATAS, Predikat.BUTUH_PERBAIKAN),
    ],
)
def test_matrix_of_permenpanrb_6_2022(hasil, perilaku, expected):
    assert predikat_for(hasil, perilaku) is expected


def test_accepts_wire_strings():
    assert predikat_for("di_atas_ekspektasi", "di_atas_ekspektasi") is Predikat.SANGAT_BAIK


def test_rejects_unknown_level():
    with pytest.raises(ValueError):
        predikat_for("baik", SESUAI)
