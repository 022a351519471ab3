from kinerja_runtime.serve import serve
from kinerja_runtime.settings import ServiceSettings

from feedback_service.main import create_app

settings = ServiceSettings(service_name="feedback-service")
serve(create_app(settings), settings)
