"""feedback-service: 360° BerAKHLAK feedback rounds and citizen satisfaction surveys."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kinerja_contracts import CitizenSurveyAnswered, FeedbackReceived, RecognitionGiven, UnitSatisfactionChanged
from kinerja_runtime import access_log
from kinerja_runtime.app import create_service_app
from kinerja_runtime.clock import Clock
from kinerja_runtime.settings import ServiceSettings

from feedback_service.adapters import orm
from feedback_service.entrypoints import (
    events,
    http_feedback,
    http_province,
    http_recognition,
    http_rounds,
    http_survey,
)
from feedback_service.entrypoints.rate_limited import install_rate_limits
from feedback_service.service_layer.unit_of_work import FeedbackUnitOfWork
from feedback_service.settings import SurveySettings

MIGRATIONS = Path(__file__).parent / "migrations"
"""The service's Alembic history: migrated at start, or by `python -m feedback_service migrate`."""


def create_app(
    settings: ServiceSettings | None = None,
    survey: SurveySettings | None = None,
    clock: Callable[[], datetime] | None = None,
):
    """``clock``: returns the current (aware) datetime; tests pass one they move by hand."""
    settings = settings or ServiceSettings(service_name="feedback-service")
    survey = survey or SurveySettings()
    app = create_service_app(
        title="Kinerja feedback-service",
        description=(
            "360° behaviour feedback on the seven BerAKHLAK values, citizen satisfaction surveys (SKM) and"
            " recognition of employees."
        ),
        settings=settings,
        tables=orm.metadata,
        migrations=MIGRATIONS,
        routers=[
            http_feedback.router,
            http_rounds.router,
            http_survey.router,
            http_recognition.router,
            http_province.router,
            access_log.router(),
        ],
        produces=[FeedbackReceived, CitizenSurveyAnswered, UnitSatisfactionChanged, RecognitionGiven],
        subscribe=events.subscribe,
        unit_of_work=FeedbackUnitOfWork,
        clock=Clock(clock, zone=settings.default_zone()) if clock is not None else None,
    )
    # Anonymous callers get a body bound of a few KiB instead of the runtime's default.
    app.include_router(http_survey.public_router, max_body_size=survey.max_body_bytes)
    install_rate_limits(app, survey)
    return app
