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
    unit_id: str | None = None
    position: str = "Analis Pelayanan"
    rhk_ids: list[str] = field(default_factory=list)  # the approved RHK, which subordinates' RHK support


class ScenarioError(RuntimeError):
    pass


# The agency IKU, and the plan every SKP follows: its RHK utama cascade index by index
# (IKU n -> the Kepala Dinas's RHK n -> each Kepala Bidang's RHK n -> each staff member's RHK n).
AGENCY_IKU = [
    {"code": "IKU-1", "description": "Persentase permohonan izin diselesaikan", "target": 100, "unit": "%"},
    {"code": "IKU-2", "description": "Waktu respon pengaduan", "target": 14, "unit": "hari", "higher_is_better": False},
]
PLAN = [
    {
        "kind": "utama",
        "description": "Terlayaninya permohonan izin masyarakat",
        "indikator": [
            {"aspect": "kuantitas", "description": "Permohonan izin yang diselesaikan", "target": 120, "unit": "berkas"}
        ],
    },
    {
        "kind": "utama",
        "description": "Tertanganinya pengaduan masyarakat tepat waktu",
        "indikator": [
            {
                "aspect": "waktu",
                "description": "Rata-rata waktu penanganan pengaduan",
                "target": 14,
                "unit": "hari",
                "higher_is_better": False,
            }
        ],
    },
    {
        "kind": "tambahan",
        "description": "Tersusunnya SOP layanan daring",
        "indikator": [{"aspect": "kuantitas", "description": "Dokumen SOP", "target": 2, "unit": "dokumen"}],
    },
]


def organisation(size: int, atasan_nip: str) -> tuple[list[dict], list["Employee"]]:
    """A Dinas headed by a Kepala Dinas (appraised by an atasan outside the roster), three
    bidang each headed by a Kepala Bidang, and ``size`` staff spread over the bidang.
    Listed top-down, the order in which SKPs must be approved."""
    solid = PROFILES["solid"]
    kadis = Employee(
        make_nip(903), "Kepala Dinas", "Dinas", atasan_nip, solid, unit_id="dinas", position="Kepala Dinas"
    )
    bidang = [
        ("bidang-pelayanan", "Bidang Pelayanan", True, 902),
        ("bidang-pengaduan", "Bidang Pengaduan", True, 904),
        ("sekretariat", "Sekretariat", False, 905),
    ]
    heads = [
        Employee(make_nip(n), f"Kepala {name}", name, kadis.nip, solid, unit_id=unit_id, position=f"Kepala {name}")
        for unit_id, name, _public, n in bidang
    ]
    units = [
        {"unit_id": "dinas", "name": "Dinas", "parent_unit_id": None, "head_nip": kadis.nip, "serves_public": False}
    ]
    units += [
        {"unit_id": unit_id, "name": name, "parent_unit_id": "dinas", "head_nip": head.nip, "serves_public": public}
        for (unit_id, name, public, _n), head in zip(bidang, heads, strict=True)
    ]
    staff = [
        Employee(
            make_nip(i + 1),
            f"Pegawai {i + 1:02d}",
            heads[i % 3].unit,
            heads[i % 3].nip,
            PROFILES[MIX[i % len(MIX)]],
            unit_id=heads[i % 3].unit_id,
        )
        for i in range(size)
    ]
    return units, [kadis, *heads, *staff]


