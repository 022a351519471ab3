"""Writes the arithmetic of ``deploy/CAPACITY.md`` from the figures and assumptions at its top.

``python -m kinerja_devtools.capacity [--check]``. The document's two input tables (measured
figures, assumptions) are read back from the file, so changing a figure there and running this
command redoes every table below them; the prose around the tables is the document's own.
What the code already says is not restated as an input: partitions and retention come from the
topic catalogue, record sizes from encoding the contract's examples with their CloudEvents
headers, which service sends and receives which event from the committed AsyncAPI documents,
each service's connection pool (``DATABASE_POOL_SIZE``), its autoscaler's most replicas and the
brokers' count and volumes from the deploy manifests as rendered (deploy/k8s/base).
``--check`` exits 1 when a table is stale.
"""

import argparse
import functools
import json
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kinerja_contracts import CloudEventAttributes, Event, encode
from kinerja_contracts.catalogue import TOPICS, topic_of
from kinerja_contracts.events import (
    AppraisalCompleted,
    AppraisalRevised,
    CitizenSurveyAnswered,
    DevelopmentPlanCreated,
    DevelopmentPlanRevised,
    EmployeePeriodClosed,
    EmployeeRegistered,
    EmployeeTransferred,
    FeedbackReceived,
    RealizationRecorded,
    RecognitionGiven,
    TalentPoolNominated,
    TargetRevised,
    TargetSet,
    TrainingCompleted,
)
from kinerja_contracts.examples import EXAMPLES

from kinerja_devtools import kustomize

ROOT = Path(__file__).resolve().parents[4]
FILE = ROOT / "deploy" / "CAPACITY.md"
ASYNCAPI = ROOT / "shared" / "contracts" / "asyncapi"
COMMAND = "python -m kinerja_devtools.capacity"
SERVICES = ("target-service", "feedback-service", "appraisal-service", "training-service")
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
EXAMPLE_ID = "6f1c2a7e-3b4d-4f8a-9c2e-1d5b7a9e0c41"
DAY, HOUR, GB, GIB = 86_400, 3_600, 1e9, 2**30
DISK_FILL = 0.8
"""The share of a broker's volumes its log may fill, leaving room for segments being rolled and
compacted and for a partition moved onto it while another broker is replaced."""


@dataclass(frozen=True)
class Deployed:
    """What the manifests give a service: its connection pool and its autoscaler's bounds."""

    pool: int
    max_replicas: int
    autoscaler: str


@functools.cache
def manifests() -> tuple[dict, ...]:
    return tuple(kustomize.build(ROOT / "deploy" / "k8s" / "base"))


def deployed(service: str) -> Deployed:
    resources = manifests()
    deployment = next(r for r in resources if r["kind"] == "Deployment" and r["metadata"]["name"] == service)
    env = {e["name"]: e.get("value") for c in deployment["spec"]["template"]["spec"]["containers"] for e in c["env"]}
    for r in resources:
        if r["kind"] == "ScaledObject" and r["spec"]["scaleTargetRef"]["name"] == service:
            return Deployed(int(env["DATABASE_POOL_SIZE"]), r["spec"]["maxReplicaCount"], "KEDA")
        if r["kind"] == "HorizontalPodAutoscaler" and r["spec"]["scaleTargetRef"]["name"] == service:
            return Deployed(int(env["DATABASE_POOL_SIZE"]), r["spec"]["maxReplicas"], "HPA")
    raise ValueError(f"no autoscaler of {service} in deploy/k8s/base")


def brokers() -> tuple[int, float]:
    """The broker node pool's replicas and the bytes of each broker's volumes (deploy/kafka/cluster.yaml)."""
    pool = next(r for r in manifests() if r["kind"] == "KafkaNodePool" and "broker" in r["spec"]["roles"])
    units = {"Gi": GIB, "Ti": 1024 * GIB}
    size = sum(float(v["size"][:-2]) * units[v["size"][-2:]] for v in pool["spec"]["storage"]["volumes"])
    return pool["spec"]["replicas"], size


