"""Stored agency policies: every change is a new numbered version; the highest is in force."""

from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal_service.adapters.orm import agency_policies
from appraisal_service.domain import DEFAULT_POLICY, AppraisalPolicy, policy_from_parameters


async def current_policy(session: AsyncSession, agency_id: str) -> tuple[AppraisalPolicy, dict | None]:
    """The policy in force and the row that set it (None while the agency uses the default)."""
    row = (
        await session.execute(
            select(agency_policies)
            .where(agency_policies.c.agency_id == agency_id)
            .order_by(agency_policies.c.number.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return DEFAULT_POLICY, None
    return policy_from_parameters(row.version, row.parameters), dict(row._mapping)


async def policy_by_version(session: AsyncSession, agency_id: str, version: str) -> AppraisalPolicy | None:
    if version == DEFAULT_POLICY.version:
        return DEFAULT_POLICY
    row = (
        await session.execute(
            select(agency_policies).where(
                agency_policies.c.agency_id == agency_id,
                agency_policies.c.version == version,
            )
        )
    ).first()
    return None if row is None else policy_from_parameters(row.version, row.parameters)


async def save_policy(session: AsyncSession, agency_id: str, parameters: dict, set_by: str) -> AppraisalPolicy:
    """Validate and store ``parameters`` as the agency's next version; raises ValueError."""
    number = (
        await session.scalar(select(func.max(agency_policies.c.number)).where(agency_policies.c.agency_id == agency_id))
        or 0
    ) + 1
    policy = policy_from_parameters(f"agency-v{number}", parameters)
    await session.execute(
        insert(agency_policies).values(
            agency_id=agency_id,
            number=number,
            version=policy.version,
            parameters=policy.parameters(),
            set_by=set_by,
            set_at=datetime.now(UTC),
        )
    )
    return policy


async def policies_in_force(session: AsyncSession, agency_ids) -> dict[str, AppraisalPolicy]:
    """The policy in force per agency, in one statement (policy versions are few)."""
    agency_ids = sorted(set(agency_ids))
    found = dict.fromkeys(agency_ids, DEFAULT_POLICY)
    if agency_ids:
        rows = (
            await session.execute(
                select(agency_policies)
                .where(agency_policies.c.agency_id.in_(agency_ids))
                .order_by(agency_policies.c.agency_id, agency_policies.c.number)
            )
        ).all()
        for row in rows:  # the highest number, last, wins
            found[row.agency_id] = policy_from_parameters(row.version, row.parameters)
    return found
