"""The portal's page modules. Each has a ``router`` (its routes) and may have ``NAV`` (its entries
in a role's navigation). A new page module is added to MODULES, nothing else."""

from pathlib import Path

from web_portal.pages import (
    account,
    appraiser_appraisals,
    appraiser_home,
    appraiser_objections,
    appraiser_rounds,
    appraiser_team,
    documents,
    employee_appraisal,
    employee_development,
    employee_feedback,
    employee_home,
    employee_skp,
    hr_calibration,
    hr_development,
    hr_home,
    hr_periods,
    hr_public_units,
    hr_roster,
    hr_transfers,
    hr_units,
    province,
    public_survey,
    recognition,
)

STATIC = Path(__file__).parent.parent / "static"
MODULES = (
    account,
    employee_home,
    employee_skp,
    employee_feedback,
    employee_appraisal,
    employee_development,
    appraiser_home,
    appraiser_team,
    appraiser_rounds,
    appraiser_appraisals,
    appraiser_objections,
    hr_home,
    hr_units,
    hr_roster,
    hr_periods,
    hr_calibration,
    hr_public_units,
    hr_development,
    hr_transfers,
    recognition,
    province,
    public_survey,
    documents,
)
