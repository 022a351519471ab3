"""The signed-in person, flash messages and the CSRF token, all kept in the signed session cookie.

The cookie (Starlette's SessionMiddleware: signed with SESSION_SECRET, HttpOnly, SameSite=Lax,
Secure in production) holds the person's bearer token for the services, so it never reaches
page scripts; the portal keeps no server-side state.
"""

import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request

from web_portal.clients import SignInRequired

ROLES = ("employee", "appraiser", "hr", "province_admin")  # in the order the header offers them
ROLE_LABELS = {
    "employee": "Pegawai",
    "appraiser": "Pejabat penilai",
    "hr": "Pengelola kinerja",
    "province_admin": "Admin provinsi",
}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class CsrfRefused(Exception):
    pass


class RoleRequired(Exception):
    def __init__(self, role: str):
        super().__init__(role)
        self.role = role


@dataclass(frozen=True)
class User:
    nip: str
    agency: str
    roles: tuple[str, ...]
    role: str  # the role whose pages and navigation are shown now
    name: str = ""

    def has(self, role: str) -> bool:
        return role in self.roles


def user_roles(roles) -> tuple[str, ...]:
    """The portal's roles among a token's, in header order."""
    held = {str(r) for r in roles or ()}
    return tuple(r for r in ROLES if r in held)


def sign_in(request: Request, *, nip: str, agency: str, roles, token: str, name: str = "") -> User:
    """A new session (nothing of the previous one survives: no fixation) for this person."""
    chosen = user_roles(roles)
    request.session.clear()
    request.session.update(
        {
            "user": {
                "nip": nip,
                "agency": agency,
                "roles": list(chosen),
                "role": chosen[0] if chosen else "",
                "name": name,
            },
            "token": token,
            CSRF_FIELD: secrets.token_urlsafe(32),
        }
    )
    return current_user(request)


def agency_timezone(request: Request) -> str:
    """The zone the signed-in person's agency counts its days in (the agency registry's, kept
    at sign-in), else the portal's default (``TIMEZONE``)."""
    return request.session.get("timezone") or request.app.state.settings.timezone


def sign_out(request: Request) -> None:
    request.session.clear()


def signed_in_user(request: Request) -> User | None:
    data = request.session.get("user")
    if not data or not request.session.get("token"):
        return None
    return User(data["nip"], data["agency"], tuple(data["roles"]), data["role"], data.get("name", ""))


def current_user(request: Request) -> User:
    """FastAPI dependency: the signed-in person, else back to the sign-in page."""
    user = signed_in_user(request)
    if user is None:
        raise SignInRequired()
    return user


def require_role(role: str):
    """Dependency of a role's pages: the person must hold ``role``; their pages then show its navigation."""

    def check(request: Request) -> User:
        user = current_user(request)
        if not user.has(role):
            raise RoleRequired(role)
        if user.role != role:
            request.session["user"] = {**request.session["user"], "role": role}
            user = current_user(request)
        return user

    return check


def switch_role(request: Request, role: str) -> bool:
    user = current_user(request)
    if not user.has(role):
        return False
    request.session["user"] = {**request.session["user"], "role": role}
    return True


# -- flash messages ------------------------------------------------------------------------------
def flash(request: Request, text: str, kind: str = "success") -> None:
    """A message shown once, on the next page rendered (after a POST-redirect-GET). ``text`` is
    Indonesian; the page translates it. ``kind``: success, info, error."""
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": text}]


def pop_flashes(request: Request) -> list[dict]:
    return request.session.pop("flash", []) if "flash" in request.session else []


# -- CSRF ----------------------------------------------------------------------------------------
def csrf_token(request: Request) -> str:
    """The session's token; every form carries it in a hidden field (forms.csrf_field())."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


async def check_csrf(request: Request) -> None:
    """Dependency on every page router (web_portal.app adds it): a POST must carry the session's
    token in the form field or the X-CSRF-Token header (HTMX), else it is refused (403 page)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = (await request.form()).get(CSRF_FIELD)
    if not csrf_matches(request.session.get(CSRF_FIELD), given):
        raise CsrfRefused()
