import pytest
from appraisal_service.domain import FeedbackAnswer, IndikatorInput, propose
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, FeedbackSource, Predikat, RhkKind

V = BerakhlakValue
S = FeedbackSource
ATAS, SESUAI, BAWAH = Ekspektasi.DI_ATAS, Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH

TARGETS_MET = [IndikatorInput("iki-1", "rhk-1", RhkKind.UTAMA, Aspect.KUANTITAS, "laporan", 12, True, 12)]


def ans(source, value, level):
    return FeedbackAnswer(source=source, value=value, level=level)


def perilaku(answers, **kwargs):
    result = propose(TARGETS_MET, answers, **kwargs)
    return result, {p.value: p for p in result.perilaku}


def test_appraiser_outweighs_self():
    _, by_value = perilaku([ans(S.APPRAISER, V.AKUNTABEL, BAWAH), ans(S.SELF, V.AKUNTABEL, ATAS)])
    akuntabel = by_value[V.AKUNTABEL]
    assert akuntabel.score == pytest.approx((0.5 * -1 + 0.1 * 1) / 0.6, abs=1e-4)
    assert akuntabel.level is BAWAH
    assert akuntabel.answers == 2


def test_each_source_is_averaged_before_weighting():
    # Five peers saying di atas do not outvote the appraiser's di bawah.
    answers = [ans(S.APPRAISER, V.KOMPETEN, BAWAH)] + [ans(S.PEER, V.KOMPETEN, ATAS)] * 5
    _, by_value = perilaku(answers)
    assert by_value[V.KOMPETEN].score == pytest.approx((-0.5 + 0.2) / 0.7, abs=1e-4)
    assert by_value[V.KOMPETEN].level is BAWAH
    assert by_value[V.KOMPETEN].answers == 6


def test_renormalised_over_the_sources_that_answered():
    # Only peers answered: their mean counts in full instead of being diluted to 0.2.
    answers = [ans(S.PEER, V.HARMONIS, ATAS), ans(S.PEER, V.HARMONIS, SESUAI)]
    _, by_value = perilaku(answers)
    assert by_value[V.HARMONIS].score == 0.5
    assert by_value[V.HARMONIS].level is ATAS


def test_unanswered_value_is_sesuai_with_zero_answers():
    result, by_value = perilaku([ans(S.APPRAISER, V.LOYAL, ATAS)])
    assert [p.value for p in result.perilaku] == list(BerakhlakValue)
    adaptif = by_value[V.ADAPTIF]
    assert (adaptif.level, adaptif.answers, adaptif.score) == (SESUAI, 0, 0.0)
    assert result.feedback_answers == 1


def test_no_feedback_at_all_is_sesuai():
    result, _ = perilaku([])
    assert result.rating_perilaku is SESUAI
    assert result.weak_values == ()


def test_value_bands():
    # appraiser sesuai + subordinate di bawah: -0.2/0.7 = -0.2857 -> sesuai
    _, by_value = perilaku([ans(S.APPRAISER, V.ADAPTIF, SESUAI), ans(S.SUBORDINATE, V.ADAPTIF, BAWAH)])
    assert by_value[V.ADAPTIF].level is SESUAI
    # appraiser sesuai + peer & subordinate di bawah: -0.4/0.9 = -0.4444 -> di bawah
    _, by_value = perilaku(
        [
            ans(S.APPRAISER, V.ADAPTIF, SESUAI),
            ans(S.PEER, V.ADAPTIF, BAWAH),
            ans(S.SUBORDINATE, V.ADAPTIF, BAWAH),
        ]
    )
    assert by_value[V.ADAPTIF].level is BAWAH


def test_three_values_below_make_overall_di_bawah():
    strong = [ans(S.APPRAISER, v, ATAS) for v in (V.BERORIENTASI_PELAYANAN, V.KOMPETEN, V.HARMONIS, V.LOYAL)]
    weak = [ans(S.APPRAISER, v, BAWAH) for v in (V.AKUNTABEL, V.ADAPTIF, V.KOLABORATIF)]
    result, _ = perilaku(strong + weak)
    # the plain mean (+1/7) alone would be sesuai
    assert result.rating_perilaku is BAWAH
    assert result.weak_values == (V.AKUNTABEL, V.ADAPTIF, V.KOLABORATIF)
    assert result.predikat is Predikat.KURANG_MISCONDUCT


def test_two_values_below_do_not_trigger_the_rule():
    strong = [ans(S.APPRAISER, v, ATAS) for v in (V.BERORIENTASI_PELAYANAN, V.KOMPETEN)]
    weak = [ans(S.APPRAISER, v, BAWAH) for v in (V.AKUNTABEL, V.ADAPTIF)]
    result, _ = perilaku(strong + weak)
    assert result.rating_perilaku is SESUAI
    assert result.weak_values == (V.AKUNTABEL, V.ADAPTIF)


def test_overall_is_the_mean_of_the_seven_values():
    result, _ = perilaku([ans(S.APPRAISER, v, ATAS) for v in BerakhlakValue])
    assert result.rating_perilaku is ATAS
    assert result.predikat is Predikat.BAIK  # hasil kerja sesuai (capaian 100)
    # three di atas out of seven: mean 3/7 = 0.43 -> di atas
    result, _ = perilaku([ans(S.APPRAISER, v, ATAS) for v in list(BerakhlakValue)[:3]])
    assert result.rating_perilaku is ATAS
    # two: 2/7 = 0.29 -> sesuai
    result, _ = perilaku([ans(S.APPRAISER, v, ATAS) for v in list(BerakhlakValue)[:2]])
    assert result.rating_perilaku is SESUAI


def test_citizen_score_moves_only_berorientasi_pelayanan():
    answers = [ans(S.APPRAISER, v, SESUAI) for v in BerakhlakValue]
    _, without = perilaku(answers)
    _, with_citizen = perilaku(answers, citizen_service_score=-1.0)
    pelayanan = with_citizen[V.BERORIENTASI_PELAYANAN]
    assert pelayanan.score == pytest.approx(-0.1 / 0.6, abs=1e-4)
    assert pelayanan.answers == 1  # citizen evidence is not a 360 answer
    for value in BerakhlakValue:
        if value is not V.BERORIENTASI_PELAYANAN:
            assert with_citizen[value] == without[value]


def test_citizen_score_alone_decides_an_unanswered_pelayanan():
    _, by_value = perilaku([], citizen_service_score=0.8)
    assert by_value[V.BERORIENTASI_PELAYANAN].score == 0.8
    assert by_value[V.BERORIENTASI_PELAYANAN].level is ATAS
    assert by_value[V.BERORIENTASI_PELAYANAN].answers == 0


def test_citizen_score_out_of_range_is_rejected():
    with pytest.raises(ValueError):
        propose(TARGETS_MET, [], citizen_service_score=1.5)
