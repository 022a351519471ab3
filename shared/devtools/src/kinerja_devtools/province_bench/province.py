"""The province the benchmark drives: ``n`` employees spread over ``agencies`` Dinas, each a
Kepala Dinas, Kepala Bidang heading teams of about ``TEAM`` staff, and the staff. Pure data:
no I/O here, so the shape can be reasoned about (and tested) on its own."""

import csv
import io
import math
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from kinerja_devtools.scenario import MIX, PROFILES, Profile

TEAM = 40  # staff per Kepala Bidang: teams large enough to matter, small enough to be real


def province_nip(i: int) -> str:
    """An 18-digit NIP unique across the province for every i below ~10 million
    (the scenario's make_nip repeats after ~20,000 and would collide across agencies)."""
    born = date(1970, 1, 1) + timedelta(days=i // 1000)
    return f"{born:%Y%m%d}200001{1 + i % 2}{i % 1000:03d}"


@dataclass
class Member:
    nip: str
    name: str
    unit_id: str
    appraiser_nip: str
    profile: Profile
    position: str = "Analis Pelayanan"
    level: int = 2  # 0 Kepala Dinas, 1 Kepala Bidang, 2 staff: the order SKPs are approved in
    skp_id: str | None = None
    rhk_ids: list[str] = field(default_factory=list)
    iki: list[dict] = field(default_factory=list)
    realised: int = 0  # realisations recorded (a refused one is not waited for)
    forms: int = 0  # 360° forms answered for this member


@dataclass
class Agency:
    agency_id: str
    hr_nip: str
    atasan_nip: str  # the Kepala Dinas's appraiser, outside the roster (the Sekda)
    units: list[dict]
    members: list[Member]
    period_id: str | None = None
    checkpoint_id: str | None = None  # Triwulan IV, where realisations are recorded
    feedback_checkpoint_id: str | None = None
    iku: list[dict] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)

    def team(self, member: Member) -> list[Member]:
        """Whom ``member`` appraises."""
        return [self.by_nip[nip] for nip in self._teams.get(member.nip, [])]

    def roster_csv(self, members: list[Member]) -> str:
        """The CSV the HR officer uploads (``POST /employees/import``) for these members."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["nip", "name", "position", "unit", "unit_id", "appraiser_nip"])
        names = {u["unit_id"]: u["name"] for u in self.units}
        for m in members:
            writer.writerow([m.nip, m.name, m.position, names[m.unit_id], m.unit_id, m.appraiser_nip])
        return out.getvalue()

    def givers_of(self, member: Member) -> list[tuple[str, str, str]]:
        """(nip, source, role) of the 360° givers: the appraiser, the employee, and three
        colleagues: subordinates for a head, else peers of the same appraiser (as the demo does)."""
        givers = [(member.appraiser_nip, "appraiser", "appraiser"), (member.nip, "self", "employee")]
        team = self._teams.get(member.nip)
        if team:
            return givers + [(nip, "subordinate", "employee") for nip in team[:3]]
        peers = [nip for nip in self._teams.get(member.appraiser_nip, []) if nip != member.nip]
        if len(peers) < 3:  # a lone Kepala Dinas: the heads act as colleagues
            peers += [
                m.nip for m in self.members if m.nip not in peers and m.nip not in (member.nip, member.appraiser_nip)
            ]
        start = int(member.nip[-4:]) % len(peers)
        return givers + [(nip, "peer", "employee") for nip in (peers[start:] + peers[:start])[:3]]

    def __post_init__(self) -> None:
        self.by_nip = {m.nip: m for m in self.members}
        self._teams: dict[str, list[str]] = {}
        for m in self.members:
            self._teams.setdefault(m.appraiser_nip, []).append(m.nip)


def build_province(n: int, agencies: int, run_id: str | None = None) -> list[Agency]:
    """``n`` employees in ``agencies`` agencies (the remainder goes to the first ones)."""
    if agencies < 1 or n < 4 * agencies:
        raise ValueError(f"need at least 4 employees per agency (N={n}, AGENCIES={agencies})")
    run_id = run_id or uuid.uuid4().hex[:6]
    counter = iter(range(10_000_000))
    result = []
    for a in range(agencies):
        size = n // agencies + (1 if a < n % agencies else 0)
        result.append(_agency(f"dinas-{a + 1:02d}-{run_id}", size, counter))
    return result


def _agency(agency_id: str, size: int, counter) -> Agency:
    hr_nip, atasan_nip = province_nip(next(counter)), province_nip(next(counter))
    solid = PROFILES["solid"]
    heads_count = max(1, math.ceil((size - 1) / (TEAM + 1)))
    kadis = Member(province_nip(next(counter)), "Kepala Dinas", "dinas", atasan_nip, solid, "Kepala Dinas", level=0)
    units = [
        {"unit_id": "dinas", "name": "Dinas", "parent_unit_id": None, "head_nip": kadis.nip, "serves_public": False}
    ]
    heads = []
    for b in range(heads_count):
        unit_id = f"bidang-{b + 1:03d}"
        head = Member(
            province_nip(next(counter)),
            f"Kepala Bidang {b + 1}",
            unit_id,
            kadis.nip,
            solid,
            f"Kepala Bidang {b + 1}",
            level=1,
        )
        units.append(
            {
                "unit_id": unit_id,
                "name": f"Bidang {b + 1}",
                "parent_unit_id": "dinas",
                "head_nip": head.nip,
                "serves_public": False,
            }
        )
        heads.append(head)
    staff = []
    for i in range(size - 1 - heads_count):
        head = heads[i % heads_count]
        staff.append(
            Member(province_nip(next(counter)), f"Pegawai {i + 1}", head.unit_id, head.nip, PROFILES[MIX[i % len(MIX)]])
        )
    return Agency(agency_id, hr_nip, atasan_nip, units, [kadis, *heads, *staff])
