"""One agency's performance year driven over HTTP against the running services.

Used by ``make demo`` and by the end-to-end tests: every figure it returns is read back
from the services, never computed here.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import httpx
from kinerja_runtime.auth.tokens import TokenIssuer
from kinerja_runtime.settings import ServiceSettings

VALUES = ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif")


@dataclass(frozen=True)
class Profile:
    """How an employee's year goes: share of targets reached and how colleagues see them."""

    name: str
    achievement: float
    behaviour: str


PROFILES = {
    "excellent": Profile("excellent", 1.15, "di_atas_ekspektasi"),
    "solid": Profile("solid", 1.0, "sesuai_ekspektasi"),
    "behind": Profile("behind", 0.7, "sesuai_ekspektasi"),
    "misconduct": Profile("misconduct", 1.0, "di_bawah_ekspektasi"),
    "struggling": Profile("struggling", 0.5, "di_bawah_ekspektasi"),
}
MIX = ["excellent"] * 4 + ["solid"] * 8 + ["behind"] * 4 + ["misconduct"] * 2 + ["struggling"] * 2


def make_nip(i: int) -> str:
    birth = date(1975 + i % 20, 1 + i % 12, 1 + i % 28)
    appointed = f"{2000 + i % 20}{1 + (i * 5) % 12:02d}"
    return f"{birth:%Y%m%d}{appointed}{1 + i % 2}{i % 1000:03d}"


@dataclass
class Employee:
    nip: str
    name: str
    unit: str
    appraiser_nip: str
    profile: Profile
    skp_id: str | None = None
    iki: list[dict] = field(default_factory=list)


class ScenarioError(RuntimeError):
    pass


