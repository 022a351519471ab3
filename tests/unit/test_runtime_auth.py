"""Bearer tokens: the dev issuer's tokens verify, tampered or foreign ones do not, and the
public dev secret is never trusted for a real issuer."""

import jwt
import pytest
from kinerja_runtime.auth.tokens import InvalidToken, TokenIssuer, TokenVerifier
from kinerja_runtime.settings import ServiceSettings


def test_a_dev_token_carries_nip_agency_and_roles():
    settings = ServiceSettings()
    principal = TokenVerifier(settings).verify(TokenIssuer(settings).issue("199001012015011001", "dinkes", ["hr"]))
    assert (principal.nip, principal.agency, principal.roles) == ("199001012015011001", "dinkes", frozenset({"hr"}))


def test_a_token_signed_with_another_secret_is_refused():
    token = TokenIssuer(ServiceSettings(jwt_secret="another-issuer-secret-of-enough-length")).issue(
        "199001012015011001", "dinkes", ["hr"]
    )
    with pytest.raises(InvalidToken):
        TokenVerifier(ServiceSettings()).verify(token)


def test_the_dev_secret_is_not_accepted_for_a_real_issuer():
    with pytest.raises(RuntimeError, match="JWT_PUBLIC_KEY"):
        TokenVerifier(ServiceSettings(jwt_issuer="https://sso.example.go.id/realms/asn"))


def test_a_verified_token_is_answered_again_until_it_expires_then_refused():
    settings = ServiceSettings()
    now = [0.0]
    verifier = TokenVerifier(settings, clock=lambda: now[0])
    token = TokenIssuer(settings).issue("199001012015011001", "dinkes", ["hr"], hours=1)
    first = verifier.verify(token)
    now[0] = jwt.decode(token, options={"verify_signature": False})["exp"] - 1
    assert verifier.verify(token) is first  # kept: not decoded again
    now[0] += 1
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)


def test_a_refused_token_is_never_kept():
    verifier = TokenVerifier(ServiceSettings())
    token = TokenIssuer(ServiceSettings(jwt_secret="another-issuer-secret-of-enough-length")).issue(
        "199001012015011001", "dinkes", ["hr"]
    )
    for _ in range(2):
        with pytest.raises(InvalidToken):
            verifier.verify(token)
