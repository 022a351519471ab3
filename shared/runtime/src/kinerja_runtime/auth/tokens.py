"""Issuing (dev only) and verifying bearer JWTs with PyJWT."""

from datetime import UTC, datetime, timedelta

import jwt

from kinerja_runtime.auth.principal import Principal
from kinerja_runtime.settings import ServiceSettings


class InvalidToken(Exception):
    pass


class TokenVerifier:
    def __init__(self, settings: ServiceSettings):
        settings.require_signing_key()  # a real deployment never starts on the dev secret
        if settings.jwt_public_key:
            self._key, self._algorithms = settings.jwt_public_key, ["RS256", "ES256"]
        else:
            self._key, self._algorithms = settings.jwt_secret, ["HS256"]
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=self._algorithms,
                issuer=self._issuer,
                audience=self._audience,
                options={"require": ["sub", "exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        agency = claims.get("agency")
        if not isinstance(agency, str) or not agency:
            raise InvalidToken("token has no agency claim")
        roles = claims.get("roles", [])
        if not isinstance(roles, list):
            raise InvalidToken("roles claim must be a list")
        return Principal(nip=str(claims["sub"]), agency=agency, roles=frozenset(str(r) for r in roles))


class TokenIssuer:
    """The dev issuer: signs HS256 tokens with the configured secret (local use and tests)."""

    def __init__(self, settings: ServiceSettings):
        self._secret = settings.jwt_secret
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience

    def issue(self, nip: str, agency: str, roles: list[str], hours: float = 12) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": nip,
            "agency": agency,
            "roles": roles,
            "iss": self._issuer,
            "aud": self._audience,
            "iat": now,
            "exp": now + timedelta(hours=hours),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")
