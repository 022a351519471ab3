"""The anonymity rule of appraisal evidence (k ≥ 3): what any reader — the employee, the
appraiser, HR, the superior, a subscriber to the events — may see of peer and subordinate answers."""

import random

import pytest
from appraisal_service.domain import COLLEAGUES, FeedbackAnswer, IndikatorInput, propose, publishable
from appraisal_service.service_layer.views import republished
from kinerja_contracts.vocabulary import Aspect, BerakhlakValue, Ekspektasi, FeedbackSource, RhkKind

PEER, SUB, SELF, APPRAISER = (
    FeedbackSource.PEER,
    FeedbackSource.SUBORDINATE,
    FeedbackSource.SELF,
    FeedbackSource.APPRAISER,
)
ATAS, SESUAI, BAWAH = Ekspektasi.DI_ATAS, Ekspektasi.SESUAI, Ekspektasi.DI_BAWAH
HARMONIS = BerakhlakValue.HARMONIS
INDIKATOR = [IndikatorInput("iki-1", "rhk-1", RhkKind.UTAMA, Aspect.KUANTITAS, "Layanan", 100.0, True, 100.0)]


def forms(*givers, round_id="r1"):
    """One form per (source, level): the same level on every value."""
    return [FeedbackAnswer(source, value, level, round_id) for source, level in givers for value in BerakhlakValue]


def published(answers):
    proposed = propose(INDIKATOR, answers)
    return proposed, publishable(proposed, answers)


def harmonis(perilaku):
    return next(v for v in perilaku.values if v.value is HARMONIS)


def test_three_peers_are_shown_with_the_proposal_s_own_evidence():
    proposed, perilaku = published(forms((APPRAISER, SESUAI), (PEER, ATAS), (PEER, ATAS), (PEER, BAWAH)))
    value = harmonis(perilaku)
    raw = next(r for r in proposed.perilaku if r.value is HARMONIS)
    assert (value.level, value.score, value.answers) == (raw.level, raw.score, 4)
    assert [(e.source, e.answers, e.weight) for e in value.evidence] == [("appraiser", 1, 0.5), ("peer", 3, 0.2)]
    assert perilaku.score == proposed.perilaku_score and perilaku.values_below == 0
    assert perilaku.summary()["perilaku_withheld"] == []


def test_two_peers_and_one_subordinate_are_shown_merged_as_three_colleagues():
    _, perilaku = published(forms((APPRAISER, SESUAI), (SELF, ATAS), (PEER, ATAS), (PEER, SESUAI), (SUB, BAWAH)))
    value = harmonis(perilaku)
    assert value.withheld and (value.level, value.score, value.answers) == (None, None, None)
    assert [(e.source, e.answers, e.mean, e.weight) for e in value.evidence] == [
        ("appraiser", 1, 0.0, None),
        ("self", 1, 1.0, None),
        (COLLEAGUES, 3, 0.0, None),
    ]
    explained = perilaku.explanation()
    assert explained["score"] is None and explained["values_below"] is None
    item = explained["values"][HARMONIS_INDEX]
    assert set(item) == {"value", "withheld", "evidence"}, "no level, score or answer count"


HARMONIS_INDEX = list(BerakhlakValue).index(HARMONIS)


def test_two_peers_alone_are_hidden_and_only_the_final_rating_rests_on_them():
    proposed, perilaku = published(forms((APPRAISER, SESUAI), (SELF, SESUAI), (PEER, BAWAH), (PEER, BAWAH)))
    value = harmonis(perilaku)
    assert value.withheld and value.evidence == (), "not even the appraiser's or the self mean"
    assert perilaku.summary() == {"perilaku": [], "perilaku_withheld": [v.value for v in BerakhlakValue]}
    explained = perilaku.explanation()
    assert explained["values"][HARMONIS_INDEX] == {
        "value": "harmonis",
        "withheld": explained["withheld"],
        "evidence": [],
    }
    assert proposed.rating_perilaku is not None, "the proposal itself still counts every answer"


def test_one_peer_cannot_be_solved_from_anything_published():
    for level in (ATAS, SESUAI, BAWAH):
        _, perilaku = published(forms((APPRAISER, SESUAI), (SELF, ATAS), (PEER, level)))
        assert (
            perilaku.explanation()
            == published(forms((APPRAISER, SESUAI), (SELF, ATAS), (PEER, SESUAI)))[1].explanation()
        ), "whatever the peer said, the published evidence is the same"
        assert perilaku.summary()["perilaku"] == []


def test_three_peers_and_one_subordinate_show_the_peers_but_not_the_level():
    _, perilaku = published(forms((APPRAISER, SESUAI), (PEER, ATAS), (PEER, ATAS), (PEER, ATAS), (SUB, BAWAH)))
    value = harmonis(perilaku)
    assert value.withheld, "the level would let the lone subordinate be solved"
    assert [(e.source, e.answers) for e in value.evidence] == [("appraiser", 1), ("peer", 3)]


