"""training-service's unit of work with no database: in-memory repositories implementing the
methods of the real ones (training_service.adapters.*_repository) over plain rows, and the
fake roster. Rows carry every column the tables have (their defaults filled in), as a read
from the database would."""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime

from fakes import FakeRoster, FakeUnitOfWork
from training_service.adapters.ledger_repository import Credited, YearDone
from training_service.domain import SEEDED_CATALOGUE, CatalogueItem, EntryStatus, ItemProgress, version

PLAN_DEFAULTS = {"supersedes_plan_id": None, "superseded_by_plan_id": None, "completed_jp_kept": 0}
ITEM_DEFAULTS = {"status": "planned", "enrolled_at": None, "completed_on": None, "evidence": None}
DECISION_DEFAULTS = {"kind": "annual", "checkpoint_id": None, "revision": 1, "supersedes_appraisal_id": None}
ENTRY_DEFAULTS = {"reviewed_by": None, "reviewed_at": None, "review_note": None}


class FakeCatalogue:
    def __init__(self):
        self.seeded: dict[str, CatalogueItem] = {}
        self.own: dict[str, dict[str, CatalogueItem]] = defaultdict(dict)

    async def seed(self) -> int:
        missing = [i for i in SEEDED_CATALOGUE if i.code not in self.seeded]
        self.seeded.update({i.code: i for i in missing})
        return len(missing)

    async def load(self, agency_id: str) -> list[CatalogueItem]:
        return [item for item, _ in await self.load_with_source(agency_id)]

    async def load_with_source(self, agency_id: str) -> list[tuple[CatalogueItem, str]]:
        by_code = {code: (item, "seeded") for code, item in self.seeded.items()}
        by_code.update({code: (item, "agency") for code, item in self.own[agency_id].items()})
        return [by_code[code] for code in sorted(by_code)]

    async def load_many(self, agency_ids: Iterable[str]) -> dict[str, list[CatalogueItem]]:
        return {agency_id: await self.load(agency_id) for agency_id in set(agency_ids)}

    async def upsert_many(self, agency_id: str, items: Sequence[CatalogueItem], now: datetime) -> list[str]:
        outcomes = []
        for item in items:
            found = self.own[agency_id].get(item.code)
            self.own[agency_id][item.code] = item
            outcomes.append("created" if found is None else "unchanged" if found == item else "updated")
        return outcomes


class FakeDecisions:
    def __init__(self):
        self.rows: list[dict] = []

    async def add_many(self, rows: Sequence[dict]) -> None:
        taken = {r["appraisal_id"] for r in self.rows}
        for row in rows:
            assert row["appraisal_id"] not in taken, "plan_decisions_pkey"
            self.rows.append({**DECISION_DEFAULTS, **row})

    async def decided(self, appraisal_ids: Collection[str]) -> set[str]:
        return {r["appraisal_id"] for r in self.rows if r["appraisal_id"] in set(appraisal_ids)}

    async def latest_annual(self, slots) -> dict:
        latest: dict = {}
        for r in self.rows:
            slot = (r["agency_id"], r["nip"], r["period_id"])
            if slot in set(slots) and r["kind"] == "annual":
                latest[slot] = max(latest.get(slot, (0, r["decided_at"])), version(r["revision"], r["decided_at"]))
        return latest

    async def of_employee(self, agency_id: str, nip: str) -> list[dict]:
        mine = [r for r in self.rows if (r["agency_id"], r["nip"]) == (agency_id, nip)]
        return sorted(mine, key=lambda r: r["decided_at"])

    async def page_of_period(self, agency_id: str, period_id: str, limit: int, offset: int) -> list[dict]:
        of_period = [r for r in self.rows if (r["agency_id"], r["period_id"]) == (agency_id, period_id)]
        return sorted(of_period, key=lambda r: (r["nip"], r["revision"]))[offset : offset + limit]


