import pytest
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, DevelopmentForm
from training_service.domain import (
    GENERAL_COMPETENCY,
    SEEDED_CATALOGUE,
    CatalogueItem,
    competency_for_aspect,
)


@pytest.mark.parametrize("value", list(BerakhlakValue))
def test_each_value_has_klasikal_and_nonklasikal(value):
    forms = {item.form for item in SEEDED_CATALOGUE if item.competency == value.value}
    assert forms == {DevelopmentForm.KLASIKAL, DevelopmentForm.NONKLASIKAL}


@pytest.mark.parametrize("aspect", list(Aspect))
def test_each_aspect_has_an_item(aspect):
    assert any(item.competency == f"hasil_kerja:{aspect.value}" for item in SEEDED_CATALOGUE)
    assert competency_for_aspect(aspect) == f"hasil_kerja:{aspect.value}"


def test_general_coaching_exists():
    assert any(item.competency == GENERAL_COMPETENCY and item.method == "coaching" for item in SEEDED_CATALOGUE)


def test_codes_are_unique_and_jp_positive():
    codes = [item.code for item in SEEDED_CATALOGUE]
    assert len(codes) == len(set(codes))
    assert all(item.jp > 0 for item in SEEDED_CATALOGUE)


def test_item_rejects_method_of_the_other_form():
    with pytest.raises(ValueError):
        CatalogueItem("X", "x", "akuntabel", DevelopmentForm.KLASIKAL, "coaching", 4, "p", "m")


def test_item_rejects_unknown_competency():
    with pytest.raises(ValueError):
        CatalogueItem("X", "x", "memasak", DevelopmentForm.KLASIKAL, "pelatihan", 4, "p", "m")
