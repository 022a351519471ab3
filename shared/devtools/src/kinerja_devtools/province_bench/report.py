"""The end of a run: a table of the phases with the issue's targets beside the figures, a few
sample error bodies, and the JSON kept for comparing runs."""

import json
from pathlib import Path

from kinerja_devtools.province_bench.measurements import Phase

WRITE_PHASES = ("SKPs top-down", "realisations", "feedback rounds", "confirmations")
PROCESS_ABBREVIATIONS = {
    "target-service": "tgt",
    "feedback-service": "fb",
    "appraisal-service": "apr",
    "training-service": "trn",
    "appraisal-service-replay": "apr'",
    "training-service-replay": "trn'",
    "postgres": "pg",
}


def target_of(phase: Phase) -> dict | None:
    """The issue's target for this phase and whether this run met it (None: no target)."""
    if phase.name in WRITE_PHASES:
        return {"target": ">= 500 req/s", "met": (phase.rate or 0) >= 500}
    if phase.name == "proposals":
        # Throughput once proposing began; the settle time before it is in the row's own rate.
        proposing = phase.figures.get("proposing_per_second") or 0
        return {"target": ">= 2000 proposals/s proposing", "met": proposing >= 2000 and not phase.errors}
    if phase.name == "plan decisions":
        return {"target": "<= 10 s after the last confirm", "met": phase.seconds <= 10 and not phase.errors}
    if phase.name.startswith("replay "):
        return {"target": ">= 5000 events/s", "met": (phase.rate or 0) >= 5000}
    return None


def build(meta: dict, phases: list[Phase], baselines: dict, waits: dict) -> dict:
    raw = (baselines.get("aiokafka_consume") or {}).get("per_second")
    rows = []
    for phase in phases:
        row = phase.as_json()
        row["target"] = target_of(phase)
        if phase.name.startswith("replay ") and raw and phase.rate:
            row["figures"]["ratio_to_raw_aiokafka"] = round(phase.rate / raw, 4)
        rows.append(row)
    errors: dict[str, int] = {}
    for phase in phases:
        for status, count in phase.errors.items():
            errors[status] = errors.get(status, 0) + count
    return {
        **meta,
        "phases": rows,
        "waits_s": waits,
        "baselines": baselines,
        "errors_total": sum(errors.values()),
        "errors_by_status": errors,
    }


def write(result: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    return path


def _rss(peaks: dict[str, float]) -> str:
    return " ".join(f"{PROCESS_ABBREVIATIONS.get(k, k)} {v:.0f}" for k, v in peaks.items())


def _per_op(ms: dict[str, float]) -> str:
    return " ".join(f"{PROCESS_ABBREVIATIONS.get(k, k)} {v:.2f}" for k, v in ms.items() if v >= 0.005)


def render(result: dict) -> str:
    lines = [
        f"\nProvince benchmark: N={result['n']} employees in {result['agencies']} agencies, "
        f"{result['concurrency']} requests in flight; {result['broker']}; {result['database']}; "
        f"{result['machine']}, load average {result['load_average']['start'][0]} at the start, "
        f"{result['load_average']['end'][0]} at the end",
        "",
    ]
    header = f"{'phase':<28}{'seconds':>9}{'ops':>8}{'ops/s':>10}  {'errors':<18}{'target':<40}{'peak RSS MB':<40}"
    lines += [header, "-" * len(header)]
    for row in result["phases"]:
        rate = f"{row['ops_per_second']:,.1f}" if row["ops_per_second"] else "-"
        errors = ", ".join(f"{k}: {v}" for k, v in row["errors"].items()) or "0"
        target = row["target"]
        verdict = f"{target['target']} {'ok' if target['met'] else 'MISSED'}" if target else ""
        lines.append(
            f"{row['name']:<28}{row['seconds']:>9.2f}{row['ops']:>8}{rate:>10}  {errors:<18}{verdict:<40}"
            f"{_rss(row['peak_rss_mb'])}"
        )
        if row["ops"] and row["cpu_ms_per_op"]:
            lines.append(f"{'':<28}CPU ms per op: {_per_op(row['cpu_ms_per_op'])}")
        figures = {k: v for k, v in row["figures"].items() if v is not None}
        if figures:
            lines.append(f"{'':<28}" + ", ".join(f"{k} {v}" for k, v in figures.items()))
    b = result["baselines"]
    lines.append("")
    if b.get("aiokafka_consume"):
        c = b["aiokafka_consume"]
        lines.append(
            f"raw aiokafka consume ({c['topic']}): {c['messages']} messages, {c['per_second'] or 0:,.0f} msg/s"
        )
    if b.get("asyncpg_executemany"):
        e = b["asyncpg_executemany"]
        lines.append(f"asyncpg executemany (temp table): {e['rows']} rows, {e['per_second']:,.0f} rows/s")
    if result["waits_s"]:
        lines.append(
            "waited outside the phases: "
            + ", ".join(f"{what} {'TIMED OUT' if s is None else f'{s:.1f} s'}" for what, s in result["waits_s"].items())
        )
    lines.append(
        f"errors: {result['errors_total']}" + (f" ({result['errors_by_status']})" if result["errors_total"] else "")
    )
    samples = [s for row in result["phases"] for s in row["error_samples"]][:5]
    for sample in samples:
        lines.append(f"   {sample['status']} {sample['request']}: {sample['body'][:200]}")
    if result.get("failed"):
        lines.append(f"FAILED after the phases above: {result['failed']}")
    return "\n".join(lines)
