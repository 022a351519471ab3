"""``python -m appraisal_service [serve | migrate]`` (kinerja_runtime.serve.run_service)."""

from kinerja_runtime.serve import run_service

from appraisal_service.main import MIGRATIONS, create_app
from appraisal_service.settings import AppraisalSettings

settings = AppraisalSettings()
run_service(create_app, settings, MIGRATIONS)
