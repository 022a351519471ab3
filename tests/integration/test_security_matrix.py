"""The authorisation matrix (issue 8, "Tests that stay"): every route of every service's OpenAPI ×
seven principals × three objects, with the expected answer in one table, against two agencies
seeded through the real services (in-process, PostgreSQL, the session's broker).

Principals (agency A unless said): ``anon`` (no token), ``employee`` (E), ``other_employee`` (D,
another bidang), ``appraiser_of`` (AP, appraises E and C), ``other_appraiser`` (AP2, appraises D),
``hr`` (HR of A), ``other_hr`` (HR of agency B), and ``province`` (a province admin, of no agency's
roster: issue 11's province view reads across agencies). The province admin's cell is an eighth,
given on the rows that ask it (every route under /province/ must); a row of seven cells does not
ask it, and its answers are not searched for the other agency's data (it may read every agency).

Objects, filling every path parameter (and ``period_id`` in the query): ``own`` = E's (E's NIP,
SKP, appraisal, round, objection, plan; A's period, IKU, E's unit), ``colleague`` = C's (E's peer
in the same bidang, appraised by AP too), ``other agency`` = F's (E's counterpart in agency B).

A cell is one letter for all three objects (or for a route without path parameters, which is
asked once, with the caller's own agency's values), or three letters (own, colleague, other agency):

  R  200, the read is allowed
  W  2xx, 409 or 422: the caller may act on the object; the outcome depends on its state
  N  404 with the same title and detail as for a missing object (issue 8 item 6), naming no value
  E  a list scoped by the object: the same answer (200, or 404) as for a missing object, so empty
  D  a refused write: 403 or 404, its detail naming no NIP, name or id
  X  a refused write by someone who may read the object: 403, or 409 (its state, which they can read)
  F  403: the route needs a role the caller does not have
  A  401: no token

Besides each cell's status, every response is checked (a PDF by the text pypdf reads from it): no 5xx; nothing that identifies the other
agency (its NIPs, names, unit names and ids, ids of its records) unless the request itself carried
it; and the rows of ``HIDDEN`` list same-agency people a principal's allowed read must not show.

Rows encode the target rules of issue 8 (items 3-6), not necessarily what main does today: a new
route with no row fails ("route X has no expectations"), a removed one too. To change a rule,
change its row.
"""

import io
import json
import re
import time
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date

import pytest
from kinerja_devtools.scenario import PLAN, VALUES
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.documents import PDF
from kinerja_runtime.settings import ServiceSettings
from kinerja_runtime.spreadsheets import XLSX
from pypdf import PdfReader
from two_agencies import Agency, Person, ServiceStack, World, build_apps, seed_two_agencies

pytestmark = pytest.mark.integration

PRINCIPALS = ("anon", "employee", "other_employee", "appraiser_of", "other_appraiser", "hr", "other_hr", "province")
ASKED_ON_EVERY_ROW = PRINCIPALS[:-1]  # the province admin is asked where its row gives a cell
PROVINCE_ADMIN = ("197001011990031999", "pemprov", "province_admin")  # NIP, agency, role
KINDS = ("own", "colleague", "other agency")

