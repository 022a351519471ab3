"""The authenticated caller and the FastAPI dependencies that produce and check it."""

from dataclasses import dataclass
from enum import StrEnum

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kinerja_runtime.refusals import NotPermitted, Unauthenticated


class Role(StrEnum):
    EMPLOYEE = "employee"
    APPRAISER = "appraiser"
    HR = "hr"
    PROVINCE_ADMIN = "province_admin"


@dataclass(frozen=True)
class Principal:
    nip: str
    agency: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal:
    from kinerja_runtime.auth.tokens import InvalidToken

    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("a bearer token is required")
    try:
        principal = request.app.state.runtime.verifier.verify(credentials.credentials)
    except InvalidToken as exc:
        raise Unauthenticated(f"invalid token: {exc}") from exc
    request.state.principal = principal  # the access log's "who" (kinerja_runtime.access_log)
    return principal


def require_roles(*roles: str):
    """Dependency: the caller must hold one of ``roles``."""

    async def check(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.has(*roles):
            raise NotPermitted(f"requires one of the roles: {', '.join(roles)}")
        return principal

    return check
