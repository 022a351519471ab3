"""The plan tops the employee up to the yearly 20 JP (PP 11/2017 as amended)."""

from datetime import date

from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, DevelopmentForm, Predikat
from training_service.domain import (
    JP_ENTITLEMENT,
    SEEDED_CATALOGUE,
    AppraisalOutcome,
    CatalogueItem,
    MissedIndikator,
    compose_plan,
    decide_plan,
    is_technical,
    top_up,
)

NIP = "198703122010011002"
ON = date(2026, 2, 1)


def _tek(code, jp):
    return CatalogueItem(code, code, "teknis:tik", DevelopmentForm.NONKLASIKAL, "e-learning", jp, "p", "daring")


def test_entitlement_is_twenty_jp():
    assert JP_ENTITLEMENT == 20


def test_top_up_with_nothing_planned_or_completed_reaches_twenty():
    items = top_up(planned_jp=0, completed_jp=0, catalogue=SEEDED_CATALOGUE)
    assert sum(i.jp for i in items) >= 20
    assert all(i.gap_kind == "jp_entitlement" and is_technical(i.competency) for i in items)
    assert all(not i.mandatory for i in items), "the entitlement is a right, not a sanction"


def test_top_up_counts_hours_already_completed():
    assert top_up(planned_jp=4, completed_jp=16, catalogue=SEEDED_CATALOGUE) == ()
    (item,) = top_up(planned_jp=4, completed_jp=12, catalogue=SEEDED_CATALOGUE)
    assert item.jp >= 4


def test_top_up_prefers_the_shortest_item_that_closes_the_gap():
    catalogue = [_tek("A", 2), _tek("B", 6), _tek("C", 8), _tek("D", 16)]
    assert [i.catalogue_code for i in top_up(14, 0, catalogue)] == ["B"]
    assert [i.catalogue_code for i in top_up(0, 0, catalogue)] == ["D", "B"]


def test_top_up_skips_courses_already_planned_or_done():
    catalogue = [_tek("A", 8), _tek("B", 8)]
    assert [i.catalogue_code for i in top_up(12, 0, catalogue, exclude_codes={"A"})] == ["B"]


def test_top_up_gives_what_a_small_catalogue_has():
    assert [i.jp for i in top_up(0, 0, [_tek("A", 4)])] == [4]


def _decision(predikat, weak=(), missed=()):
    return decide_plan(AppraisalOutcome(NIP, predikat, tuple(weak), tuple(missed)))


def test_plan_is_topped_up_from_its_gap_items():
    decision = _decision(Predikat.BUTUH_PERBAIKAN, weak=[BerakhlakValue.LOYAL])  # coaching, 4 JP
    plan = compose_plan(decision, SEEDED_CATALOGUE, planned_on=ON, year=2026)
    gap_jp = sum(i.jp for i in plan.items if i.gap_kind != "jp_entitlement")
    assert gap_jp < 20
    assert plan.total_jp >= 20
    assert any(i.gap_kind == "jp_entitlement" for i in plan.items)


def test_plan_with_hours_already_completed_needs_less_top_up():
    decision = _decision(Predikat.BUTUH_PERBAIKAN, weak=[BerakhlakValue.LOYAL])
    fresh = compose_plan(decision, SEEDED_CATALOGUE, planned_on=ON, year=2026)
    done = compose_plan(decision, SEEDED_CATALOGUE, planned_on=ON, year=2026, completed_jp=16)
    assert [i.gap_kind for i in done.items] == ["perilaku"], "4 planned + 16 completed already make 20"
    assert done.total_jp < fresh.total_jp


def test_large_gap_plan_needs_no_top_up():
    missed = [MissedIndikator(f"iki-{n}", Aspect.KUALITAS, "mutu") for n in range(2)]
    decision = _decision(Predikat.SANGAT_KURANG, weak=[BerakhlakValue.AKUNTABEL], missed=missed)
    plan = compose_plan(decision, SEEDED_CATALOGUE, planned_on=ON, year=2026)
    assert not any(i.gap_kind == "jp_entitlement" for i in plan.items)


def test_no_plan_no_top_up():
    plan = compose_plan(_decision(Predikat.SANGAT_BAIK), SEEDED_CATALOGUE, planned_on=ON, year=2026)
    assert plan.items == () and plan.total_jp == 0
