"""``make demo``: one agency's year against the services that ``make run`` started."""

import json
import os
import sys
import time
from pathlib import Path

import httpx
from kinerja_contracts.vocabulary import Predikat

from kinerja_devtools import documents
from kinerja_devtools.scenario import Scenario, ScenarioError
from kinerja_devtools.year_end import YearEnd


def data_dir() -> Path:
    return Path(os.environ.get("DATA_DIR", ".data"))


def stack() -> dict:
    stack_file = data_dir() / "stack.json"
    if not stack_file.exists():
        sys.exit("no running stack found (.data/stack.json); start it first with `make run` in another terminal")
    return json.loads(stack_file.read_text())


def stack_urls() -> dict[str, str]:
    return stack()["services"]


def print_report(result: dict) -> None:
    names = {e.nip: (e.name, e.profile.name) for e in result["employees"]}
    plans = {p["nip"]: p for p in result["plans"]}
    print(f"\nAgency {result['agency']}, period {result['period_id']}\n")
    print(f"{'NIP':<19}{'name':<24}{'capaian':>8}  {'hasil kerja':<21}{'perilaku':<21}{'predikat':<19}plan")
    for a in sorted(result["appraisals"], key=lambda a: a["nip"]):
        name, _profile = names.get(a["nip"], ("?", "?"))
        capaian = a["summary"].get("average_capaian_utama")
        plan = plans.get(a["nip"])
        plan_text = (
            (
                f"{len(plan['items'])} items, {plan['total_jp']} JP"
                f"{'' if plan.get('mandatory', True) else ' (recommended)'}"
            )
            if plan
            else "-"
        )
        print(
            f"{a['nip']:<19}{name:<24}{capaian if capaian is not None else '-':>8}  "
            f"{a['rating_hasil_kerja']:<21}{a['rating_perilaku']:<21}{Predikat(a['predikat']).label:<19}{plan_text}"
        )
    print(f"\n{len(result['appraisals'])} AppraisalCompleted, {len(result['plans'])} DevelopmentPlanCreated\n")
    if result.get("satisfaction"):
        print("Citizen satisfaction (IKM per public-service unit, PermenPANRB 14/2017):")
        for unit in result["satisfaction"].values():
            print(
                f"   {unit['name']:<24} IKM {unit['ikm']:>6}  mutu {unit['mutu']} ({unit['mutu_label']}), {unit['answers']} answers"
            )
        print()
    indicators = {i["iki_id"]: i for a in result["appraisals"] for i in a["summary"]["indikator"]}
    for plan in result["plans"]:
        print(f"plan for {plan['nip']} {names.get(plan['nip'], ('?',))[0]} ({Predikat(plan['predikat']).label}):")
        for item in plan["items"]:
            print(
                f"   - {item['title']} [{item['form']}/{item['method']}, {item['jp']} JP] <- {_gap_text(item, indicators)}"
            )


def _gap_text(item: dict, indicators: dict) -> str:
    if item["gap_kind"] == "perilaku":
        return f"{item['gap'].replace('_', ' ')} below expectations"
    if item["gap_kind"] == "jp_entitlement":
        return "top-up to the yearly 20 JP"
    indicator = indicators.get(item["gap"])
    if indicator is None:
        return item["gap"]
    return f"{indicator['description']}: {indicator['capaian']}% of target ({indicator['aspect']})"