class FakePlans:
    def __init__(self):
        self.rows: dict[str, dict] = {}
        self.items: dict[str, dict] = {}

    async def add_many(self, rows: Sequence[dict], items: Sequence[dict]) -> None:
        for row in rows:
            self.rows[row["plan_id"]] = {**PLAN_DEFAULTS, **row}
        for item in items:
            self.items[item["item_id"]] = {**ITEM_DEFAULTS, **item}

    async def supersede(self, plan_id: str, by_plan_id: str) -> None:
        self.rows[plan_id].update(status="superseded", superseded_by_plan_id=by_plan_id)

    async def set_status(self, plan_id: str, status: str) -> None:
        self.rows[plan_id]["status"] = status

    async def enrol_item(self, item_id: str, at: datetime) -> None:
        self.items[item_id].update(status="enrolled", enrolled_at=at)

    async def complete_item(self, item_id: str, completed_on: date, evidence: str) -> None:
        self.items[item_id].update(status="completed", completed_on=completed_on, evidence=evidence)

    async def get(self, agency_id: str, plan_id: str) -> dict | None:
        found = self.rows.get(plan_id)
        return dict(found) if found and found["agency_id"] == agency_id else None

    async def item(self, plan_id: str, item_id: str) -> dict | None:
        found = self.items.get(item_id)
        return dict(found) if found and found["plan_id"] == plan_id else None

    async def items_of(self, plan_id: str) -> list[dict]:
        return [dict(i) for i in self.items.values() if i["plan_id"] == plan_id]

    async def progress_of(self, plan_id: str) -> list[ItemProgress]:
        return [ItemProgress(i["mandatory"], i["status"] == "completed") for i in await self.items_of(plan_id)]

    async def current_of_period(self, agency_id: str, nip: str, period_id: str, appraisal_id: str | None = None):
        current = [
            p
            for p in self.rows.values()
            if (p["agency_id"], p["nip"], p["period_id"]) == (agency_id, nip, period_id) and p["status"] != "superseded"
        ]
        named = [p for p in current if appraisal_id and p["appraisal_id"] == appraisal_id]
        latest = sorted(current, key=lambda p: p["created_at"], reverse=True)
        found = (named or latest or [None])[0]
        return dict(found) if found else None

    async def with_items(self, agency_id: str, plan_ids: Collection[str], *, by_nip: bool = False):
        chosen = [p for p in self.rows.values() if p["agency_id"] == agency_id and p["plan_id"] in set(plan_ids)]
        chosen.sort(key=lambda p: (p["nip"], p["created_at"]) if by_nip else (p["created_at"],))
        order = ("gap_kind", "gap", "catalogue_code")
        return [
            (dict(p), sorted(await self.items_of(p["plan_id"]), key=lambda i: tuple(i[k] for k in order)))
            for p in chosen
        ]

    async def current_items_of_year(self, agency_id: str, year: int) -> list[dict]:
        plans = {
            p["plan_id"]
            for p in self.rows.values()
            if p["agency_id"] == agency_id and p["year"] == year and p["status"] != "superseded"
        }
        return [dict(i) for i in self.items.values() if i["plan_id"] in plans]


