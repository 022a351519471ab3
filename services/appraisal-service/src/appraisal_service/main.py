"""appraisal-service: proposes ratings, fixes the predikat -> AppraisalCompleted."""

from pathlib import Path

from kinerja_contracts import AppraisalCompleted
from kinerja_runtime.app import create_service_app

from appraisal_service.entrypoints import events, http
from appraisal_service.service_layer.due import process_due_forever
from appraisal_service.settings import AppraisalSettings


def create_app(settings: AppraisalSettings | None = None):
    settings = settings or AppraisalSettings()

    async def due_appraisals(runtime):
        await process_due_forever(runtime, max_wait=settings.appraisal_max_wait_seconds)

    return create_service_app(
        title="Kinerja appraisal-service",
        description="Ratings, predikat kinerja and appraisal events.",
        settings=settings,
        migrations=Path(__file__).parent / "migrations",
        routers=[http.router],
        produces=[AppraisalCompleted],
        subscribe=events.subscriber(settings.appraisal_settle_seconds),
        background=[due_appraisals],
    )
