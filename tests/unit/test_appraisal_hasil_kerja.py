import dataclasses

import pytest
from appraisal_service.domain import (
    DEFAULT_POLICY,
    AppraisalPolicy,
    IndikatorInput,
    InvalidIndikator,
    NoTargets,
    propose,
)
from kinerja_contracts.vocabulary import Aspect, Ekspektasi, Predikat, RhkKind


def iki(
    iki_id="iki-1",
    *,
    rhk_id="rhk-1",
    kind=RhkKind.UTAMA,
    aspect=Aspect.KUANTITAS,
    target=100.0,
    realization=100.0,
    higher_is_better=True,
):
    return IndikatorInput(
        iki_id=iki_id,
        rhk_id=rhk_id,
        rhk_kind=kind,
        aspect=aspect,
        description=f"indikator {iki_id}",
        target=target,
        higher_is_better=higher_is_better,
        realization=realization,
    )


def only(indikator):
    return propose([indikator], []).indikator[0]


# --- capaian per IKI -----------------------------------------------------------------


def test_higher_is_better_is_realization_over_target():
    result = only(iki(target=12, realization=9))
    assert result.capaian == 75.0
    assert result.met is False


def test_lower_is_better_is_target_over_realization():
    # "waktu respon pengaduan 14 hari", achieved in 20 days
    result = only(iki(aspect=Aspect.WAKTU, target=14, realization=20, higher_is_better=False))
    assert result.capaian == 70.0


def test_lower_is_better_uses_the_flag_not_the_aspect():
    # a waktu IKI measured as "ketepatan waktu %" is higher-is-better
    result = only(iki(aspect=Aspect.WAKTU, target=100, realization=80, higher_is_better=True))
    assert result.capaian == 80.0


def test_capaian_is_capped():
    assert only(iki(target=10, realization=50)).capaian == 120.0
    assert only(iki(target=20, realization=5, higher_is_better=False)).capaian == 120.0


def test_zero_realization_lower_is_better_reaches_the_cap():
    result = only(iki(aspect=Aspect.BIAYA, target=5_000_000, realization=0, higher_is_better=False))
    assert result.capaian == 120.0
    assert result.met is True


def test_missing_realization_is_zero():
    result = only(iki(realization=None))
    assert result.capaian == 0.0
    assert result.met is False


def test_capaian_is_rounded_to_two_decimals():
    assert only(iki(target=3, realization=2)).capaian == 66.67


def test_met_at_exactly_the_threshold():
    assert only(iki(target=14, realization=14, higher_is_better=False)).met is True
    assert only(iki(target=100, realization=99.99)).met is False


def test_custom_cap():
    policy = dataclasses.replace(DEFAULT_POLICY, capaian_cap=150.0, version="agency-x")
    result = propose([iki(target=10, realization=14)], [], policy)
    assert result.indikator[0].capaian == 140.0
    assert result.policy_version == "agency-x"


def test_negative_realization_is_rejected():
    with pytest.raises(InvalidIndikator, match="iki-1"):
        propose([iki(realization=-1)], [])


# --- rating hasil kerja ------------------------------------------------------------


@pytest.mark.parametrize(
    ("realization", "expected"),
    [
        (89.99, Ekspektasi.DI_BAWAH),
        (90, Ekspektasi.SESUAI),
        (109.99, Ekspektasi.SESUAI),
        (110, Ekspektasi.DI_ATAS),
    ],
)
def test_hasil_thresholds_at_the_edges(realization, expected):
    result = propose([iki(target=100, realization=realization)], [])
    assert result.average_capaian_utama == pytest.approx(realization)
    assert result.rating_hasil_kerja is expected


def test_each_rhk_weighs_equally_and_its_ikis_average():
    result = propose(
        [
            # RHK 1: three IKIs averaging 60
            iki("a", rhk_id="r1", realization=60),
            iki("b", rhk_id="r1", realization=40),
            iki("c", rhk_id="r1", realization=80),
            # RHK 2: one IKI at 120
            iki("d", rhk_id="r2", realization=120),
        ],
        [],
    )
    assert result.average_capaian_utama == 90.0  # (60 + 120) / 2, not 75 over four IKIs
    assert result.rating_hasil_kerja is Ekspektasi.SESUAI


