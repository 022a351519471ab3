"""Applying decoded events to the connector's state, inside the batch's transaction.

Roster, unit, period and plan events update what the mapping looks up; appraisal and training
events become pending SIASN records (or a newer version of one). Nothing here talks to SIASN.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC

from kinerja_contracts import (
    AppraisalCompleted,
    AppraisalRevised,
    CloudEventAttributes,
    DevelopmentPlanCreated,
    DevelopmentPlanRevised,
    EmployeeRegistered,
    EmployeeTransferred,
    Event,
    PerformancePeriodOpened,
    TrainingCompleted,
    WorkUnitDefined,
)
from kinerja_contracts.siasn import (
    AppraisalFacts,
    TrainingFacts,
    appraisal_facts,
    map_appraisal,
    map_training,
    training_facts,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from .store import Store

# What the connector reads: reference events first within a batch, then the records.
REFERENCE_EVENTS: tuple[type[Event], ...] = (
    EmployeeRegistered,
    EmployeeTransferred,
    WorkUnitDefined,
    PerformancePeriodOpened,
    DevelopmentPlanCreated,
    DevelopmentPlanRevised,
)
RECORD_EVENTS: tuple[type[Event], ...] = (AppraisalCompleted, AppraisalRevised, TrainingCompleted)
HANDLED = {cls.event_type: cls for cls in REFERENCE_EVENTS + RECORD_EVENTS}
TOPICS = tuple(dict.fromkeys(cls.topic for cls in REFERENCE_EVENTS + RECORD_EVENTS))


@dataclass
class Applier:
    store: Store
    roster_grace_seconds: float
    jenis_diklat: dict[str, int]

    async def apply(self, conn: AsyncConnection, event: Event, attributes: CloudEventAttributes) -> bool:
        """Apply one event; True when it made or changed a SIASN record."""
        match event:
            case EmployeeRegistered():
                await self.store.put_employee(
                    conn,
                    {
                        "nip": event.nip,
                        "agency_id": event.agency_id,
                        "name": event.name,
                        "position": event.position,
                        "unit": event.unit,
                        "unit_id": event.unit_id,
                        "appraiser_nip": event.appraiser_nip,
                        "event_time": _utc(attributes),
                    },
                )
            case EmployeeTransferred():
                known = await self.store.employee(conn, event.nip)
                await self.store.put_employee(
                    conn,
                    {
                        "nip": event.nip,
                        "agency_id": event.agency_id,
                        "name": known.name if known else None,
                        "position": event.position,
                        "unit": event.unit,
                        "unit_id": event.unit_id,
                        "appraiser_nip": event.appraiser_nip,
                        "event_time": _utc(attributes),
                    },
                )
            case WorkUnitDefined():
                await self.store.put_unit(
                    conn,
                    {
                        "agency_id": event.agency_id,
                        "unit_id": event.unit_id,
                        "name": event.name,
                        "event_time": _utc(attributes),
                    },
                )
            case PerformancePeriodOpened():
                await self.store.put_period(
                    conn,
                    {
                        "agency_id": event.agency_id,
                        "period_id": event.period_id,
                        "year": event.year,
                        "starts_on": event.starts_on.isoformat(),
                        "ends_on": event.ends_on.isoformat(),
                        "checkpoints": [c.model_dump(mode="json") for c in event.checkpoints],
                    },
                )
            case DevelopmentPlanCreated() | DevelopmentPlanRevised():
                await self.store.put_plan_items(
                    conn,
                    [
                        {
                            "plan_id": event.plan_id,
                            "item_id": item.item_id,
                            "title": item.title,
                            "form": item.form.value,
                            "method": item.method,
                            "catalogue_code": item.catalogue_code,
                        }
                        for item in event.items
                    ],
                )
            case AppraisalCompleted() | AppraisalRevised():
                return await self._appraisal(conn, event, attributes)
            case TrainingCompleted():
                return await self._training(conn, event, attributes)
        return False

    async def _appraisal(
        self, conn: AsyncConnection, event: AppraisalCompleted | AppraisalRevised, attributes: CloudEventAttributes
    ) -> bool:
        first = appraisal_facts(event)
        stored = await self.store.record_by_key(conn, first.record_key)
        previous = AppraisalFacts.from_json(stored["facts"]) if stored else None
        facts = appraisal_facts(event, previous)
        if previous is not None and (previous.revision, previous.at) >= (facts.revision, facts.at):
            # The same result again (under another event id) or an older one: latest wins.
            return False
        await self._store(conn, facts, stored, attributes, facts.appraisal_id, facts.revision, facts.at)
        return True

    async def _training(
        self, conn: AsyncConnection, event: TrainingCompleted, attributes: CloudEventAttributes
    ) -> bool:
        facts = training_facts(event, attributes.id)
        stored = await self.store.record_by_key(conn, facts.record_key)
        if stored is not None:
            return False
        await self._store(conn, facts, None, attributes, event.catalogue_code, 1, _utc(attributes))
        return True

    async def _store(
        self,
        conn: AsyncConnection,
        facts: AppraisalFacts | TrainingFacts,
        stored: dict | None,
        attributes: CloudEventAttributes,
        source_id: str,
        revision: int,
        at: str,
    ) -> None:
        mapped = self.map(facts, await self.store.context_for(conn, facts))
        values = {
            "source_event_id": attributes.id,
            "source_event_type": attributes.type,
            "source_id": source_id,
            "revision": revision,
            "source_at": at,
            "facts": facts.to_json(),
            "payload": mapped.payload,
            "missing": list(mapped.missing),
            "hold_until": time.time() + self.roster_grace_seconds if mapped.awaiting else None,
        }
        if stored is None:
            await self.store.insert_record(conn, facts.record_key, values)
        else:
            await self.store.replace_record(conn, stored["id"], values)

    def map(self, facts: AppraisalFacts | TrainingFacts, context):
        if isinstance(facts, TrainingFacts):
            return map_training(facts, context, self.jenis_diklat)
        return map_appraisal(facts, context)


def _utc(attributes: CloudEventAttributes) -> str:
    return attributes.time.astimezone(UTC).isoformat(timespec="microseconds")
