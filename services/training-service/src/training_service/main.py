"""training-service: development plans from appraisal gaps, the catalogue, the JP ledger
and the talent pool -> DevelopmentPlanCreated, DevelopmentPlanRevised, TrainingCompleted,
TalentPoolNominated, TalentPoolWithdrawn."""

from pathlib import Path

from kinerja_contracts import (
    DevelopmentPlanCreated,
    DevelopmentPlanRevised,
    TalentPoolNominated,
    TalentPoolWithdrawn,
    TrainingCompleted,
)
from kinerja_runtime import access_log
from kinerja_runtime.app import ServiceRuntime, create_service_app
from kinerja_runtime.settings import ServiceSettings

from training_service.adapters import catalogue_repository
from training_service.entrypoints import events, http, http_catalogue, http_training
from training_service.entrypoints.deps import Clock


async def seed_catalogue(runtime: ServiceRuntime) -> None:
    async with runtime.uows() as uow:
        await catalogue_repository.seed(uow.session)
        await uow.commit()


def create_app(settings: ServiceSettings | None = None, clock: Clock | None = None):
    """``clock``: returns the current (aware) datetime; tests pass a fixed one."""
    settings = settings or ServiceSettings(service_name="training-service")
    app = create_service_app(
        title="Kinerja training-service",
        description="Individual development plans, the training catalogue, the JP ledger and the talent pool.",
        settings=settings,
        migrations=Path(__file__).parent / "migrations",
        routers=[http.router, http_training.router, http_catalogue.router, access_log.router()],
        produces=[
            DevelopmentPlanCreated,
            DevelopmentPlanRevised,
            TrainingCompleted,
            TalentPoolNominated,
            TalentPoolWithdrawn,
        ],
        subscribe=events.subscribe,
        on_started=seed_catalogue,
    )
    if clock is not None:
        app.state.runtime.extras["clock"] = clock
    return app
