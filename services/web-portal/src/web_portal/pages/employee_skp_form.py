"""The SKP editor's form, without a router: reading the RHK and IKI rows a person typed (inputs
named as target-service names the fields, ``rhk.0.indikator.1.target``), the body sent to the
service, and the service's field errors moved back onto the rows they came from.

Rows left wholly blank are not sent (that is how a row is removed without JavaScript), so the
n-th RHK sent may be a later row of the form: ``Plan.rhk_rows`` / ``Plan.iki_rows`` remember
which, and ``Plan.form_errors`` renames the service's fields to the form's."""

import re
from dataclasses import dataclass, field

ASPECTS = ("kuantitas", "kualitas", "waktu", "biaya")
KINDS = ("utama", "tambahan")
DIRECTIONS = ("", "true", "false")  # "": the service's default for the aspect
_FIELD = re.compile(r"^rhk\.(\d+)\.(?:indikator\.(\d+)\.)?(\w+)$")
_SERVICE_FIELD = re.compile(r"^rhk\.(\d+)(?:\.indikator\.(\d+))?(\..*)?$")
MAX_ROWS = 50  # the service allows fewer; this only bounds what a crafted form makes the portal build


def N_(text: str) -> str:
    """Marks an Indonesian text shown later through ``_()`` (the i18n test finds it)."""
    return text


def empty_iki() -> dict:
    return {"aspect": "kuantitas", "description": "", "target": "", "unit": "", "higher_is_better": "", "iki_id": ""}


def empty_rhk(kind: str = "utama") -> dict:
    return {
        "kind": kind,
        "description": "",
        "supports_rhk_id": "",
        "iku_id": "",
        "rhk_id": "",
        "indikator": [empty_iki()],
    }


def rows_from_form(form) -> list[dict]:
    """The rows as typed, in the form's order (indices need not be contiguous)."""
    rhk: dict[int, dict] = {}
    iki: dict[tuple[int, int], dict] = {}
    for key, value in form.items():
        match = _FIELD.match(key)
        if not match:
            continue
        n, m, name = int(match[1]), match[2], match[3]
        if n >= MAX_ROWS or (m is not None and int(m) >= MAX_ROWS):
            continue
        value = str(value)
        if m is None:
            if name in ("kind", "description", "supports_rhk_id", "iku_id", "rhk_id"):
                rhk.setdefault(n, {**empty_rhk(), "indikator": []})[name] = value
        elif name in ("aspect", "description", "target", "unit", "higher_is_better", "iki_id"):
            rhk.setdefault(n, {**empty_rhk(), "indikator": []})
            iki.setdefault((n, int(m)), empty_iki())[name] = value
    for n, m in sorted(iki):
        rhk[n]["indikator"].append(iki[(n, m)])
    rows = [rhk[n] for n in sorted(rhk)]
    for row in rows:
        if not row["indikator"]:
            row["indikator"].append(empty_iki())
    return rows


def add_row(rows: list[dict], action: str) -> list[dict]:
    """``tambah_rhk`` adds an empty RHK (tambahan once there is an utama), ``tambah_iki.N`` an empty
    IKI under RHK N; the typed values stay."""
    if action == "tambah_rhk" and len(rows) < MAX_ROWS:
        kind = "tambahan" if any(r["kind"] == "utama" for r in rows) else "utama"
        return [*rows, empty_rhk(kind)]
    if action.startswith("tambah_iki."):
        index = action.removeprefix("tambah_iki.")
        if index.isdigit() and int(index) < len(rows) and len(rows[int(index)]["indikator"]) < MAX_ROWS:
            n = int(index)
            return [*rows[:n], {**rows[n], "indikator": [*rows[n]["indikator"], empty_iki()]}, *rows[n + 1 :]]
    return rows


def _blank_iki(i: dict) -> bool:
    return not (i["description"].strip() or i["target"].strip() or i["unit"].strip() or i["iki_id"])


def _blank_rhk(r: dict) -> bool:
    return not (r["description"].strip() or r["rhk_id"] or r["supports_rhk_id"] or r["iku_id"]) and all(
        _blank_iki(i) for i in r["indikator"]
    )


def parse_number(text: str) -> float | None:
    """A number as people type it here: "12,5" or "12.5"; "1.000" is a thousand only with a comma decimal absent."""
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None


@dataclass
class Plan:
    """What the form says, as the service takes it."""

    body: list[dict] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # found here, before asking the service
    rhk_rows: list[int] = field(default_factory=list)  # sent RHK n -> form row
    iki_rows: list[list[int]] = field(default_factory=list)  # sent RHK n, IKI m -> form IKI row

    def form_errors(self, service_errors: dict[str, str]) -> dict[str, str]:
        """The service's field names (``rhk.1.indikator.0.unit``) as the form's."""
        moved = {}
        for name, message in service_errors.items():
            match = _SERVICE_FIELD.match(name)
            if not match or int(match[1]) >= len(self.rhk_rows):
                moved[name] = message
                continue
            n = int(match[1])
            row = f"rhk.{self.rhk_rows[n]}"
            if match[2] is not None:
                m = int(match[2])
                row += f".indikator.{self.iki_rows[n][m] if m < len(self.iki_rows[n]) else m}"
            moved[row + (match[3] or "")] = message
        return moved


