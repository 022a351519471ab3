"""Pejabat penilai: the pure rules the appraiser's pages share (no routes here; unit-tested).

Which period a page shows, the team grouped by the state of their SKP, what needs doing on the
home page, and which giver of a 360° round a refusal is about (the feedback-service names the
rule, never the giver, so the portal finds the row the rule points at)."""

from dataclasses import dataclass, field

from web_portal.clients import ServiceProblem

# The order the team page lists SKP states in: what waits for the appraiser first.
SKP_STATES = ("submitted", "returned", "draft", "none", "approved")
SKP_STATE_LABELS = {
    "submitted": "Menunggu persetujuan",
    "returned": "Dikembalikan",
    "draft": "Masih disusun",
    "none": "Belum menyusun SKP",
    "approved": "Disetujui",
}
EKSPEKTASI = (("di_atas_ekspektasi", "Di atas ekspektasi"), ("sesuai_ekspektasi", "Sesuai ekspektasi"),
              ("di_bawah_ekspektasi", "Di bawah ekspektasi"))
GIVER_SOURCES = (("peer", "Rekan kerja"), ("subordinate", "Bawahan"), ("self", "Diri sendiri"),
                 ("appraiser", "Pejabat penilai"))
GIVER_ROWS = 6  # the open-round form's giver rows (empty rows are left out)


def choose_period(periods: list[dict], requested: str | None) -> dict | None:
    """The period asked for when the agency has it; else the latest open one; else the latest."""
    if not periods:
        return None
    if requested:
        chosen = next((p for p in periods if p["period_id"] == requested), None)
        if chosen is not None:
            return chosen
    latest = sorted(periods, key=lambda p: p.get("year", 0))
    open_ones = [p for p in latest if p.get("status") == "open"]
    return (open_ones or latest)[-1]


def skp_state(member: dict) -> str:
    """A team member's SKP state as the appraiser acts on it: a submitted revision of an approved
    SKP waits for them just as a first submission does."""
    revision = member.get("revision") or {}
    if revision.get("status") == "submitted":
        return "submitted"
    return member.get("status") or "none"


def team_by_state(members: list[dict]) -> list[tuple[str, list[dict]]]:
    """The team grouped by SKP state, in SKP_STATES order, empty groups left out, names sorted."""
    groups: dict[str, list[dict]] = {}
    for m in members:
        groups.setdefault(skp_state(m), []).append(m)
    ordered = [s for s in SKP_STATES if s in groups] + sorted(s for s in groups if s not in SKP_STATES)
    return [(s, sorted(groups[s], key=lambda m: (m.get("name") or "", m["nip"]))) for s in ordered]


@dataclass(frozen=True)
class Todo:
    """One thing the appraiser should do: ``text`` is Indonesian with ``{}`` values."""

    kind: str  # skp, penilaian, keberatan
    text: str
    link: str
    values: dict = field(default_factory=dict)
    urgent: bool = False


def skp_todos(members: list[dict]) -> list[Todo]:
    return [Todo("skp", "Periksa SKP {name} yang diajukan", f"/penilai/skp/{m['skp_id']}",
                 {"name": m.get("name") or m["nip"]}, urgent=True)
            for _state, group in team_by_state(members) if _state == "submitted" for m in group]


def appraisal_todos(appraisals: list[dict], names: dict[str, str]) -> list[Todo]:
    return [Todo("penilaian", "Konfirmasi usulan penilaian {name}", f"/penilai/penilaian/{a['appraisal_id']}",
                 {"name": names.get(a["nip"], a["nip"])}, urgent=True)
            for a in appraisals if a.get("status") == "proposed"]


def objection_todos(objections: list[dict], me: str) -> list[Todo]:
    return [Todo("keberatan", "Putuskan Keberatan {nip}", f"/penilai/keberatan/{o['objection_id']}", {"nip": o["nip"]},
                 urgent=True)
            for o in objections if o.get("status") == "open" and o.get("superior_nip") == me]


