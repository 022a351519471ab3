import pytest
from kinerja_contracts.vocabulary import LOW_PREDIKAT, Aspect, BerakhlakValue, DevelopmentForm, Predikat
from training_service.domain import (
    SEEDED_CATALOGUE,
    AppraisalOutcome,
    CatalogueGap,
    MissedIndikator,
    decide_plan,
)

NIP = "198703122010011002"
V = BerakhlakValue
MISSED_WAKTU = MissedIndikator("iki-7", Aspect.WAKTU, "Waktu respon pengaduan 14 hari")


def outcome(predikat, weak=(), missed=()):
    return AppraisalOutcome(nip=NIP, predikat=predikat, weak_values=tuple(weak), missed_indikator=tuple(missed))


@pytest.mark.parametrize(
    ("predikat", "weak"), [(Predikat.SANGAT_BAIK, [V.LOYAL]), (Predikat.SANGAT_BAIK, []), (Predikat.BAIK, [])]
)
def test_no_plan_for_good_results(predikat, weak):
    decision = decide_plan(outcome(predikat, weak=weak, missed=[MISSED_WAKTU]))
    assert decision.required is False
    assert decision.makes_plan is False
    assert decision.items == ()
    assert decision.total_jp == 0
    assert predikat.label in decision.reason


def test_baik_with_a_weak_value_gets_a_recommended_plan():
    decision = decide_plan(outcome(Predikat.BAIK, weak=[V.KOLABORATIF], missed=[MISSED_WAKTU]))
    assert (decision.required, decision.recommended, decision.makes_plan) == (False, True, True)
    assert [(i.gap_kind, i.gap) for i in decision.items] == [("perilaku", "kolaboratif"), ("hasil_kerja", "iki-7")]
    assert not any(i.mandatory for i in decision.items)
    assert decision.items[0].form is DevelopmentForm.NONKLASIKAL, "a recommended plan starts on the job"
    assert "recommended" in decision.reason


@pytest.mark.parametrize("predikat", sorted(LOW_PREDIKAT))
def test_low_results_make_mandatory_items(predikat):
    decision = decide_plan(outcome(predikat, weak=[V.LOYAL]))
    assert decision.required and not decision.recommended
    assert all(i.mandatory for i in decision.items)


@pytest.mark.parametrize("predikat", sorted(LOW_PREDIKAT))
def test_plan_for_each_low_predikat_has_one_item_per_gap(predikat):
    missed_kualitas = MissedIndikator("iki-8", Aspect.KUALITAS, "Indeks kepuasan masyarakat 85")
    decision = decide_plan(
        outcome(predikat, weak=[V.BERORIENTASI_PELAYANAN, V.KOLABORATIF], missed=[MISSED_WAKTU, missed_kualitas])
    )
    assert decision.required is True
    assert predikat.label in decision.reason
    assert [(i.gap_kind, i.competency) for i in decision.items] == [
        ("perilaku", "berorientasi_pelayanan"),
        ("perilaku", "kolaboratif"),
        ("hasil_kerja", "hasil_kerja:waktu"),
        ("hasil_kerja", "hasil_kerja:kualitas"),
    ]
    assert "iki-7" in decision.items[2].gap
    assert decision.total_jp == sum(i.jp for i in decision.items)


def test_butuh_perbaikan_prefers_coaching():
    decision = decide_plan(outcome(Predikat.BUTUH_PERBAIKAN, weak=[V.BERORIENTASI_PELAYANAN]))
    (item,) = decision.items
    assert (item.form, item.method) == (DevelopmentForm.NONKLASIKAL, "coaching")


def test_butuh_perbaikan_falls_back_to_mentoring():
    decision = decide_plan(outcome(Predikat.BUTUH_PERBAIKAN, weak=[V.AKUNTABEL]))
    assert decision.items[0].method == "mentoring"


@pytest.mark.parametrize("predikat", [Predikat.KURANG_MISCONDUCT, Predikat.SANGAT_KURANG])
def test_serious_results_prefer_klasikal_training(predikat):
    decision = decide_plan(outcome(predikat, weak=[V.BERORIENTASI_PELAYANAN]))
    (item,) = decision.items
    assert (item.form, item.method, item.title) == (
        DevelopmentForm.KLASIKAL,
        "pelatihan",
        "Pelatihan Pelayanan Prima",
    )
    assert item.jp == 16


@pytest.mark.parametrize(
    ("predikat", "gap_kind"),
    [
        (Predikat.BUTUH_PERBAIKAN, "hasil_kerja"),
        (Predikat.KURANG_MISCONDUCT, "perilaku"),
        (Predikat.SANGAT_KURANG, "hasil_kerja"),
    ],
)
def test_general_coaching_when_low_without_gaps(predikat, gap_kind):
    decision = decide_plan(outcome(predikat))
    assert decision.required is True
    (item,) = decision.items
    assert item.method == "coaching"
    assert item.gap_kind == gap_kind
    assert decision.total_jp == item.jp


def test_duplicate_gaps_yield_one_item_each():
    decision = decide_plan(
        outcome(Predikat.SANGAT_KURANG, weak=[V.LOYAL, V.LOYAL], missed=[MISSED_WAKTU, MISSED_WAKTU])
    )
    assert len(decision.items) == 2


def test_deterministic():
    o = outcome(Predikat.KURANG_MISCONDUCT, weak=list(BerakhlakValue), missed=[MISSED_WAKTU])
    assert decide_plan(o) == decide_plan(o)


def test_catalogue_gap_names_the_competency():
    without_waktu = tuple(i for i in SEEDED_CATALOGUE if i.competency != "hasil_kerja:waktu")
    with pytest.raises(CatalogueGap, match="hasil_kerja:waktu") as excinfo:
        decide_plan(outcome(Predikat.BUTUH_PERBAIKAN, missed=[MISSED_WAKTU]), without_waktu)
    assert excinfo.value.competency == "hasil_kerja:waktu"


def test_catalogue_gap_for_general_item():
    with pytest.raises(CatalogueGap, match="kinerja_umum"):
        decide_plan(outcome(Predikat.SANGAT_KURANG), catalogue=())