class FakeLedger:
    def __init__(self):
        self.entries: dict[str, dict] = {}

    async def add(self, entry: dict) -> None:
        self.entries[entry["entry_id"]] = {**ENTRY_DEFAULTS, **entry}

    async def entry(self, agency_id: str, nip: str, entry_id: str) -> dict | None:
        found = self.entries.get(entry_id)
        return dict(found) if found and (found["agency_id"], found["nip"]) == (agency_id, nip) else None

    async def decide_claim(
        self, entry_id: str, decision: EntryStatus, reviewed_by: str, at: datetime, note: str | None
    ) -> bool:
        entry = self.entries[entry_id]
        if entry["status"] != EntryStatus.CLAIMED.value:
            return False
        entry.update(status=decision.value, reviewed_by=reviewed_by, reviewed_at=at, review_note=note)
        return True

    def _of_year(self, agency_id: str, nip: str, year: int) -> list[dict]:
        return [e for e in self.entries.values() if (e["agency_id"], e["nip"], e["year"]) == (agency_id, nip, year)]

    def _counting(self, agency_id: str, nip: str, year: int) -> list[dict]:
        return [e for e in self._of_year(agency_id, nip, year) if e["status"] == EntryStatus.VERIFIED.value]

    async def completed_jp(self, agency_id: str, nip: str, year: int) -> int:
        return sum(e["jp"] for e in self._counting(agency_id, nip, year))

    async def completed_codes(self, agency_id: str, nip: str, year: int) -> set[str]:
        return {e["catalogue_code"] for e in self._counting(agency_id, nip, year)}

    async def completed_in(self, keys) -> dict:
        found = {}
        for key in set(keys):
            counting = self._counting(*key)
            if counting:
                found[key] = YearDone(sum(e["jp"] for e in counting), frozenset(e["catalogue_code"] for e in counting))
        return found

    async def totals(self, agency_id: str, nip: str, year: int) -> tuple[int, int]:
        entries = self._of_year(agency_id, nip, year)
        return tuple(
            sum(e["jp"] for e in entries if e["status"] == s.value) for s in (EntryStatus.VERIFIED, EntryStatus.CLAIMED)
        )

    async def page(self, agency_id: str, nip: str, year: int, limit: int, offset: int) -> list[dict]:
        entries = sorted(
            self._of_year(agency_id, nip, year), key=lambda e: (e["completed_on"], e["recorded_at"], e["entry_id"])
        )
        return [dict(e) for e in entries[offset : offset + limit]]

    async def totals_of_agency(self, agency_id: str, year: int) -> dict[str, tuple[int, int]]:
        nips = {e["nip"] for e in self.entries.values() if (e["agency_id"], e["year"]) == (agency_id, year)}
        return {nip: await self.totals(agency_id, nip, year) for nip in nips}

    def _credited(self, year: int) -> list[dict]:
        return [e for e in self.entries.values() if e["year"] == year and e["status"] == EntryStatus.VERIFIED.value]

    async def agencies_crediting(self, year: int) -> list[str]:
        return sorted({e["agency_id"] for e in self._credited(year)})

    async def credited_page(self, agency_id: str, year: int, *, after, limit: int) -> list[Credited]:
        found = sorted(
            (e for e in self._credited(year) if e["agency_id"] == agency_id),
            key=lambda e: (e["nip"], e["completed_on"], e["entry_id"]),
        )
        if after is not None:
            found = [e for e in found if (e["nip"], e["completed_on"], e["entry_id"]) > tuple(after)]
        return [Credited(*(e[name] for name in Credited._fields)) for e in found[:limit]]


