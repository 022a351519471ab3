"""``make demo``: one agency's year against the services that ``make run`` started."""

import json
import os
import sys
from pathlib import Path

import httpx
from kinerja_contracts.vocabulary import Predikat

from kinerja_devtools.scenario import Scenario, ScenarioError


def stack_urls() -> dict[str, str]:
    stack_file = Path(os.environ.get("DATA_DIR", ".data")) / "stack.json"
    if not stack_file.exists():
        sys.exit("no running stack found (.data/stack.json); start it first with `make run` in another terminal")
    return json.loads(stack_file.read_text())["services"]


def print_report(result: dict) -> None:
    names = {e.nip: (e.name, e.profile.name) for e in result["employees"]}
    plans = {p["nip"]: p for p in result["plans"]}
    print(f"\nAgency {result['agency']}, period {result['period_id']}\n")
    print(f"{'NIP':<19}{'name':<24}{'capaian':>8}  {'hasil kerja':<21}{'perilaku':<21}{'predikat':<19}plan")
    for a in sorted(result["appraisals"], key=lambda a: a["nip"]):
        name, _profile = names.get(a["nip"], ("?", "?"))
        capaian = a["summary"].get("average_capaian_utama")
        plan = plans.get(a["nip"])
        plan_text = (f"{len(plan['items'])} items, {plan['total_jp']} JP"
                     f"{'' if plan.get('mandatory', True) else ' (recommended)'}") if plan else "-"
        print(f"{a['nip']:<19}{name:<24}{capaian if capaian is not None else '-':>8}  "
              f"{a['rating_hasil_kerja']:<21}{a['rating_perilaku']:<21}{Predikat(a['predikat']).label:<19}{plan_text}")
    print(f"\n{len(result['appraisals'])} AppraisalCompleted, {len(result['plans'])} DevelopmentPlanCreated\n")
    if result.get("satisfaction"):
        print("Citizen satisfaction (IKM per public-service unit, PermenPANRB 14/2017):")
        for unit in result["satisfaction"].values():
            print(f"   {unit['name']:<24} IKM {unit['ikm']:>6}  mutu {unit['mutu']} ({unit['mutu_label']}), {unit['answers']} answers")
        print()
    indicators = {i["iki_id"]: i for a in result["appraisals"] for i in a["summary"]["indikator"]}
    for plan in result["plans"]:
        print(f"plan for {plan['nip']} {names.get(plan['nip'], ('?',))[0]} ({Predikat(plan['predikat']).label}):")
        for item in plan["items"]:
            print(f"   - {item['title']} [{item['form']}/{item['method']}, {item['jp']} JP] <- {_gap_text(item, indicators)}")


def _gap_text(item: dict, indicators: dict) -> str:
    if item["gap_kind"] == "perilaku":
        return f"{item['gap'].replace('_', ' ')} below expectations"
    indicator = indicators.get(item["gap"])
    if indicator is None:
        return item["gap"]
    return f"{indicator['description']}: {indicator['capaian']}% of target ({indicator['aspect']})"


def main() -> None:
    try:
        result = Scenario(stack_urls()).run()
    except (ScenarioError, httpx.HTTPError) as exc:
        sys.exit(f"demo failed: {exc}")
    print_report(result)


if __name__ == "__main__":
    main()
