"""Which producer errors park an outbox row (the broker will never take the record as it is)
and which only stop the round until the broker is back."""

import pytest
from aiokafka import errors
from kinerja_runtime.outbox import is_refusal


@pytest.mark.parametrize(
    "error",
    [
        errors.MessageSizeTooLargeError("record over max_request_size"),
        errors.RecordListTooLargeError(),
        errors.InvalidTopicError(),
        errors.UnknownTopicOrPartitionError(),
        errors.TopicAuthorizationFailedError(),
        errors.CorruptRecordException(),
    ],
)
def test_a_record_or_topic_the_broker_refuses_is_parked(error):
    assert is_refusal(error)


@pytest.mark.parametrize(
    "error",
    [
        errors.KafkaTimeoutError(),
        errors.KafkaConnectionError("connection lost"),
        errors.NotLeaderForPartitionError(),
        errors.LeaderNotAvailableError(),
        errors.RequestTimedOutError(),
        errors.NotEnoughReplicasError(),
        ConnectionResetError(),
    ],
)
def test_an_unavailable_broker_only_stops_the_round(error):
    assert not is_refusal(error)
