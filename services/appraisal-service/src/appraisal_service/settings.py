from kinerja_runtime.settings import ServiceSettings
from pydantic import Field


class AppraisalSettings(ServiceSettings):
    service_name: str = "appraisal-service"
    appraisal_settle_seconds: float = Field(
        2.0,
        description="Wait after a period close, counted from the close, for feedback and citizen answers in flight on other topics",
    )
    appraisal_max_wait_seconds: float = Field(120.0, description="Appraise with what is known after this long")
    appraisal_batch_size: int = Field(1000, ge=1, le=5000, description="Due appraisals proposed per transaction")
    appraisal_workers: int = Field(
        2,
        ge=1,
        le=8,
        description="Batches of due appraisals in flight at once (PostgreSQL; helps when the database, not Python, is the bound)",
    )
