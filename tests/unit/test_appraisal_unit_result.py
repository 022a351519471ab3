"""A head of unit's hasil kerja is the unit's result: the mean of its members' utama capaian."""

from appraisal_service.domain import DEFAULT_POLICY, unit_result, units_under
from kinerja_contracts.vocabulary import Ekspektasi

TREE = {"dinas": None, "bidang-a": "dinas", "seksi-a1": "bidang-a", "bidang-b": "dinas", "other": None}


def test_a_unit_includes_every_unit_below_it():
    assert units_under(TREE, ["bidang-a"]) == {"bidang-a", "seksi-a1"}
    assert units_under(TREE, ["dinas"]) == {"dinas", "bidang-a", "seksi-a1", "bidang-b"}
    assert units_under(TREE, ["seksi-a1"]) == {"seksi-a1"}


def test_unit_result_is_the_mean_of_member_capaian_banded_by_policy():
    result = unit_result({"bidang-a"}, {"n1": 120.0, "n2": 100.0, "n3": 110.0}, DEFAULT_POLICY)
    assert (result.capaian, result.level) == (110.0, Ekspektasi.DI_ATAS)
    assert result.members == (("n1", 120.0), ("n2", 100.0), ("n3", 110.0))
    low = unit_result({"bidang-a"}, {"n1": 95.0, "n2": 84.98}, DEFAULT_POLICY)
    assert (low.capaian, low.level) == (89.99, Ekspektasi.DI_BAWAH)


def test_no_members_with_results_means_no_unit_result():
    assert unit_result({"bidang-a"}, {}, DEFAULT_POLICY) is None