@dataclass(frozen=True)
class Budget:
    """How often one employee causes an event in a year, and why we think so."""

    event: type[Event]
    per_year: float
    why: str
    carries_skp: bool = False
    """Its size grows with the SKP (the examples hold 2 RHK and 3 IKI; see ``skp_scale``)."""


EVENT_BUDGET = (
    Budget(EmployeeRegistered, 1.2, "on the roster once, some re-registered after a change"),
    Budget(EmployeeTransferred, 0.1, "one employee in ten moves in a year"),
    Budget(TargetSet, 1.5, "the SKP approved, half get a second version", True),
    Budget(TargetRevised, 0.3, "mid-year revisions", True),
    Budget(RealizationRecorded, 12, "3 IKI x 4 quarterly checkpoints"),
    Budget(EmployeePeriodClosed, 1, "the period's close, one per employee"),
    Budget(FeedbackReceived, 5, "one 360° round a year of 5 answers"),
    Budget(CitizenSurveyAnswered, 2, "citizens' answers, front-line units only, averaged"),
    Budget(AppraisalCompleted, 5, "4 periodic (quarterly) and 1 annual appraisal", True),
    Budget(AppraisalRevised, 0.05, "objections decided", True),
    Budget(DevelopmentPlanCreated, 1, "a plan from the annual appraisal"),
    Budget(DevelopmentPlanRevised, 0.05, "after a revised appraisal"),
    Budget(TrainingCompleted, 2, "the 20 JP a year in about two activities"),
    Budget(TalentPoolNominated, 0.05, "Sangat Baik twice in a row"),
    Budget(RecognitionGiven, 0.2, "by a leader or for citizens' ratings"),
)


@dataclass(frozen=True)
class Table:
    """A table of a service's database: rows per employee (a year's, or held at any time)."""

    service: str
    name: str
    rows: float
    bytes_per_row: int
    why: str
    stock: bool = False
    """Rows held at any time (one per employee) rather than added each year."""


TABLES = (
    Table("target-service", "employees", 1, 500, "the roster", stock=True),
    Table("target-service", "skp + skp_versions", 2.8, 350, "an SKP and its 1.8 versions"),
    Table("target-service", "skp_rhk", 9, 450, "5 RHK per version"),
    Table("target-service", "skp_iki", 18, 450, "10 IKI per version"),
    Table("target-service", "realizations", 12, 450, "as RealizationRecorded"),
    Table("target-service", "access_log", 60, 250, "30 reads or changes a year, kept 730 days", stock=True),
    Table("feedback-service", "feedback", 5, 600, "the answers, ratings as JSON"),
    Table("feedback-service", "feedback_rounds + round_givers", 6, 250, "a round and its givers"),
    Table("feedback-service", "citizen_survey_answers", 2, 450, "as CitizenSurveyAnswered"),
    Table("feedback-service", "known_employees", 1, 250, "the roster's projection", stock=True),
    Table("appraisal-service", "targets", 1, 3_000, "the SKP in force, RHK as JSON"),
    Table("appraisal-service", "realizations", 12, 300, "projection"),
    Table("appraisal-service", "feedback_answers", 5, 450, "projection"),
    Table("appraisal-service", "appraisals + appraisals_due", 10, 2_600, "5 appraisals with summary JSON, 5 due"),
    Table("appraisal-service", "access_log", 40, 250, "20 reads of appraisals a year, kept 730 days", stock=True),
    Table("training-service", "plans + plan_items + plan_decisions", 7, 400, "a plan of 5 items and its decision"),
    Table("training-service", "jp_ledger", 2, 300, "as TrainingCompleted"),
    Table("training-service", "annual_results", 1, 200, "the year's predikat"),
)
"""The largest tables of each database (the rest grow with agencies and units, not employees)."""


@dataclass(frozen=True)
class Workload:
    """A deadline day of one kind of request: ``requests_per_employee`` of the employees who act."""

    name: str
    service: str
    figure: str
    requests_per_employee: Callable[[dict[str, float]], float]
    what: str
    event: type[Event]
    events_per_employee: Callable[[dict[str, float]], float]
    """The events the requests publish, per employee who acts."""


