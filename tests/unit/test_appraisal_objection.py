"""Keberatan: 14 days from the result (day 0 is the day it became final)."""

from datetime import date

import pytest
from appraisal_service.domain import (
    ObjectionClosed,
    UnchangedResult,
    check_objection_window,
    objection_closes_on,
    revised_ratings,
)
from kinerja_contracts.vocabulary import Ekspektasi, Predikat

FINAL_ON = date(2026, 1, 30)


@pytest.mark.parametrize("today", [date(2026, 1, 30), date(2026, 2, 1), date(2026, 2, 13)])
def test_within_the_window(today):
    check_objection_window(FINAL_ON, today)


def test_day_14_is_accepted_and_day_15_refused_with_the_closing_date():
    assert objection_closes_on(FINAL_ON) == date(2026, 2, 13)
    check_objection_window(FINAL_ON, date(2026, 2, 13))
    with pytest.raises(ObjectionClosed) as refused:
        check_objection_window(FINAL_ON, date(2026, 2, 14))
    assert refused.value.closed_on == date(2026, 2, 13)
    assert "2026-02-13" in str(refused.value)


def test_a_changed_result_changes_a_rating_and_its_predikat():
    result = revised_ratings(Ekspektasi.DI_BAWAH, Ekspektasi.SESUAI, Ekspektasi.SESUAI, None, "Bukti baru")
    assert (result.rating_hasil_kerja, result.rating_perilaku, result.predikat) == (
        Ekspektasi.SESUAI,
        Ekspektasi.SESUAI,
        Predikat.BAIK,
    )


def test_a_change_that_changes_nothing_is_refused():
    with pytest.raises(UnchangedResult):
        revised_ratings(Ekspektasi.SESUAI, Ekspektasi.SESUAI, Ekspektasi.SESUAI, None, "sama")
