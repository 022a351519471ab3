"""Who may read and write which topic on the production broker, as Strimzi ``KafkaUser`` resources.

Two sources, each declared once:

- the catalogue's :class:`~kinerja_contracts.catalogue.Audience` of each topic: who *may* read it
  (public: any subscriber; internal: the services it names);
- :data:`SERVICES`, what each service *does* read and publish. The services declare this in
  code (their ``subscribe`` handlers and ``produces=[...]``); devtools does not depend on the
  services, so it is restated here, and a contract test builds every service and checks this
  table against it (tests/contract/test_contract_deploy_users.py).

A service's ACLs are read on what it consumes (with its consumer group, named after it), write on
what it publishes and, when it consumes, on the dead-letter topic. An outside subscriber gets read
on the public topics it subscribes to, and its group. The operators (kinerja-admin's dead-letter
commands) read the dead-letter topic and write every catalogue topic, where a replay sends a dead
letter back. Reading a topic the catalogue does not open to the reader is refused
here, so the manifests cannot be generated with a read the anonymity rule forbids (ADR 0010).
"""

from dataclasses import dataclass

from kinerja_contracts.catalogue import (
    APPRAISALS,
    CITIZEN_SATISFACTION,
    DEAD_LETTER,
    DEVELOPMENT,
    EMPLOYEES,
    FEEDBACK,
    OPERATORS,
    ORGANISATION,
    PERIODS,
    RECOGNITIONS,
    TARGETS,
    TOPICS,
    Topic,
    readable_by,
)

STRIMZI_API = "kafka.strimzi.io/v1"
"""The Strimzi API of the deploy manifests, for Strimzi 1.0 or newer as deploy/README.md says (v1 first
appeared beside v1beta2 in 0.49; 1.0 serves nothing older; the tests hold 1.2.0's schemas)."""

AUTHENTICATION = "scram-sha-512"
"""SASL SCRAM-SHA-512 over the cluster's TLS listener: the User Operator keeps each user's password
in a Secret named after the user (key ``password``), which the Deployment passes to the service."""

SASL_MECHANISM = "SCRAM-SHA-512"
SECURITY_PROTOCOL = "SASL_SSL"
SETTINGS = "kinerja-settings"
BOOTSTRAP_SETTING = "kafka-bootstrap"
"""Where the Deployments read the brokers' address: the ConfigMap of the province's settings
(deploy/k8s/base/settings.yaml), the cluster's internal TLS listener with SCRAM authentication by
its namespaced name, ``kinerja-kafka-bootstrap.<namespace>.svc:9093``, which KEDA resolves from its
own namespace too."""
CLUSTER_CA_SECRET = "kinerja-cluster-ca-cert"
CA_DIR = "/etc/kinerja/kafka-ca"


class AudienceViolation(ValueError):
    """A principal would read a topic whose audience does not name it."""


@dataclass(frozen=True)
class ServiceAccess:
    """What one service reads and publishes (the topics of its handlers and of its ``produces``)."""

    service: str
    reads: tuple[Topic, ...]
    produces: tuple[Topic, ...]


SERVICES: tuple[ServiceAccess, ...] = (
    # Owns the roster and the periods; consumes nothing.
    ServiceAccess("target-service", reads=(), produces=(EMPLOYEES, ORGANISATION, PERIODS, TARGETS)),
    ServiceAccess(
        "feedback-service",
        reads=(EMPLOYEES, ORGANISATION, PERIODS),
        produces=(FEEDBACK, CITIZEN_SATISFACTION, RECOGNITIONS),
    ),
    ServiceAccess(
        "appraisal-service",
        reads=(EMPLOYEES, ORGANISATION, PERIODS, TARGETS, FEEDBACK, CITIZEN_SATISFACTION),
        produces=(APPRAISALS,),
    ),
    ServiceAccess(
        "training-service", reads=(EMPLOYEES, ORGANISATION, PERIODS, APPRAISALS, RECOGNITIONS), produces=(DEVELOPMENT,)
    ),
)

SUBSCRIBER_READS: dict[str, tuple[Topic, ...]] = {
    "siasn-connector": (EMPLOYEES, ORGANISATION, PERIODS, APPRAISALS, DEVELOPMENT),
}
"""What the outside subscribers deployed with Kinerja (deploy/k8s) subscribe to: their ACLs and their
autoscaling (:mod:`kinerja_devtools.autoscaling`). A contract test compares it with
siasn_connector.apply.TOPICS."""

OUTSIDE_SUBSCRIBER_READS: dict[str, tuple[Topic, ...]] = {
    "kinerja-subscriber-example": (APPRAISALS, DEVELOPMENT),
}
"""Read-only users for subscribers that run elsewhere (an agency's HR system following appraisals
and development plans), not deployed here. The example is the template: copy it under the
subscriber's name, with the public topics it reads."""

EXTERNAL_SUBSCRIBERS: tuple[str, ...] = (*SUBSCRIBER_READS, *OUTSIDE_SUBSCRIBER_READS)
"""Every outside subscriber's user: read on its public topics only, and on its consumer group, named
after it."""


@dataclass(frozen=True)
class Acl:
    """One Strimzi ACL rule (simple authorization)."""

    resource: str  # "topic" or "group"
    name: str
    pattern: str  # "literal" or "prefix"
    operations: tuple[str, ...]