# service    method path                                                          anon emp  o_emp appr o_appr hr   o_hr prov
EXPECTED = """
target       GET    /health/live                                                  R    R    R     R    R      R    R
target       GET    /health/ready                                                 R    R    R     R    R      R    R
target       GET    /metrics                                                      R    R    R     R    R      R    R
target       GET    /asyncapi.json                                                R    R    R     R    R      R    R
target       GET    /operations/outbox/parked                                     A    F    F     F    F      R    R
target       POST   /operations/outbox/parked/{event_id}/requeue                  A    F    F     F    F      N    N
target       PUT    /agencies/{agency_id}                                         A    F    F     F    F      F    F
target       GET    /agencies                                                     A    R    R     R    R      R    R
target       GET    /agencies/{agency_id}                                         A    RRN  RRN   RRN  RRN    RRN  NNR
target       GET    /units                                                        A    R    R     R    R      R    R
target       POST   /units                                                        A    F    F     F    F      W    W
target       POST   /employees                                                    A    F    F     F    F      W    W
target       GET    /employees                                                    A    F    F     R    R      R    R
target       POST   /employees/import                                             A    F    F     F    F      W    W
target       GET    /employees/{nip}                                              A    RNN  NNN   RRN  NNN    RRN  NNR
target       GET    /employees/{nip}/skp                                          A    RNN  NNN   RRN  NNN    RRN  NNR
target       GET    /periods                                                      A    R    R     R    R      R    R
target       POST   /periods                                                      A    F    F     F    F      W    W
target       GET    /periods/{period_id}                                          A    RRN  RRN   RRN  RRN    RRN  NNR
target       POST   /periods/{period_id}/close                                     A    F    F     F    F      WWN  NNW
target       POST   /periods/{period_id}/iku                                      A    F    F     F    F      WWN  NNW
target       GET    /periods/{period_id}/iku                                      A    RRN  RRN   RRN  RRN    RRN  NNR
target       GET    /iku/{iku_id}/cascade                                         A    RRN  RRN   RRN  RRN    RRN  NNR
target       POST   /skp                                                          A    W    W     W    W      N    N
target       GET    /me/skp                                                       A    R    R     R    R      N    N
target       GET    /me/team/skp                                                  A    R    R     R    R      R    R
target       GET    /skp/link-targets                                             A    R    R     R    R      N    N
target       GET    /skp/{skp_id}                                                 A    RNN  NNN   RRN  NNN    RRN  NNR
target       PUT    /skp/{skp_id}                                                 A    WDN  DDN   XXN  DDN    XXN  NNX
target       GET    /skp/{skp_id}/versions                                        A    RNN  NNN   RRN  NNN    RRN  NNR
target       GET    /skp/{skp_id}/versions/{number}                               A    RNN  NNN   RRN  NNN    RRN  NNR
target       POST   /skp/{skp_id}/revisions                                       A    WDN  DDN   XXN  DDN    XXN  NNX
target       POST   /skp/{skp_id}/submit                                          A    WDN  DDN   XXN  DDN    XXN  NNX
target       POST   /skp/{skp_id}/approve                                         A    XDN  DDN   WWN  DDN    XXN  NNX
target       POST   /skp/{skp_id}/return                                          A    XDN  DDN   WWN  DDN    XXN  NNX
target       POST   /skp/{skp_id}/realizations                                    A    WDN  DDN   WWN  DDN    WWN  NNW
target       POST   /skp/{skp_id}/rhk/{rhk_id}/feedback                           A    XDN  DDN   WWN  DDN    XXN  NNX
target       GET    /skp/{skp_id}/feedback                                        A    RNN  NNN   RRN  NNN    RRN  NNR
target       GET    /skp/{skp_id}/document.pdf                                    A    RNN  NNN   RRN  NNN    RRN  NNR
target       GET    /me/access-log                                                A    R    R     R    R      R    R
target       GET    /employees/{nip}/access-log                                   A    F    F     F    F      RRN  NNR
target       GET    /transfer-requests/{request_id}                               A    F    F     F    F      RRR  RRR
target       GET    /transfer-requests                                            A    F    F     F    F      R    R
target       POST   /transfer-requests/{request_id}/withdraw                      A    F    F     F    F      WWX  XXW
target       POST   /transfer-requests/{request_id}/decline                       A    F    F     F    F      XXW  WWX
target       POST   /transfer-requests/{request_id}/accept                        A    F    F     F    F      XXW  WWX
target       POST   /employees/{nip}/transfer                                     A    F    F     F    F      WWN  NNW
target       GET    /province/skp-progress                                        A    F    F     F    F      F    F    R
feedback     GET    /health/live                                                  R    R    R     R    R      R    R
feedback     GET    /health/ready                                                 R    R    R     R    R      R    R
feedback     GET    /metrics                                                      R    R    R     R    R      R    R
feedback     GET    /asyncapi.json                                                R    R    R     R    R      R    R
feedback     GET    /me/access-log                                                A    R    R     R    R      R    R
feedback     GET    /employees/{nip}/access-log                                   A    F    F     F    F      RRN  NNR
feedback     GET    /operations/outbox/parked                                     A    F    F     F    F      R    R
feedback     POST   /operations/outbox/parked/{event_id}/requeue                  A    F    F     F    F      N    N
feedback     GET    /employees/{nip}/feedback                                     A    RNN  NNN   RRN  NNN    RRN  NNR
feedback     GET    /periods/{period_id}/checkpoints                              A    RRN  RRN   RRN  RRN    RRN  NNR
feedback     POST   /feedback-rounds                                              A    DDN  DDN   WWN  DDN    WWN  NNW
feedback     GET    /feedback-rounds/assigned                                     A    R    R     R    R      R    R
feedback     GET    /feedback-rounds/{round_id}                                   A    NNN  NNN   RRN  NNN    RRN  NNR
feedback     PUT    /feedback-rounds/{round_id}/answer                            A    WWN  DDN   WWN  DDN    DDN  NND
feedback     POST   /feedback-rounds/{round_id}/close                             A    DDN  DDN   WWN  DDN    WWN  NNW
feedback     GET    /feedback-rounds/{round_id}/results                           A    RNN  NNN   RRN  NNN    RRN  NNR
feedback     GET    /units/{unit_id}/satisfaction                                 A    F    F     F    F      RRN  NNR
feedback     GET    /recognition/candidates                                       A    F    F     R    R      R    R
feedback     POST   /recognitions                                                 A    DDN  DDN   WWN  DDN    WWN  NNW
feedback     GET    /employees/{nip}/recognitions                                 A    RNN  NNN   RRN  NNN    RRN  NNR
feedback     GET    /me/recognitions                                              A    R    R     R    R      R    R
feedback     GET    /units/{unit_id}/satisfaction/export.xlsx                     A    F    F     F    F      RRN  NNR
feedback     POST   /public/agencies/{agency_id}/units/{unit_id}/survey-answers   W    W    W     W    W      W    W
feedback     GET    /public/agencies/{agency_id}/units/{unit_id}/satisfaction     R    R    R     R    R      R    R
feedback     GET    /province/satisfaction                                        A    F    F     F    F      F    F    R
appraisal    GET    /health/live                                                  R    R    R     R    R      R    R
appraisal    GET    /health/ready                                                 R    R    R     R    R      R    R
appraisal    GET    /metrics                                                      R    R    R     R    R      R    R
appraisal    GET    /asyncapi.json                                                R    R    R     R    R      R    R
appraisal    GET    /me/access-log                                                A    R    R     R    R      R    R
appraisal    GET    /employees/{nip}/access-log                                   A    F    F     F    F      RRN  NNR
appraisal    GET    /operations/outbox/parked                                     A    F    F     F    F      R    R
appraisal    POST   /operations/outbox/parked/{event_id}/requeue                  A    F    F     F    F      N    N
appraisal    POST   /periods/{period_id}/employees/{nip}/appraisal                A    F    F     F    F      WWN  NNW
appraisal    GET    /periods/{period_id}/employees/{nip}/appraisal                A    RNN  NNN   RRN  NNN    RRN  NNR
appraisal    POST   /periods/{period_id}/checkpoints/{checkpoint_id}/appraisals   A    F    F     F    F      WWN  NNW
appraisal    POST   /appraisals/{appraisal_id}/confirm                            A    DDN  DDN   WWN  DDN    DDN  NND
appraisal    GET    /appraisals/{appraisal_id}                                    A    RNN  NNN   RRN  NNN    RRN  NNR
appraisal    GET    /appraisals/{appraisal_id}/document.pdf                       A    RNN  NNN   RRN  NNN    RRN  NNR
appraisal    GET    /me/appraisals                                                A    R    R     R    R      R    R
appraisal    GET    /periods/{period_id}/appraisals                               A    F    F     RRE  RRE    RRE  EER
appraisal    GET    /periods/{period_id}/employees/{nip}/inputs                   A    F    F     RRN  NNN    RRN  NNR
appraisal    POST   /appraisals/{appraisal_id}/objections                         A    WDN  DDN   DDN  DDN    DDN  NND
appraisal    POST   /objections/{objection_id}/decision                           A    DDN  DDN   DDN  DDN    DDN  NND
appraisal    GET    /objections                                                   A    R    R     R    R      R    R
appraisal    GET    /objections/{objection_id}                                    A    RNN  NNN   NNN  NNN    RRN  NNR
appraisal    GET    /policy                                                       A    R    R     R    R      R    R
appraisal    PUT    /policy                                                       A    F    F     F    F      W    W
appraisal    POST   /periods/{period_id}/calibration                              A    F    F     F    F      WWN  NNW
appraisal    PUT    /periods/{period_id}/organisation-predikat                    A    F    F     F    F      WWN  NNW  F
appraisal    GET    /province/predikat-distribution                               A    F    F     F    F      F    F    R
appraisal    GET    /province/objections                                          A    F    F     F    F      F    F    R
appraisal    GET    /periods/{period_id}/distribution                             A    F    F     F    F      RRN  NNR
appraisal    GET    /periods/{period_id}/distribution/export.xlsx                 A    F    F     F    F      RRN  NNR
appraisal    GET    /exports/siasn                                                A    F    F     F    F      R    R    R
training     GET    /health/live                                                  R    R    R     R    R      R    R
training     GET    /health/ready                                                 R    R    R     R    R      R    R
training     GET    /metrics                                                      R    R    R     R    R      R    R
training     GET    /asyncapi.json                                                R    R    R     R    R      R    R
training     GET    /me/access-log                                                A    R    R     R    R      R    R
training     GET    /employees/{nip}/access-log                                   A    F    F     F    F      RRN  NNR
training     GET    /operations/outbox/parked                                     A    F    F     F    F      R    R
training     POST   /operations/outbox/parked/{event_id}/requeue                  A    F    F     F    F      N    N
training     GET    /employees/{nip}/plans                                        A    RNN  NNN   RRN  NNN    RRE  EER
training     GET    /employees/{nip}/jp-ledger                                    A    RNN  NNN   RRN  NNN    RRE  EER
training     POST   /employees/{nip}/jp-ledger                                    A    WDD  DDD   DDD  DDD    WWN  NNW
training     POST   /employees/{nip}/jp-ledger/{entry_id}/verify                  A    XNN  NNN   WWN  NNN    WWN  NNW
training     POST   /employees/{nip}/jp-ledger/{entry_id}/reject                  A    XNN  NNN   WWN  NNN    WWN  NNW
training     GET    /periods/{period_id}/plan-decisions                           A    F    F     F    F      RRE  EER
training     GET    /reports/development                                          A    F    F     F    F      R    R
training     GET    /reports/development/export.xlsx                              A    F    F     F    F      R    R
training     GET    /talent-pool                                                  A    F    F     F    F      R    R
training     POST   /plans/{plan_id}/items/{item_id}/enrol                        A    WDN  DDN   WWN  DDN    WWN  NNW
training     POST   /plans/{plan_id}/items/{item_id}/complete                     A    WDN  DDN   WWN  DDN    WWN  NNW
training     GET    /catalogue                                                    A    R    R     R    R      R    R
training     POST   /catalogue/import                                             A    F    F     F    F      W    W
training     GET    /province/development                                         A    F    F     F    F      F    F    R
training     GET    /province/talent-pool                                         A    F    F     F    F      F    F    R
training     GET    /exports/siasn                                                A    F    F     F    F      R    R    R
"""

