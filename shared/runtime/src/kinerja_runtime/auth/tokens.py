"""Issuing (dev only) and verifying bearer JWTs with PyJWT."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt

from kinerja_runtime.auth.principal import Principal
from kinerja_runtime.settings import ServiceSettings


class InvalidToken(Exception):
    pass


class TokenVerifier:
    """Verifies bearer tokens. A caller sends the same token with every request until it expires,
    and verifying one (decoding, the signature, the claims) costs a write request about as much CPU
    as one more SQL statement (more with RS256); so a verified token's principal is kept, by the
    whole token (its signature covers every claim), until the token's own ``exp``, and answered
    again without verifying. An expired token is refused whether it was kept or not."""

    KEPT = 10_000  # tokens remembered; past this the oldest is forgotten (and verified again if seen)

    def __init__(self, settings: ServiceSettings, clock: Callable[[], float] = time.time):
        settings.require_signing_key()  # a real deployment never starts on the dev secret
        if settings.jwt_public_key:
            self._key, self._algorithms = settings.jwt_public_key, ["RS256", "ES256"]
        else:
            self._key, self._algorithms = settings.jwt_secret, ["HS256"]
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._clock = clock
        self._verified: dict[str, tuple[Principal, int]] = {}  # token -> (principal, exp)

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            principal, expires = known
            if self._clock() < expires:
                return principal
            del self._verified[token]
            raise InvalidToken("Signature has expired")  # as PyJWT says it
        principal, expires = self._decode(token)
        if len(self._verified) >= self.KEPT:
            del self._verified[next(iter(self._verified))]
        self._verified[token] = (principal, expires)
        return principal

    def _decode(self, token: str) -> tuple[Principal, int]:
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
        principal = Principal(nip=str(claims["sub"]), agency=agency, roles=frozenset(str(r) for r in roles))
        return principal, int(claims["exp"])  # as PyJWT reads it (it refused any exp int() refuses)


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
