"""The province's year over HTTP, phase by phase, with the request shapes of the demo
(kinerja_devtools.scenario). Every phase runs all agencies at once under the client's bound on
requests in flight; a refused request is counted and whatever depends on it is skipped."""

import asyncio
import time
from datetime import date, datetime

from kinerja_devtools.province_bench.client import Client
from kinerja_devtools.province_bench.measurements import Phase, Recorder
from kinerja_devtools.province_bench.province import Agency, Member
from kinerja_devtools.scenario import AGENCY_IKU, PLAN, VALUES

CSV_ROWS_PER_IMPORT = 5000  # target-service's bound on one roster import
HR, EMPLOYEE, APPRAISER = ["hr"], ["employee"], ["appraiser"]


def _wall(iso: str | None) -> float | None:
    return datetime.fromisoformat(iso).timestamp() if iso else None


class Year:
    def __init__(
        self,
        client: Client,
        recorder: Recorder,
        agencies: list[Agency],
        *,
        poll_seconds: float = 0.5,
        wait_seconds: float = 600.0,
    ):
        self.client = client
        self.recorder = recorder
        self.agencies = agencies
        self.poll_seconds = poll_seconds
        self.wait_seconds = wait_seconds
        self.year = date.today().year
        self.waits: dict[str, float | None] = {}  # seconds spent waiting for a service to catch up, outside any phase
        self.proposals: dict[str, dict[str, dict]] = {a.agency_id: {} for a in agencies}  # agency -> nip -> row
        self.confirmed: dict[str, int] = {a.agency_id: 0 for a in agencies}

    @property
    def n(self) -> int:
        return sum(a.size for a in self.agencies)

    def hr(self, a: Agency, method: str, service: str, path: str, **kwargs):
        return self.client.call(method, service, path, agency=a.agency_id, nip=a.hr_nip, roles=HR, **kwargs)

    def as_member(self, a: Agency, nip: str, roles: list[str], method: str, service: str, path: str, **kwargs):
        return self.client.call(method, service, path, agency=a.agency_id, nip=nip, roles=roles, **kwargs)

    async def run(self) -> None:
        await self.roster()
        await self.period()
        await self.targets()
        await self.realisations()
        await self.feedback()
        await self.appraisal_catch_up()
        closed_at = await self.close()
        await self.await_proposals(closed_at)
        last_confirm = await self.confirm()
        await self.await_plan_decisions(last_confirm)

    # -- writes ---------------------------------------------------------------------------
    async def roster(self) -> None:
        chunks = sum(-(-a.size // CSV_ROWS_PER_IMPORT) for a in self.agencies)
        async with self.recorder.phase("roster import", sum(len(a.units) for a in self.agencies) + chunks) as p:
            await asyncio.gather(*(self._roster(a, p) for a in self.agencies))
        p.figures["employees_per_second"] = round(self.n / p.seconds, 1)

    async def _roster(self, a: Agency, p: Phase) -> None:
        root, *others = a.units
        await self.hr(a, "POST", "target-service", "/units", json=root)
        await asyncio.gather(*(self.hr(a, "POST", "target-service", "/units", json=u) for u in others))
        for start in range(0, a.size, CSV_ROWS_PER_IMPORT):  # top-down order: appraisers come first
            report = await self.hr(
                a,
                "POST",
                "target-service",
                "/employees/import",
                content=a.roster_csv(a.members[start : start + CSV_ROWS_PER_IMPORT]).encode(),
                headers={"Content-Type": "text/csv"},
            )
            for row in (report or {}).get("errors", []):
                p.failed("row refused", "POST target-service/employees/import", str(row))

    async def period(self) -> None:
        async with self.recorder.phase("period and IKU", len(self.agencies) * (1 + len(AGENCY_IKU))):
            await asyncio.gather(*(self._period(a) for a in self.agencies))

    async def _period(self, a: Agency) -> None:
        period = await self.hr(a, "POST", "target-service", "/periods", json={"year": self.year})
        if period is None:
            return
        a.period_id = period["period_id"]
        last = [c for c in period["checkpoints"] if c["name"] == "Triwulan IV"] or period["checkpoints"][-1:]
        a.checkpoint_id = last[0]["checkpoint_id"] if last else None
        a.iku = [
            i
            for i in await asyncio.gather(
                *(self.hr(a, "POST", "target-service", f"/periods/{a.period_id}/iku", json=iku) for iku in AGENCY_IKU)
            )
            if i
        ]

    async def targets(self) -> None:
        """Draft, submit, approve: the Kepala Dinas's RHK serve the IKU; everyone else's support
        their appraiser's approved RHK, so a team starts as soon as its head is approved."""
        async with self.recorder.phase("SKPs top-down", 3 * self.n) as p:
            await asyncio.gather(*(self._cascade(a, a.members[0], None, p) for a in self.agencies))

    async def _cascade(self, a: Agency, member: Member, supervisor: Member | None, p: Phase) -> None:
        if await self._skp(a, member, supervisor):
            await asyncio.gather(*(self._cascade(a, sub, member, p) for sub in a.team(member)))
        else:
            skipped = self._subtree(a, member)
            if skipped:
                p.failed("skipped", f"SKPs of {skipped} below {member.nip}", "their appraiser has no approved SKP")

    def _subtree(self, a: Agency, member: Member) -> int:
        return sum(1 + self._subtree(a, sub) for sub in a.team(member))

    async def _skp(self, a: Agency, member: Member, supervisor: Member | None) -> bool:
        rhk = [dict(row) for row in PLAN]
        for n, row in enumerate(rhk[: len(AGENCY_IKU)]):  # the RHK utama cascade index by index
            if supervisor is None:
                if n < len(a.iku):
                    row["iku_id"] = a.iku[n]["iku_id"]
            else:
                row["supports_rhk_id"] = supervisor.rhk_ids[n]
        skp = await self.as_member(
            a, member.nip, EMPLOYEE, "POST", "target-service", "/skp", json={"period_id": a.period_id, "rhk": rhk}
        )
        if skp is None:
            return False
        member.skp_id = skp["skp_id"]
        if (
            await self.as_member(a, member.nip, EMPLOYEE, "POST", "target-service", f"/skp/{member.skp_id}/submit")
            is None
        ):
            return False
        approved = await self.as_member(
            a, member.appraiser_nip, APPRAISER, "POST", "target-service", f"/skp/{member.skp_id}/approve"
        )
        if approved is None:
            return False
        member.rhk_ids = [r["rhk_id"] for r in approved["rhk"]]
        member.iki = [iki for r in approved["rhk"] for iki in r["indikator"]]
        return True

    async def realisations(self) -> None:
        work = [(a, m, iki) for a in self.agencies for m in a.members for iki in m.iki]
        async with self.recorder.phase("realisations", len(work)):
            await asyncio.gather(*(self._realisation(a, m, iki) for a, m, iki in work))

    async def _realisation(self, a: Agency, m: Member, iki: dict) -> None:
        reached = m.profile.achievement
        value = iki["target"] * reached if iki["higher_is_better"] else iki["target"] / reached
        if (
            await self.as_member(
                a,
                m.nip,
                EMPLOYEE,
                "POST",
                "target-service",
                f"/skp/{m.skp_id}/realizations",
                json={
                    "iki_id": iki["iki_id"],
                    "checkpoint_id": a.checkpoint_id,
                    "value": round(value, 2),
                    "evidence": f"https://arsip.example.go.id/bukti/{iki['iki_id']}",
                },
            )
            is not None
        ):
            m.realised += 1

    async def feedback(self) -> None:
        """Per employee the appraiser opens a round naming five givers, each answers, the appraiser closes it."""
        await self._wait("feedback-service knows the periods and rosters", self._feedback_ready)
        # Per employee: open, an answer per giver, close.
        requests = sum(2 + len(a.givers_of(m)) for a in self.agencies for m in a.members)
        async with self.recorder.phase("feedback rounds", requests):
            await asyncio.gather(*(self._round(a, m) for a in self.agencies for m in a.members))

    async def _feedback_ready(self) -> bool:
        for a in self.agencies:
            found = await self.hr(a, "GET", "feedback-service", f"/periods/{a.period_id}/checkpoints", count=False)
            last = await self.hr(
                a,
                "GET",
                "feedback-service",
                f"/employees/{a.members[-1].nip}/feedback",
                params={"period_id": a.period_id},
                count=False,
            )
            if not found or last is None:
                return False
            named = [c for c in found["checkpoints"] if c["name"].strip().lower() == "triwulan iv"]
            chosen = named or sorted(found["checkpoints"], key=lambda c: c["ends_on"])[-1:]
            a.feedback_checkpoint_id = chosen[0]["checkpoint_id"] if chosen else None
        return True

    async def _round(self, a: Agency, m: Member) -> None:
        givers = a.givers_of(m)
        opened = await self.as_member(
            a,
            m.appraiser_nip,
            APPRAISER,
            "POST",
            "feedback-service",
            "/feedback-rounds",
            json={
                "nip": m.nip,
                "period_id": a.period_id,
                "checkpoint_id": a.feedback_checkpoint_id,
                "givers": [{"nip": nip, "source": source} for nip, source, _ in givers],
            },
        )
        if opened is None:
            return
        answer = {"ratings": {value: m.profile.behaviour for value in VALUES}}
        answered = await asyncio.gather(
            *(
                self.as_member(
                    a,
                    nip,
                    [role],
                    "PUT",
                    "feedback-service",
                    f"/feedback-rounds/{opened['round_id']}/answer",
                    json=answer,
                )
                for nip, _source, role in givers
            )
        )
        m.forms = sum(1 for r in answered if r is not None)
        await self.as_member(
            a, m.appraiser_nip, APPRAISER, "POST", "feedback-service", f"/feedback-rounds/{opened['round_id']}/close"
        )

    # -- waiting for the consumers --------------------------------------------------------
    async def appraisal_catch_up(self) -> None:
        """Until appraisal-service's projections hold every SKP, realisation and form: reads,
        each employee asked until complete. Its seconds are the consumers' lag behind the writes."""
        pending = [(a, m) for a in self.agencies for m in a.members if m.rhk_ids]  # an approved SKP
        async with self.recorder.phase("appraisal catch-up", len(pending), unit="employee") as p:
            deadline = time.monotonic() + self.wait_seconds
            while pending and time.monotonic() < deadline:
                known = await asyncio.gather(*(self._inputs_complete(a, m) for a, m in pending))
                pending = [am for am, ok in zip(pending, known, strict=True) if not ok]
                p.ops = p.total - len(pending)
                if pending:
                    await asyncio.sleep(self.poll_seconds)
            if pending:
                p.failed(
                    "timeout",
                    "appraisal-service inputs",
                    f"{len(pending)} employees incomplete after {self.wait_seconds:.0f} s",
                )

    async def _inputs_complete(self, a: Agency, m: Member) -> bool:
        inputs = await self.hr(
            a, "GET", "appraisal-service", f"/periods/{a.period_id}/employees/{m.nip}/inputs", count=False
        )
        return (
            bool(inputs)
            and inputs["skp_version"] is not None
            and inputs["realizations"] >= m.realised
            and inputs["feedback_forms"] >= m.forms
        )

    async def close(self) -> float:
        async with self.recorder.phase("period close", len(self.agencies)):
            closed_at = time.time()
            await asyncio.gather(
                *(self.hr(a, "POST", "target-service", f"/periods/{a.period_id}/close") for a in self.agencies)
            )
        return closed_at

    async def await_proposals(self, closed_at: float) -> None:
        """From the close until appraisal-service has a proposal for every employee: the span
        ends when a poll (every 0.1 s) saw the last one, or at the last ``proposed_at`` if later."""
        # An employee whose SKP was never approved (a refused request, counted where it happened) gets none.
        expected = {a.agency_id: sum(1 for m in a.members if m.rhk_ids) for a in self.agencies}
        async with self.recorder.phase("proposals", sum(expected.values()), unit="proposal") as p:
            last_seen = await self._poll_all(
                p, lambda a: self._proposals_made(a, expected[a.agency_id]), expected, poll_seconds=0.1
            )
        # The proposals themselves, read once they are all made (the appraisers' list for the next
        # phase): reading every page at every poll cost appraisal-service more CPU than making them.
        await asyncio.gather(*(self._read_proposals(a) for a in self.agencies))
        stamps = [_wall(row["proposed"]["proposed_at"]) for rows in self.proposals.values() for row in rows.values()]
        stamps = [s for s in stamps if s]
        # A proposal's stamp is its batch's start: the span ends when the poll saw the last one
        # (at most 0.1 s late), so the last batch's own time is counted.
        p.seconds = max([last_seen, *stamps]) - closed_at
        first = min(stamps) if stamps else None
        p.figures["first_proposal_after_s"] = round(first - closed_at, 3) if first else None
        # The throughput once proposing began: the wait before it is ADR 0002's settle time for
        # answers still in flight, a product setting, not work (the rate above includes it).
        proposing = p.seconds - (first - closed_at) if first else 0.0
        p.figures["proposing_per_second"] = round(p.ops / proposing, 1) if proposing > 0 else None

    async def _proposals_made(self, a: Agency, expected: int) -> int:
        """``expected`` once the agency has that many current annual results, else 0: one row at
        the last expected place is asked for, not a count (a count reads every result and the whole
        roster at each poll, appraisal-service's CPU that the proposals then wait for)."""
        found = await self.hr(
            a,
            "GET",
            "appraisal-service",
            f"/periods/{a.period_id}/appraisals",
            params={"limit": 1, "offset": max(expected - 1, 0)},
            count=False,
        )
        return expected if (found or {}).get("appraisals") else 0

    async def _read_proposals(self, a: Agency) -> None:
        rows = await self._pages(a, "appraisal-service", f"/periods/{a.period_id}/appraisals", "appraisals", 500)
        self.proposals[a.agency_id] = {row["nip"]: row for row in rows}

    async def confirm(self) -> float:
        work = [
            (a, row)
            for a in self.agencies
            for row in self.proposals[a.agency_id].values()
            if row["status"] == "proposed"
        ]
        async with self.recorder.phase("confirmations", len(work)):
            await asyncio.gather(*(self._confirm(a, row) for a, row in work))
            return time.time()

    async def _confirm(self, a: Agency, row: dict) -> None:
        member = a.by_nip.get(row["nip"])
        appraiser = member.appraiser_nip if member else a.atasan_nip
        if (
            await self.as_member(
                a,
                appraiser,
                APPRAISER,
                "POST",
                "appraisal-service",
                f"/appraisals/{row['appraisal_id']}/confirm",
                json={},
            )
            is not None
        ):
            self.confirmed[a.agency_id] += 1

    async def await_plan_decisions(self, last_confirm: float) -> None:
        """From the last confirmation until training-service has decided on a plan for every
        employee; the span ends at the last decision's own time (``decided_at``)."""
        decided_at: list[float] = []

        async def decisions_of(a: Agency) -> int:
            rows = await self._pages(a, "training-service", f"/periods/{a.period_id}/plan-decisions", "decisions", 1000)
            if len(rows) >= self.confirmed[a.agency_id]:
                decided_at.extend(s for s in (_wall(r.get("decided_at")) for r in rows) if s)
            return len(rows)

        async with self.recorder.phase("plan decisions", sum(self.confirmed.values()), unit="decision") as p:
            last_seen = await self._poll_all(p, decisions_of, self.confirmed)
            p.seconds = max(0.0, (max(decided_at) if decided_at else last_seen) - last_confirm)

    # -- plumbing ---------------------------------------------------------------------------
    async def _pages(self, a: Agency, service: str, path: str, key: str, page: int) -> list[dict]:
        rows: list[dict] = []
        while True:
            found = await self.hr(a, "GET", service, path, params={"limit": page, "offset": len(rows)}, count=False)
            batch = (found or {}).get(key, [])
            rows += batch
            if len(batch) < page:
                return rows

    async def _poll_all(self, p: Phase, count_of, expected: dict[str, int], poll_seconds: float | None = None) -> float:
        """Poll ``count_of(agency)`` until each agency reaches its expected count; the wall time it last grew."""
        done: dict[str, int] = {a.agency_id: 0 for a in self.agencies}
        deadline = time.monotonic() + self.wait_seconds
        last_growth = time.time()
        while time.monotonic() < deadline:
            waiting = [a for a in self.agencies if done[a.agency_id] < expected[a.agency_id]]
            if not waiting:
                break
            counts = await asyncio.gather(*(count_of(a) for a in waiting))
            for a, count in zip(waiting, counts, strict=True):
                if count > done[a.agency_id]:
                    done[a.agency_id], last_growth = count, time.time()
            p.ops = sum(done.values())
            if any(done[a.agency_id] < expected[a.agency_id] for a in self.agencies):
                await asyncio.sleep(self.poll_seconds if poll_seconds is None else poll_seconds)
        missing = sum(expected.values()) - p.ops
        if missing > 0:
            p.failed(
                "timeout", p.name, f"{missing} of {sum(expected.values())} missing after {self.wait_seconds:.0f} s"
            )
        return last_growth

    async def _wait(self, what: str, check) -> None:
        started = time.perf_counter()
        deadline = time.monotonic() + self.wait_seconds
        while not await check():
            if time.monotonic() > deadline:  # go on: the next phase counts what this costs
                self.waits[what] = None
                return
            await asyncio.sleep(self.poll_seconds)
        self.waits[what] = round(time.perf_counter() - started, 3)