WORKLOADS = (
    Workload(
        "realisations",
        "target-service",
        "realisations",
        lambda v: v["iki_per_employee"],
        "one per IKI",
        RealizationRecorded,
        lambda v: v["iki_per_employee"],
    ),
    Workload(
        "SKP writes", "target-service", "skp_writes", lambda v: 3, "create, submit, approve", TargetSet, lambda v: 1
    ),
    Workload(
        "feedback rounds",
        "feedback-service",
        "feedback_answers",
        lambda v: v["feedback_givers"] + 2,
        "open, answers, close",
        FeedbackReceived,
        lambda v: v["feedback_givers"],
    ),
    Workload(
        "confirmations",
        "appraisal-service",
        "confirmations",
        lambda v: 1,
        "the appraiser confirms",
        AppraisalCompleted,
        lambda v: 1,
    ),
    Workload(
        "plan decisions",
        "training-service",
        "plan_decisions",
        lambda v: 1,
        "one per plan",
        DevelopmentPlanCreated,
        lambda v: 1,
    ),
)

STACK_RATES = (
    "skp_writes",
    "realisations",
    "feedback_answers",
    "proposals",
    "confirmations",
    "plan_decisions",
    "replay_appraisal",
    "replay_training",
)
"""Figures of the whole stack on the benchmark machine: per core = figure / ``cores``."""


# -- reading the inputs back from the document ----------------------------------------------


def inputs(text: str) -> dict[str, float]:
    """``id -> value`` of every row of the input tables (first cell a backticked id, third the value)."""
    values = {}
    section = text.split("<!-- inputs -->", 1)[1].split("<!-- end of inputs -->", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"`[a-z_]+`", cells[0]):
            values[cells[0].strip("`")] = float(cells[2].replace(",", "").replace("~", ""))
    return values


# -- what the code says ------------------------------------------------------------------------


def record_bytes(budget: Budget, v: dict[str, float]) -> int:
    """One record on the broker: value, CloudEvents headers (names and values), key, framing."""
    example = EXAMPLES[budget.event.event_type]
    value = len(encode(example)) * (v["skp_scale"] if budget.carries_skp else 1)
    attributes = CloudEventAttributes.for_event(example, "/kinerja/appraisal-service", causation_id=EXAMPLE_ID)
    headers = {**attributes.to_headers(), "ce_traceparent": TRACEPARENT}
    header_bytes = sum(len(name) + len(text) for name, text in headers.items())
    return round(value + header_bytes + len(example.key()) + v["record_overhead"])


@functools.cache
def exchanges() -> dict[str, dict[str, set[str]]]:
    """service -> {"send": event types, "receive": event types}, from the committed AsyncAPI documents."""
    found = {}
    for service in SERVICES:
        doc = json.loads((ASYNCAPI / f"{service}.json").read_text(encoding="utf-8"))
        found[service] = {"send": set(), "receive": set()}
        for operation in doc["operations"].values():
            found[service][operation["action"]] |= {m["$ref"].rsplit("/", 1)[1] for m in operation["messages"]}
    return found


def per_employee(service: str, action: str) -> float:
    """Events a year per employee that ``service`` sends or receives."""
    types = exchanges()[service][action]
    return sum(b.per_year for b in EVENT_BUDGET if b.event.event_type in types)


# -- formatting -------------------------------------------------------------------------------


def n(value: float, digits: int = 0) -> str:
    if digits == 0 or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join("---" for _ in head) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# -- the generated tables ---------------------------------------------------------------------


def per_core(v: dict[str, float]) -> str:
    rows = [[f"`{k}`", n(v[k]), n(v[k] / v["cores"], 1)] for k in STACK_RATES]
    return table(["figure", "whole machine (/s)", "per core (/s) = figure / `cores`"], rows)