def test_tambahan_does_not_count_towards_the_utama_mean():
    result = propose(
        [iki("u", realization=80), iki("t", rhk_id="r-t", kind=RhkKind.TAMBAHAN, realization=120)],
        [],
    )
    assert result.average_capaian_utama == 80.0
    assert result.rating_hasil_kerja is Ekspektasi.DI_BAWAH


def test_tambahan_lift_when_utama_fully_achieved():
    result = propose(
        [
            iki("u", realization=100),
            iki("t1", rhk_id="r-t", kind=RhkKind.TAMBAHAN, realization=12, target=12),
            iki("t2", rhk_id="r-t", kind=RhkKind.TAMBAHAN, realization=5, target=7, higher_is_better=False),
        ],
        [],
    )
    assert result.rating_hasil_kerja is Ekspektasi.DI_ATAS
    assert result.predikat is Predikat.BAIK  # perilaku sesuai with no feedback


def test_no_lift_when_a_tambahan_iki_is_missed():
    result = propose(
        [
            iki("u", realization=100),
            iki("t1", rhk_id="r-t", kind=RhkKind.TAMBAHAN, realization=12, target=12),
            iki("t2", rhk_id="r-t", kind=RhkKind.TAMBAHAN, realization=11, target=12),
        ],
        [],
    )
    assert result.rating_hasil_kerja is Ekspektasi.SESUAI


def test_no_lift_when_utama_mean_below_100():
    result = propose(
        [iki("u", realization=99), iki("t", rhk_id="r-t", kind=RhkKind.TAMBAHAN, realization=100)],
        [],
    )
    assert result.rating_hasil_kerja is Ekspektasi.SESUAI


def test_no_lift_from_di_bawah():
    result = propose(
        [iki("u", realization=50), iki("t", rhk_id="r-t", kind=RhkKind.TAMBAHAN, realization=120)],
        [],
    )
    assert result.rating_hasil_kerja is Ekspektasi.DI_BAWAH


def test_lift_count_from_policy():
    policy = AppraisalPolicy(tambahan_lift_count=2)
    inputs = [iki("u", realization=100), iki("t", rhk_id="r-t", kind=RhkKind.TAMBAHAN)]
    assert propose(inputs, [], policy).rating_hasil_kerja is Ekspektasi.SESUAI
    inputs.append(iki("t2", rhk_id="r-t2", kind=RhkKind.TAMBAHAN))
    assert propose(inputs, [], policy).rating_hasil_kerja is Ekspektasi.DI_ATAS


def test_no_targets_without_utama_iki():
    with pytest.raises(NoTargets):
        propose([], [])
    with pytest.raises(NoTargets):
        propose([iki(kind=RhkKind.TAMBAHAN)], [])


def test_missed_indikator_lists_unmet_utama_only():
    result = propose(
        [
            iki("met", realization=100),
            iki("missed", rhk_id="r2", realization=None),
            iki("t-missed", rhk_id="r-t", kind=RhkKind.TAMBAHAN, realization=1),
        ],
        [],
    )
    assert [r.iki_id for r in result.missed_indikator] == ["missed"]
    assert [r.iki_id for r in result.indikator] == ["met", "missed", "t-missed"]


def test_duplicate_iki_is_rejected():
    with pytest.raises(InvalidIndikator):
        propose([iki("a"), iki("a")], [])


def test_rhk_cannot_be_both_utama_and_tambahan():
    with pytest.raises(InvalidIndikator):
        propose([iki("a", rhk_id="r"), iki("b", rhk_id="r", kind=RhkKind.TAMBAHAN)], [])


def test_policy_rejects_inverted_bands():
    with pytest.raises(ValueError):
        AppraisalPolicy(hasil_sesuai_from=115)


def test_default_policy_version():
    assert DEFAULT_POLICY.version == "default-2026.1"
