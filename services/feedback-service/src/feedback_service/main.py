"""feedback-service: 360° BerAKHLAK feedback rounds and citizen satisfaction surveys."""

from pathlib import Path

from kinerja_contracts import CitizenSurveyAnswered, FeedbackReceived, UnitSatisfactionChanged
from kinerja_runtime.app import create_service_app, runtime_of
from kinerja_runtime.settings import ServiceSettings

from feedback_service.entrypoints import events, http, rounds_http, survey_http
from feedback_service.entrypoints.public_guard import GUARD_KEY, PublicGuard
from feedback_service.entrypoints.rate_limited import install_rate_limits
from feedback_service.settings import SurveySettings


def create_app(settings: ServiceSettings | None = None, survey: SurveySettings | None = None):
    settings = settings or ServiceSettings(service_name="feedback-service")
    app = create_service_app(
        title="Kinerja feedback-service",
        description="360° behaviour feedback on the seven BerAKHLAK values and citizen satisfaction surveys (SKM).",
        settings=settings,
        migrations=Path(__file__).parent / "migrations",
        routers=[http.router, rounds_http.router, survey_http.router, survey_http.public_router],
        produces=[FeedbackReceived, CitizenSurveyAnswered, UnitSatisfactionChanged],
        subscribe=events.subscribe,
    )
    survey = survey or SurveySettings()
    runtime_of(app).extras[GUARD_KEY] = PublicGuard.from_settings(survey)
    install_rate_limits(app, survey)
    return app