def events(v: dict[str, float]) -> str:
    rows = []
    total_events = total_bytes = 0.0
    for b in EVENT_BUDGET:
        size = record_bytes(b, v)
        total_events += b.per_year
        total_bytes += b.per_year * size
        rows.append(
            [
                f"`{b.event.__name__}`",
                f"`{topic_of(b.event).name}`",
                n(b.per_year, 2),
                n(size),
                n(b.per_year * size),
                b.why,
            ]
        )
    rows.append(["**total**", "", f"**{n(total_events, 1)}**", "", f"**{n(total_bytes)}**", ""])
    return table(
        ["event", "topic", "per employee per year", "bytes per record", "bytes per employee per year", "why"], rows
    )


def yearly_bytes(v: dict[str, float]) -> dict[str, float]:
    """topic -> bytes per employee per year."""
    by_topic: dict[str, float] = {}
    for b in EVENT_BUDGET:
        name = topic_of(b.event).name
        by_topic[name] = by_topic.get(name, 0) + b.per_year * record_bytes(b, v)
    return by_topic


def yearly_events() -> dict[str, float]:
    by_topic: dict[str, float] = {}
    for b in EVENT_BUDGET:
        name = topic_of(b.event).name
        by_topic[name] = by_topic.get(name, 0) + b.per_year
    return by_topic


def design_peak(v: dict[str, float], employees: float, per_employee_on_the_day: float) -> float:
    """Per second in the busiest minute of a deadline day."""
    day = employees * v["deadline_share"] * per_employee_on_the_day
    return day * v["busiest_hour_share"] / HOUR * v["peak_factor"]


def deadline(v: dict[str, float], employees: float) -> str:
    rows = []
    for w in WORKLOADS:
        requests = employees * v["deadline_share"] * w.requests_per_employee(v)
        peak = design_peak(v, employees, w.requests_per_employee(v))
        rate = v[w.figure] / v["cores"]
        budget = next(b for b in EVENT_BUDGET if b.event is w.event)
        into_broker = design_peak(v, employees, w.events_per_employee(v)) * record_bytes(budget, v)
        rows.append(
            [
                f"{w.name} ({w.what})",
                w.service,
                n(requests),
                n(peak, 1),
                n(rate, 1),
                n(peak / rate, 2),
                n(peak / rate / v["utilisation"], 2),
                f"{n(into_broker / 1e6, 2)} (`{w.event.__name__}`)",
            ]
        )
    return table(
        [
            "deadline day of",
            "service",
            "requests on the day",
            "design peak (req/s)",
            "per core (req/s)",
            "cores at 100 %",
            "cores at `utilisation`",
            "MB/s into the broker at the peak",
        ],
        rows,
    )


def replicas(v: dict[str, float], employees: float) -> str:
    rows = []
    totals = [0.0, 0, 0]
    for service in SERVICES:
        manifest = deployed(service)
        cores = max(
            design_peak(v, employees, w.requests_per_employee(v)) / (v[w.figure] / v["cores"]) / v["utilisation"]
            for w in WORKLOADS
            if w.service == service
        )
        reads = [t for t in TOPICS if any(e.event_type in exchanges()[service]["receive"] for e in t.event_types)]
        bound = min((t.partitions for t in reads), default=None)
        count = max(v["min_replicas"], math.ceil(cores) + 1)
        totals = [totals[0] + cores, totals[1] + count, totals[2] + count * manifest.pool]
        over = count > manifest.max_replicas
        rows.append(
            [
                service,
                n(cores, 2),
                n(count),
                "-" if bound is None else n(max(t.partitions for t in reads)),
                f"{manifest.max_replicas} ({manifest.autoscaler})" + (": **raise it**" if over else ""),
                n(count * v["peak_rss_mb"] / 1024, 1),
                f"{n(count * manifest.pool)} (x {manifest.pool})",
            ]
        )
    rows.append(
        [
            "**total**",
            f"**{n(totals[0], 2)}**",
            f"**{n(totals[1])}**",
            "",
            "",
            f"**{n(totals[1] * v['peak_rss_mb'] / 1024, 1)}**",
            f"**{n(totals[2])}**",
        ]
    )
    return table(
        [
            "service",
            "cores for its busiest deadline",
            "replicas = max(`min_replicas`, ceil(cores) + 1)",
            "consumer replicas useful at most (partitions)",
            "most replicas the manifests' autoscaler allows",
            "memory (GB, x `peak_rss_mb`)",
            "connections (x `DATABASE_POOL_SIZE` of the manifests)",
        ],
        rows,
    )