# -- the open-round form ---------------------------------------------------------------------------
def givers_from_form(form) -> list[dict]:
    """The giver rows the appraiser filled in (``givers.N.nip`` / ``givers.N.source``), with the
    row number each came from, so an error lands on that row."""
    found = []
    for n in range(GIVER_ROWS):
        nip = (form.get(f"givers.{n}.nip") or "").strip()
        if nip:
            found.append({"row": n, "nip": nip, "source": form.get(f"givers.{n}.source") or "peer"})
    return found


def giver_refusal_field(detail: str, givers: list[dict], *, employee_nip: str, appraiser_nip: str | None,
                        opener_nip: str) -> str | None:
    """The form field a feedback-service refusal of the round is about (``givers.N.nip`` or
    ``givers.N.source``), found by applying the rule its detail names; None when no row breaks it."""
    def first(broken, part="source"):
        row = next((g for g in givers if broken(g)), None)
        return None if row is None else f"givers.{row['row']}.{part}"

    text = detail.lower()
    if "more than once" in text:
        seen: set[str] = set()
        for g in givers:
            if g["nip"] in seen:
                return f"givers.{g['row']}.nip"
            seen.add(g["nip"])
        return None
    if "'self' giver" in text:
        return first(lambda g: g["source"] == "self" and g["nip"] != employee_nip)
    if "only give 'self'" in text:
        return first(lambda g: g["nip"] == employee_nip and g["source"] != "self")
    if "can be the 'appraiser' giver" in text:
        return first(lambda g: g["source"] == "appraiser" and g["nip"] != appraiser_nip)
    if "only give 'appraiser'" in text:
        return first(lambda g: g["nip"] == appraiser_nip and g["source"] != "appraiser")
    if "cannot be named" in text:
        return first(lambda g: g["nip"] == opener_nip and g["source"] in ("peer", "subordinate"))
    return None


def round_errors(problem: ServiceProblem, givers: list[dict], *, employee_nip: str, appraiser_nip: str | None,
                 opener_nip: str, known_nips: set[str]) -> tuple[dict[str, str], list[str]]:
    """(field errors, general errors) of a refused round. Field names of a validation error
    (``givers.N.nip``) count the givers sent, so they are moved to the form row each came from."""
    if problem.errors:
        fields = {}
        for name, message in problem.field_errors.items():
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "givers" and parts[1].isdigit() and int(parts[1]) < len(givers):
                parts[1] = str(givers[int(parts[1])]["row"])
            fields[".".join(parts)] = message
        return fields, []
    message = problem.detail or problem.title
    if problem.status == 404:
        # An unknown giver: the roster does not know a NIP the appraiser typed.
        unknown = [g for g in givers if g["nip"] not in known_nips and g["source"] != "appraiser"]
        if len(unknown) == 1:
            return {f"givers.{unknown[0]['row']}.nip": "Pegawai dengan NIP ini tidak dikenal."}, []
        return {}, ["Salah satu pemberi umpan balik tidak dikenal. Periksa NIP-nya."]
    found = giver_refusal_field(message, givers, employee_nip=employee_nip, appraiser_nip=appraiser_nip,
                                opener_nip=opener_nip)
    return ({found: message}, []) if found else ({}, [message])


# -- confirming a proposal, deciding an objection ----------------------------------------------------
def _text(form, name: str) -> str | None:
    return (form.get(name) or "").strip() or None


def confirm_body(form) -> dict:
    """A rating left on "as proposed" (empty) is omitted: the service keeps the proposal's."""
    body = {k: form.get(k) for k in ("rating_hasil_kerja", "rating_perilaku") if form.get(k)}
    if reason := _text(form, "reason"):
        body["reason"] = reason
    return body


def decision_body(form) -> dict:
    """Upheld carries only the reason; changed carries the ratings chosen (an empty one stays)."""
    body = {"outcome": form.get("outcome") or "", "reason": _text(form, "reason") or ""}
    if body["outcome"] == "changed":
        body |= {k: form.get(k) for k in ("rating_hasil_kerja", "rating_perilaku") if form.get(k)}
    return body
