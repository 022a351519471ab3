"""Reading and setting an agency's appraisal policy."""

from kinerja_runtime.problems import Conflict, Unprocessable
from kinerja_runtime.uow import UnitOfWork
from sqlalchemy.exc import IntegrityError

from appraisal_service.adapters.policies import current_policy, save_policy
from appraisal_service.domain import DEFAULT_POLICY, policy_from_parameters


async def read_policy(uow: UnitOfWork, agency_id: str) -> dict:
    policy, stored = await current_policy(uow.session, agency_id)
    return {
        "version": policy.version,
        "parameters": policy.parameters(),
        "is_default": stored is None,
        "set_by": stored["set_by"] if stored else None,
        "set_at": stored["set_at"].isoformat() if stored else None,
        "defaults": {"version": DEFAULT_POLICY.version, "parameters": DEFAULT_POLICY.parameters()},
    }


async def set_policy(uow: UnitOfWork, agency_id: str, parameters: dict, set_by: str) -> tuple[dict, bool]:
    """Store the parameters (omitted ones take the default) as a new version; returns
    (policy, changed). Sending the policy already in force creates no new version."""
    try:
        wanted = policy_from_parameters("candidate", parameters)
    except (TypeError, ValueError) as exc:
        raise Unprocessable(f"invalid policy: {exc}") from exc
    current, _ = await current_policy(uow.session, agency_id)
    if wanted.parameters() == current.parameters():
        return await read_policy(uow, agency_id), False
    try:
        await save_policy(uow.session, agency_id, wanted.parameters(), set_by)
        await uow.session.flush()
    except IntegrityError as exc:
        raise Conflict("the policy was changed meanwhile; read it again") from exc
    return await read_policy(uow, agency_id), True