def bursts(v: dict[str, float], employees: float) -> str:
    targets = next(t for t in TOPICS if t.name == "kinerja.targets").partitions
    proposals = v["proposals"] / v["cores"]
    close = next(b for b in EVENT_BUDGET if b.event is EmployeePeriodClosed)
    rows_per_event = v["rows_per_event"]

    def row(burst: str, events: float, rate: float, record: float, rows_per_second: float) -> list[str]:
        return [burst, n(events), n(rate), n(events / rate / 60, 1), n(rate * record / 1e6, 1), n(rows_per_second)]

    rows = [
        row(
            "period close: one `EmployeePeriodClosed` per employee, through target-service's one relay (`relay`)",
            employees,
            v["relay"],
            record_bytes(close, v),
            v["relay"],
        ),
        row(
            "proposals after the close, 1 appraisal-service replica (`proposals` per core)",
            employees,
            proposals,
            record_bytes(close, v),
            proposals * rows_per_event,
        ),
        row(
            f"proposals after the close, {targets} replicas (one per `kinerja.targets` partition)",
            employees,
            proposals * targets,
            record_bytes(close, v),
            proposals * targets * rows_per_event,
        ),
    ]
    for service, figure in (("appraisal-service", "replay_appraisal"), ("training-service", "replay_training")):
        rate = v[figure] / v["cores"] * targets
        rows.append(
            row(
                f"a year replayed into a fresh {service}, {targets} replicas (`{figure}` per core)",
                employees * per_employee(service, "receive"),
                rate,
                mean_record_bytes(service, "receive", v),
                rate * rows_per_event,
            )
        )
    return table(
        ["burst", "events", "events/s", "minutes", "MB/s through the broker", "PostgreSQL rows/s (x `rows_per_event`)"],
        rows,
    )


def mean_record_bytes(service: str, action: str, v: dict[str, float]) -> float:
    types = exchanges()[service][action]
    chosen = [b for b in EVENT_BUDGET if b.event.event_type in types]
    return sum(b.per_year * record_bytes(b, v) for b in chosen) / sum(b.per_year for b in chosen)


def broker(v: dict[str, float], employees: float) -> str:
    per_topic_bytes, per_topic_events = yearly_bytes(v), yearly_events()
    rows = []
    total_events = total_bytes = 0.0
    for t in TOPICS:
        events_year = per_topic_events.get(t.name, 0) * employees
        size = per_topic_bytes.get(t.name, 0) * employees
        total_events += events_year
        total_bytes += size
        rows.append(
            [
                f"`{t.name}`",
                n(t.partitions),
                n(t.retention_days),
                n(events_year) if events_year else "per agency and unit: negligible",
                n(size / GB, 2),
                n(size * v["replication"] / GB, 2),
            ]
        )
    rows.append(
        [
            "**total**",
            "",
            "",
            f"**{n(total_events)}**",
            f"**{n(total_bytes / GB, 1)}**",
            f"**{n(total_bytes * v['replication'] / GB, 1)}**",
        ]
    )
    count, volume = brokers()
    on_disk = total_bytes * v["replication"]
    needed = max(math.ceil(v["replication"]), math.ceil(on_disk / (volume * DISK_FILL)))
    per_broker = on_disk / count
    fits = per_broker <= volume * DISK_FILL
    verdict = (
        f"{count} brokers carry it"
        if fits
        else f"**{count} brokers do not carry it**: {needed} brokers of {n(volume / GIB)} GiB, or {count} "
        f"with volumes of {n(math.ceil(per_broker / DISK_FILL / GIB))} GiB or more"
    )
    return (
        table(
            ["topic", "partitions", "retention (days)", "events a year", "GB a year", "GB on disk (x `replication`)"],
            rows,
        )
        + f"\n\nThe manifests' brokers (deploy/kafka/cluster.yaml): {count} of {n(volume / GIB)} GiB each, so "
        f"{n(per_broker / GB, 1)} GB on each after a year, filled to at most {DISK_FILL:.0%}: {verdict}."
    )


