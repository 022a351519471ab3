"""Base classes and shared field types for every Kinerja event.

An :class:`Event` is the JSON ``data`` of a CloudEvent. Its CloudEvents type is the
``event_type`` class variable, the Kafka topic it travels on is ``topic`` and the record
key is :meth:`Event.key` (the employee's NIP for per-employee streams).
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

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

Identifier = Annotated[str, Field(min_length=1, max_length=128)]
"""A non-empty opaque identifier chosen by the producing service."""

Text = Annotated[str, Field(min_length=1)]
"""Non-empty free text."""

AgencyId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        description="The agency (instansi / OPD, the tenant) the record belongs to.",
    ),
]
PeriodId = Annotated[
    str,
    Field(min_length=1, max_length=128, description="The performance period's id."),
]

_CONFIG = ConfigDict(frozen=True, extra="forbid")


class Value(BaseModel):
    """An immutable value nested inside an event."""

    model_config = _CONFIG


class Event(BaseModel):
    """An immutable, versioned public event.

    Subclasses set ``event_type`` (the CloudEvents ``type``, e.g.
    ``kinerja.target.EmployeeRegistered.v1``), ``topic`` and, when the record key is not
    the ``nip`` field, ``key_field``.
    """

    model_config = _CONFIG

    event_type: ClassVar[str]
    topic: ClassVar[str]
    key_field: ClassVar[str] = "nip"

    def key(self) -> str:
        """The Kafka record key: the aggregate id (NIP or period id)."""
        return str(getattr(self, self.key_field))