def plan_from_rows(rows: list[dict]) -> Plan:
    plan = Plan()
    for n, row in enumerate(rows):
        if _blank_rhk(row):
            continue
        sent = {
            "kind": row["kind"] if row["kind"] in KINDS else "utama",
            "description": row["description"].strip(),
            "indikator": [],
        }
        for key in ("rhk_id", "supports_rhk_id", "iku_id"):
            if row[key]:
                sent[key] = row[key]
        kept = []
        for m, iki in enumerate(row["indikator"]):
            if _blank_iki(iki):
                continue
            target = parse_number(iki["target"])
            if target is None:
                plan.errors[f"rhk.{n}.indikator.{m}.target"] = N_("Isi target dengan angka, misalnya 12 atau 12,5.")
            one = {
                "aspect": iki["aspect"] if iki["aspect"] in ASPECTS else "kuantitas",
                "description": iki["description"].strip(),
                "target": target,
                "unit": iki["unit"].strip(),
            }
            if iki["higher_is_better"] in ("true", "false"):
                one["higher_is_better"] = iki["higher_is_better"] == "true"
            if iki["iki_id"]:
                one["iki_id"] = iki["iki_id"]
            sent["indikator"].append(one)
            kept.append(m)
        if not kept:
            plan.errors[f"rhk.{n}.indikator.0.description"] = N_("Setiap RHK memerlukan setidaknya satu IKI.")
        plan.body.append(sent)
        plan.rhk_rows.append(n)
        plan.iki_rows.append(kept)
    if not plan.body:
        plan.errors["rhk.0.description"] = N_("Tuliskan setidaknya satu RHK utama.")
    return plan


def _number_text(value) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def rows_from_skp(rhk: list[dict]) -> list[dict]:
    """A version's RHK (as the service shows them) as editor rows, ids kept so links and realisations stay."""
    rows = []
    for r in rhk:
        rows.append(
            {
                "kind": r["kind"],
                "description": r["description"],
                "supports_rhk_id": r.get("supports_rhk_id") or "",
                "iku_id": r.get("iku_id") or "",
                "rhk_id": r["rhk_id"],
                "indikator": [
                    {
                        "aspect": i["aspect"],
                        "description": i["description"],
                        "target": _number_text(i["target"]),
                        "unit": i["unit"],
                        "iki_id": i["iki_id"],
                        "higher_is_better": ""
                        if i.get("higher_is_better") is None
                        else ("true" if i["higher_is_better"] else "false"),
                    }
                    for i in r.get("indikator", [])
                ]
                or [empty_iki()],
            }
        )
    return rows or [empty_rhk()]


def values_of(rows: list[dict]) -> dict[str, str]:
    """The rows as the form macros read them: field name -> value."""
    values = {}
    for n, row in enumerate(rows):
        for key in ("kind", "description", "supports_rhk_id", "iku_id", "rhk_id"):
            values[f"rhk.{n}.{key}"] = row[key]
        for m, iki in enumerate(row["indikator"]):
            for key, value in iki.items():
                values[f"rhk.{n}.indikator.{m}.{key}"] = value
    return values


# The services' messages (pydantic's and a few of their own) in the portal's words; others are shown as sent.
SERVICE_MESSAGES = {
    "String should have at least 1 character": N_("Wajib diisi."),
    "Field required": N_("Wajib diisi."),
    "Input should be greater than 0": N_("Harus lebih besar dari 0."),
    "Input should be greater than or equal to 0": N_("Tidak boleh kurang dari 0."),
    "Input should be a valid number, unable to parse string as a number": N_("Isi dengan angka."),
    "Input should be a valid date or datetime, input is too short": N_("Isi dengan tanggal."),
    "Input should be a valid URL, relative URL without a base": N_("Isi dengan tautan yang sah."),
}


def in_our_words(errors: dict[str, str]) -> dict[str, str]:
    return {name: SERVICE_MESSAGES.get(message, message) for name, message in errors.items()}


SKP_STATES = {
    "draft": N_("Draf"),
    "submitted": N_("Diajukan"),
    "returned": N_("Dikembalikan"),
    "approved": N_("Disetujui"),
    "superseded": N_("Digantikan"),
}
PERIOD_STATES = {"open": N_("terbuka"), "closed": N_("ditutup")}


def number_text(value) -> str:
    """A number as a person reads it here: 120 rather than 120.0, a comma for decimals."""
    return _number_text(value).replace(".", ",")


SHOWN = {"skp_states": SKP_STATES, "period_states": PERIOD_STATES, "number": number_text}
"""What the employee's templates use besides the page's own data."""
