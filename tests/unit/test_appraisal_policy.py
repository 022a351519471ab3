"""The agency policy: its documented defaults at their edges, and what an agency may set."""

import pytest
from appraisal_service.domain import DEFAULT_POLICY, AppraisalPolicy, policy_from_parameters
from kinerja_contracts.vocabulary import Ekspektasi, FeedbackSource

ATAS, SESUAI, BAWAH = Ekspektasi.DI_ATAS, Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH


def test_documented_defaults():
    assert DEFAULT_POLICY.parameters() == {
        "capaian_cap": 120.0,
        "met_threshold": 100.0,
        "hasil_di_atas_from": 110.0,
        "hasil_sesuai_from": 90.0,
        "tambahan_lift_min_utama": 100.0,
        "tambahan_lift_count": 1,
        "appraiser_weight": 0.5,
        "peer_weight": 0.2,
        "subordinate_weight": 0.2,
        "self_weight": 0.1,
        "citizen_weight": 0.1,
        "level_band": 0.34,
        "perilaku_di_bawah_if_values_below": 3,
    }


@pytest.mark.parametrize(
    ("target", "realization", "higher", "expected"),
    [
        (100, 119.99, True, 119.99),  # just under the cap
        (100, 120, True, 120.0),  # at the cap
        (100, 500, True, 120.0),  # far above: capped
        (10, 12, False, 83.33),  # lower is better: target / realization
        (12, 10, False, 120.0),  # inverted and capped: 10 days against 12 is 120 %
        (12, 11, False, 109.09),
    ],
)
def test_capaian_inversion_and_cap_edges(target, realization, higher, expected):
    assert DEFAULT_POLICY.capaian(target, realization, higher) == expected


@pytest.mark.parametrize(("capaian", "met"), [(99.99, False), (100.0, True), (120.0, True)])
def test_met_threshold_edge(capaian, met):
    assert DEFAULT_POLICY.is_met(capaian) is met


@pytest.mark.parametrize(("average", "level"), [(89.99, BAWAH), (90.0, SESUAI), (109.99, SESUAI), (110.0, ATAS)])
def test_hasil_band_edges(average, level):
    assert DEFAULT_POLICY.hasil_level(average) is level


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (-1.0, BAWAH),
        (-0.34, BAWAH),
        (-0.3399, SESUAI),
        (0.0, SESUAI),
        (0.3399, SESUAI),
        (0.34, ATAS),
        (1.0, ATAS),
    ],
)
def test_perilaku_band_edges(score, level):
    assert DEFAULT_POLICY.perilaku_level(score) is level


def test_appraiser_weighs_most_and_self_least_by_default():
    weights = {s: DEFAULT_POLICY.source_weight(s) for s in FeedbackSource}
    assert max(weights, key=weights.get) is FeedbackSource.APPRAISER
    assert min(weights, key=weights.get) is FeedbackSource.SELF
    assert DEFAULT_POLICY.citizen_weight < DEFAULT_POLICY.appraiser_weight


def test_agency_parameters_override_the_defaults_and_keep_the_rest():
    policy = policy_from_parameters("agency-v1", {"capaian_cap": 150.0, "hasil_di_atas_from": 130.0})
    assert policy.version == "agency-v1"
    assert (policy.capaian_cap, policy.hasil_di_atas_from, policy.hasil_sesuai_from) == (150.0, 130.0, 90.0)
    assert policy.capaian(10, 14, True) == 140.0


@pytest.mark.parametrize(
    "parameters",
    [
        {"no_such_parameter": 1},
        {"hasil_sesuai_from": 115.0},  # bands inverted
        {"hasil_di_atas_from": 125.0},  # di atas above the cap: unreachable
        {"met_threshold": 130.0},  # met above the cap: unreachable
        {"peer_weight": 0.6},  # a peer outweighing the appraiser
        {"appraiser_weight": 0.0, "peer_weight": 0.0, "subordinate_weight": 0.0, "self_weight": 0.0},
        {"self_weight": -0.1},
        {"level_band": 0.0},
        {"tambahan_lift_count": 0},
    ],
)
def test_inconsistent_policies_are_refused(parameters):
    with pytest.raises(ValueError):
        policy_from_parameters("agency-v1", parameters)


def test_equal_weights_for_appraiser_and_peers_are_allowed():
    assert AppraisalPolicy(appraiser_weight=0.3, peer_weight=0.3, subordinate_weight=0.3).appraiser_weight == 0.3