# Transfers between agencies (item 5: a request the receiving agency's HR accepts): asked after every
# other row, in the table's order (a request is withdrawn before anyone could accept it), since an
# accepted request, or a transfer that moves at once, takes the employee out of agency A.
RUN_LAST = {
    ("target-service", method, path)
    for method, path in (
        ("GET", "/transfer-requests/{request_id}"),
        ("GET", "/transfer-requests"),
        ("POST", "/transfer-requests/{request_id}/withdraw"),
        ("POST", "/transfer-requests/{request_id}/decline"),
        ("POST", "/transfer-requests/{request_id}/accept"),
        ("POST", "/employees/{nip}/transfer"),
    )
}

# Routes asked about one of the period's checkpoints (their optional ``checkpoint_id`` query
# parameter filled with the agency's); elsewhere the parameter is left out.
ASKED_PER_CHECKPOINT = {("feedback-service", "GET", "/recognition/candidates")}

# Same-agency privacy of allowed reads: the NIPs and names of these people (of agency A) must not
# appear in the principal's answer. Item 3: the IKU cascade shows an employee the approved RHK of
# their own chain only (their appraiser's and those supporting theirs). Item 4: an appraiser reads
# the employees they appraise (and their own record), not the agency's roster.
# service    method path                              principal         must not show
HIDDEN = """
target       GET    /employees                        appraiser_of      other_employee other_appraiser
target       GET    /employees                        other_appraiser   employee colleague appraiser_of
target       GET    /iku/{iku_id}/cascade             employee          colleague other_employee other_appraiser
target       GET    /iku/{iku_id}/cascade             other_employee    employee colleague appraiser_of
target       GET    /iku/{iku_id}/cascade             appraiser_of      other_employee other_appraiser
target       GET    /iku/{iku_id}/cascade             other_appraiser   employee colleague appraiser_of
target       GET    /me/team/skp                      appraiser_of      other_employee
target       GET    /me/team/skp                      other_appraiser   employee colleague
target       GET    /skp/link-targets                 employee          appraiser_of colleague other_employee
feedback     GET    /recognition/candidates           appraiser_of      other_employee other_appraiser
feedback     GET    /recognition/candidates           other_appraiser   employee colleague appraiser_of
appraisal    GET    /periods/{period_id}/appraisals   appraiser_of      other_employee other_appraiser
appraisal    GET    /periods/{period_id}/appraisals   other_appraiser   employee colleague appraiser_of
appraisal    GET    /objections                       employee          colleague
appraisal    GET    /objections                       other_employee    employee colleague
appraisal    GET    /objections                       appraiser_of      employee colleague
"""

