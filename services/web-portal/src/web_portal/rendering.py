"""Pages: ``render(request, "employee/home.html", {...})`` fills in what every page shows
(the person, their navigation, the language, the CSRF token, flash messages)."""

from datetime import date
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from web_portal import dates
from web_portal.i18n import language_of, translator
from web_portal.navigation import menu
from web_portal.session import ROLE_LABELS, agency_timezone, csrf_token, pop_flashes, signed_in_user

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))  # autoescapes every value


def render(request: Request, template: str, context: dict | None = None, status_code: int = 200) -> HTMLResponse:
    settings = request.app.state.settings
    language = language_of(request)
    # The last-resort error page is rendered outside the session middleware: no session there.
    has_session = "session" in request.scope
    user = signed_in_user(request) if has_session else None
    _ = translator(language)
    zone = agency_timezone(request) if has_session else settings.timezone
    page = {
        "request": request,
        "_": _,
        "lang": language,
        "user": user,
        "role_labels": ROLE_LABELS,
        "nav": menu(request.app.state.nav, user.role) if user else [],
        "csrf_token": csrf_token(request) if has_session else "",
        "flashes": pop_flashes(request) if has_session else [],
        "date": lambda value: dates.format_date(value, language),
        # A text with values, dates among them shown in the reader's language: say(todo.text, todo.values).
        "say": lambda text, values: _(
            text, **{k: dates.format_date(v, language) if isinstance(v, date) else v for k, v in values.items()}
        ),
        "datetime": lambda value: dates.format_datetime(value, language, zone),
        "dev_sign_in": settings.dev_sign_in_enabled,
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, page, status_code=status_code)
