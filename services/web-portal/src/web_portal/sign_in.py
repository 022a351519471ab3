"""Who may sign in and how: the identity provider (OpenID Connect, authorisation code with PKCE)
in production; in the embedded mode, a dev page listing the demo agency's people."""

import json
from dataclasses import dataclass

import jwt
from authlib.integrations.starlette_client import OAuth
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings

from web_portal.clients import Api, ServicePool, ServiceProblem, ServiceUnavailable
from web_portal.settings import PortalSettings

PROVIDER = "kinerja"
ROSTER_PAGE = 500  # target-service's largest page: the dev page lists the first 500 people


def make_oauth(settings: PortalSettings) -> OAuth | None:
    if not settings.oidc_enabled:
        return None
    oauth = OAuth()
    oauth.register(
        PROVIDER,
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
    )
    return oauth


@dataclass(frozen=True)
class Identity:
    nip: str
    agency: str
    roles: tuple[str, ...]
    name: str = ""


def identity_from_tokens(token: dict) -> Identity:
    """Who the IdP's access token names. The portal does not check its signature: it only reads
    whose pages to show; every service verifies the token on every call."""
    claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    userinfo = token.get("userinfo") or {}
    roles = claims.get("roles") if isinstance(claims.get("roles"), list) else []
    return Identity(
        str(claims.get("sub", "")),
        str(claims.get("agency", "")),
        tuple(str(r) for r in roles),
        str(userinfo.get("name") or claims.get("name") or ""),
    )


# -- the embedded mode's dev sign-in ---------------------------------------------------------------
def dev_agency(settings: PortalSettings, asked: str | None = None) -> str:
    """The agency whose people the dev page lists: asked in the page, else the setting, else the
    agency the last ``make demo`` left (DATA_DIR/demo.json)."""
    if asked:
        return asked.strip()
    if settings.dev_agency:
        return settings.dev_agency
    demo = settings.data_dir / "demo.json"
    try:
        return str(json.loads(demo.read_text()).get("agency", ""))
    except (OSError, ValueError):
        return ""


def dev_token(settings: PortalSettings, identity: Identity, hours: float = 8) -> str:
    issuer = TokenIssuer(ServiceSettings(jwt_secret=settings.dev_jwt_secret))
    return issuer.issue(identity.nip, identity.agency, list(identity.roles), hours)


def dev_province_admin(settings: PortalSettings) -> Identity:
    """The province admin of the dev page: no agency's roster holds them (their token names the
    province, not an agency), and their pages read every agency."""
    return Identity(
        settings.dev_province_admin_nip, settings.dev_province_agency, ("province_admin",), "Admin Provinsi (BKD)"
    )


async def dev_people(settings: PortalSettings, services: ServicePool, agency: str) -> list[Identity]:
    """The HR officer, then everyone on the roster: an appraiser of someone is both employee and
    appraiser; an appraiser outside the roster (the head of agency's superior) appraiser only."""
    hr = Identity(settings.dev_hr_nip, agency, ("hr",), "Pengelola kinerja")
    try:
        page = await Api(services, dev_token(settings, hr)).target.get("/employees", params={"limit": ROSTER_PAGE})
    except (ServiceProblem, ServiceUnavailable):  # an unknown agency, or target-service down: HR alone
        return [hr]
    roster = page.get("items", [])
    appraisers = {e["appraiser_nip"] for e in roster if e.get("appraiser_nip")}
    on_roster = {e["nip"] for e in roster}
    people = [hr]
    people += [
        Identity(
            e["nip"], agency, ("employee", "appraiser") if e["nip"] in appraisers else ("employee",), e.get("name", "")
        )
        for e in roster
    ]
    people += [
        Identity(nip, agency, ("appraiser",), "Atasan pejabat penilai") for nip in sorted(appraisers - on_roster)
    ]
    return people