# Path parameters that name a person's record; the others (period, checkpoint, IKU, unit, agency,
# version number) are the agency's.
PERSONAL = {
    "nip",
    "skp_id",
    "rhk_id",
    "appraisal_id",
    "objection_id",
    "round_id",
    "plan_id",
    "item_id",
    "request_id",
    "entry_id",
}
GHOST = {
    "nip": "199912312020121999",
    "skp_id": "5e1d0000-0000-4000-8000-000000000001",
    "rhk_id": "5e1d0000-0000-4000-8000-000000000002",
    "appraisal_id": "5e1d0000-0000-4000-8000-000000000003",
    "objection_id": "5e1d0000-0000-4000-8000-000000000004",
    "round_id": "5e1d0000-0000-4000-8000-000000000005",
    "plan_id": "5e1d0000-0000-4000-8000-000000000006",
    "item_id": "5e1d0000-0000-4000-8000-000000000007",
    "period_id": "5e1d0000-0000-4000-8000-000000000008",
    "iku_id": "5e1d0000-0000-4000-8000-000000000009",
    "checkpoint_id": "triwulan-9",
    "unit_id": "unit-yang-tidak-ada",
    "agency_id": "dinas-yang-tidak-ada",
    "event_id": "5e1d0000-0000-4000-8000-00000000000a",
    "number": "1",
    "request_id": "5e1d0000-0000-4000-8000-00000000000b",
    "entry_id": "5e1d0000-0000-4000-8000-00000000000c",
}
SERVICE = {
    "target": "target-service",
    "feedback": "feedback-service",
    "appraisal": "appraisal-service",
    "training": "training-service",
}
TOKENS = TokenIssuer(ServiceSettings())
STATUSES = {
    "R": {200},
    "W": {200, 201, 202, 204, 409, 422},
    "N": {404},
    "E": {200, 404},
    "D": {403, 404},
    "X": {403, 409},
    "F": {403},
    "A": {401},
}


@dataclass(frozen=True)
class Row:
    service: str
    method: str
    path: str
    cells: dict[str, str | None]  # principal -> 1 or 3 letters (None: not asked)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.service, self.method, self.path

    @property
    def per_object(self) -> bool:
        """A route with path parameters (or a three-letter cell: the object is in the body) is asked
        about each of the three objects."""
        return "{" in self.path or any(c is not None and len(c) == 3 for c in self.cells.values())


