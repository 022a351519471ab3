"""SE MenPANRB 3/2023: the employee distribution each organisation predikat allows."""

import pytest
from appraisal_service.domain import CURVE, OrganisationPredikat, check_distribution
from kinerja_contracts.vocabulary import Predikat

SB, B, BP = Predikat.SANGAT_BAIK, Predikat.BAIK, Predikat.BUTUH_PERBAIKAN
K, SK = Predikat.KURANG_MISCONDUCT, Predikat.SANGAT_KURANG
ORG = OrganisationPredikat


def of(**counts) -> list[Predikat]:
    names = {"sb": SB, "b": B, "bp": BP, "k": K, "sk": SK}
    return [names[name] for name, n in counts.items() for _ in range(n)]


def violated(report) -> set[str]:
    return {v.bound.name for v in report.violations}


def test_curve_has_a_row_for_every_organisation_predikat():
    assert set(CURVE) == set(OrganisationPredikat)


@pytest.mark.parametrize(
    ("organisation", "passing", "failing", "names"),
    [
        (ORG.ISTIMEWA, of(sb=7, b=3), of(sb=8, b=2), {"sangat_baik_at_most_70_percent"}),
        (
            ORG.BAIK,
            of(b=7, sb=2, bp=1),
            of(b=8, sb=2),
            {"baik_at_most_70_percent", "butuh_perbaikan_or_kurang_misconduct_at_least_1"},
        ),
        (
            ORG.BUTUH_PERBAIKAN,
            of(bp=6, sb=1, b=3),
            of(bp=5, sb=2, b=3),
            {"butuh_perbaikan_at_least_60_percent", "sangat_baik_at_most_10_percent"},
        ),
        (
            ORG.KURANG,
            of(k=6, bp=1, sb=1, b=2),
            of(k=5, sb=2, b=3),
            {
                "kurang_misconduct_at_least_60_percent",
                "butuh_perbaikan_at_least_10_percent",
                "sangat_baik_at_most_10_percent",
            },
        ),
        (
            ORG.SANGAT_KURANG,
            of(sk=6, k=1, bp=0, b=3),
            of(sk=5, sb=1, b=4),
            {
                "sangat_kurang_at_least_60_percent",
                "butuh_perbaikan_or_kurang_misconduct_at_least_10_percent",
                "sangat_baik_at_most_0_percent",
            },
        ),
    ],
)
def test_each_row_with_a_passing_and_a_failing_distribution(organisation, passing, failing, names):
    ok = check_distribution(organisation, passing)
    assert ok.violations == () and all(b.ok for b in ok.bounds)
    report = check_distribution(organisation, failing)
    assert violated(report) == names
    assert report.total == 10


def test_a_violation_names_allowed_and_actual_counts():
    report = check_distribution(ORG.ISTIMEWA, of(sb=8, b=2))
    (bound,) = report.violations
    assert (bound.allowed_count, bound.actual_count, bound.actual_percent) == (7, 8, 80.0)
    assert report.counts == {SB: 8, B: 2, BP: 0, K: 0, SK: 0}


def test_at_least_rounds_up_and_at_most_rounds_down():
    # 60 % of 7 employees is 4.2: four do not reach it, five do.
    assert violated(check_distribution(ORG.BUTUH_PERBAIKAN, of(bp=4, b=3))) == {"butuh_perbaikan_at_least_60_percent"}
    assert check_distribution(ORG.BUTUH_PERBAIKAN, of(bp=5, b=2)).violations == ()
    # 10 % of 7 is 0.7: a single Sangat Baik is already too many.
    report = check_distribution(ORG.BUTUH_PERBAIKAN, of(bp=5, sb=1, b=1))
    assert [(v.allowed_count, v.actual_count) for v in report.violations] == [(0, 1)]


def test_sangat_kurang_in_a_baik_organisation_is_not_the_required_low_result():
    # The table names Butuh Perbaikan and/or Kurang; Sangat Kurang is its own predikat.
    assert violated(check_distribution(ORG.BAIK, of(b=7, sk=3))) == {"butuh_perbaikan_or_kurang_misconduct_at_least_1"}


def test_cukup_is_butuh_perbaikan():
    assert OrganisationPredikat("cukup") is ORG.BUTUH_PERBAIKAN


def test_an_empty_distribution_only_fails_the_must_include_bound():
    assert check_distribution(ORG.ISTIMEWA, []).violations == ()
    assert violated(check_distribution(ORG.BAIK, [])) == {"butuh_perbaikan_or_kurang_misconduct_at_least_1"}
