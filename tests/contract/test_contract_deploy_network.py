"""Who reaches whom under the rendered NetworkPolicies (issue 12): only the ingress controller
reaches the public HTTP (the portal, feedback-service's survey), the portal and Prometheus the
services, only each service (and its migrations Job) its own PostgreSQL, only feedback-service
the Redis; the services reach DNS, the brokers' TLS listener and their database, nothing else.

The policies are evaluated as Kubernetes does for ``matchLabels`` selectors: traffic passes when
the destination's ingress policies (if any select it) and the source's egress policies (if any
select it) both allow it. An ``ipBlock`` here matches addresses outside the cluster.

No pod is given the labels a policy selects: Kinerja's pods carry their Deployment's or Job's
template labels, the brokers the labels Strimzi puts on the pods of the rendered Kafka cluster's
broker node pool, the databases those CloudNativePG puts on a cluster's instances (named as
deploy/README.md tells the operator), DNS, the ingress controller and Prometheus the labels of
their usual installations (deploy/README.md, section 13), with the namespace labels the README
has the operator add."""

import re
from dataclasses import dataclass, field

import pytest
from deploy_manifests import DEPLOY, SERVICES, of_kind, one

NAMESPACE = {"kubernetes.io/metadata.name": "kinerja"}
POLICIES = of_kind("production", "NetworkPolicy")


@dataclass(frozen=True)
class Pod:
    name: str
    labels: dict = field(default_factory=dict)
    namespace: dict = field(default_factory=lambda: NAMESPACE)
    ports: dict = field(default_factory=dict)  # port name -> number
    outside: bool = False  # an address outside the cluster (ipBlock)

    def port(self, number: int) -> str | None:
        return next((name for name, n in self.ports.items() if n == number), None)


def template_pod(kind: str, name: str) -> Pod:
    template = one("production", kind, name)["spec"]["template"]
    ports = {p["name"]: p["containerPort"] for c in template["spec"]["containers"] for p in c.get("ports", [])}
    return Pod(f"{kind} {name}", template["metadata"]["labels"], ports=ports)


SERVERS = {name: template_pod("Deployment", name) for name in [*SERVICES, "web-portal", "siasn-connector"]}
JOBS = {name: template_pod("Job", f"{name}-migrate") for name in SERVICES}
REDIS = template_pod("Deployment", "kinerja-redis")
README = (DEPLOY / "README.md").read_text()


def database_pod(program: str) -> Pod:
    """A primary of the program's CloudNativePG cluster, named as deploy/README.md tells the
    operator, with the labels CloudNativePG gives an instance."""
    suffix = re.search(r"one small cluster each, named `<program>(-[a-z]+)`", README)
    assert suffix, "deploy/README.md names the CloudNativePG clusters"
    cluster = f"{program}{suffix[1]}"
    labels = {
        "cnpg.io/cluster": cluster,
        "cnpg.io/instanceName": f"{cluster}-1",
        "cnpg.io/podRole": "instance",
        "cnpg.io/instanceRole": "primary",
        "role": "primary",
    }
    return Pod(f"{program} PostgreSQL", labels)


def broker_pod() -> Pod:
    """A broker of the rendered Kafka cluster, with the labels Strimzi gives its node pools' pods."""
    (kafka,) = of_kind("production", "Kafka")
    cluster = kafka["metadata"]["name"]
    pool = next(p for p in of_kind("production", "KafkaNodePool") if "broker" in p["spec"]["roles"])
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == cluster
    labels = {
        "strimzi.io/cluster": cluster,
        "strimzi.io/kind": kafka["kind"],
        "strimzi.io/name": f"{cluster}-kafka",
        "strimzi.io/pool-name": pool["metadata"]["name"],
        "strimzi.io/broker-role": "true",
        "strimzi.io/controller-role": str("controller" in pool["spec"]["roles"]).lower(),
        "strimzi.io/component-type": "kafka",
        "app.kubernetes.io/name": "kafka",
        "app.kubernetes.io/instance": cluster,
        "app.kubernetes.io/part-of": f"strimzi-{cluster}",
        "app.kubernetes.io/managed-by": "strimzi-cluster-operator",
    }
    return Pod("a Kafka broker", labels)


