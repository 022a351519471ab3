"""feedback-service: 360° BerAKHLAK feedback -> FeedbackReceived."""

from pathlib import Path

from kinerja_contracts import FeedbackReceived
from kinerja_runtime.app import create_service_app
from kinerja_runtime.settings import ServiceSettings

from feedback_service.entrypoints import events, http


def create_app(settings: ServiceSettings | None = None):
    settings = settings or ServiceSettings(service_name="feedback-service")
    return create_service_app(
        title="Kinerja feedback-service",
        description="360° behaviour feedback on the seven BerAKHLAK values.",
        settings=settings,
        migrations=Path(__file__).parent / "migrations",
        routers=[http.router],
        produces=[FeedbackReceived],
        subscribe=events.subscribe,
    )
