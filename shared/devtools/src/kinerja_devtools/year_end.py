"""The end of an agency's year, after the appraisals are final: HR's calibration against
the SE 3/2023 curve, trainings completed with evidence, one objection decided by the
appraiser's superior, and the agency report. Every figure is read back from the services."""

from datetime import date

from kinerja_devtools.scenario import Scenario


class YearEnd:
    def __init__(self, scenario: Scenario, result: dict):
        self.s = scenario
        self.result = result
        self.period = result["period_id"]

    def run(self, organisation_predikat: str = "baik") -> dict:
        trainings = self.complete_trainings()
        objection = self.objection()
        calibration = self.s.call(
            "POST",
            "appraisal-service",
            f"/periods/{self.period}/calibration",
            **self.s.hr,
            json={"organisation_predikat": organisation_predikat},
        )
        distribution = self.s.call("GET", "appraisal-service", f"/periods/{self.period}/distribution", **self.s.hr)
        development = self.s.wait_for(
            "the development report to count the completed trainings",
            lambda: (lambda report: report if self._completed_jp(report) >= trainings["jp"] else None)(
                self.s.call(
                    "GET", "training-service", "/reports/development", **self.s.hr, params={"year": date.today().year}
                )
            ),
        )
        return {
            "trainings": trainings,
            "objection": objection,
            "calibration": calibration,
            "distribution": distribution,
            "development": development,
        }

    @staticmethod
    def _completed_jp(report: dict) -> int:
        return sum(e["completed_jp"] for e in report["jp_fulfilment"]["employees"])

    def complete_trainings(self) -> dict:
        """Each employee with a mandatory plan completes its first item, with a certificate."""
        done, jp = 0, 0
        for plan in self.result["plans"]:
            if not plan.get("mandatory", True) or not plan["items"]:
                continue
            item = plan["items"][0]
            self.s.call(
                "POST",
                "training-service",
                f"/plans/{plan['plan_id']}/items/{item['item_id']}/complete",
                plan["nip"],
                ["employee"],
                json={
                    "evidence": f"Sertifikat BPSDM {plan['nip'][-4:]}/{item['catalogue_code']}",
                    "completed_on": date.today().isoformat(),
                },
            )
            done, jp = done + 1, jp + item["jp"]
        self.s.say(f"trainings completed with evidence: {done} items, {jp} JP credited")
        return {"items": done, "jp": jp}

    def objection(self) -> dict | None:
        """A staff member rated Butuh Perbaikan objects; the Kepala Dinas (the appraiser's
        superior) finds the results were better than recorded and changes the rating."""
        by_nip = {e.nip: e for e in self.s.employees}
        candidate = next(
            (
                a
                for a in self.result["appraisals"]
                if a["predikat"] == "butuh_perbaikan" and by_nip[a["nip"]].appraiser_nip in by_nip
            ),
            None,
        )
        if candidate is None:
            return None
        employee = by_nip[candidate["nip"]]
        superior = by_nip[employee.appraiser_nip].appraiser_nip
        filed = self.s.call(
            "POST",
            "appraisal-service",
            f"/appraisals/{candidate['appraisal_id']}/objections",
            employee.nip,
            ["employee"],
            json={"reasons": "Realisasi triwulan IV belum memuat berkas yang diselesaikan Desember."},
        )
        decided = self.s.call(
            "POST",
            "appraisal-service",
            f"/objections/{filed['objection_id']}/decision",
            superior,
            ["appraiser"],
            json={
                "outcome": "changed",
                "rating_hasil_kerja": "sesuai_ekspektasi",
                "reason": "Bukti dukung Desember diterima; hasil kerja sesuai ekspektasi.",
            },
        )
        revised = self.s.wait_for(
            "the revised appraisal",
            lambda: next(
                (
                    a
                    for a in self.s.call("GET", "appraisal-service", f"/periods/{self.period}/appraisals", **self.s.hr)[
                        "appraisals"
                    ]
                    if a["nip"] == employee.nip and a["revision"] == 2
                ),
                None,
            ),
        )
        plans = self.s.wait_for(
            "training-service to supersede the plan",
            lambda: (lambda found: found if any(p.get("status") == "superseded" for p in found["plans"]) else None)(
                self.s.call("GET", "training-service", f"/employees/{employee.nip}/plans", **self.s.hr)
            ),
        )
        self.s.say(f"objection by {employee.name}: {candidate['predikat']} -> {revised['predikat']} (revision 2)")
        return {
            "nip": employee.nip,
            "name": employee.name,
            "objection": filed,
            "decision": decided,
            "before": candidate["predikat"],
            "after": revised["predikat"],
            "plans": plans,
        }
