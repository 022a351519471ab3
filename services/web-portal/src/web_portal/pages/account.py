"""Signing in and out, the role switch and the language switch."""

import logging
from typing import Annotated
from urllib.parse import quote, urlencode

import httpx
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from web_portal.clients import ServiceProblem, ServiceUnavailable, api
from web_portal.i18n import LANGUAGE_COOKIE, LANGUAGES
from web_portal.rendering import render
from web_portal.session import flash, sign_in, sign_out, signed_in_user, switch_role
from web_portal.sign_in import (
    PROVIDER,
    dev_agency,
    dev_people,
    dev_province_admin,
    dev_token,
    identity_from_tokens,
)

router = APIRouter()
log = logging.getLogger("web_portal")
HOME_OF_ROLE = {"employee": "/pegawai", "appraiser": "/penilai", "hr": "/pengelola", "province_admin": "/provinsi"}
# The dev page's groups, widest role first: a person is listed under the widest of their roles.
GROUPS = ("province_admin", "hr", "appraiser", "employee")
Next = Annotated[str, Query(max_length=500)]


def local_path(target: str | None, default: str = "/") -> str:
    """Only a path of this site: a ``next`` pointing elsewhere would make sign-in an open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


def home_of(request: Request) -> str:
    user = signed_in_user(request)
    return HOME_OF_ROLE.get(user.role, "/masuk") if user else "/masuk"


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/")
async def root(request: Request):
    return see_other(home_of(request))


@router.get("/masuk")
async def sign_in_page(request: Request, next: Next = "/", agency: Annotated[str, Query(max_length=64)] = ""):
    settings = request.app.state.settings
    if request.app.state.oauth is not None and not settings.dev_sign_in_enabled and "flash" not in request.session:
        # The identity provider is the only way in: go straight there, unless this page has a
        # message to show first (a failed sign-in, a sign-out), which would otherwise loop or vanish.
        return see_other(f"/masuk/sso?next={quote(local_path(next), safe='')}")
    people, chosen_agency = [], ""
    if settings.dev_sign_in_enabled:
        # The province admin reads every agency and is on no agency's roster: always offered.
        people = [dev_province_admin(settings)]
        chosen_agency = dev_agency(settings, agency)
        if chosen_agency:
            people += await dev_people(settings, request.app.state.services, chosen_agency)
    groups = [(role, [p for p in people if role_group(p.roles) == role]) for role in GROUPS]
    return render(
        request,
        "auth/sign_in.html",
        {
            "next": local_path(next),
            "sso": request.app.state.oauth is not None,
            "agency": chosen_agency,
            "groups": [(role, found) for role, found in groups if found],
        },
    )


def role_group(roles: tuple[str, ...]) -> str:
    """Where the dev page lists a person: under the widest of their roles."""
    return next((r for r in GROUPS if r in roles), "employee")


@router.post("/masuk/dev")
async def dev_sign_in(
    request: Request,
    nip: Annotated[str, Form(max_length=18)],
    agency: Annotated[str, Form(max_length=64)],
    next: Annotated[str, Form(max_length=500)] = "/",
):
    settings = request.app.state.settings
    if not settings.dev_sign_in_enabled:
        return render(request, "errors/not_found.html", status_code=404)
    # The roles come from the roster again, not from the form.
    province = dev_province_admin(settings)
    if nip == province.nip:  # of the province, whatever agency the form names
        person = province
    else:
        person = next_or_none(p for p in await dev_people(settings, request.app.state.services, agency) if p.nip == nip)
    if person is None:
        flash(request, "Orang itu tidak ada dalam daftar.", "error")
        return see_other(f"/masuk?agency={agency}")
    sign_in(
        request,
        nip=person.nip,
        agency=person.agency,
        roles=person.roles,
        token=dev_token(settings, person),
        name=person.name,
    )
    await remember_agency_zone(request, person.agency)
    return see_other(local_path(next, home_of(request)) if next != "/" else home_of(request))


def next_or_none(found):
    return next(iter(found), None)


@router.get("/masuk/sso")
async def sso_start(request: Request, next: Next = "/"):
    oauth = request.app.state.oauth
    if oauth is None:
        return render(request, "errors/not_found.html", status_code=404)
    request.session["after_sign_in"] = local_path(next)
    settings = request.app.state.settings
    callback = (
        f"{settings.public_url.rstrip('/')}/masuk/callback"
        if settings.public_url
        else str(request.url_for("sso_callback"))
    )
    return await getattr(oauth, PROVIDER).authorize_redirect(request, callback)


@router.get("/masuk/callback", name="sso_callback")
async def sso_callback(request: Request):
    from authlib.integrations.base_client.errors import OAuthError

    oauth = request.app.state.oauth
    if oauth is None:
        return render(request, "errors/not_found.html", status_code=404)
    after = request.session.get("after_sign_in", "/")
    try:
        token = await getattr(oauth, PROVIDER).authorize_access_token(request)
        identity = identity_from_tokens(token)
    except (OAuthError, httpx.HTTPError, KeyError, ValueError) as refused:
        # A refused state or code, or the provider failing or unreachable at its token endpoint
        # (Authlib raises httpx's HTTPStatusError for a 5xx there): a message, never a 500 page.
        log.warning("sign-in at the identity provider failed: %s", type(refused).__name__)
        flash(request, "Masuk gagal. Silakan coba lagi.", "error")
        return see_other("/masuk")
    if not identity.nip or not identity.agency:
        flash(request, "Akun Anda belum terdaftar di instansi mana pun.", "error")
        return see_other("/masuk")
    sign_in(
        request,
        nip=identity.nip,
        agency=identity.agency,
        roles=identity.roles,
        token=token["access_token"],
        name=identity.name,
    )
    await remember_agency_zone(request, identity.agency)
    return see_other(local_path(after, home_of(request)) if after != "/" else home_of(request))


async def remember_agency_zone(request: Request, agency: str) -> None:
    """Keep the agency's zone from the registry (target-service's ``GET /agencies/{id}``) in
    the session: the pages count due dates and objection windows in the agency's days, as the
    services do. An agency not registered, or a registry not answering, keeps the default."""
    try:
        found = await api(request).target.get(f"/agencies/{quote(agency, safe='')}")
    except (ServiceProblem, ServiceUnavailable):
        return
    if isinstance(found, dict) and found.get("timezone"):
        request.session["timezone"] = found["timezone"]


@router.post("/keluar")
async def sign_out_now(request: Request):
    """Ends the portal's session and, when the identity provider offers RP-initiated logout, its
    session too (else the next visit would be signed straight back in), which returns to /masuk."""
    sign_out(request)
    flash(request, "Anda telah keluar.", "info")
    oauth = request.app.state.oauth
    if oauth is None:
        return see_other("/masuk")
    end_session = await provider_logout_url(request, getattr(oauth, PROVIDER))
    return see_other(end_session or "/masuk")


async def provider_logout_url(request: Request, client) -> str | None:
    """OpenID Connect RP-initiated logout: the provider's end_session_endpoint naming this client
    (client_id, not id_token_hint: the session cookie does not carry the ID token) and where to return."""
    try:
        endpoint = (await client.load_server_metadata()).get("end_session_endpoint")
    except (httpx.HTTPError, ValueError):  # the provider is unreachable: the portal's session is gone anyway
        return None
    if not endpoint:
        return None
    settings = request.app.state.settings
    back = f"{settings.public_url.rstrip('/')}/masuk" if settings.public_url else str(request.url_for("sign_in_page"))
    return f"{endpoint}{'&' if '?' in endpoint else '?'}" + urlencode(
        {"client_id": settings.oidc_client_id, "post_logout_redirect_uri": back}
    )


@router.post("/peran")
async def choose_role(request: Request, role: Annotated[str, Form(max_length=32)]):
    if signed_in_user(request) is None:
        return see_other("/masuk")
    switch_role(request, role)
    return see_other(home_of(request))


@router.get("/bahasa/{language}")
async def choose_language(request: Request, language: str, next: Next = "/"):
    response = see_other(local_path(next))
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.cookie_secure,
        )
    return response
