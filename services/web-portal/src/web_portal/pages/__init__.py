"""The portal's page modules. Each has a ``router`` (its routes) and may have ``NAV`` (its entries
in a role's navigation). A new page module is added to MODULES, nothing else."""

from pathlib import Path

from web_portal.pages import (
    account,
    appraiser_home,
    employee_home,
    hr_calibration,
    hr_development,
    hr_home,
    hr_periods,
    hr_public_units,
    hr_roster,
    hr_transfers,
    hr_units,
    public_survey,
)

STATIC = Path(__file__).parent.parent / "static"
MODULES = (account, employee_home, appraiser_home, hr_home, public_survey,
           hr_calibration, hr_development, hr_periods, hr_public_units, hr_roster, hr_transfers, hr_units)