class Scenario:
    def __init__(
        self,
        urls: dict[str, str],
        agency: str | None = None,
        size: int = 20,
        say: Callable[[str], None] = print,
        timeout: float = 120.0,
    ):
        self.urls = urls
        self.agency = agency or f"dinas-demo-{uuid.uuid4().hex[:6]}"
        self.say = say
        self.timeout = timeout
        self.year = date.today().year
        self.issuer = TokenIssuer(ServiceSettings())
        self.hr_nip = make_nip(900)
        self.atasan_nip = make_nip(901)
        self.units, self.employees = organisation(size, self.atasan_nip)
        self.http = httpx.Client(timeout=30.0)
        self.period_id: str | None = None
        self.satisfaction: dict[str, dict] = {}
        self.checkpoints: list[dict] = []
        self.iku: list[dict] = []

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
        self.satisfaction = self.citizen_surveys()
        self.wait_until_appraisal_knows_everything()
        self.close_period()
        self.confirm_appraisals()
        return self.results()

    def register_roster(self) -> None:
        """HR defines the work units (root first), then imports the roster naming each one's unit_id."""
        for unit in self.units:
            self.call("POST", "target-service", "/units", **self.hr, json=unit)
        rows = [
            {
                "nip": e.nip,
                "name": e.name,
                "position": e.position,
                "unit_id": e.unit_id,
                "appraiser_nip": e.appraiser_nip,
            }
            for e in self.employees
        ]
        report = self.call("POST", "target-service", "/employees", **self.hr, json={"employees": rows})
        if report.get("errors"):
            raise ScenarioError(f"roster rows refused: {report['errors'][:3]}")
        self.say(
            f"roster: {len(self.units)} units, {report.get('registered')} employees registered in agency {self.agency}"
        )

    def open_period(self) -> None:
        """The year in quarters (the default checkpoints) and the agency IKU that the SKPs cascade from."""
        period = self.call("POST", "target-service", "/periods", **self.hr, json={"year": self.year})
        self.period_id, self.checkpoints = period["period_id"], period["checkpoints"]
        self.iku = [
            self.call("POST", "target-service", f"/periods/{self.period_id}/iku", **self.hr, json=iku)
            for iku in AGENCY_IKU
        ]
        self.say(
            f"period {self.year} opened: {self.period_id} with {len(self.checkpoints)} checkpoints "
            f"and {len(self.iku)} IKU"
        )

    def set_targets(self, employee: Employee) -> None:
        """Draft, submit and approve a cascaded SKP: the head of agency's RHK utama serve the IKU,
        everyone else's support the same RHK of their appraiser, who must be approved first (top-down)."""
        supervisor = next((e for e in self.employees if e.nip == employee.appraiser_nip), None)
        if supervisor is not None and not supervisor.rhk_ids:
            raise ScenarioError(f"set targets top-down: {supervisor.name} has no approved SKP yet")
        rhk = [dict(row) for row in PLAN]
        for n, row in enumerate(rhk[: len(self.iku)]):  # the RHK utama
            if supervisor is None:
                row["iku_id"] = self.iku[n]["iku_id"]
            else:
                row["supports_rhk_id"] = supervisor.rhk_ids[n]
        skp = self.call(
            "POST", "target-service", "/skp", employee.nip, ["employee"], json={"period_id": self.period_id, "rhk": rhk}
        )
        employee.skp_id = skp["skp_id"]
        self.call("POST", "target-service", f"/skp/{employee.skp_id}/submit", employee.nip, ["employee"])
        approved = self.call(
            "POST", "target-service", f"/skp/{employee.skp_id}/approve", employee.appraiser_nip, ["appraiser"]
        )
        employee.rhk_ids = [r["rhk_id"] for r in approved["rhk"]]
        employee.iki = [iki for rhk in approved["rhk"] for iki in rhk["indikator"]]

    def yearly_checkpoint(self) -> str | None:
        """The yearly value is recorded at the last checkpoint (Triwulan IV)."""
        last = [c for c in self.checkpoints if c["name"] == "Triwulan IV"] or self.checkpoints[-1:]
        return last[0]["checkpoint_id"] if last else None

    def record_realizations(self) -> None:
        checkpoint = self.yearly_checkpoint()
        for employee in self.employees:
            for iki in employee.iki:
                reached = employee.profile.achievement
                value = iki["target"] * reached if iki["higher_is_better"] else iki["target"] / reached
                self.call(
                    "POST",
                    "target-service",
                    f"/skp/{employee.skp_id}/realizations",
                    employee.nip,
                    ["employee"],
                    json={
                        "iki_id": iki["iki_id"],
                        "checkpoint_id": checkpoint,
                        "value": round(value, 2),
                        "evidence": f"https://arsip.example.go.id/bukti/{iki['iki_id']}",
                    },
                )
        self.say(f"realisations recorded for {len(self.employees)} SKPs at {checkpoint}")

    def give_feedback(self) -> None:
        """For every employee the appraiser opens a feedback round on the period's last checkpoint
        (Triwulan IV), naming themself, the employee (self) and three colleagues; everyone
        answers with the employee's profile level, and the appraiser closes the round."""
        self.wait_for("feedback-service to know the roster and period", self.feedback_knows_roster)
        checkpoint = self.feedback_checkpoint()
        forms = 0
        for employee in self.employees:
            givers = [(employee.appraiser_nip, "appraiser", ["appraiser"]), (employee.nip, "self", ["employee"])]
            givers += [(nip, source, ["employee"]) for nip, source in self.colleagues_of(employee)]
            opened = self.call(
                "POST",
                "feedback-service",
                "/feedback-rounds",
                employee.appraiser_nip,
                ["appraiser"],
                json={
                    "nip": employee.nip,
                    "period_id": self.period_id,
                    "checkpoint_id": checkpoint,
                    "givers": [{"nip": nip, "source": source} for nip, source, _ in givers],
                },
            )
            answer = {"ratings": {value: employee.profile.behaviour for value in VALUES}}
            for nip, _source, roles in givers:
                self.call(
                    "PUT", "feedback-service", f"/feedback-rounds/{opened['round_id']}/answer", nip, roles, json=answer
                )
                forms += 1
            self.call(
                "POST",
                "feedback-service",
                f"/feedback-rounds/{opened['round_id']}/close",
                employee.appraiser_nip,
                ["appraiser"],
            )
        self.say(
            f"360° feedback given: {forms} forms in {len(self.employees)} rounds ({checkpoint or 'no checkpoint'})"
        )

    def feedback_knows_roster(self) -> bool:
        hr = self.token(self.hr_nip, ["hr"])
        period = self.http.get(f"{self.urls['feedback-service']}/periods/{self.period_id}/checkpoints", headers=hr)
        last = self.http.get(
            f"{self.urls['feedback-service']}/employees/{self.employees[-1].nip}/feedback",
            params={"period_id": self.period_id},
            headers=hr,
        )
        return period.status_code == 200 and last.status_code == 200

    def feedback_checkpoint(self) -> str | None:
        """The checkpoint the rounds evaluate: Triwulan IV, else the period's last one, else none."""
        found = self.call("GET", "feedback-service", f"/periods/{self.period_id}/checkpoints", **self.hr)["checkpoints"]
        named = [c for c in found if c["name"].strip().lower() == "triwulan iv"]
        chosen = named or sorted(found, key=lambda c: c["ends_on"])[-1:]
        return chosen[0]["checkpoint_id"] if chosen else None

    def colleagues_of(self, employee: Employee) -> list[tuple[str, str]]:
        """Three givers besides the appraiser: a unit head hears from subordinates, everyone else
        from peers who share their appraiser (never the appraiser, who gives 'appraiser')."""
        subordinates = [e for e in self.employees if e.appraiser_nip == employee.nip]
        if subordinates:
            return [(e.nip, "subordinate") for e in subordinates[:3]]
        peers = [
            e
            for e in self.employees
            if e is not employee and e.nip != employee.appraiser_nip and e.appraiser_nip == employee.appraiser_nip
        ]
        peers = peers or [e for e in self.employees if e is not employee and e.nip != employee.appraiser_nip]
        start = self.employees.index(employee)
        return [(e.nip, "peer") for e in (peers[start % len(peers) :] + peers[: start % len(peers)])[:3]]

    def citizen_surveys(self, answers_per_unit: int = 30) -> dict[str, dict]:
        """Citizens answer the satisfaction survey (SKM) of each public-service unit; returns each
        unit's IKM and mutu as feedback-service computed them (read back, not computed here)."""
        units = [u for u in getattr(self, "units", None) or [] if _unit_field(u, "serves_public")]
        if not units:
            self.say("citizen surveys skipped: the scenario defines no public-service unit")
            return {}
        results = {}
        for k, unit in enumerate(units):
            unit_id = _unit_field(unit, "unit_id")
            base = f"{self.urls['feedback-service']}/public/agencies/{self.agency}/units/{unit_id}"
            self.wait_for(
                f"feedback-service to know unit {unit_id}",
                lambda base=base: self.http.get(f"{base}/satisfaction").status_code == 200,
            )
            officers = [e.nip for e in self.employees if getattr(e, "unit_id", None) == unit_id]
            for i in range(answers_per_unit):
                body = {
                    "submission_id": str(uuid.uuid4()),
                    "elements": {
                        element: SKM_TIERS[k % len(SKM_TIERS)][(i * 5 + j * 3 + k) % 10]
                        for j, element in enumerate(SKM_ELEMENTS)
                    },
                }
                if officers and i % 3 == 0:
                    body["officer_nip"] = officers[i % len(officers)]
                # Each answer is another citizen, named as an ingress would name them (an
                # address of the documentation range, one /64 each); the dev stack trusts loopback
                # as that ingress, so each citizen has their own rate limits.
                self.post_survey_answer(f"{base}/survey-answers", body, citizen=f"2001:db8:{k:x}:{i:x}::1")
            summary = self.http.get(f"{base}/satisfaction").json()
            results[unit_id] = {key: summary[key] for key in ("name", "ikm", "mutu", "mutu_label", "answers")}
            self.say(
                f"citizen survey {summary['name']}: IKM {summary['ikm']} mutu {summary['mutu']} "
                f"({summary['mutu_label']}) from {summary['answers']} answers"
            )
        return results

    def post_survey_answer(self, url: str, body: dict, citizen: str | None = None) -> None:
        """The public endpoint limits answers per client; a polite client waits it out. Where
        the officer was already rated from this client today (a stack that does not trust our
        X-Forwarded-For sees one client), the citizen rates the unit alone."""
        headers = {"X-Forwarded-For": citizen} if citizen else {}
        for _ in range(5):
            response = self.http.post(url, json=body, headers=headers)
            if response.status_code != 429:
                break
            wait = float(response.headers.get("Retry-After", "1"))
            if wait > 61.0 and "officer_nip" in body:
                body = {key: value for key, value in body.items() if key != "officer_nip"}
                continue
            time.sleep(min(wait, 61.0))
        if response.status_code != 201:
            raise ScenarioError(f"POST {url} -> {response.status_code}: {response.text[:500]}")

    def wait_until_appraisal_knows_everything(self) -> None:
        def complete():
            for employee in self.employees:
                inputs = self.http.get(
                    f"{self.urls['appraisal-service']}/periods/{self.period_id}/employees/{employee.nip}/inputs",
                    headers=self.token(self.hr_nip, ["hr"]),
                )
                if inputs.status_code != 200:
                    return False
                known = inputs.json()
                if (
                    known["skp_version"] is None
                    or known["realizations"] < len(employee.iki)
                    or known["feedback_forms"] < 3
                ):
                    return False
            return True

        self.wait_for("appraisal-service to receive targets, realisations and feedback", complete)

    def close_period(self) -> None:
        self.call("POST", "target-service", f"/periods/{self.period_id}/close", **self.hr)
        self.say("period closed; waiting for appraisals and development plans ...")

    def period_appraisals(self) -> list[dict]:
        return self.call("GET", "appraisal-service", f"/periods/{self.period_id}/appraisals", **self.hr)["appraisals"]

    def confirm_appraisals(self) -> None:
        """Each appraiser confirms the proposals of their own staff, as the regulation has it."""
        expected = len(self.employees)
        proposals = self.wait_for(
            "a proposed appraisal for every employee",
            lambda: (lambda rows: rows if len(rows) == expected else None)(self.period_appraisals()),
        )
        appraiser_of = {e.nip: e.appraiser_nip for e in self.employees}
        for row in proposals:
            if row["status"] == "proposed":
                self.call(
                    "POST",
                    "appraisal-service",
                    f"/appraisals/{row['appraisal_id']}/confirm",
                    appraiser_of[row["nip"]],
                    ["appraiser"],
                    json={},
                )
        self.say(f"{expected} appraisals proposed and confirmed by their appraisers")

    def results(self) -> dict:
        expected = len(self.employees)
        appraisals = self.wait_for(
            "a final appraisal for every employee",
            lambda: (
                lambda rows: rows if len(rows) == expected and all(r["status"] == "final" for r in rows) else None
            )(self.period_appraisals()),
        )
        decisions = self.wait_for(
            "a plan decision for every appraisal",
            lambda: (lambda r: r if len(r["decisions"]) == expected else None)(
                self.call("GET", "training-service", f"/periods/{self.period_id}/plan-decisions", **self.hr)
            ),
        )
        return {
            "agency": self.agency,
            "period_id": self.period_id,
            "employees": self.employees,
            "appraisals": appraisals,
            "decisions": decisions["decisions"],
            "plans": decisions["plans"],
            "satisfaction": self.satisfaction,
            "units": self.units,
        }


# -- citizen satisfaction survey (SKM) ----------------------------------------------------------
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
# Score patterns (1-4) cycled through the answers: a well-run unit, an average one, a weak one,
# so the demo shows units of different mutu.
SKM_TIERS = ((4, 4, 4, 4, 3, 3, 4, 3, 4, 3), (4, 3, 3, 3, 3, 2, 3, 4, 3, 3), (3, 2, 2, 3, 2, 3, 1, 3, 2, 4))


def _unit_field(unit, name: str):
    """A unit may be kept as a dict or as an object, whichever register_roster chose."""
    return unit.get(name) if isinstance(unit, dict) else getattr(unit, name, None)