def parse_expected(text: str) -> dict[tuple[str, str, str], Row]:
    rows = {}
    for line in text.strip().splitlines():
        service, method, path, *cells = line.split()
        assert len(cells) in (len(ASKED_ON_EVERY_ROW), len(PRINCIPALS)), f"{line!r}: one cell per principal"
        assert all(len(c) in (1, 3) and set(c) <= set(STATUSES) for c in cells), f"{line!r}: cells"
        assert len(cells) == len(PRINCIPALS) or not path.startswith("/province/"), (
            f"{line!r}: the province admin's cell"
        )
        given = dict(zip(PRINCIPALS, cells, strict=False))
        row = Row(SERVICE[service], method, path, {p: given.get(p) for p in PRINCIPALS})
        assert row.key not in rows, f"{line!r}: two rows"
        rows[row.key] = row
    return rows


def parse_hidden(text: str) -> dict[tuple[str, str, str, str], list[str]]:
    rules = {}
    for line in text.strip().splitlines():
        service, method, path, principal, *parts = line.split()
        rules[(SERVICE[service], method, path, principal)] = parts
    return rules


def routes_of(stack: ServiceStack) -> dict[tuple[str, str, str], dict]:
    found = {}
    for service in stack.apps:
        for path, operations in stack.openapi(service)["paths"].items():
            for method, operation in operations.items():
                found[(service, method.upper(), path)] = operation
    return found


# --------------------------------------------------------------------------------------------
# What each request carries
# --------------------------------------------------------------------------------------------


@dataclass
class Target:
    """The object of one request: a person's records in an agency (``person`` is None for routes
    about the caller themself)."""

    agency: Agency
    person: Person | None
    elsewhere: Agency  # the other agency (where a transfer between agencies goes)

    def value(self, name: str) -> str:
        p, a = self.person, self.agency
        values = {
            "nip": p and p.nip,
            "skp_id": p and p.skp_id,
            "rhk_id": p and (p.rhk_ids or [None])[0],
            "appraisal_id": p and p.appraisal_id,
            "objection_id": p and p.objection_id,
            "round_id": p and p.round_id,
            "plan_id": p and p.plan_id,
            "item_id": p and p.item_id,
            "unit_id": p and p.unit_id,
            "period_id": a.period_id,
            "iku_id": a.iku_id,
            "checkpoint_id": a.checkpoint_id,
            "agency_id": a.agency_id,
            "number": "1",
            "event_id": GHOST["event_id"],
        }
        assert values.get(name), f"no seeded value for {name}"
        return values[name]


def root_unit(agency: Agency) -> str:
    return next(u["unit_id"] for u in agency.units if u["parent_unit_id"] is None)


def new_nip(agency: Agency) -> str:
    return "19900101202001" + ("1" if agency.suffix.startswith("A") else "2") + "777"


