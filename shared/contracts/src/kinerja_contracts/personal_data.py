"""Which event fields are personal data (UU 27/2022 on personal data protection), and how long
the topics keep them: the contract README's "Personal data" table is generated from here
(``python -m kinerja_contracts.personal_data`` prints it).

Every event keyed by a NIP is about one identified employee as a whole; the categories below
single out the fields that identify a person, name them, carry text written about them or
assess them. A field is classified by its name when the name means the same in every event
(``nip``, ``reason``), else by ``Model.field`` (``EmployeeRegistered.name`` is a person's
name, ``WorkUnitDefined.name`` a unit's). A test makes every field whose name suggests
personal data (see :data:`MUST_BE_CLASSIFIED`) appear here, as personal or as not.
"""

import re
import typing
from collections.abc import Iterator
from enum import StrEnum

from pydantic import BaseModel

from .base import Event
from .catalogue import ALL_TOPICS, TOPICS, Topic


class Category(StrEnum):
    IDENTIFIES = "identifies a person"
    NAME = "name and employment"
    FREE_TEXT = "free text"
    ASSESSMENT = "assessment of a person"


BY_NAME: dict[str, Category] = {
    **dict.fromkeys(
        (
            "nip",
            "appraiser_nip",
            "approved_by",
            "decided_by",
            "mentor_nip",
            "officer_nip",
            "head_nip",
            "given_by_nip",
        ),
        Category.IDENTIFIES,
    ),
    **dict.fromkeys(("reason", "override_reason", "evidence"), Category.FREE_TEXT),
    **dict.fromkeys(
        (
            "rating_hasil_kerja",
            "rating_perilaku",
            "proposed_rating_hasil_kerja",
            "proposed_rating_perilaku",
            "predikat",
            "average_capaian_utama",
            "citizen_service_score",
            "capaian",
        ),
        Category.ASSESSMENT,
    ),
}
"""Field names that mean the same in every event."""

BY_FIELD: dict[str, Category | None] = {
    "EmployeeRegistered.name": Category.NAME,
    "EmployeeRegistered.position": Category.NAME,
    "EmployeeRegistered.unit": Category.NAME,
    "EmployeeTransferred.position": Category.NAME,
    "EmployeeTransferred.unit": Category.NAME,
    "Rhk.description": Category.FREE_TEXT,
    "Iki.description": Category.FREE_TEXT,
    "IndikatorResult.description": Category.FREE_TEXT,
    "RealizationRecorded.value": Category.ASSESSMENT,
    "IndikatorResult.realization": Category.ASSESSMENT,
    "PerilakuResult.level": Category.ASSESSMENT,
    "FeedbackReceived.ratings": Category.ASSESSMENT,
    "CitizenSurveyAnswered.elements": Category.ASSESSMENT,
    "PlanItem.gap": Category.ASSESSMENT,
    "TalentPoolNominated.years": Category.ASSESSMENT,
    "RecognitionGiven.kind": Category.ASSESSMENT,
    # Not personal data: names of agencies, units and checkpoints.
    "WorkUnitDefined.name": None,
    "AgencyRegistered.name": None,
    "Checkpoint.name": None,
}
"""Fields classified where they are declared (``Model.field``); None: not personal data."""

MUST_BE_CLASSIFIED = re.compile(
    r"(^|_)(nip|by|name|names|reason|reasons|evidence|comment|comments|note|notes|remark|description|rating|ratings"
    r"|predikat|level|score)$"
)
"""Field names that suggest personal data: each such field must be in BY_NAME or BY_FIELD."""


def fields_of(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, str, str]]:
    """(declaring model, field name, path in the event) of every field, nested models included."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        yield model.__name__, name, path
        for nested in _models_in(field.annotation):
            yield from fields_of(nested, f"{path}{'[]' if _is_list(field.annotation) else ''}.")


def category_of(model: str, name: str) -> Category | None:
    qualified = f"{model}.{name}"
    return BY_FIELD[qualified] if qualified in BY_FIELD else BY_NAME.get(name)


def is_classified(model: str, name: str) -> bool:
    return f"{model}.{name}" in BY_FIELD or name in BY_NAME


def personal_fields(event: type[Event]) -> dict[Category, list[str]]:
    found: dict[Category, list[str]] = {c: [] for c in Category}
    for model, name, path in fields_of(event):
        category = category_of(model, name)
        if category is not None:
            found[category].append(path)
    return found


def markdown() -> str:
    """The README's generated part of the "Personal data (UU 27/2022)" section."""
    lines = ["| topic | retention | record key |", "| --- | --- | --- |"]
    lines += [f"| `{t.name}` | {_days(t)} | {t.key_text} |" for t in ALL_TOPICS]
    header = " | ".join(c.value for c in Category)
    lines += ["", f"| event | topic | {header} |", "| --- | --- |" + " --- |" * len(Category)]
    for topic in TOPICS:
        for event in topic.event_types:
            found = personal_fields(event)
            cells = " | ".join(", ".join(f"`{p}`" for p in found[c]) or "-" for c in Category)
            lines.append(f"| `{event.__name__}` | `{topic.name}` | {cells} |")
    return "\n".join(lines)


def _days(topic: Topic) -> str:
    return f"{topic.retention_days} days (`retention.ms` {topic.retention_ms})"


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _is_list(annotation) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple):
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation))


if __name__ == "__main__":
    print(markdown())
