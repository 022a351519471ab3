"""appraisal-service: proposes ratings, the appraiser confirms -> AppraisalCompleted; objections
-> AppraisalRevised; calibration and distribution reports; the SIASN export."""

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kinerja_contracts import AppraisalCompleted, AppraisalRevised
from kinerja_runtime import access_log
from kinerja_runtime.app import create_service_app
from kinerja_runtime.clock import Clock

from appraisal_service.adapters import orm
from appraisal_service.entrypoints import (
    events,
    http_appraisals,
    http_exports,
    http_objections,
    http_policy,
    http_province,
    http_reports,
)
from appraisal_service.service_layer.due import process_due_forever
from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork
from appraisal_service.settings import AppraisalSettings

MIGRATIONS = Path(__file__).parent / "migrations"
"""The service's Alembic history: migrated at start, or by `python -m appraisal_service migrate`."""


def create_app(settings: AppraisalSettings | None = None, clock: Callable[[], datetime] | None = None):
    """``clock``: returns the current (aware) datetime; tests pass one they move by hand."""
    settings = settings or AppraisalSettings()
    # Set by a commit that queued due appraisals: the processor starts on them at once.
    queued = asyncio.Event()

    async def due_appraisals(runtime):
        # SQLite has a single writer: a second batch in flight would only wait for the first.
        workers = 1 if runtime.engine.dialect.name == "sqlite" else settings.appraisal_workers
        await process_due_forever(
            runtime,
            queued,
            batch_size=settings.appraisal_batch_size,
            max_wait=settings.appraisal_max_wait_seconds,
            workers=workers,
        )

    return create_service_app(
        title="Kinerja appraisal-service",
        description="Proposed and confirmed ratings, predikat kinerja, calibration, objections and appraisal events.",
        settings=settings,
        tables=orm.metadata,
        migrations=MIGRATIONS,
        routers=[
            http_appraisals.router,
            http_objections.router,
            http_policy.router,
            http_reports.router,
            http_province.router,
            http_exports.router,
            access_log.router(),
        ],
        produces=[AppraisalCompleted, AppraisalRevised],
        subscribe=events.subscriber(settings.appraisal_settle_seconds, queued),
        background=[due_appraisals],
        unit_of_work=AppraisalUnitOfWork,
        clock=Clock(clock, zone=settings.default_zone()) if clock is not None else None,
    )