def bodies(t: Target) -> dict[tuple[str, str, str], dict]:
    """httpx keyword arguments (json / content) of each route that takes a body, for object ``t``:
    bodies valid for the route, so that an allowed caller gets past validation."""
    a, p = t.agency, t.person
    today = date.today().isoformat()
    rhk = [dict(r) for r in PLAN]
    csv_headers = {"Content-Type": "text/csv"}
    return {
        ("target-service", "PUT", "/agencies/{agency_id}"): {
            "json": {"name": f"Dinas {a.suffix}", "kind": "dinas", "timezone": "Asia/Jayapura"}
        },
        ("target-service", "POST", "/units"): {
            "json": {"unit_id": f"{a.suffix.lower()}-matriks", "name": "Unit Matriks", "parent_unit_id": root_unit(a)}
        },
        ("target-service", "POST", "/employees"): {
            "json": {
                "employees": [
                    {"nip": new_nip(a), "name": "Pegawai Matriks", "position": "Analis", "unit_id": root_unit(a)}
                ]
            }
        },
        ("target-service", "POST", "/employees/import"): {
            "headers": csv_headers,
            "content": (f"nip,name,position,unit,unit_id\n{new_nip(a)},Pegawai Matriks,Analis,Dinas,{root_unit(a)}\n"),
        },
        # To the same bidang of the other agency: item 5, a request the receiving HR accepts.
        ("target-service", "POST", "/employees/{nip}/transfer"): {
            "json": {
                "unit_id": p and p.unit_id.replace(a.suffix.lower(), t.elsewhere.suffix.lower()),
                "to_agency_id": t.elsewhere.agency_id,
                "effective_on": today,
            }
        },
        ("target-service", "POST", "/periods"): {"json": {"year": date.today().year}},
        ("target-service", "POST", "/periods/{period_id}/iku"): {
            "json": {"code": "IKU-M", "description": "Indeks matriks", "target": 1, "unit": "indeks"}
        },
        ("target-service", "POST", "/skp"): {"json": {"period_id": a.period_id, "rhk": rhk}},
        ("target-service", "PUT", "/skp/{skp_id}"): {"json": {"rhk": rhk}},
        ("target-service", "POST", "/skp/{skp_id}/revisions"): {"json": {"rhk": rhk, "reason": "Perubahan matriks"}},
        ("target-service", "POST", "/skp/{skp_id}/return"): {"json": {"notes": "Mohon diperbaiki."}},
        ("target-service", "POST", "/skp/{skp_id}/realizations"): {
            "json": {"iki_id": p and (p.iki_ids or [None])[0], "checkpoint_id": a.checkpoint_id, "value": 1.0}
        },
        ("target-service", "POST", "/skp/{skp_id}/rhk/{rhk_id}/feedback"): {"json": {"note": "Pertahankan."}},
        ("feedback-service", "POST", "/feedback-rounds"): {
            "json": {
                "nip": p and p.nip,
                "period_id": a.period_id,
                "checkpoint_id": a.checkpoint_id,
                "givers": [{"nip": a["other_employee"].nip, "source": "peer"}],
            }
        },
        ("feedback-service", "POST", "/recognitions"): {
            "json": {
                "nip": p and p.nip,
                "period_id": a.period_id,
                "checkpoint_id": a.checkpoint_id,
                "kind": "leader",
                "reason": "Teladan pelayanan matriks.",
            }
        },
        ("feedback-service", "PUT", "/feedback-rounds/{round_id}/answer"): {
            "json": {"ratings": {v: "sesuai_ekspektasi" for v in VALUES}}
        },
        ("feedback-service", "POST", "/public/agencies/{agency_id}/units/{unit_id}/survey-answers"): {
            "json": {"submission_id": str(uuid.uuid4()), "elements": {e: 4 for e in SKM_ELEMENTS}}
        },
        ("appraisal-service", "POST", "/appraisals/{appraisal_id}/confirm"): {"json": {}},
        ("appraisal-service", "POST", "/appraisals/{appraisal_id}/objections"): {
            "json": {"reasons": "Keberatan matriks."}
        },
        ("appraisal-service", "POST", "/objections/{objection_id}/decision"): {
            "json": {"outcome": "upheld", "reason": "Hasil sudah sesuai bukti."}
        },
        ("appraisal-service", "PUT", "/policy"): {"json": {}},
        ("appraisal-service", "POST", "/periods/{period_id}/calibration"): {"json": {"organisation_predikat": "baik"}},
        ("appraisal-service", "PUT", "/periods/{period_id}/organisation-predikat"): {
            "json": {"organisation_predikat": "baik"}
        },
        ("training-service", "POST", "/employees/{nip}/jp-ledger"): {
            "json": {"title": "Seminar Matriks", "jp": 2, "evidence": "PIAGAM-M", "completed_on": today}
        },
        ("training-service", "POST", "/plans/{plan_id}/items/{item_id}/complete"): {
            "json": {"evidence": "SERT-M", "completed_on": today}
        },
        ("target-service", "POST", "/transfer-requests/{request_id}/decline"): {"json": {"reason": "Formasi penuh."}},
        ("target-service", "POST", "/transfer-requests/{request_id}/accept"): {"json": {}},
        ("training-service", "POST", "/employees/{nip}/jp-ledger/{entry_id}/reject"): {
            "json": {"reason": "Piagam tidak dapat diperiksa."}
        },
        ("training-service", "POST", "/catalogue/import"): {
            "headers": csv_headers,
            "content": (
                "code,title,competency,form,method,jp,provider,modality\n"
                "MTX-1,Pelatihan Matriks,Berorientasi Pelayanan,klasikal,pelatihan,4,BPSDM,tatap muka\n"
            ),
        },
    }


SKM_ELEMENTS = (
    "persyaratan",
    "sistem_mekanisme_prosedur",
    "waktu_penyelesaian",
    "biaya_tarif",
    "produk_spesifikasi_jenis_pelayanan",
    "kompetensi_pelaksana",
    "perilaku_pelaksana",
    "penanganan_pengaduan_saran_masukan",
    "sarana_prasarana",
)


@dataclass
class Sent:
    """One request as sent, and its answer."""

    carried: set[str]  # every value the request itself carried (path, query, body)
    status: int
    text: str

    @property
    def problem(self) -> dict:
        try:
            body = json.loads(self.text)
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}


