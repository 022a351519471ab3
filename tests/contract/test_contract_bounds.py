"""Every event type is bounded: the largest instance its limits allow fits its documented
maximum, which stays well under the broker's 1 MiB record limit."""

from typing import ClassVar

import pytest
from kinerja_contracts import ALL_EVENTS, Event, EventTooLarge, TargetSet, encode, encode_bounded
from kinerja_contracts.bounds import Unbounded, largest
from kinerja_contracts.limits import BROKER_RECORD_BYTES, IKI_PER_SKP_MAX, MAX_EVENT_BYTES
from pydantic import Field

PRODUCED = [cls for cls in ALL_EVENTS if cls.superseded_by is None]
LEGACY = [cls for cls in ALL_EVENTS if cls.superseded_by is not None]


@pytest.mark.parametrize("cls", PRODUCED, ids=lambda c: c.event_type)
def test_the_largest_event_fits_its_documented_maximum(cls: type[Event]):
    event = largest(cls)
    size = len(encode(event))
    assert size <= cls.max_encoded_bytes <= MAX_EVENT_BYTES < BROKER_RECORD_BYTES, (
        f"{cls.event_type}: largest instance {size} bytes, documented {cls.max_encoded_bytes}"
    )
    assert encode_bounded(event) == encode(event)


def test_the_largest_skp_is_really_full():
    event = largest(TargetSet)
    assert sum(len(r.indikator) for r in event.rhk) == IKI_PER_SKP_MAX
    assert all(
        len(i.description) == 1000 and len(i.description.encode()) == 4000 for r in event.rhk for i in r.indikator
    )


@pytest.mark.parametrize("cls", LEGACY, ids=lambda c: c.event_type)
def test_a_legacy_type_is_bounded_by_the_broker_it_was_produced_under(cls: type[Event]):
    assert cls.max_encoded_bytes <= BROKER_RECORD_BYTES
    assert cls.superseded_by in {c.event_type for c in PRODUCED}


def test_an_event_over_its_maximum_is_refused_naming_the_limit():
    # Control characters are JSON-escaped to 6 bytes each, more than the 4 the documented
    # maximum allows per character: such an SKP is within every length limit yet too big.
    data = largest(TargetSet).model_dump()
    for rhk in data["rhk"]:
        rhk["description"] = "\x01" * len(rhk["description"])
        for iki in rhk["indikator"]:
            iki["description"] = "\x01" * len(iki["description"])
    event = TargetSet.model_validate(data)
    with pytest.raises(EventTooLarge) as refused:
        encode_bounded(event)
    assert refused.value.event_type == TargetSet.event_type
    assert refused.value.maximum == TargetSet.max_encoded_bytes < refused.value.size
    assert f"{TargetSet.max_encoded_bytes} bytes" in str(refused.value)


def test_a_field_without_a_maximum_is_caught():
    class Careless(Event):
        event_type: ClassVar[str] = "kinerja.test.Careless.v1"
        topic: ClassVar[str] = "kinerja.test"
        nip: str = Field(pattern=r"^\d{18}$")
        note: str

    with pytest.raises(Unbounded, match="Careless.note"):
        largest(Careless)

    class Listless(Event):
        event_type: ClassVar[str] = "kinerja.test.Listless.v1"
        topic: ClassVar[str] = "kinerja.test"
        nip: str = Field(pattern=r"^\d{18}$")
        items: list[int]

    with pytest.raises(Unbounded, match="Listless.items"):
        largest(Listless)
