"""JP ledger entries as the use cases make and show them: a new entry (JP count toward the
year the activity was completed in), what its readers see, and the event announcing it."""

import uuid
from datetime import date, datetime

from kinerja_contracts import TrainingCompleted

from training_service.domain import EntryStatus


def new_entry(
    *,
    agency_id: str,
    nip: str,
    jp: int,
    catalogue_code: str,
    title: str,
    competency: str | None,
    evidence: str,
    completed_on: date,
    recorded_by: str,
    now: datetime,
    plan_id: str | None = None,
    item_id: str | None = None,
    status: EntryStatus = EntryStatus.VERIFIED,
) -> dict:
    # JP count toward the year the activity was completed in (the ledger is per calendar year).
    return {
        "entry_id": str(uuid.uuid4()),
        "agency_id": agency_id,
        "nip": nip,
        "year": completed_on.year,
        "jp": jp,
        "catalogue_code": catalogue_code,
        "title": title,
        "competency": competency,
        "plan_id": plan_id,
        "item_id": item_id,
        "evidence": evidence,
        "completed_on": completed_on,
        "recorded_by": recorded_by,
        "recorded_at": now,
        "status": status.value,
    }


def public(entry: dict) -> dict:
    """An entry as its readers see it: everything but the tenant."""
    return {k: v for k, v in entry.items() if k != "agency_id"}


def announcement(entry: dict) -> TrainingCompleted:
    """The event of a verified entry: its JP are credited."""
    return TrainingCompleted(
        agency_id=entry["agency_id"],
        nip=entry["nip"],
        year=entry["year"],
        catalogue_code=entry["catalogue_code"],
        jp=entry["jp"],
        plan_id=entry["plan_id"],
        item_id=entry["item_id"],
        evidence=entry["evidence"],
        completed_on=entry["completed_on"],
    )