def postgres(v: dict[str, float], employees: float) -> str:
    rows = []
    total = 0.0
    for service in SERVICES:
        service_bytes = 0.0
        for t in TABLES:
            if t.service == service:
                rows.append(_table_row(service, t.name, t.rows * employees, t.bytes_per_row, t.why, t.stock))
                service_bytes += t.rows * employees * t.bytes_per_row
        received = per_employee(service, "receive")
        if received:
            rows.append(
                _table_row(
                    service, "inbox", received * employees, v["inbox_row_bytes"], "one per event received, never purged"
                )
            )
            service_bytes += received * employees * v["inbox_row_bytes"]
        sent = per_employee(service, "send")
        week = employees * v["outbox_week_share"] * sent
        rows.append(
            _table_row(
                service,
                "outbox",
                week,
                v["outbox_row_bytes"],
                "rows of the busiest week (published rows kept 7 days)",
                True,
            )
        )
        service_bytes += week * v["outbox_row_bytes"]
        rows.append([f"**{service}**", "", "", "", f"**{n(service_bytes / GB, 1)}**", ""])
        total += service_bytes
    rows.append(["**all four databases**", "", "", "", f"**{n(total / GB, 1)}**", "after the first year"])
    return table(["service", "table", "rows", "bytes per row (with indexes)", "GB", "why"], rows)


def _table_row(service: str, name: str, rows: float, size: float, why: str, stock: bool = False) -> list[str]:
    return [service, f"`{name}`", n(rows) + (" held" if stock else " a year"), n(size), n(rows * size / GB, 2), why]


BLOCKS: dict[str, Callable[[dict[str, float]], str]] = {
    "per-core": per_core,
    "events": events,
    "province-deadline": lambda v: deadline(v, v["province_employees"]),
    "province-replicas": lambda v: replicas(v, v["province_employees"]),
    "province-bursts": lambda v: bursts(v, v["province_employees"]),
    "province-broker": lambda v: broker(v, v["province_employees"]),
    "province-postgres": lambda v: postgres(v, v["province_employees"]),
    "country-deadline": lambda v: deadline(v, v["country_employees"]),
    "country-replicas": lambda v: replicas(v, v["country_employees"]),
    "country-bursts": lambda v: bursts(v, v["country_employees"]),
    "country-broker": lambda v: broker(v, v["country_employees"]),
    "country-postgres": lambda v: postgres(v, v["country_employees"]),
}


def render(text: str) -> str:
    """The document with every generated block redone from its input tables."""
    values = inputs(text)
    for name, build in BLOCKS.items():
        begin, end = f"<!-- generated: {name} ({COMMAND}) -->", f"<!-- end: {name} -->"
        if begin not in text or end not in text:
            raise ValueError(f"{FILE.name} has no block {name!r} (between {begin!r} and {end!r})")
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1]
        try:
            block = build(values)
        except KeyError as missing:
            raise ValueError(f"{FILE.name}: its input tables have no {missing} (needed for {name!r})") from None
        text = f"{head}{begin}\n{block}\n{end}{tail}"
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a table is not current")
    args = parser.parse_args(argv)
    text = FILE.read_text(encoding="utf-8")
    wanted = render(text)
    if args.check:
        if wanted != text:
            sys.exit(f"{FILE.relative_to(ROOT)}: its tables do not follow from its figures; run {COMMAND}")
        return
    FILE.write_text(wanted, encoding="utf-8")
    print(f"wrote {FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
