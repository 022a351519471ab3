"""Pejabat penilai: the pure rules the appraiser's pages share (no routes here; unit-tested).

Which period a page shows, the team grouped by the state of their SKP, what needs doing on the
home page, and which form row of a 360° round a refusal is about (the feedback-service names the
field by the giver's position in the request; the form's rows may have gaps)."""

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
EKSPEKTASI = (
    ("di_atas_ekspektasi", "Di atas ekspektasi"),
    ("sesuai_ekspektasi", "Sesuai ekspektasi"),
    ("di_bawah_ekspektasi", "Di bawah ekspektasi"),
)
GIVER_SOURCES = (
    ("peer", "Rekan kerja"),
    ("subordinate", "Bawahan"),
    ("self", "Diri sendiri"),
    ("appraiser", "Pejabat penilai"),
)
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
    return [
        Todo(
            "skp",
            "Periksa SKP {name} yang diajukan",
            f"/penilai/skp/{m['skp_id']}",
            {"name": m.get("name") or m["nip"]},
            urgent=True,
        )
        for _state, group in team_by_state(members)
        if _state == "submitted"
        for m in group
    ]


def appraisal_todos(appraisals: list[dict], names: dict[str, str]) -> list[Todo]:
    return [
        Todo(
            "penilaian",
            "Konfirmasi usulan penilaian {name}",
            f"/penilai/penilaian/{a['appraisal_id']}",
            {"name": names.get(a["nip"], a["nip"])},
            urgent=True,
        )
        for a in appraisals
        if a.get("status") == "proposed"
    ]


def objection_todos(objections: list[dict], me: str) -> list[Todo]:
    return [
        Todo(
            "keberatan",
            "Putuskan Keberatan {nip}",
            f"/penilai/keberatan/{o['objection_id']}",
            {"nip": o["nip"]},
            urgent=True,
        )
        for o in objections
        if o.get("status") == "open" and o.get("superior_nip") == me
    ]


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


# The feedback-service's words for a giver it does not know, in the portal's (shown next to the NIP).
SERVICE_MESSAGES = {"no such employee in this agency": "Pegawai dengan NIP ini tidak dikenal."}


def round_errors(problem: ServiceProblem, givers: list[dict]) -> tuple[dict[str, str], list[str]]:
    """(field errors, general errors) of a refused round. The service names the field at fault
    (``givers.N.nip`` / ``givers.N.source``, N counting the givers sent), so each is moved to the
    form row that giver came from; "name at least one giver" (``givers``) goes on the first row."""
    if not problem.errors:
        return {}, [problem.detail or problem.title]
    fields = {}
    for name, message in problem.field_errors.items():
        parts = name.split(".")
        if parts == ["givers"]:
            parts = ["givers", "0", "nip"]
        elif len(parts) >= 2 and parts[0] == "givers" and parts[1].isdigit() and int(parts[1]) < len(givers):
            parts[1] = str(givers[int(parts[1])]["row"])
        fields[".".join(parts)] = SERVICE_MESSAGES.get(message, message)
    return fields, []


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
