"""Predikat kinerja: the final grade, fixed by law from the two ratings.

PermenPANRB 6/2022 leaves no room for agency policy here: once the appraiser has
settled rating hasil kerja and rating perilaku kerja, the predikat follows from this
matrix. It is therefore a plain lookup, not part of ``AppraisalPolicy``.
"""

from kinerja_contracts.vocabulary import Ekspektasi, Predikat

__all__ = ["predikat_for"]

_ATAS = Ekspektasi.DI_ATAS
_SESUAI = Ekspektasi.SESUAI
_BAWAH = Ekspektasi.DI_BAWAH

# Keys are (rating hasil kerja, rating perilaku kerja): rows then columns of the
# regulation's table, written out cell by cell so it can be checked against it.
_MATRIX: dict[tuple[Ekspektasi, Ekspektasi], Predikat] = {
    (_ATAS, _BAWAH): Predikat.KURANG_MISCONDUCT,
    (_ATAS, _SESUAI): Predikat.BAIK,
    (_ATAS, _ATAS): Predikat.SANGAT_BAIK,
    (_SESUAI, _BAWAH): Predikat.KURANG_MISCONDUCT,
    (_SESUAI, _SESUAI): Predikat.BAIK,
    (_SESUAI, _ATAS): Predikat.BAIK,
    (_BAWAH, _BAWAH): Predikat.SANGAT_KURANG,
    (_BAWAH, _SESUAI): Predikat.BUTUH_PERBAIKAN,
    (_BAWAH, _ATAS): Predikat.BUTUH_PERBAIKAN,
}


def predikat_for(hasil_kerja: Ekspektasi, perilaku: Ekspektasi) -> Predikat:
    """Return the predikat kinerja for a rating hasil kerja and a rating perilaku."""
    # Coerce so wire strings ("sesuai_ekspektasi") work as well as enum members,
    # and an unknown level fails loudly instead of falling through the table.
    return _MATRIX[(Ekspektasi(hasil_kerja), Ekspektasi(perilaku))]
