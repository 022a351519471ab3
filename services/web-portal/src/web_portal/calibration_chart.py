"""The calibration chart of the pengelola kinerja: the agency's predikat distribution and, when an
organisation predikat is chosen, each bound of its SE MenPANRB 3/2023 curve against the actual
share, as a server-rendered SVG (no script). Pure functions: the page gives the service's answer
and a translator; the SVG carries a <title> and <desc> and the page shows the same figures as a table.
"""

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

PREDIKAT_ORDER = ("sangat_baik", "baik", "butuh_perbaikan", "kurang_misconduct", "sangat_kurang")
PREDIKAT_LABELS = {
    "sangat_baik": "Sangat Baik",
    "baik": "Baik",
    "butuh_perbaikan": "Butuh Perbaikan",
    "kurang_misconduct": "Kurang/Misconduct",
    "sangat_kurang": "Sangat Kurang",
}

WIDTH = 420  # narrow, so that a phone shows the text at a readable size
BAR_START, BAR_SPAN = 0, 300  # 100 % is BAR_SPAN wide; the figures follow the bar
BAR = 18
LINE = 18  # a line of text
WRAP = 46  # characters per line of a bound's text


@dataclass(frozen=True)
class Bar:
    predikat: str
    count: int
    percent: float


@dataclass(frozen=True)
class BoundRow:
    text: str  # e.g. "Sangat Baik paling banyak 70%", in the reader's language
    actual_count: int
    actual_percent: float
    limit_percent: float  # where the bound lies on the 0-100 % scale
    allowed_count: int
    ok: bool


def percent_of(count: int, total: int) -> float:
    return round(count * 100 / total, 1) if total else 0.0


def distribution_bars(counts: Mapping[str, int]) -> list[Bar]:
    """One bar per predikat, best first, with its share of all results."""
    total = sum(int(counts.get(p, 0)) for p in PREDIKAT_ORDER)
    return [Bar(p, int(counts.get(p, 0)), percent_of(int(counts.get(p, 0)), total)) for p in PREDIKAT_ORDER]


def bound_text(bound: Mapping, _: Callable[..., str]) -> str:
    """A bound of the curve in words: "Sangat Baik paling banyak 70%", "... paling sedikit 1 orang"."""
    which = _(" atau ").join(_(PREDIKAT_LABELS.get(p, p)) for p in bound.get("predikat", ()))
    if bound.get("percent") is not None:
        amount = f"{bound['percent']}%"
    else:
        amount = _("{count} orang", count=bound.get("count"))
    limit = _("paling banyak") if bound.get("limit") == "at_most" else _("paling sedikit")
    return f"{which} {limit} {amount}"


def bound_rows(bounds: list[Mapping], total: int, _: Callable[..., str]) -> list[BoundRow]:
    """Each bound with the share it allows on the same 0-100 % scale as the actual share."""
    rows = []
    for b in bounds:
        limit = float(b["percent"]) if b.get("percent") is not None else percent_of(int(b.get("count") or 0), total)
        rows.append(
            BoundRow(
                bound_text(b, _),
                int(b.get("actual_count", 0)),
                float(b.get("actual_percent", 0.0)),
                min(limit, 100.0),
                int(b.get("allowed_count", 0)),
                bool(b.get("ok")),
            )
        )
    return rows


def _x(percent: float) -> float:
    return round(BAR_START + BAR_SPAN * max(0.0, min(percent, 100.0)) / 100, 1)


def _text(x, y, content, anchor="start", weight="400") -> str:
    return (
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-weight="{weight}" font-size="14" '
        f'fill="#1b1f24">{escape(content)}</text>'
    )


def chart_svg(
    bars: list[Bar], bounds: list[BoundRow], *, title: str, desc: str, chart_id: str, _: Callable[..., str]
) -> Markup:
    """The SVG: a bar per predikat; under it, per bound, the actual share with a marker at the bound.
    Each label stands above its bar (full width: readable on a phone). A broken bound is hatched and
    says so in words (never colour alone)."""
    parts, y = [_text(0, LINE, _("Sebaran Predikat"), weight="700")], LINE + 8
    for bar in bars:
        parts.append(_text(0, y + 14, _(PREDIKAT_LABELS.get(bar.predikat, bar.predikat))))
        top = y + LINE + 2
        parts.append(_track(top))
        parts.append(
            f'<rect x="{BAR_START}" y="{top}" width="{_x(bar.percent) - BAR_START}" height="{BAR}" fill="#0b4f8a"/>'
        )
        parts.append(_text(BAR_START + BAR_SPAN + 6, top + 14, f"{bar.count} ({bar.percent:g}%)"))
        y = top + BAR + 10
    if bounds:
        y += 10
        parts.append(_text(0, y + 14, _("Batas kurva Predikat organisasi"), weight="700"))
        y += LINE + 8
        for row in bounds:
            verdict = _("terpenuhi") if row.ok else _("DILANGGAR")
            for line in textwrap.wrap(
                f"{row.text}: {verdict} — " + _("nyata {percent}%", percent=f"{row.actual_percent:g}"), WRAP
            ):
                parts.append(_text(0, y + 14, line, weight="400" if row.ok else "700"))
                y += LINE
            top = y + 4
            fill = "#1d6b34" if row.ok else f"url(#langgar-{chart_id})"
            parts.append(_track(top))
            parts.append(
                f'<rect x="{BAR_START}" y="{top}" width="{_x(row.actual_percent) - BAR_START}" '
                f'height="{BAR}" fill="{fill}" stroke="{"#1d6b34" if row.ok else "#a4161a"}"/>'
            )
            marker = _x(row.limit_percent)
            parts.append(
                f'<line x1="{marker}" x2="{marker}" y1="{top - 4}" y2="{top + BAR + 4}" stroke="#1b1f24" '
                f'stroke-width="3"/>'
            )
            parts.append(
                _text(BAR_START + BAR_SPAN + 6, top + 14, _("batas {percent}%", percent=f"{row.limit_percent:g}"))
            )
            y = top + BAR + 14
    pattern = (
        f'<defs><pattern id="langgar-{chart_id}" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="#f6d5d6"/>'
        f'<rect width="4" height="8" fill="#a4161a"/></pattern></defs>'
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {y + 4}" role="img" '
        f'aria-labelledby="{chart_id}-judul {chart_id}-uraian">'
        f'<title id="{chart_id}-judul">{escape(title)}</title><desc id="{chart_id}-uraian">{escape(desc)}</desc>'
        f"{pattern}{''.join(parts)}</svg>"
    )


def _track(top: float) -> str:
    return f'<rect x="{BAR_START}" y="{top}" width="{BAR_SPAN}" height="{BAR}" fill="#f3f5f8" stroke="#c9d0d9"/>'


def chart_description(bars: list[Bar], bounds: list[BoundRow], _: Callable[..., str]) -> str:
    """The chart in one sentence per part, for the SVG's <desc>."""
    shares = ", ".join(f"{_(PREDIKAT_LABELS[b.predikat])} {b.count} ({b.percent:g}%)" for b in bars)
    said = [_("Sebaran: {shares}.", shares=shares)]
    broken = [row.text for row in bounds if not row.ok]
    if bounds:
        said.append(_("Dilanggar: {bounds}.", bounds="; ".join(broken)) if broken else _("Semua batas terpenuhi."))
    return " ".join(said)