class Scenario:
    def __init__(self, urls: dict[str, str], agency: str | None = None, size: int = 20,
                 say: Callable[[str], None] = print, timeout: float = 120.0):
        self.urls = urls
        self.agency = agency or f"dinas-demo-{uuid.uuid4().hex[:6]}"
        self.say = say
        self.timeout = timeout
        self.year = date.today().year
        self.issuer = TokenIssuer(ServiceSettings())
        self.hr_nip = make_nip(900)
        self.atasan_nip = make_nip(901)
        head = Employee(make_nip(902), "Kepala Bidang Pelayanan", "Bidang Pelayanan", self.atasan_nip, PROFILES["solid"])
        self.employees = [head] + [
            Employee(make_nip(i + 1), f"Pegawai {i + 1:02d}", "Bidang Pelayanan", head.nip, PROFILES[MIX[i % len(MIX)]])
            for i in range(size)
        ]
        self.http = httpx.Client(timeout=30.0)
        self.period_id: str | None = None

    # -- plumbing -------------------------------------------------------------------------
    def token(self, nip: str, roles: list[str]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.issue(nip, self.agency, roles)}"}

    def call(self, method: str, service: str, path: str, nip: str, roles: list[str], expect=(200, 201), **kwargs):
        response = self.http.request(method, f"{self.urls[service]}{path}", headers=self.token(nip, roles), **kwargs)
        if response.status_code not in expect:
            raise ScenarioError(f"{method} {service}{path} -> {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    def wait_for(self, what: str, check: Callable[[], object]):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            result = check()
            if result:
                return result
            time.sleep(0.3)
        raise ScenarioError(f"timed out waiting for {what}")

    @property
    def hr(self):
        return {"nip": self.hr_nip, "roles": ["hr"]}

    # -- the year ---------------------------------------------------------------------------
    def run(self) -> dict:
        self.register_roster()
        self.open_period()
        for employee in self.employees:
            self.set_targets(employee)
        self.record_realizations()
        self.give_feedback()
        self.wait_until_appraisal_knows_everything()
        self.close_period()
        return self.results()

    def register_roster(self) -> None:
        rows = [{"nip": e.nip, "name": e.name, "position": "Analis Pelayanan", "unit": e.unit,
                 "appraiser_nip": e.appraiser_nip} for e in self.employees]
        report = self.call("POST", "target-service", "/employees", **self.hr, json={"employees": rows})
        self.say(f"roster: {report.get('registered')} employees registered in agency {self.agency}")

    def open_period(self) -> None:
        period = self.call("POST", "target-service", "/periods", **self.hr, json={"year": self.year})
        self.period_id = period["period_id"]
        self.say(f"period {self.year} opened: {self.period_id}")

    def set_targets(self, employee: Employee) -> None:
        body = {"period_id": self.period_id, "rhk": [
            {"kind": "utama", "description": "Terlayaninya permohonan izin masyarakat",
             "indikator": [{"aspect": "kuantitas", "description": "Permohonan izin yang diselesaikan",
                            "target": 120, "unit": "berkas"}]},
            {"kind": "utama", "description": "Tertanganinya pengaduan masyarakat tepat waktu",
             "indikator": [{"aspect": "waktu", "description": "Rata-rata waktu penanganan pengaduan",
                            "target": 14, "unit": "hari", "higher_is_better": False}]},
            {"kind": "tambahan", "description": "Tersusunnya SOP layanan daring",
             "indikator": [{"aspect": "kuantitas", "description": "Dokumen SOP", "target": 2, "unit": "dokumen"}]},
        ]}
        skp = self.call("POST", "target-service", "/skp", employee.nip, ["employee"], json=body)
        employee.skp_id = skp["skp_id"]
        self.call("POST", "target-service", f"/skp/{employee.skp_id}/submit", employee.nip, ["employee"])
        approved = self.call("POST", "target-service", f"/skp/{employee.skp_id}/approve",
                             employee.appraiser_nip, ["appraiser"])
        employee.iki = [iki for rhk in approved["rhk"] for iki in rhk["indikator"]]

    def record_realizations(self) -> None:
        for employee in self.employees:
            for iki in employee.iki:
                reached = employee.profile.achievement
                value = iki["target"] * reached if iki["higher_is_better"] else iki["target"] / reached
                self.call("POST", "target-service", f"/skp/{employee.skp_id}/realizations", employee.nip, ["employee"],
                          json={"iki_id": iki["iki_id"], "value": round(value, 2),
                                "evidence": f"https://arsip.example.go.id/bukti/{iki['iki_id']}"})
        self.say(f"realisations recorded for {len(self.employees)} SKPs")

    def give_feedback(self) -> None:
        first = self.employees[1]
        self.wait_for("feedback-service to know the roster and period", lambda: self.http.get(
            f"{self.urls['feedback-service']}/employees/{self.employees[-1].nip}/feedback",
            params={"period_id": self.period_id}, headers=self.token(self.hr_nip, ["hr"])).status_code == 200)
        for employee in self.employees:
            level = employee.profile.behaviour
            ratings = {value: level for value in VALUES}
            peer = first if employee is not first else self.employees[2]
            for giver, source, roles in ((employee.appraiser_nip, "appraiser", ["appraiser"]),
                                         (peer.nip, "peer", ["employee"]),
                                         (employee.nip, "self", ["employee"])):
                self.call("POST", "feedback-service", "/feedback", giver, roles,
                          json={"nip": employee.nip, "period_id": self.period_id, "source": source, "ratings": ratings})
        self.say(f"360° feedback given: {3 * len(self.employees)} forms")

    def wait_until_appraisal_knows_everything(self) -> None:
        def complete():
            for employee in self.employees:
                inputs = self.http.get(
                    f"{self.urls['appraisal-service']}/periods/{self.period_id}/employees/{employee.nip}/inputs",
                    headers=self.token(self.hr_nip, ["hr"]))
                if inputs.status_code != 200:
                    return False
                known = inputs.json()
                if known["skp_version"] is None or known["realizations"] < len(employee.iki) or known["feedback_forms"] < 3:
                    return False
            return True

        self.wait_for("appraisal-service to receive targets, realisations and feedback", complete)

    def close_period(self) -> None:
        self.call("POST", "target-service", f"/periods/{self.period_id}/close", **self.hr)
        self.say("period closed; waiting for appraisals and development plans ...")

    def results(self) -> dict:
        expected = len(self.employees)
        appraisals = self.wait_for("an appraisal for every employee", lambda: (
            lambda r: r if len(r["appraisals"]) == expected else None
        )(self.call("GET", "appraisal-service", f"/periods/{self.period_id}/appraisals", **self.hr)))
        decisions = self.wait_for("a plan decision for every appraisal", lambda: (
            lambda r: r if len(r["decisions"]) == expected else None
        )(self.call("GET", "training-service", f"/periods/{self.period_id}/plan-decisions", **self.hr)))
        return {"agency": self.agency, "period_id": self.period_id, "employees": self.employees,
                "appraisals": appraisals["appraisals"], "decisions": decisions["decisions"], "plans": decisions["plans"]}