@dataclass(frozen=True)
class KafkaClient:
    """One principal on the broker, its ``KafkaUser``."""

    name: str
    purpose: str
    reads: tuple[Topic, ...] = ()
    writes: tuple[Topic, ...] = ()
    group: str | None = None
    """Its consumer group, read literally; ``None`` for a client that reads by assignment only."""

    def __post_init__(self) -> None:
        allowed = {t.name for t in readable_by(self.name)}
        refused = [t.name for t in self.reads if t.name not in allowed]
        if refused:
            raise AudienceViolation(
                f"{self.name} may not read {', '.join(refused)}: the catalogue's audience of "
                "those topics does not name it"
            )

    def acls(self) -> tuple[Acl, ...]:
        rules = [Acl("topic", t.name, "literal", ("Describe", "Read")) for t in self.reads]
        if self.group:
            rules.append(Acl("group", self.group, "literal", ("Read",)))
        rules += [Acl("topic", t.name, "literal", ("Describe", "Write")) for t in self.writes]
        return tuple(rules)

    def may_read(self, topic: str) -> bool:
        return any(a.resource == "topic" and a.name == topic and "Read" in a.operations for a in self.acls())

    def may_write(self, topic: str) -> bool:
        return any(a.resource == "topic" and a.name == topic and "Write" in a.operations for a in self.acls())


def service_client(access: ServiceAccess) -> KafkaClient:
    # A consumer writes what it gives up on to the dead-letter topic; a pure producer never does.
    dead_letter = (DEAD_LETTER,) if access.reads else ()
    return KafkaClient(
        access.service,
        f"{access.service}: its subscriptions and its events",
        reads=access.reads,
        writes=access.produces + dead_letter,
        group=access.service if access.reads else None,
    )


def clients() -> tuple[KafkaClient, ...]:
    """Every KafkaUser: the services, the operators (dead letters), the outside subscribers."""
    services = tuple(service_client(a) for a in SERVICES)
    # kinerja-admin reads the dead-letter topic by assignment (no group) and a replay writes each
    # letter back to its original topic, which may be any service's.
    operators = KafkaClient(
        OPERATORS,
        "operators (kinerja-admin): read the dead-letter topic, replay to any catalogue topic",
        reads=tuple(t for t in readable_by(OPERATORS) if not t.audience.public),
        writes=TOPICS,
    )
    subscribers = tuple(
        KafkaClient(name, f"{name}: an outside subscriber, read-only on the public topics it reads", reads, group=name)
        for name, reads in {**SUBSCRIBER_READS, **OUTSIDE_SUBSCRIBER_READS}.items()
    )
    return (*services, operators, *subscribers)


def client(name: str) -> KafkaClient:
    return next(c for c in clients() if c.name == name)


def render_user(kafka_client: KafkaClient, cluster: str = "kinerja") -> str:
    lines = [
        "---",
        f"# {kafka_client.purpose}",
        f"apiVersion: {STRIMZI_API}",
        "kind: KafkaUser",
        "metadata:",
        f"  name: {kafka_client.name}",
        "  labels:",
        f"    strimzi.io/cluster: {cluster}",
        "spec:",
        "  authentication:",
        f"    type: {AUTHENTICATION}",
        "  authorization:",
        "    type: simple",
        "    acls:",
    ]
    for acl in kafka_client.acls():
        lines += [
            f"      - resource: {{type: {acl.resource}, name: {acl.name}, patternType: {acl.pattern}}}",
            f"        operations: [{', '.join(acl.operations)}]",
        ]
    return "\n".join(lines) + "\n"


def render_users(cluster: str = "kinerja") -> str:
    head = (
        "# Generated by `python -m kinerja_devtools.manifests` from each topic's audience in\n"
        "# kinerja_contracts.catalogue and what each service reads and publishes (kinerja_devtools.kafka_users);\n"
        f"# do not edit. Authentication: {AUTHENTICATION} (SASL over the cluster's TLS listener).\n"
    )
    return head + "".join(render_user(c, cluster) for c in clients())


def client_env(name: str) -> list[dict]:
    """The env entries of a Deployment that connect it as the KafkaUser ``name``: SCRAM over the
    TLS listener, the password from the Secret the User Operator writes, the cluster CA from the
    volume :func:`ca_volume` (the deploy contract tests check every Deployment carries them)."""
    return [
        {
            "name": "KAFKA_BOOTSTRAP_SERVERS",
            "valueFrom": {"configMapKeyRef": {"name": SETTINGS, "key": BOOTSTRAP_SETTING}},
        },
        {"name": "KAFKA_SECURITY_PROTOCOL", "value": SECURITY_PROTOCOL},
        {"name": "KAFKA_SASL_MECHANISM", "value": SASL_MECHANISM},
        {"name": "KAFKA_SASL_USERNAME", "value": name},
        {"name": "KAFKA_SASL_PASSWORD", "valueFrom": {"secretKeyRef": {"name": name, "key": "password"}}},
        {"name": "KAFKA_SSL_CA_FILE", "value": f"{CA_DIR}/ca.crt"},
    ]


def ca_volume() -> dict:
    """The pod's volume holding the cluster CA that signed the brokers' certificates."""
    return {
        "name": "kafka-ca",
        "secret": {"secretName": CLUSTER_CA_SECRET, "items": [{"key": "ca.crt", "path": "ca.crt"}]},
    }


def ca_mount() -> dict:
    return {"name": "kafka-ca", "mountPath": CA_DIR, "readOnly": True}
