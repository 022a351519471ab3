"""The topic catalogue: the one declaration of Kinerja's Kafka topics.

Services, the dev broker set-up, deploy manifests and the AsyncAPI docs all read this.
Topic auto-creation is not relied on: create every topic in :data:`ALL_TOPICS`.

Partition counts are sized for scaling out: a consumer group can run as many replicas as a
topic has partitions, so the per-employee topics (keyed by NIP, the bulk of the traffic)
get 12 and the low-volume topics fewer. A deployment overrides them with
``KINERJA_TOPIC_PARTITIONS`` (see :func:`topic_partitions`); the partitions of an existing
topic can only grow, and growing them moves keys to other partitions (order per key holds
only for records written after the change), so choose the count before going live.

Each topic also says who may read it (:class:`Audience`): a *public* topic is part of the
subscriber contract, readable by any subscribing government system; an *internal* topic is
read only by the Kinerja services it names, because its records are raw inputs that no outside
reader may see (single anonymous 360° answers, single citizen answers about a named officer).
The deploy manifests turn this into the broker's ACLs (ADR 0010).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from .base import Event
from .events import (
    AgencyRegistered,
    AppraisalCompleted,
    AppraisalRevised,
    CitizenSurveyAnswered,
    DevelopmentPlanCreated,
    DevelopmentPlanRevised,
    EmployeePeriodClosed,
    EmployeeRegistered,
    EmployeeTransferred,
    FeedbackReceived,
    PerformancePeriodClosed,
    PerformancePeriodClosedV1,
    PerformancePeriodOpened,
    RealizationRecorded,
    RecognitionGiven,
    TalentPoolNominated,
    TalentPoolWithdrawn,
    TargetRevised,
    TargetSet,
    TrainingCompleted,
    UnitSatisfactionChanged,
    WorkUnitDefined,
)


class UnknownEventType(KeyError):
    """An event type (CloudEvents ``type``) that this contract does not define."""

    def __init__(self, event_type: object) -> None:
        super().__init__(event_type)
        self.event_type = event_type

    def __str__(self) -> str:
        known = ", ".join(sorted(EVENT_TYPES))
        return f"unknown event type {self.event_type!r}; known types: {known}"


DEFAULT_RETENTION_DAYS = 365
"""A year: a replay into a fresh service reads the year's topics from the beginning."""


OPERATORS = "kinerja-operator"
"""The principal of the platform's operators (dead-letter inspection), not a service."""


@dataclass(frozen=True)
class Audience:
    """Who may read a topic: any subscriber (``readers`` is None, the topic is public) or only
    the named principals (services, or :data:`OPERATORS`)."""

    readers: tuple[str, ...] | None

    @property
    def public(self) -> bool:
        return self.readers is None

    def allows(self, reader: str) -> bool:
        """Whether ``reader`` (a service name, an operator or an outside subscriber) may read."""
        return self.readers is None or reader in self.readers

    def __str__(self) -> str:
        return "public" if self.readers is None else f"internal: {', '.join(self.readers)}"


PUBLIC = Audience(None)
"""Any subscriber: the topic's events are the subscriber contract."""


def internal(*readers: str) -> Audience:
    """Only ``readers`` may read the topic; it is not part of the subscriber contract."""
    if not readers:
        raise ValueError("an internal topic names at least one reader")
    return Audience(tuple(readers))


@dataclass(frozen=True)
class Topic:
    """One Kafka topic: its name, partition count, record key, the events it carries, who may
    read it and how long the broker keeps its records (``retention.ms`` of the deploy manifests)."""

    name: str
    partitions: int
    key: str
    event_types: tuple[type[Event], ...]
    description: str
    audience: Audience = PUBLIC
    retention_days: int = DEFAULT_RETENTION_DAYS
    other_keys: tuple[tuple[type[Event], str], ...] = ()
    """Event types of the topic keyed otherwise than by ``key`` (another aggregate's id), with
    their key: order holds per key, so per unit for one and per agency for the other."""

    @property
    def retention_ms(self) -> int:
        return self.retention_days * 24 * 60 * 60 * 1000

    def key_of(self, event_type: type[Event]) -> str:
        """The record key of ``event_type``'s records on this topic."""
        return dict(self.other_keys).get(event_type, self.key)

    @property
    def key_text(self) -> str:
        """The record key as the README's tables show it."""
        text = f"`{self.key}`" if " " not in self.key else self.key
        others = ", ".join(f"`{key}` for {cls.__name__}" for cls, key in self.other_keys)
        return f"{text} ({others})" if others else text


