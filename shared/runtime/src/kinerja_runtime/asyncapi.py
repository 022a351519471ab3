"""The AsyncAPI document a service serves at ``/asyncapi.json``: the contract's document of what
it publishes and what its consumer handles (:mod:`kinerja_contracts.asyncapi`), naming the broker
this process connects to. The committed documents under ``shared/contracts/asyncapi`` are the same
with the deployments' brokers instead (``python -m kinerja_devtools.asyncapi``)."""

from collections.abc import Sequence

from kinerja_contracts import Event, model_for
from kinerja_contracts.asyncapi import Application, Server, document

from kinerja_runtime.messaging import EventConsumer
from kinerja_runtime.settings import ServiceSettings


def application(description: str, produces: Sequence[type[Event]], consumer: EventConsumer) -> Application:
    """What the service sends (its ``produces``) and receives (its consumer's handlers)."""
    return Application(
        service=consumer.service,
        description=description,
        produces=tuple(produces),
        consumes=tuple(model_for(event_type) for event_type in consumer.event_types),
        group_id=consumer.group_id,
    )


def broker_server(name: str, settings: ServiceSettings, description: str) -> Server:
    """The broker of ``settings`` (its bootstrap servers, TLS and SASL mechanism) as an AsyncAPI server."""
    protocol = settings.kafka_security_protocol
    return Server(
        name=name,
        host=settings.kafka_bootstrap_servers,
        description=description,
        sasl_mechanism=settings.kafka_sasl_mechanism if protocol.startswith("SASL_") else None,
        tls=protocol in ("SSL", "SASL_SSL"),
    )


def asyncapi_document(
    settings: ServiceSettings, description: str, produces: Sequence[type[Event]], consumer: EventConsumer
) -> dict:
    server = broker_server(settings.kinerja_env, settings, f"The broker {settings.service_name} connects to.")
    return document(application(description, produces, consumer), [server])