DATABASES = {name: database_pod(name) for name in [*SERVICES, "siasn-connector"]}
KAFKA = broker_pod()
INGRESS_CONTROLLER = Pod(  # ingress-nginx's Helm chart, its namespace labelled as the README says
    "the ingress controller",
    {
        "app.kubernetes.io/name": "ingress-nginx",
        "app.kubernetes.io/instance": "ingress-nginx",
        "app.kubernetes.io/component": "controller",
    },
    {"kubernetes.io/metadata.name": "ingress-nginx", "kinerja-ingress-controller": "true"},
)
PROMETHEUS = Pod(  # kube-prometheus-stack's Prometheus
    "Prometheus",
    {"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "kube-prometheus-stack-prometheus"},
    {"kubernetes.io/metadata.name": "monitoring", "kinerja-monitoring": "true"},
)
STRANGER = Pod("another pod of the namespace", {"app": "debug", "app.kubernetes.io/part-of": "kinerja"})
DNS = Pod(  # CoreDNS as kubeadm, kind and most distributions deploy it
    "kube-dns",
    {"k8s-app": "kube-dns", "pod-template-hash": "7db6d8ff4d"},
    {"kubernetes.io/metadata.name": "kube-system"},
)
INTERNET = Pod("an address outside the cluster", outside=True)
HTTP = 8000


def selects(selector: dict, labels: dict) -> bool:
    assert set(selector) <= {"matchLabels"}, f"only matchLabels is modelled: {selector}"
    return selector.get("matchLabels", {}).items() <= labels.items()


def peer_matches(peer: dict, pod: Pod) -> bool:
    if "ipBlock" in peer:
        return pod.outside
    if pod.outside:
        return False
    in_namespace = (
        selects(peer["namespaceSelector"], pod.namespace) if "namespaceSelector" in peer else pod.namespace == NAMESPACE
    )
    return in_namespace and selects(peer.get("podSelector", {}), pod.labels)


def port_matches(rule_ports: list | None, pod: Pod, number: int) -> bool:
    if not rule_ports:
        return True
    return any(p["port"] in (number, pod.port(number)) for p in rule_ports)


def direction_allows(direction: str, subject: Pod, other: Pod, destination: Pod, number: int) -> bool:
    key, peers = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    chosen = [
        p
        for p in POLICIES
        if direction in p["spec"]["policyTypes"]
        and subject.namespace == NAMESPACE
        and not subject.outside
        and selects(p["spec"]["podSelector"], subject.labels)
    ]
    if not chosen:
        return True  # not isolated in this direction
    return any(
        port_matches(rule.get("ports"), destination, number)
        and (peers not in rule or any(peer_matches(peer, other) for peer in rule[peers]))
        for policy in chosen
        for rule in policy["spec"].get(key) or []
    )


def reaches(source: Pod, destination: Pod, number: int) -> bool:
    return direction_allows("Ingress", destination, source, destination, number) and direction_allows(
        "Egress", source, destination, destination, number
    )


def reaching(destination: Pod, number: int) -> set[str]:
    sources = [*SERVERS.values(), *JOBS.values(), REDIS, INGRESS_CONTROLLER, PROMETHEUS, STRANGER]
    return {s.name for s in sources if s is not destination and reaches(s, destination, number)}


PORTAL, FEEDBACK = SERVERS["web-portal"].name, SERVERS["feedback-service"].name


@pytest.mark.parametrize(
    ("deployment", "allowed"),
    [
        ("target-service", {PORTAL, PROMETHEUS.name}),
        ("feedback-service", {PORTAL, PROMETHEUS.name, INGRESS_CONTROLLER.name}),
        ("appraisal-service", {PORTAL, PROMETHEUS.name}),
        ("training-service", {PORTAL, PROMETHEUS.name}),
        ("web-portal", {INGRESS_CONTROLLER.name}),
        ("siasn-connector", set()),
    ],
)
def test_who_reaches_the_http_of_each_deployment(deployment: str, allowed: set[str]):
    assert reaching(SERVERS[deployment], HTTP) == allowed


@pytest.mark.parametrize("owner", sorted(DATABASES))
def test_only_its_own_service_reaches_a_database(owner: str):
    own = {SERVERS[owner].name} | ({JOBS[owner].name} if owner in JOBS else set())
    assert reaching(DATABASES[owner], 5432) == own
    for other in set(DATABASES) - {owner}:
        assert not direction_allows("Egress", SERVERS[owner], DATABASES[other], DATABASES[other], 5432)


def test_only_feedback_service_reaches_the_redis():
    assert reaching(REDIS, 6379) == {FEEDBACK}


@pytest.mark.parametrize("deployment", sorted([*SERVICES, "siasn-connector"]))
def test_the_broker_clients_reach_the_tls_listener_only(deployment: str):
    client = SERVERS[deployment]
    assert reaches(client, KAFKA, 9093) and reaches(client, DNS, 53)
    assert not reaches(client, KAFKA, 9092), "the plaintext listener"
    assert not reaches(SERVERS["web-portal"], KAFKA, 9093), "the portal has no business with the broker"


@pytest.mark.parametrize("deployment", sorted(SERVICES))
def test_the_services_reach_nothing_outside_the_cluster(deployment: str):
    assert not reaches(SERVERS[deployment], INTERNET, 443)
    assert reaches(SERVERS["web-portal"], INTERNET, 443), "the identity provider"
    assert reaches(SERVERS["siasn-connector"], INTERNET, 443), "SIASN"