EMPLOYEES = Topic(
    "kinerja.employees",
    12,
    "nip",
    (EmployeeRegistered, EmployeeTransferred),
    "The agency rosters: one record per registered or updated employee, and transfers.",
)
ORGANISATION = Topic(
    "kinerja.organisation",
    3,
    "unit_id",
    (WorkUnitDefined, AgencyRegistered),
    "The province's agencies (name, kind, time zone) and each agency's tree of work units.",
    other_keys=((AgencyRegistered, "agency_id"),),
)
PERIODS = Topic(
    "kinerja.periods",
    3,
    "period_id",
    (PerformancePeriodOpened, PerformancePeriodClosed, PerformancePeriodClosedV1),
    "Performance periods opening and closing (v1 of the close is no longer produced).",
)
TARGETS = Topic(
    "kinerja.targets",
    12,
    "nip",
    (TargetSet, RealizationRecorded, TargetRevised, EmployeePeriodClosed),
    "Approved SKP versions, revisions, recorded realisation and the period's close, in order per employee.",
)
FEEDBACK = Topic(
    "kinerja.feedback",
    12,
    "nip",
    (FeedbackReceived,),
    "Anonymous 360° BerAKHLAK feedback, keyed by the employee it is about.",
    # One record is one giver's answer: a reader of the topic would see a single peer's ratings
    # of a named colleague. Only appraisal-service reads it; subscribers get the appraisals'
    # evidence, which obeys k >= 3.
    internal("appraisal-service"),
)
CITIZEN_SATISFACTION = Topic(
    "kinerja.citizen-satisfaction",
    6,
    "unit_id",
    (CitizenSurveyAnswered, UnitSatisfactionChanged),
    "Citizen satisfaction survey answers and each unit's IKM as it changes.",
    # Each answer may rate a named officer: one citizen's score of one person.
    internal("appraisal-service"),
)
APPRAISALS = Topic(
    "kinerja.appraisals",
    12,
    "nip",
    (AppraisalCompleted, AppraisalRevised),
    "Completed (and revised) appraisals with ratings and predikat.",
)
DEVELOPMENT = Topic(
    "kinerja.development",
    12,
    "nip",
    (DevelopmentPlanCreated, DevelopmentPlanRevised, TrainingCompleted, TalentPoolNominated, TalentPoolWithdrawn),
    "Development plans made from appraisals, their revisions, completed trainings and talent-pool nominations"
    " (and their withdrawal).",
)
RECOGNITIONS = Topic(
    "kinerja.recognitions",
    12,
    "nip",
    (RecognitionGiven,),
    "Recognitions of employees: by their leader, or for citizens' ratings in the top band of a checkpoint.",
)

TOPICS: tuple[Topic, ...] = (
    EMPLOYEES,
    ORGANISATION,
    PERIODS,
    TARGETS,
    FEEDBACK,
    CITIZEN_SATISFACTION,
    APPRAISALS,
    DEVELOPMENT,
    RECOGNITIONS,
)
"""The topics that carry events."""

DEAD_LETTER = Topic(
    "kinerja.deadletter",
    12,
    "the original record's key",
    (),
    "Messages a consumer gave up on, unchanged, with the original topic, partition, offset and the error in headers.",
    # Copies of any topic's records, internal ones included.
    internal(OPERATORS),
)

ALL_TOPICS: tuple[Topic, ...] = (*TOPICS, DEAD_LETTER)
"""Every topic to create, including the dead-letter topic."""

PUBLIC_TOPICS: tuple[Topic, ...] = tuple(t for t in ALL_TOPICS if t.audience.public)
"""The subscriber contract: the topics any subscribing system may read."""


def readable_by(reader: str) -> tuple[Topic, ...]:
    """The topics ``reader`` may read: the public ones and the internal ones naming it."""
    return tuple(t for t in ALL_TOPICS if t.audience.allows(reader))


EVENT_TYPES: dict[str, type[Event]] = {cls.event_type: cls for topic in TOPICS for cls in topic.event_types}
"""CloudEvents ``type`` string -> event model."""

PARTITIONS_ENV = "KINERJA_TOPIC_PARTITIONS"
"""Per-deployment partition counts: ``kinerja.targets=24,kinerja.employees=24`` names topics,
``*=6`` sets every topic not named; unset, the catalogue's counts apply."""


def topic_partitions(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """Topic name -> partition count: the catalogue's, with the deployment's overrides.

    Raises ``ValueError`` for an unknown topic or a count that is not a positive integer,
    so a typo fails the set-up instead of silently creating the default.
    """
    counts = {t.name: t.partitions for t in ALL_TOPICS}
    text = (os.environ if environ is None else environ).get(PARTITIONS_ENV, "")
    named: dict[str, int] = {}
    default: int | None = None
    for entry in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = entry.partition("=")
        name = name.strip()
        if not sep or not value.strip().isdigit() or int(value) < 1:
            raise ValueError(f"{PARTITIONS_ENV}: {entry!r} is not <topic>=<positive count>")
        if name == "*":
            default = int(value)
        elif name in counts:
            named[name] = int(value)
        else:
            raise ValueError(f"{PARTITIONS_ENV}: unknown topic {name!r}; known: {', '.join(counts)}")
    if default is not None:
        counts = dict.fromkeys(counts, default)
    return counts | named


_TOPIC_BY_TYPE = {cls.event_type: topic for topic in TOPICS for cls in topic.event_types}


def model_for(event_type: str) -> type[Event]:
    """The model for a CloudEvents ``type``; raises :class:`UnknownEventType`."""
    try:
        return EVENT_TYPES[event_type]
    except (KeyError, TypeError):
        raise UnknownEventType(event_type) from None


def topic_of(event: type[Event] | Event | str) -> Topic:
    """The topic an event class, instance or type string is published on."""
    if isinstance(event, str):
        event_type: object = event
    else:
        event_type = getattr(event, "event_type", event)
    try:
        return _TOPIC_BY_TYPE[event_type]  # type: ignore[index]
    except (KeyError, TypeError):
        raise UnknownEventType(event_type) from None
