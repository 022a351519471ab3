from kinerja_runtime.serve import serve
from kinerja_runtime.settings import ServiceSettings

from target_service.main import create_app

settings = ServiceSettings(service_name="target-service")
serve(create_app(settings), settings)
