"""A small agency's year through the browser only, each person in their own browser (issue 9).

The year is a list of steps run in order (``test_a_small_agency_year``); each step is one function
taking the ``Year`` (the agency, its people, a way to open a browser as someone) and asserting what
that person sees. The steps that run today are those the portal's pages allow; the year's other
steps (SKP drafting, approval, realisation, close, confirm, objection, plan) are added as functions
of the same shape, in the year's order, when their pages land.

The agency is this test's own (``year_agency``, seeded through the services' APIs as HR's setup
pages would): the year changes it (the period is closed at the end), so it must not be the
shared ``portal_agency`` other tests read.
"""

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


# -- the agency and its people ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Someone:
    nip: str
    name: str


@dataclass
class YearAgency:
    agency_id: str
    period_id: str
    people: dict[str, Someone]
    public_unit_id: str
    public_unit_name: str

    def __getitem__(self, part: str) -> Someone:
        return self.people[part]


@pytest.fixture(scope="module")
def year_agency(portal_stack) -> YearAgency:
    """A three-person-team agency at the start of its year: units, roster and an open period.
    The heads' SKPs are approved top-down (their staff's RHK support theirs); the staff have not
    drafted. ``employee`` is named as a peer giver of ``colleague``'s 360° round."""
    from kinerja_devtools.scenario import Scenario

    services = portal_stack.services
    scenario = Scenario(services.urls, agency=f"dinas-tahun-{uuid.uuid4().hex[:6]}", size=3,
                        say=lambda _message: None, timeout=60.0)
    scenario.http.close()
    scenario.http = services.client
    scenario.register_roster()
    scenario.open_period()
    kadis, *heads_and_staff = scenario.employees
    heads, staff = heads_and_staff[:3], heads_and_staff[3:]
    colleague, employee = staff[0], staff[1]
    for person in (kadis, *heads):
        scenario.set_targets(person)
    scenario.wait_for("feedback-service to know the roster and period", scenario.feedback_knows_roster)
    scenario.call("POST", "feedback-service", "/feedback-rounds", colleague.appraiser_nip, ["appraiser"],
                  json={"nip": colleague.nip, "period_id": scenario.period_id,
                        "checkpoint_id": scenario.feedback_checkpoint(),
                        "givers": [{"nip": employee.nip, "source": "peer"}]})
    public = next(u for u in scenario.units if u["serves_public"])
    appraiser = next(h for h in heads if h.nip == employee.appraiser_nip)
    people = {"employee": Someone(employee.nip, employee.name), "colleague": Someone(colleague.nip, colleague.name),
              "appraiser": Someone(appraiser.nip, appraiser.name), "hr": Someone(scenario.hr_nip, "Pengelola kinerja")}
    return YearAgency(scenario.agency, scenario.period_id, people, public["unit_id"], public["name"])


@dataclass
class Year:
    agency: YearAgency
    open_browser: Callable[[], Page]
    check_page: Callable[[Page, str], None]

    @contextmanager
    def signed_in(self, part: str) -> Iterator[Page]:
        """A fresh browser (no cookies) signed in through the dev page as the agency's ``part``."""
        person = self.agency[part]
        page = self.open_browser()
        page.goto(f"/masuk?agency={self.agency.agency_id}")
        page.locator("form[action='/masuk/dev']").filter(has=page.locator(f"input[value='{person.nip}']")) \
            .get_by_role("button").click()
        page.wait_for_load_state()
        try:
            yield page
        finally:
            page.context.close()

    @contextmanager
    def anonymous(self) -> Iterator[Page]:
        page = self.open_browser()
        try:
            yield page
        finally:
            page.context.close()


@pytest.fixture
def year(browser, portal_stack, year_agency, check_page) -> Year:
    def open_browser() -> Page:
        context = browser.new_context(base_url=portal_stack.url, viewport={"width": 390, "height": 844},
                                      locale="id-ID")
        context.set_default_timeout(15_000)
        return context.new_page()

    return Year(year_agency, open_browser, check_page)


# -- the year's steps, in order ------------------------------------------------------------------------------
def hr_signs_in(year: Year) -> None:
    with year.signed_in("hr") as page:
        expect(page).to_have_url(re.compile(r"/pengelola$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Pengelola kinerja")
        year.check_page(page, "tahun-pengelola-beranda")


def employee_sees_the_year_to_do(year: Year) -> None:
    """At the start of the year the employee's home asks for an SKP and a 360° answer on a colleague."""
    with year.signed_in("employee") as page:
        expect(page).to_have_url(re.compile(r"/pegawai$"))
        todos = page.locator(".todo")
        expect(todos.filter(has_text="Susun SKP tahun")).to_have_count(1)
        expect(todos.filter(has_text=f"rekan kerja {year.agency['colleague'].nip}")).to_have_count(1)
        year.check_page(page, "tahun-pegawai-beranda")


def appraiser_opens_their_pages(year: Year) -> None:
    """The employee's appraiser is also appraised: both roles, switched in the header."""
    with year.signed_in("appraiser") as page:
        page.get_by_label("Peran").select_option("appraiser")
        page.get_by_role("button", name="Ganti").click()
        expect(page).to_have_url(re.compile(r"/penilai$"))
        year.check_page(page, "tahun-penilai-beranda")


def citizen_rates_the_public_unit(year: Year) -> None:
    """A citizen scans the unit's QR code, answers all nine elements, and sees the unit's IKM count it."""
    agency, unit = year.agency.agency_id, year.agency.public_unit_id
    with year.anonymous() as page:
        page.goto(f"/survei/{agency}/{unit}")
        expect(page.locator(".lead")).to_have_text(year.agency.public_unit_name)
        for group in page.locator("fieldset.radios").all():
            group.locator("input[value='4']").check()
        page.get_by_role("button", name="Kirim jawaban").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih")
        page.get_by_role("link", name="Lihat nilai IKM unit ini").click()
        figures = page.locator(".figures")
        expect(figures.locator("div").filter(has_text="Jumlah jawaban").locator("dd")).to_have_text("1")
        expect(figures.locator("div").filter(has=page.locator("dt", has_text=re.compile("^IKM$"))).locator("dd")) \
            .to_have_text("100.00")  # every element "4": the best score
        year.check_page(page, "tahun-ikm")


YEAR = (
    hr_signs_in,
    employee_sees_the_year_to_do,
    appraiser_opens_their_pages,
    citizen_rates_the_public_unit,
)


def test_a_small_agency_year(year):
    for step in YEAR:
        step(year)
