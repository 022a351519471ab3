"""``python -m target_service [serve | migrate]`` (kinerja_runtime.serve.run_service)."""

from kinerja_runtime.serve import run_service
from kinerja_runtime.settings import ServiceSettings

from target_service.main import MIGRATIONS, create_app

settings = ServiceSettings(service_name="target-service")
run_service(create_app, settings, MIGRATIONS)