class FakeTalent:
    def __init__(self):
        self.results: dict[tuple[str, str, str], dict] = {}
        self.nominations: dict[tuple[str, str, int], dict] = {}

    async def of_employees(self, employees) -> tuple[list[dict], list[dict]]:
        employees = set(employees)
        return (
            [dict(r) for (a, n, _), r in self.results.items() if (a, n) in employees],
            [dict(r) for (a, n, _), r in self.nominations.items() if (a, n) in employees],
        )

    async def waiting_for_year(self, periods) -> list[tuple[str, str, str]]:
        return [(a, n, p) for (a, n, p), r in self.results.items() if (a, p) in set(periods) and r["year"] is None]

    async def save_results(self, rows: Iterable[dict]) -> None:
        for row in rows:
            key = (row["agency_id"], row["nip"], row["period_id"])
            stored = self.results.get(key)
            older = stored is not None and version(stored["revision"], stored["recorded_at"]) < version(
                row["revision"], row["recorded_at"]
            )
            if stored is None or older:
                self.results[key] = dict(row)

    async def set_years(self, years: dict[tuple[str, str], int]) -> None:
        for (agency_id, _nip, period_id), row in self.results.items():
            if (agency_id, period_id) in years:
                row["year"] = years[(agency_id, period_id)]

    async def save_nominations(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.nominations[(row["agency_id"], row["nip"], row["year"])] = dict(row)

    async def pool(self, agency_id: str, limit: int, offset: int) -> list[dict]:
        standing = [r for r in self.nominations.values() if r["agency_id"] == agency_id and r["status"] == "nominated"]
        standing.sort(key=lambda r: (-r["year"], r["nip"]))
        return [dict(r) for r in standing[offset : offset + limit]]


class FakeRecognitions:
    def __init__(self):
        self.rows: dict[str, dict] = {}

    async def save(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.rows.setdefault(row["recognition_id"], dict(row))  # a replay changes nothing

    async def latest_of(self, agency_id: str, nips: Collection[str], per_employee: int) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = defaultdict(list)
        mine = [r for r in self.rows.values() if r["agency_id"] == agency_id and r["nip"] in set(nips)]
        mine.sort(key=lambda r: r["recognition_id"])
        mine.sort(key=lambda r: r["given_at"], reverse=True)
        shown = ("recognition_id", "period_id", "checkpoint_id", "kind", "reason", "given_by_nip", "given_at")
        for r in mine:
            if len(found[r["nip"]]) < per_employee:
                found[r["nip"]].append({c: r[c] for c in shown})
        return dict(found)


class FakeProvince:
    """The province view's counts over the fake plans, ledger and nominations, grouped as the real
    statements group them."""

    def __init__(self, plans: FakePlans, ledger: FakeLedger, talent: FakeTalent):
        self._plans, self._ledger, self._talent = plans, ledger, talent

    async def plans_by_status(self, year: int) -> list[tuple[str, str, int]]:
        counted: dict[tuple[str, str], int] = defaultdict(int)
        for row in self._plans.rows.values():
            if row.get("year") == year:
                counted[row["agency_id"], row["status"]] += 1
        return [(a, s, n) for (a, s), n in counted.items()]

    async def fulfilment(self, year: int):
        from training_service.adapters.province_repository import Fulfilment
        from training_service.domain import JP_ENTITLEMENT

        jp: dict[tuple[str, str], int] = defaultdict(int)
        for e in self._ledger.entries.values():
            if e["year"] == year and e["status"] == EntryStatus.VERIFIED.value:
                jp[e["agency_id"], e["nip"]] += e["jp"]
        found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (agency_id, _nip), total in jp.items():
            if total > 0:
                found[agency_id][0] += 1
                found[agency_id][1] += total >= JP_ENTITLEMENT
        return [Fulfilment(a, with_jp, fulfilled) for a, (with_jp, fulfilled) in found.items()]

    async def talent_pool(self, year: int, limit: int, offset: int) -> list[dict]:
        standing = [r for r in self._talent.nominations.values() if r["year"] == year and r["status"] == "nominated"]
        standing.sort(key=lambda r: (r["agency_id"], r["nip"]))
        return [dict(r) for r in standing[offset : offset + limit]]


class FakeTrainingUnitOfWork(FakeUnitOfWork):
    """:class:`training_service.service_layer.unit_of_work.TrainingUnitOfWork` in memory, its
    repositories made at once (so a test can arrange data before a use case opens the unit),
    with the seeded catalogue in place, as after the service's start."""

    def __init__(self, clock=None):
        super().__init__(clock)
        self.open_repositories(None)
        self._opened = True

    def open_repositories(self, session) -> None:
        self.roster = FakeRoster()
        self.catalogue = FakeCatalogue()
        self.catalogue.seeded = {i.code: i for i in SEEDED_CATALOGUE}
        self.decisions = FakeDecisions()
        self.plans = FakePlans()
        self.ledger = FakeLedger()
        self.talent = FakeTalent()
        self.recognitions = FakeRecognitions()

        self.province = FakeProvince(self.plans, self.ledger, self.talent)
