"""JWT bearer auth: who is calling (NIP), what they may do (roles) and for which agency."""

from kinerja_runtime.auth.principal import Principal, Role, current_principal, require_roles
from kinerja_runtime.auth.tokens import TokenIssuer, TokenVerifier

__all__ = ["Principal", "Role", "TokenIssuer", "TokenVerifier", "current_principal", "require_roles"]