def test_blocks_are_counted_per_round_as_feedback_service_shows_them():
    # Round 1: three peers (feedback-service shows them); round 2: two peers (hidden there).
    answers = forms((PEER, ATAS), (PEER, ATAS), (PEER, ATAS), round_id="r1")
    answers += forms((PEER, BAWAH), (PEER, BAWAH), round_id="r2")
    _, perilaku = published(answers)
    value = harmonis(perilaku)
    # A mean over all five peers, less round 1's published counts, would give round 2's pair.
    assert value.withheld and [(e.source, e.answers, e.mean) for e in value.evidence] == [("peer", 3, 1.0)]


def test_small_blocks_are_pooled_within_a_round_not_across_rounds():
    answers = forms((PEER, ATAS), (PEER, ATAS), round_id="r1") + forms((SUB, BAWAH), round_id="r2")
    assert harmonis(published(answers)[1]).evidence == ()
    answers = forms((PEER, ATAS), (PEER, ATAS), (SUB, BAWAH), round_id="r1") + forms((SUB, BAWAH), round_id="r2")
    assert [(e.source, e.answers) for e in harmonis(published(answers)[1]).evidence] == [(COLLEAGUES, 3)]


def test_no_anonymous_number_ever_rests_on_fewer_than_three_answers():
    rng = random.Random(8)
    for _ in range(300):
        answers = []
        for round_id in ("r1", "r2", "r3")[: rng.randint(1, 3)]:
            givers = [(APPRAISER, rng.choice(list(Ekspektasi)))]
            givers += [(rng.choice((PEER, SUB)), rng.choice(list(Ekspektasi))) for _ in range(rng.randint(0, 5))]
            answers += forms(*givers, round_id=round_id)
        _, perilaku = published(answers)
        blocks = {}
        for a in answers:
            if a.source in (PEER, SUB) and a.value is HARMONIS:
                blocks[a.round_id, a.source] = blocks.get((a.round_id, a.source), 0) + 1
        complete = all(n >= 3 for n in blocks.values())  # every form rates every value alike
        for value in perilaku.values:
            assert value.withheld is not complete
            for e in value.evidence:
                if e.source in ("peer", "subordinate", COLLEAGUES):
                    assert e.answers >= 3, (blocks, e)
        if not complete:
            assert perilaku.score is None and perilaku.values_below is None


def legacy(peer_answers: int) -> tuple[dict, dict]:
    """An appraisal stored before the rule: each source's answers and mean, per value."""
    values = [
        {
            "value": v.value,
            "level": "sesuai_ekspektasi",
            "score": 0.0,
            "answers": peer_answers + 1,
            "evidence": [
                {"source": "appraiser", "answers": 1, "mean": 0.0, "weight": 0.5},
                {"source": "peer", "answers": peer_answers, "mean": -1.0, "weight": 0.2},
            ],
        }
        for v in BerakhlakValue
    ]
    summary = {
        "indikator": [],
        "perilaku": [
            {"value": v.value, "level": "sesuai_ekspektasi", "answers": peer_answers + 1} for v in BerakhlakValue
        ],
        "average_capaian_utama": 100.0,
        "feedback_answers": peer_answers + 1,
    }
    return {"policy": {}, "perilaku": {"score": 0.0, "values_below": 0, "values": values}}, summary


@pytest.mark.parametrize("peers", [1, 2])
def test_stored_evidence_of_fewer_than_three_peers_is_withheld_by_the_migration(peers):
    explanation, summary = republished(*legacy(peers))
    assert summary["perilaku"] == [] and len(summary["perilaku_withheld"]) == 7
    assert all(v["evidence"] == [] and "mean" not in str(v) for v in explanation["perilaku"]["values"])
    assert explanation["policy"] == {}, "the rest of the explanation is kept"
    assert republished(explanation, summary) == (explanation, summary), "redone once only"


def test_stored_evidence_of_three_peers_stays_as_it_was():
    explanation, summary = legacy(3)
    again, summary_again = republished(explanation, summary)
    assert again == explanation and summary_again == {**summary, "perilaku_withheld": []}


def test_stored_rows_without_per_source_evidence_keep_only_unanswered_values():
    summary = {
        "perilaku": [
            {"value": "loyal", "level": "sesuai_ekspektasi", "answers": 0},
            {"value": "harmonis", "level": "di_bawah_ekspektasi", "answers": 2},
        ]
    }
    assert republished({}, summary)[1] == {"perilaku": [summary["perilaku"][0]], "perilaku_withheld": ["harmonis"]}