def print_agency_report(year_end: dict) -> None:
    print("\n== Agency report ==\n")
    calibration = year_end["calibration"]
    print(f"Calibration against SE MenPANRB 3/2023, organisation predikat {calibration.get('organisation_predikat')}:")
    print("   counts: " + ", ".join(f"{Predikat(k).label} {v}" for k, v in calibration["counts"].items() if v))
    for bound in calibration["bounds"]:
        allowed = f"{bound['limit'].replace('_', ' ')} {bound['allowed_count']}"
        print(
            f"   [{'ok' if bound['ok'] else 'VIOLATED'}] {bound['bound'].replace('_', ' ')}: "
            f"{bound['actual_count']} ({bound['actual_percent']}%), allowed {allowed}"
        )
    print(
        f"   {'no violations' if calibration['ok'] else str(len(calibration['violations'])) + ' violation(s); nothing was changed'}"
    )
    print("\nDistribution per unit:")
    for unit in year_end["distribution"].get("units", []):
        counts = ", ".join(f"{Predikat(k).label} {v}" for k, v in unit["counts"].items() if v)
        print(f"   {unit.get('name') or unit.get('unit_id'):<24} {counts}")
    objection = year_end["objection"]
    if objection:
        superseded = [p for p in objection["plans"]["plans"] if p.get("status") == "superseded"]
        print(
            f"\nObjection: {objection['name']} {Predikat(objection['before']).label} -> "
            f"{Predikat(objection['after']).label}; {len(superseded)} plan superseded, completed hours kept"
        )
    trainings = year_end["trainings"]
    fulfilment = year_end["development"]["jp_fulfilment"]
    print(
        f"\nTrainings completed: {trainings['items']} items, {trainings['jp']} JP; "
        f"{fulfilment['fulfilled']} of {fulfilment['total']} employees have their 20 JP"
    )
    print("Development by competency:")
    for row in year_end["development"]["by_competency"]:
        print(
            f"   {row['competency']:<32} {row['items']} planned, {row['completed']} completed, {row['overdue']} overdue"
        )


def siasn_line(agency: str, expected: int, timeout: float | None = None) -> str:
    """The SIASN connector's reconciliation line for the demo's agency, once the connector has
    read every event on the topics and sent (or failed) ``expected`` records; after ``timeout``
    seconds (``SIASN_WAIT_SECONDS``, 120) whatever it says then."""
    connector = stack().get("siasn", {}).get("connector")
    if not connector:
        return "SIASN: the connector is not running (make run starts it)"
    timeout = float(os.environ.get("SIASN_WAIT_SECONDS", "120")) if timeout is None else timeout
    url = f"{connector}/reconciliation"
    deadline, report = time.monotonic() + timeout, None
    while True:
        try:
            response = httpx.get(url, params={"agency": agency}, timeout=10)
            if response.status_code == 200:
                report = response.json()
                totals = report["totals"]
                done = totals["sent"] + totals["failed"] >= expected and not totals["pending"]
                if done and report["consumer"]["caught_up"]:
                    return f"{report['line']}   ({url}?agency={agency}&records=true)"
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            said = report["line"] if report else "SIASN: the connector did not answer"
            return f"{said}   (not caught up after {timeout:.0f} s; see {url}?agency={agency}&records=true)"
        time.sleep(1.0)


def print_documents(scenario: Scenario, year_end: dict) -> None:
    """One employee's SKP form and Dokumen Evaluasi Kinerja as PDF, downloaded as that employee:
    the one whose objection changed their result (their evaluation is the revised one), else the
    first staff member."""
    objection = year_end.get("objection") or {}
    appraisers = {e.appraiser_nip for e in scenario.employees}
    staff = [e for e in scenario.employees if e.nip not in appraisers]
    employee = next((e for e in scenario.employees if e.nip == objection.get("nip")), None) or staff[0]
    paths = documents.download(scenario, employee.nip, employee.skp_id, data_dir() / "documents")
    print(f"\nOfficial documents of {employee.name} (PDF):")
    for path in paths:
        print(f"   {path}")


def main() -> None:
    try:
        scenario = Scenario(stack_urls())
        # The web portal's dev sign-in lists the people of this agency.
        (data_dir() / "demo.json").write_text(json.dumps({"agency": scenario.agency}))
        result = scenario.run()
        print_report(result)
        year_end = YearEnd(scenario, result).run()
        print_agency_report(year_end)
        print_documents(scenario, year_end)
        # One SKP 2022 record per appraisal (the objection's revision updates one) and one kursus
        # record per completed training, sent by the SIASN connector from the public topics.
        expected = len(result["appraisals"]) + year_end["trainings"]["items"]
        print("\nWaiting for the SIASN connector to catch up ...", flush=True)
        print(siasn_line(scenario.agency, expected))
    except (ScenarioError, httpx.HTTPError) as exc:
        sys.exit(f"demo failed: {exc}")


if __name__ == "__main__":
    main()
