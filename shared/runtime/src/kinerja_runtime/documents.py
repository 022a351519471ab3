"""Official documents as PDF: the building blocks of the forms of the PermenPANRB 6/2022 annex.

target-service lays out the SKP form and appraisal-service the Dokumen Evaluasi Kinerja with
these blocks, so both documents share one page, one font and one way of naming people and
signing. From plain data to bytes (ReportLab's platypus), no I/O: a service renders a document
in its read use case, off the event loop (:func:`render_off_loop`).

- :class:`Person` and :meth:`Form.identity`: the identity table (nama, NIP, pangkat/golongan,
  jabatan, unit kerja) of the people a form names. Kinerja's roster keeps no pangkat: the field
  is printed blank (a dotted line to fill in by hand), as is anything the roster does not know.
- :meth:`Form.table`: a ruled table whose header repeats on every page, with rows grouped under
  a leading cell (an RHK over its IKI) and full-width section rows ("A. UTAMA").
- :meth:`Form.signatures`: place and date, role, a space to sign, name and NIP.
- ``mark``: a document that is not (or no longer) in force, e.g. a proposed appraisal, says so
  in a box at the top and across every page ("DRAFT / USULAN").
- :func:`angka`, :func:`tanggal`: numbers and dates as Indonesian forms print them.

Texts are Indonesian, as the official forms are. Every text given is escaped: a description
typed by an employee is printed as typed, never read as markup.
"""

from __future__ import annotations

import asyncio
import io
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

__all__ = [
    "BLANK",
    "CM",
    "DRAFT",
    "PDF",
    "Cell",
    "Form",
    "Group",
    "Person",
    "Rendered",
    "angka",
    "attachment",
    "filename_part",
    "render_off_loop",
    "tanggal",
]

PDF = "application/pdf"
# A field the form needs and Kinerja does not know: left to be filled in by hand.
BLANK = "." * 36
DRAFT = "DRAFT / USULAN"

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

# --- the page -------------------------------------------------------------------------------------

PAGE = A4
CM = cm  # a length on the page
MARGINS = {"leftMargin": 2.0 * cm, "rightMargin": 1.5 * cm, "topMargin": 1.5 * cm, "bottomMargin": 2.0 * cm}
WIDTH = PAGE[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]

# Bitstream Vera, shipped with ReportLab, embedded (subset) in every document: the same glyphs on
# every reader and machine, and the text extractable (each subset carries its Unicode map).
FONT, BOLD, ITALIC = "KinerjaSans", "KinerjaSans-Bold", "KinerjaSans-Italic"
_FONT_FILES = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", "KinerjaSans-BoldItalic": "VeraBI.ttf"}


def _register_fonts() -> None:
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file in _FONT_FILES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic="KinerjaSans-BoldItalic")


_register_fonts()

_RENDERING = threading.Lock()

GRID = colors.black
SHADE = colors.Color(0.88, 0.88, 0.88)
MARK_GREY = colors.Color(0.82, 0.82, 0.82)

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=10.5)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=8, leading=9.6)
_HEAD = ParagraphStyle("head", parent=_CELL, fontName=BOLD, fontSize=7, leading=8.6, alignment=TA_CENTER)
_TITLE = ParagraphStyle("title", parent=_BODY, fontName=BOLD, fontSize=12, leading=15, alignment=TA_CENTER)
_SUBTITLE = ParagraphStyle("subtitle", parent=_BODY, fontName=BOLD, fontSize=9.5, leading=12, alignment=TA_CENTER)
_SECTION = ParagraphStyle("section", parent=_BODY, fontName=BOLD, fontSize=9.5, leading=12, spaceBefore=8, spaceAfter=3)
_NOTE = ParagraphStyle("note", parent=_BODY, fontName=ITALIC, fontSize=7.5, leading=9.2)
_MARK = ParagraphStyle("mark", parent=_BODY, fontName=BOLD, fontSize=11, leading=14, alignment=TA_CENTER)
_SIGN = ParagraphStyle("sign", parent=_BODY, alignment=TA_CENTER)


# --- words and numbers ----------------------------------------------------------------------------


def tanggal(day: date | None) -> str:
    """``31 Desember 2026``; a day not known yet is a blank to fill in."""
    if day is None:
        return BLANK
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def angka(value: float | None, digits: int = 2) -> str:
    """A number as Indonesian forms print it: ``1.234,5``, ``120`` (no needless decimals);
    ``-`` for none."""
    if value is None:
        return "-"
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def filename_part(text: str) -> str:
    """``text`` safe in a file name (letters, digits and dashes)."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "dokumen"


def attachment(filename: str) -> dict[str, str]:
    """The headers of a document downloaded under ``filename``."""
    return {"Content-Disposition": f'attachment; filename="{filename_part(filename.removesuffix(".pdf"))}.pdf"'}


@dataclass(frozen=True)
class Rendered:
    """A rendered document and the name it is downloaded under."""

    filename: str
    content: bytes
    media_type: str = PDF

    @property
    def headers(self) -> dict[str, str]:
        return attachment(self.filename)


def _text(value: object) -> str:
    """``value`` as a paragraph's markup: escaped, line breaks kept."""
    return escape("" if value is None else str(value)).replace("\n", "<br/>")


