from kinerja_runtime.serve import serve

from appraisal_service.main import create_app
from appraisal_service.settings import AppraisalSettings

settings = AppraisalSettings()
serve(create_app(settings), settings)
