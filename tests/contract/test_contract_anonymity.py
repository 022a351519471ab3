"""The anonymity rule's shared core (kinerja_contracts.anonymity), which feedback-service's round
views and appraisal-service's published evidence both apply."""

from kinerja_contracts.anonymity import (
    COLLEAGUES,
    NOT_CLOSED,
    TOO_FEW,
    Block,
    Pool,
    enough,
    is_anonymous,
    merged,
    withheld_because,
)
from kinerja_contracts.vocabulary import FeedbackSource

READER = "9" * 18


def test_peer_and_subordinate_are_anonymous_appraiser_and_self_are_not():
    assert [s.value for s in FeedbackSource if is_anonymous(s)] == ["peer", "subordinate"]
    assert is_anonymous("peer") and not is_anonymous(COLLEAGUES)
    assert not enough(2) and enough(3)


def test_three_distinct_givers_other_than_the_reader_once_final():
    three = ["1" * 18, "2" * 18, "3" * 18]
    assert withheld_because("peer", three, reader_nip=READER, final=False) == NOT_CLOSED
    assert withheld_because("peer", three, reader_nip=READER, final=True) is None
    assert withheld_because("peer", [*three[:2], READER], reader_nip=READER, final=True) == TOO_FEW
    assert withheld_because("peer", [three[0]] * 3, reader_nip=READER, final=True) == TOO_FEW
    assert withheld_because("self", [READER], reader_nip=READER, final=False) is None


def test_small_blocks_merge_per_round_into_the_colleagues_or_are_withheld():
    shown = merged(
        [
            Block("r1", "subordinate", 3, 9),
            Block("r1", "peer", 2, 4),  # alone under three in r1: withheld
            Block("r2", "peer", 2, 2),
            Block("r2", "subordinate", 1, 3),  # with r2's two peers: three colleagues
            Block("r3", "peer", 4, 8),
        ]
    )
    assert shown.complete is False
    assert shown.pools == (Pool("peer", 4, 8), Pool("subordinate", 3, 9), Pool(COLLEAGUES, 3, 5))
    assert merged([Block(None, "peer", 3, 3)]) == ((Pool("peer", 3, 3),), True)