# --- the people a form names ----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone a form names, as the roster knows them; what it does not know is None (printed blank)."""

    nip: str | None
    name: str | None = None
    position: str | None = None
    unit: str | None = None
    pangkat: str | None = None  # pangkat/golongan ruang: not on Kinerja's roster

    def rows(self) -> list[tuple[str, str]]:
        return [
            ("NAMA", self.name or BLANK),
            ("NIP", self.nip or BLANK),
            ("PANGKAT/GOL. RUANG", self.pangkat or BLANK),
            ("JABATAN", self.position or BLANK),
            ("UNIT KERJA", self.unit or BLANK),
        ]


# --- tables ---------------------------------------------------------------------------------------

Cell = str | float | None


@dataclass(frozen=True)
class Group:
    """Rows under one leading set of cells: ``lead`` printed once and spanning ``rows`` (an RHK
    and the IKI under it). ``lead`` fills the first columns, each row the rest."""

    lead: Sequence[Cell]
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True)
class _Section:
    title: str


@dataclass
class Form:
    """A document under construction: add its parts in order, then :meth:`render` it.

    ``title`` names the document (the footer and the PDF's metadata); ``mark`` (e.g.
    :data:`DRAFT`) says that it is not in force: a box at the top and a diagonal mark on every page.
    """

    title: str
    mark: str | None = None
    mark_note: str | None = None
    story: list = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.mark:
            lines = f"<b>{_text(self.mark)}</b>"
            if self.mark_note:
                lines += f"<br/><font size=8>{_text(self.mark_note)}</font>"
            box = Table([[Paragraph(lines, _MARK)]], colWidths=[WIDTH])
            box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.5, GRID), ("TOPPADDING", (0, 0), (-1, -1), 4)]))
            self.story += [box, Spacer(1, 6)]

    # -- text --------------------------------------------------------------------------------
    def heading(self, *lines: str) -> Form:
        """The form's centred title lines (the first larger)."""
        for n, line in enumerate(lines):
            self.story.append(Paragraph(_text(line), _TITLE if n == 0 else _SUBTITLE))
        self.story.append(Spacer(1, 8))
        return self

    def section(self, title: str) -> Form:
        self.story.append(Paragraph(_text(title), _SECTION))
        return self

    def paragraph(self, text: str) -> Form:
        self.story.append(Paragraph(_text(text), _BODY))
        return self

    def note(self, text: str) -> Form:
        self.story.append(Paragraph(_text(text), _NOTE))
        return self

    def space(self, points: float = 6) -> Form:
        self.story.append(Spacer(1, points))
        return self

    def facts(self, rows: Sequence[tuple[str, str]], label_width: float = 5.0 * cm) -> Form:
        """Label: value lines without rules (the form's period, instansi, ratings)."""
        table = Table(
            [[Paragraph(f"<b>{_text(label)}</b>", _BODY), Paragraph(_text(value), _BODY)] for label, value in rows],
            colWidths=[label_width, WIDTH - label_width],
            hAlign="LEFT",
        )
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *_padding(1)]))
        self.story += [table, Spacer(1, 6)]
        return self

    # -- the identity table ------------------------------------------------------------------
    def identity(self, parts: Sequence[tuple[str, Person]]) -> Form:
        """One numbered section per person: ``(title, person)``, e.g. ("PEGAWAI YANG DINILAI", …)."""
        rows: list[list] = []
        style: list = []
        for number, (title, person) in enumerate(parts, start=1):
            style += [("SPAN", (1, len(rows)), (2, len(rows))), ("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE)]
            rows.append([Paragraph(f"<b>{_roman(number)}</b>", _CELL), Paragraph(f"<b>{_text(title)}</b>", _CELL), ""])
            for n, (label, value) in enumerate(person.rows(), start=1):
                rows.append([Paragraph(str(n), _CELL), Paragraph(label, _CELL), Paragraph(_text(value), _CELL)])
        table = Table(rows, colWidths=[1.0 * cm, 4.5 * cm, WIDTH - 5.5 * cm], repeatRows=0)
        table.setStyle(TableStyle([*_ruled(), *style]))
        self.story.append(table)
        if any(person.pangkat is None for _, person in parts):
            self.note("Pangkat/golongan ruang tidak tercatat di Kinerja: diisi secara manual.")
        return self

    # -- ruled tables ------------------------------------------------------------------------
    def table(
        self,
        header: Sequence[str],
        body: Sequence[Sequence[Cell] | Group | str],
        widths: Sequence[float],
        *,
        numbered: bool = True,
        right: Sequence[int] = (),
    ) -> Form:
        """A ruled table, its ``header`` repeated on every page. ``body`` items: a row (a list of
        cells), a :class:`Group` (lead cells spanning their rows) or a string (a section row across
        the table). ``numbered``: a first column "NO" counts the rows and groups (restarting after
        each section). ``widths`` in fractions of the page's width (without the NO column);
        ``right``: columns (of ``header``) whose cells are right-aligned (figures)."""
        columns = len(header) + (1 if numbered else 0)
        shift = 1 if numbered else 0
        total = sum(widths)
        number_width = 0.9 * cm if numbered else 0
        col_widths = ([number_width] if numbered else []) + [(WIDTH - number_width) * w / total for w in widths]
        right_style = ParagraphStyle("right", parent=_CELL, alignment=2)

        def cell(value: Cell, column: int) -> Paragraph:
            text = angka(value) if isinstance(value, float | int) and not isinstance(value, bool) else value
            return Paragraph(_text(text), right_style if column - shift in right else _CELL)

        rows: list[list] = [[Paragraph(_text(h), _HEAD) for h in (["NO"] if numbered else []) + list(header)]]
        style: list = [("BACKGROUND", (0, 0), (-1, 0), SHADE)]
        count = 0
        for item in body:
            if isinstance(item, str):
                style += [
                    ("SPAN", (0, len(rows)), (-1, len(rows))),
                    ("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE),
                ]
                rows.append([Paragraph(f"<b>{_text(item)}</b>", _CELL)] + [""] * (columns - 1))
                count = 0
                continue
            count += 1
            number = [Paragraph(str(count), _CELL)] if numbered else []
            if isinstance(item, Group):
                first, lead = len(rows), len(item.lead)
                for n, sub in enumerate(item.rows or [[None] * (columns - shift - lead)]):
                    leading = [cell(v, shift + c) for c, v in enumerate(item.lead)] if n == 0 else [""] * lead
                    rows.append(
                        (number if n == 0 else ([""] if numbered else []))
                        + leading
                        + [cell(v, shift + lead + c) for c, v in enumerate(sub)]
                    )
                last = len(rows) - 1
                if last > first:
                    style += [("SPAN", (c, first), (c, last)) for c in range(lead + shift)]
                continue
            rows.append(number + [cell(v, shift + c) for c, v in enumerate(item)])
        table = Table(rows, colWidths=col_widths, repeatRows=1)
        table.setStyle(TableStyle([*_ruled(), *style]))
        self.story.append(table)
        return self

    # -- signatures --------------------------------------------------------------------------
    def signatures(
        self, left: tuple[str, Person], right: tuple[str, Person], *, place: str | None = None, day: date | None = None
    ) -> Form:
        """Two signature blocks side by side: ``(role, person)``; the place and date stand over
        the right one (the one who signs last, as the annex has it). A place Kinerja does not
        know and a date not reached yet are blanks to fill in."""

        def block(role: str, person: Person, dated: bool) -> list:
            lines = [Paragraph(f"{_text(place or '.' * 20)}, {_text(tanggal(day))}" if dated else "&nbsp;", _SIGN)]
            lines += [Paragraph(_text(role), _SIGN), Spacer(1, 1.6 * cm)]
            lines += [Paragraph(f"<u>{_text(person.name or BLANK)}</u>", _SIGN)]
            lines += [Paragraph(f"NIP {_text(person.nip or BLANK)}", _SIGN)]
            return lines

        table = Table([[block(*left, dated=False), block(*right, dated=True)]], colWidths=[WIDTH / 2, WIDTH / 2])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        self.story += [Spacer(1, 14), KeepTogether(table)]
        return self

    # -- the document ------------------------------------------------------------------------
    def render(self) -> bytes:
        """The PDF. Reproducible: the same form gives the same bytes (no creation time or id)."""
        out = io.BytesIO()
        document = SimpleDocTemplate(
            out,
            pagesize=PAGE,
            title=self.title,
            author="Kinerja",
            subject=self.title,
            creator="Kinerja",
            invariant=1,
            **MARGINS,
        )
        page = _page_decoration(self.title, self.mark)
        with _RENDERING:  # ReportLab keeps some state per font and module: one document at a time
            document.build(list(self.story), onFirstPage=page, onLaterPages=page)
        return out.getvalue()


def _page_decoration(title: str, mark: str | None) -> Callable:
    def decorate(canvas, document) -> None:
        canvas.saveState()
        if mark:
            canvas.setFillColor(MARK_GREY)
            canvas.setFont(BOLD, 54)
            canvas.translate(PAGE[0] / 2, PAGE[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, 0, mark)
            canvas.rotate(-45)
            canvas.translate(-PAGE[0] / 2, -PAGE[1] / 2)
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGINS["leftMargin"], 1.1 * cm, title)
        canvas.drawRightString(PAGE[0] - MARGINS["rightMargin"], 1.1 * cm, f"Halaman {document.page}")
        canvas.restoreState()

    return decorate


def _ruled() -> list:
    return [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *_padding(2.5),
    ]


def _padding(points: float) -> list:
    return [
        ("TOPPADDING", (0, 0), (-1, -1), points),
        ("BOTTOMPADDING", (0, 0), (-1, -1), points),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]


def _roman(n: int) -> str:
    return ("I", "II", "III", "IV", "V", "VI")[n - 1] if n <= 6 else str(n)


async def render_off_loop(render: Callable[[], bytes]) -> bytes:
    """Render a document in a worker thread: a form takes tens of milliseconds of CPU, which
    the event loop (and every other request on it) should not wait for."""
    return await asyncio.to_thread(render)
