"""kinerja-admin's dead-letter commands connect as the operators' broker user when one is given."""

import pytest
from kinerja_runtime.admin.guard import Refused
from kinerja_runtime.admin.kafka import OPERATOR_PASSWORD, OPERATOR_USERNAME, as_operator
from kinerja_runtime.settings import ServiceSettings

SERVICE = ServiceSettings(
    service_name="appraisal-service",
    kafka_security_protocol="SASL_SSL",
    kafka_sasl_username="appraisal-service",
    kafka_sasl_password="service-secret",
)


def test_the_operators_user_replaces_the_service_s_and_nothing_else():
    operator = as_operator(SERVICE, {OPERATOR_USERNAME: "kinerja-operator", OPERATOR_PASSWORD: "operator-secret"})
    assert operator.kafka_sasl_username == "kinerja-operator"
    assert operator.kafka_sasl_password.get_secret_value() == "operator-secret"
    assert operator.kafka_bootstrap_servers == SERVICE.kafka_bootstrap_servers
    assert operator.kafka_security_protocol == "SASL_SSL"
    assert SERVICE.kafka_sasl_username == "appraisal-service"


def test_without_one_the_service_s_own_user_is_used():
    assert as_operator(SERVICE, {}) is SERVICE


@pytest.mark.parametrize("given", [OPERATOR_USERNAME, OPERATOR_PASSWORD])
def test_half_a_user_is_refused(given: str):
    with pytest.raises(Refused, match=f"set both {OPERATOR_USERNAME} and {OPERATOR_PASSWORD}"):
        as_operator(SERVICE, {given: "x"})
