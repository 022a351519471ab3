"""Stored agency policies: every change is a new numbered version; the highest is in force."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters.orm import agency_policies
from appraisal_service.domain import DEFAULT_POLICY, AppraisalPolicy, policy_from_parameters


class PolicyRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def current(self, agency_id: str) -> tuple[AppraisalPolicy, dict | None]:
        """The policy in force and the row that set it (None while the agency uses the default)."""
        row = (
            await self._session.execute(
                select(agency_policies)
                .where(agency_policies.c.agency_id == agency_id)
                .order_by(agency_policies.c.number.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return DEFAULT_POLICY, None
        return policy_from_parameters(row.version, row.parameters), dict(row._mapping)

    async def add(self, agency_id: str, parameters: dict, set_by: str, at: datetime) -> AppraisalPolicy | None:
        """Store ``parameters`` as the agency's next version; None when another version was
        stored meanwhile (the numbered versions are unique)."""
        number = (
            await self._session.scalar(
                select(func.max(agency_policies.c.number)).where(agency_policies.c.agency_id == agency_id)
            )
            or 0
        ) + 1
        policy = policy_from_parameters(f"agency-v{number}", parameters)
        try:
            await self._session.execute(
                insert(agency_policies).values(
                    agency_id=agency_id,
                    number=number,
                    version=policy.version,
                    parameters=policy.parameters(),
                    set_by=set_by,
                    set_at=at,
                )
            )
        except IntegrityError:
            return None
        return policy

    async def in_force(self, agency_ids: Iterable[str]) -> dict[str, AppraisalPolicy]:
        """The policy in force per agency, in one statement (policy versions are few)."""
        ids = sorted(set(agency_ids))
        found = dict.fromkeys(ids, DEFAULT_POLICY)
        if ids:
            rows = (
                await self._session.execute(
                    select(agency_policies)
                    .where(agency_policies.c.agency_id.in_(ids))
                    .order_by(agency_policies.c.agency_id, agency_policies.c.number)
                )
            ).all()
            for row in rows:  # the highest number, last, wins
                found[row.agency_id] = policy_from_parameters(row.version, row.parameters)
        return found
