"""Due dates, overdue (computed against an injected today), plan completion, and what a
revision keeps."""

from datetime import date

from kinerja_contracts.vocabulary import BerakhlakValue, Predikat
from training_service.domain import (
    MANDATORY_WITHIN,
    SEEDED_CATALOGUE,
    AppraisalOutcome,
    ItemProgress,
    compose_plan,
    decide_plan,
    is_overdue,
    plan_completed,
)

NIP = "198703122010011002"
ON = date(2026, 2, 1)
V = BerakhlakValue


def _decision(predikat, weak):
    return decide_plan(AppraisalOutcome(NIP, predikat, tuple(weak), ()))


def test_mandatory_items_are_due_soon_and_the_rest_at_year_end():
    plan = compose_plan(_decision(Predikat.BUTUH_PERBAIKAN, [V.LOYAL]), SEEDED_CATALOGUE, planned_on=ON, year=2026)
    gap, *top = plan.items
    assert gap.mandatory and gap.due_on == ON + MANDATORY_WITHIN
    assert top and all(i.due_on == date(2026, 12, 31) and not i.mandatory for i in top)


def test_recommended_items_are_due_at_year_end():
    plan = compose_plan(_decision(Predikat.BAIK, [V.ADAPTIF]), SEEDED_CATALOGUE, planned_on=ON, year=2026)
    assert plan.mandatory is False
    assert all(i.due_on == date(2026, 12, 31) for i in plan.items)


def test_overdue_only_when_due_date_passed_and_not_completed():
    due = date(2026, 5, 1)
    assert not is_overdue(ItemProgress(True, False, due), date(2026, 5, 1))
    assert is_overdue(ItemProgress(True, False, due), date(2026, 5, 2))
    assert not is_overdue(ItemProgress(True, True, due), date(2026, 6, 1))
    assert not is_overdue(ItemProgress(True, False, None), date(2030, 1, 1))


def test_plan_completed_when_all_mandatory_items_are():
    assert plan_completed([ItemProgress(True, True), ItemProgress(False, False)])
    assert not plan_completed([ItemProgress(True, True), ItemProgress(True, False)])


def test_plan_without_mandatory_items_completes_with_all_of_them():
    assert not plan_completed([ItemProgress(False, True), ItemProgress(False, False)])
    assert plan_completed([ItemProgress(False, True)])
    assert plan_completed([]), "an emptied plan has nothing left to do"


def test_revision_does_not_plan_completed_gaps_again_and_counts_their_hours():
    old = compose_plan(
        _decision(Predikat.SANGAT_KURANG, [V.LOYAL, V.ADAPTIF]), SEEDED_CATALOGUE, planned_on=ON, year=2026
    )
    loyal = next(i for i in old.items if i.gap == "loyal")
    revised = compose_plan(
        _decision(Predikat.BUTUH_PERBAIKAN, [V.LOYAL, V.ADAPTIF]),
        SEEDED_CATALOGUE,
        planned_on=ON,
        year=2026,
        completed_jp=loyal.jp,
        completed_gaps=[("loyal", loyal.catalogue_code)],
        completed_codes=[loyal.catalogue_code],
    )
    assert "loyal" not in {i.gap for i in revised.items if i.catalogue_code == loyal.catalogue_code}
    assert revised.total_jp + loyal.jp >= 20
    assert loyal.catalogue_code not in {i.catalogue_code for i in revised.items}


def test_revision_to_a_good_predikat_empties_the_plan():
    revised = compose_plan(_decision(Predikat.BAIK, []), SEEDED_CATALOGUE, planned_on=ON, year=2026, completed_jp=8)
    assert revised.items == () and revised.mandatory is False
