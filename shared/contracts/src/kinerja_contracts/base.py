"""Base classes and shared field types for every Kinerja event.

An :class:`Event` is the JSON ``data`` of a CloudEvent. Its CloudEvents type is the
``event_type`` class variable, the Kafka topic it travels on is ``topic`` and the record
key is :meth:`Event.key` (the employee's NIP for per-employee streams).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from .limits import (
    DESCRIPTION_MAX,
    EVIDENCE_MAX,
    IDENTIFIER_MAX,
    KIB,
    NAME_MAX,
    REASON_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
)

NIP_PATTERN = r"^\d{18}$"

Nip = Annotated[
    str,
    Field(
        pattern=NIP_PATTERN,
        description="Nomor Induk Pegawai: the civil servant's 18-digit number.",
        examples=["198503122010011002"],
    ),
]
"""An 18-digit NIP."""

Identifier = Annotated[str, Field(min_length=1, max_length=IDENTIFIER_MAX)]
"""A non-empty opaque identifier chosen by the producing service."""

Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX)]
"""A name or label: a person, a position, a work unit, a title."""

Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]
"""The title of a development activity."""

ShortText = Annotated[str, Field(min_length=1, max_length=SHORT_TEXT_MAX)]
"""A short label: a unit of measure, a method, a version."""

Description = Annotated[str, Field(min_length=1, max_length=DESCRIPTION_MAX)]
"""The text of a planned result or an indicator."""

Reason = Annotated[str, Field(min_length=1, max_length=REASON_MAX)]
"""Written reasons."""

Evidence = Annotated[str, Field(min_length=1, max_length=EVIDENCE_MAX)]
"""Evidence: a link or a document id."""

AgencyId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=IDENTIFIER_MAX,
        description="The agency (instansi / OPD, the tenant) the record belongs to.",
    ),
]
PeriodId = Annotated[
    str,
    Field(min_length=1, max_length=IDENTIFIER_MAX, description="The performance period's id."),
]

_CONFIG = ConfigDict(frozen=True, extra="forbid")
"""Producers are strict: building an event with a field its model does not know is a bug in
our own code (a misspelt optional field would otherwise vanish). Readers are tolerant:
:func:`kinerja_contracts.decode` validates with ``extra="ignore"``, so a field added by a
newer producer is ignored, and the published schemas allow additional properties."""


class _Model(BaseModel):
    model_config = _CONFIG


class Value(_Model):
    """An immutable value nested inside an event."""


class Event(_Model):
    """An immutable, versioned public event.

    Subclasses set ``event_type`` (the CloudEvents ``type``, e.g.
    ``kinerja.target.EmployeeRegistered.v1``), ``topic``, ``max_encoded_bytes`` (the
    documented maximum size of the record value) and, when the record key is not the
    ``nip`` field, ``key_field``.
    """

    event_type: ClassVar[str]
    topic: ClassVar[str]
    key_field: ClassVar[str] = "nip"
    max_encoded_bytes: ClassVar[int] = 16 * KIB
    """The largest record value (UTF-8 JSON) this type may have; producers refuse a larger one."""
    superseded_by: ClassVar[str | None] = None
    """For a legacy type that is still decoded but no longer produced: the type replacing it."""

    def key(self) -> str:
        """The Kafka record key: the aggregate id (NIP or period id)."""
        return str(getattr(self, self.key_field))
