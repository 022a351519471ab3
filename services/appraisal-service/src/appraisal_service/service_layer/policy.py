"""Reading and setting an agency's appraisal policy."""

from kinerja_runtime.refusals import WrongState

from appraisal_service.domain import DEFAULT_POLICY, policy_from_parameters
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork


async def _view(uow: AppraisalUnitOfWork, agency_id: str) -> dict:
    policy, stored = await uow.policies.current(agency_id)
    return {
        "version": policy.version,
        "parameters": policy.parameters(),
        "is_default": stored is None,
        "set_by": stored["set_by"] if stored else None,
        "set_at": stored["set_at"].isoformat() if stored else None,
        "defaults": {"version": DEFAULT_POLICY.version, "parameters": DEFAULT_POLICY.parameters()},
    }


async def read_policy(uow: AppraisalUnitOfWork, agency_id: str) -> dict:
    async with uow:
        return await _view(uow, agency_id)


async def set_policy(uow: AppraisalUnitOfWork, agency_id: str, parameters: dict, set_by: str) -> tuple[dict, bool]:
    """Store the parameters (omitted ones take the default) as a new version; returns
    (policy, changed). Sending the policy already in force creates no new version."""
    wanted = policy_from_parameters("candidate", parameters)  # refuses an invalid policy
    async with uow:
        current, _ = await uow.policies.current(agency_id)
        changed = wanted.parameters() != current.parameters()
        if changed and await uow.policies.add(agency_id, wanted.parameters(), set_by, uow.clock.now()) is None:
            raise WrongState("the policy was changed meanwhile; read it again")
        view = await _view(uow, agency_id)
        await uow.commit()
    return view, changed
