"""kinerja_runtime.metrics without a service: a batch's observations added at once read as the
same histogram as one observation each."""

from kinerja_runtime.metrics import observe_many
from prometheus_client import CollectorRegistry, Histogram

BUCKETS = (0.1, 1, 10)


def samples(histogram: Histogram) -> dict[tuple[str, str], float]:
    [family] = histogram.collect()
    return {(s.name, s.labels.get("le", "")): s.value for s in family.samples if not s.name.endswith("_created")}


def test_a_batch_observed_at_once_is_the_histogram_one_observation_each_gives():
    amounts = [0.0, 0.1, 0.1000001, 0.5, 1, 7, 10, 11, 3600, 0.05]
    one_by_one = Histogram("one_by_one", "", buckets=BUCKETS, registry=CollectorRegistry())
    at_once = Histogram("at_once", "", buckets=BUCKETS, registry=CollectorRegistry())
    for amount in amounts:
        one_by_one.observe(amount)
    observe_many(at_once, amounts)
    observe_many(at_once, [])
    expected = {(name.replace("one_by_one", "at_once"), le): v for (name, le), v in samples(one_by_one).items()}
    assert samples(at_once) == expected
    assert expected[("at_once_count", "")] == len(amounts)
    assert expected[("at_once_bucket", "0.1")] == 3 and expected[("at_once_bucket", "+Inf")] == len(amounts)