class Caller:
    """Sends a row's request for a principal and an object."""

    def __init__(self, world: World, routes: dict):
        self.world, self.routes = world, routes
        a, b = world.a, world.b
        self.principals = {
            "anon": None,
            "employee": (a, a["employee"]),
            "other_employee": (a, a["other_employee"]),
            "appraiser_of": (a, a["appraiser"]),
            "other_appraiser": (a, a["other_appraiser"]),
            "hr": (a, a["hr"]),
            "other_hr": (b, b["hr"]),
            # Of no agency: its requests about "its own agency" are asked about A's objects.
            "province": (a, Person(PROVINCE_ADMIN[0], "Admin Provinsi", (PROVINCE_ADMIN[2],))),
        }
        self._tokens: dict[str, str] = {}
        self._made: dict[tuple[str, str], str] = {}

    def own_values(self, principal: str) -> set[str]:
        """The caller's own NIP and agency: an answer may name them."""
        if principal == "province":
            return {PROVINCE_ADMIN[0], PROVINCE_ADMIN[1]}
        found = self.principals[principal]
        return {found[1].nip, found[0].agency_id} if found else set()

    def home(self, principal: str) -> Agency:
        found = self.principals[principal]
        return found[0] if found else self.world.a

    def headers(self, principal: str) -> dict[str, str]:
        found = self.principals[principal]
        if found is None:
            return {}
        if principal not in self._tokens:
            agency, person = found
            agency_id = PROVINCE_ADMIN[1] if principal == "province" else agency.agency_id
            self._tokens[principal] = TOKENS.issue(person.nip, agency_id, list(person.roles))
        return {"Authorization": f"Bearer {self._tokens[principal]}"}

    def target(self, kind: str | None, principal: str) -> Target:
        w = self.world
        if kind is None:  # a route about the caller, or the caller's agency
            home = self.home(principal)
            return Target(home, None, w.b if home is w.a else w.a)
        return {
            "own": Target(w.a, w.a["employee"], w.b),
            "colleague": Target(w.a, w.a["colleague"], w.b),
            "other agency": Target(w.b, w.b["employee"], w.a),
        }[kind]

    def value(self, t: Target, name: str) -> str:
        """A path parameter's value; a transfer request or a claimed JP entry is made the first time
        a row needs it (only where the route exists)."""
        if name not in ("request_id", "entry_id"):
            return t.value(name)
        key = (name, t.person.nip)
        if key not in self._made:
            self._made[key] = (self.transfer_request if name == "request_id" else self.claim)(t)
        return self._made[key]

    def transfer_request(self, t: Target) -> str:
        """The person's agency's HR asks the other agency to take them into the same bidang."""
        body = {
            "unit_id": t.person.unit_id.replace(t.agency.suffix.lower(), t.elsewhere.suffix.lower()),
            "to_agency_id": t.elsewhere.agency_id,
            "effective_on": date.today().isoformat(),
        }
        return self._made_by(t.agency["hr"], t.agency, "target-service", f"/employees/{t.person.nip}/transfer", body)[
            "request_id"
        ]

    def claim(self, t: Target) -> str:
        """The person records training done outside any plan: a claim until it is verified."""
        body = {"title": "Webinar Klaim", "jp": 3, "evidence": "PIAGAM-K", "completed_on": date.today().isoformat()}
        return self._made_by(t.person, t.agency, "training-service", f"/employees/{t.person.nip}/jp-ledger", body)[
            "entry_id"
        ]

    def _made_by(self, person: Person, agency: Agency, service: str, path: str, body: dict) -> dict:
        token = TOKENS.issue(person.nip, agency.agency_id, list(person.roles))
        made = self.world.stack.client.post(
            f"{self.world.stack.urls[service]}{path}", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert made.status_code in (200, 201, 202), f"seeding {path}: {made.status_code} {made.text[:300]}"
        return made.json()

    def send(self, row: Row, principal: str, t: Target, ghost: set[str] = frozenset()) -> Sent:
        operation = self.routes[row.key]
        names = re.findall(r"{(\w+)}", row.path)
        values = {n: GHOST[n] if n in ghost else self.value(t, n) for n in names}
        path = row.path.format(**values)
        params = {}
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] == "period_id":
                params["period_id"] = GHOST["period_id"] if "period_id" in ghost else t.agency.period_id
            elif (
                parameter["in"] == "query" and parameter["name"] == "checkpoint_id" and row.key in ASKED_PER_CHECKPOINT
            ):
                params["checkpoint_id"] = t.agency.checkpoint_id
            elif parameter["in"] == "query" and parameter["name"] == "year":
                params["year"] = str(date.today().year)  # the seeded periods' (the scenario's) year
            elif parameter["in"] == "query" and parameter.get("required"):
                raise AssertionError(f"{row.key}: no value for the required query parameter {parameter['name']}")
        extra = {}
        if "requestBody" in operation:
            extra = bodies(t).get(row.key)
            assert extra is not None, f"{row.key} takes a body: add one to bodies()"
        headers = {**self.headers(principal), **extra.get("headers", {})}
        url = f"{self.world.stack.urls[row.service]}{path}"
        response = self.world.stack.client.request(
            row.method,
            url,
            params=params,
            headers=headers,
            **{k: v for k, v in extra.items() if k != "headers"},
        )
        carried = set(values.values()) | set(params.values()) | set(_strings(extra.get("json")))
        if "content" in extra:
            carried |= set(re.split(r"[,\n]", extra["content"]))
        return Sent(carried, response.status_code, readable_text(response))


def readable_text(response) -> str:
    """What an answer says, for the leak checks: its text; a PDF's is what pypdf extracts (its
    compressed streams hide the words from a search of the bytes), a workbook's the XML inside
    its zip."""
    kind = response.headers.get("content-type", "")
    if kind.startswith(PDF):
        pages = PdfReader(io.BytesIO(response.content)).pages
        return "\n".join(page.extract_text() for page in pages)
    if kind.startswith(XLSX) and response.status_code == 200:
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return "\n".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    return response.text


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# --------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(broker, postgres_url_factory):
    with ServiceStack(build_apps(broker, postgres_url_factory, "matrix")) as stack:
        yield seed_two_agencies(stack)


def test_every_route_has_a_row(world):
    """The table covers the services' routes exactly: a new route needs its expectations."""
    table, routes = parse_expected(EXPECTED), routes_of(world.stack)
    missing = [f"route {s} {m} {p} has no expectations" for s, m, p in routes if (s, m, p) not in table]
    gone = [f"row {s} {m} {p} names no route of the OpenAPI" for s, m, p in table if (s, m, p) not in routes]
    assert not missing + gone, "\n".join(missing + gone)


