"""training-service: development plans from appraisal gaps -> DevelopmentPlanCreated."""

from pathlib import Path

from kinerja_contracts import DevelopmentPlanCreated
from kinerja_runtime.app import ServiceRuntime, create_service_app
from kinerja_runtime.settings import ServiceSettings

from training_service.adapters import catalogue_repository
from training_service.entrypoints import events, http


async def seed_catalogue(runtime: ServiceRuntime) -> None:
    async with runtime.uows() as uow:
        await catalogue_repository.seed(uow.session)
        await uow.commit()


def create_app(settings: ServiceSettings | None = None):
    settings = settings or ServiceSettings(service_name="training-service")
    return create_service_app(
        title="Kinerja training-service",
        description="Individual development plans from a training catalogue.",
        settings=settings,
        migrations=Path(__file__).parent / "migrations",
        routers=[http.router],
        produces=[DevelopmentPlanCreated],
        subscribe=events.subscribe,
        on_started=seed_catalogue,
    )
