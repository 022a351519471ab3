"""The appraiser confirms the proposal or overrides it with a written reason."""

import pytest
from appraisal_service.domain import OverrideWithoutReason, decide_final
from kinerja_contracts.vocabulary import Ekspektasi, Predikat

ATAS, SESUAI, BAWAH = Ekspektasi.DI_ATAS, Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH


def test_omitted_ratings_accept_the_proposal():
    final = decide_final(ATAS, ATAS)
    assert (final.rating_hasil_kerja, final.rating_perilaku, final.predikat) == (ATAS, ATAS, Predikat.SANGAT_BAIK)
    assert final.overridden is False and final.reason is None


def test_restating_the_proposal_is_no_override():
    assert decide_final(SESUAI, ATAS, SESUAI, ATAS).overridden is False


def test_override_with_reason_sets_the_predikat_from_the_matrix():
    final = decide_final(SESUAI, SESUAI, rating_perilaku=BAWAH, reason="  Dua kali mangkir rapat koordinasi. ")
    assert (final.rating_hasil_kerja, final.rating_perilaku, final.predikat) == (
        SESUAI,
        BAWAH,
        Predikat.KURANG_MISCONDUCT,
    )
    assert final.overridden is True and final.reason == "Dua kali mangkir rapat koordinasi."


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_override_without_reason_is_refused(reason):
    with pytest.raises(OverrideWithoutReason):
        decide_final(SESUAI, SESUAI, rating_hasil_kerja=ATAS, reason=reason)