def test_authorisation_matrix(world):
    table, routes = parse_expected(EXPECTED), routes_of(world.stack)
    hidden = parse_hidden(HIDDEN)
    caller = Caller(world, routes)
    everyone = world.a.identifying() | world.b.identifying()
    failures: list[str] = []
    started, sent = time.monotonic(), 0

    for row in sorted(table.values(), key=lambda r: r.key in RUN_LAST):
        if row.key not in routes:
            continue  # reported by test_every_route_has_a_row
        for principal in PRINCIPALS:
            cell = row.cells[principal]
            if cell is None:
                continue  # the province admin, on a row that does not ask it
            kinds = KINDS if row.per_object else (None,)
            for n, kind in enumerate(kinds):
                expected = cell[n] if len(cell) == 3 else cell
                t = caller.target(kind, principal)
                got = caller.send(row, principal, t)
                sent += 1
                where = f"{row.service} {row.method} {row.path} · {principal} × {kind or 'no object'}"
                failures += check_cell(where, expected, got, everyone - caller.own_values(principal))
                if principal != "province":  # the province view reads every agency
                    failures += check_no_leak(where, row, principal, t, got, caller, world)
                if expected == "R" and got.status == 200:
                    failures += check_hidden(where, hidden.get((*row.key, principal), []), got, world.a)
                if expected in "NE" and got.status in STATUSES[expected] and kind is not None:
                    ghost = caller.send(row, principal, t, ghost=ghost_names(row, caller, principal, t))
                    sent += 1
                    failures += check_like_missing(where, got, ghost)

    print(
        f"\nauthorisation matrix: {sent} requests in {time.monotonic() - started:.1f} s "
        f"(seeding took {world.seconds:.1f} s)"
    )
    assert not failures, f"{len(failures)} cells differ from the table:\n" + "\n".join(failures)


def ghost_names(row: Row, caller: Caller, principal: str, t: Target) -> set[str]:
    """What to replace by a missing value to ask the same thing of a missing object: the person's
    records within the caller's agency, everything when the object is another agency's."""
    names = set(re.findall(r"{(\w+)}", row.path)) | {"period_id"}
    if t.agency is not caller.home(principal):
        return names
    personal = names & PERSONAL
    return personal or names


def check_cell(where: str, expected: str, got: Sent, everyone: set[str]) -> list[str]:
    if got.status >= 500:
        return [f"{where}: expected {expected}, got {got.status} (server error) {got.text[:200]}"]
    if got.status not in STATUSES[expected]:
        return [f"{where}: expected {expected}, got {got.status} {got.text[:200]}"]
    if expected in "NDX" or (expected == "E" and got.status == 404):
        detail = str(got.problem.get("detail", ""))
        named = sorted(s for s in everyone | got.carried if s and len(s) >= 6 and s in detail)
        if named:
            return [f"{where}: a refusal names {named}: {detail[:200]}"]
    return []


def check_like_missing(where: str, got: Sent, ghost: Sent) -> list[str]:
    """Issue 8 item 6: a refused read answers exactly like a missing object. The values each
    request carried are set aside (a refusal naming them is reported by ``check_cell``)."""
    mine, missing = _answer(got), _answer(ghost)
    if mine != missing:
        return [f"{where}: refused as {mine}, a missing object as {missing}"]
    return []


def _answer(sent: Sent) -> tuple:
    text = sent.text
    for value in sorted(sent.carried, key=len, reverse=True):
        if len(value) >= 6:
            text = text.replace(value, "<value>")
    try:
        body = json.loads(text)
    except ValueError:
        return sent.status, text
    if isinstance(body, dict) and "status" in body and "title" in body:  # problem+json: what it says
        return sent.status, body.get("title"), body.get("detail")
    return sent.status, body


def check_no_leak(
    where: str, row: Row, principal: str, t: Target, got: Sent, caller: Caller, world: World
) -> list[str]:
    """No answer holds the other agency's data (unless the request itself named it). The public
    routes belong to the agency in their path; anyone may read them."""
    if principal == "anon" or row.path.startswith("/public/"):
        own = t.agency
    else:
        own = caller.home(principal)
    other = world.b if own is world.a else world.a
    shown = got.carried | (in_transit(world) if row.path.startswith("/transfer-requests") else set())
    leaked = sorted(s for s in other.identifying() - shown if s in got.text)
    return [f"{where}: the answer holds agency {other.suffix}'s {leaked[:5]}"] if leaked else []


def in_transit(world: World) -> set[str]:
    """What a transfer request shows both its agencies: the employee asked for (NIP, name), the two
    agencies and the unit proposed."""
    people = [world.a["employee"], world.a["colleague"], world.b["employee"]]
    return (
        {v for p in people for v in (p.nip, p.name)}
        | {world.a.agency_id, world.b.agency_id}
        | {u["unit_id"] for u in world.a.units + world.b.units}
    )


def check_hidden(where: str, parts: list[str], got: Sent, agency: Agency) -> list[str]:
    shown = []
    for part in parts:
        person = agency["appraiser" if part == "appraiser_of" else part]
        shown += [
            f"{part}'s {what}" for what, value in (("NIP", person.nip), ("name", person.name)) if value in got.text
        ]
    return [f"{where}: shows {', '.join(shown)}"] if shown else []
