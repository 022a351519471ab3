"""The reads that run once per employee or per team are served by an index (issue 7).

Each service's database is built by its own migrations, filled with a few hundred rows per
table and left WITHOUT statistics (no ANALYZE, autovacuum off on every table), as a freshly
loaded or replayed database is. The test runs the service's own read functions, captures the
SELECTs they send and asks PostgreSQL to EXPLAIN each with the same parameters. For every hot
table it asserts two things:

* the plan of the real query reads the table through an index, never a sequential scan;
* the expected index serves the query: it is used with an Index Cond (it narrows the read,
  it is not just walked for its order). When the planner picked another usable index (see
  below), this is checked on the same query with the table's other indexes dropped inside a
  transaction that is rolled back.

``enable_seqscan`` is off for the EXPLAINs, on purpose: on a few hundred rows a sequential
scan is honestly the cheapest plan, so with it on the plan says nothing about indexes. It
only makes a sequential scan expensive, not impossible: a query that no index can serve still
shows one (the missing ``realizations.skp_id`` index did). Without statistics the planner
also guesses the same tiny row count for every index led by ``agency_id``, so between two
usable indexes its choice is a tie here; at a province's size the narrower index wins.
"""

import asyncio
import importlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from kinerja_runtime.migrations import upgrade_to_head
from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

pytestmark = pytest.mark.integration

AGENCIES = ["dinas-a", "dinas-b", "dinas-c"]
PER_AGENCY = 100
APPRAISERS = 10
UNITS = 10
PERIOD = "p-2026"
AT = datetime(2026, 3, 1, tzinfo=UTC)


def nip_of(agency: int, n: int) -> str:
    return f"19900101{agency:02d}{n:08d}"


def staff():
    """(agency_id, nip, appraiser_nip, unit_id) for every employee."""
    for a, agency in enumerate(AGENCIES):
        for n in range(PER_AGENCY):
            yield agency, nip_of(a, n), nip_of(a, n % APPRAISERS), f"u{n % UNITS}"


@dataclass
class Plan:
    statement: str
    parameters: tuple
    node: dict
    narrowing: set[str] = field(default_factory=set)  # indexes used with an Index Cond
    seq_scanned: set[str] = field(default_factory=set)
    conditions: dict[str, list[str]] = field(default_factory=dict)  # each index's Index Conds

    def __post_init__(self):
        self._walk(self.node)

    def _walk(self, node: dict) -> None:
        # Index Scan, Index Only Scan and Bitmap Index Scan name their index.
        if "Index Name" in node and "Index Cond" in node:
            self.narrowing.add(node["Index Name"])
            self.conditions.setdefault(node["Index Name"], []).append(node["Index Cond"])
        if node["Node Type"] == "Seq Scan":
            self.seq_scanned.add(node["Relation Name"])
        for child in node.get("Plans", []):
            self._walk(child)

    @property
    def sql(self) -> str:
        return " ".join(self.statement.split())

    def reads(self, table: str) -> bool:
        return re.search(rf"\b(FROM|JOIN) {table}\b", self.sql) is not None


@pytest.fixture
async def pg_database(postgres_url_factory):
    """``await pg_database(package)`` -> (engine, sessions) of a fresh database migrated to head."""
    engines = []

    async def make(package: str):
        url = postgres_url_factory(f"plans-{package}")
        if not url.startswith("postgresql"):
            pytest.skip("query plans are PostgreSQL's: this run has no PostgreSQL (SQLite fallback)")
        migrations = Path(importlib.import_module(f"{package}.main").__file__).parent / "migrations"
        await asyncio.to_thread(upgrade_to_head, migrations, url)
        engine = create_async_engine(url, poolclass=NullPool)
        engines.append(engine)
        async with engine.begin() as conn:
            tables = (await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))).scalars()
            for table in tables.all():
                # Statistics stay absent for the whole test.
                await conn.execute(text(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)'))
        return engine, async_sessionmaker(engine, expire_on_commit=False)

    yield make
    for engine in engines:
        await engine.dispose()


async def fill(engine, rows_by_table: dict) -> None:
    async with engine.begin() as conn:
        for table, rows in rows_by_table.items():
            await conn.execute(insert(table), rows)
        stats = await conn.scalar(text("SELECT count(*) FROM pg_stats WHERE schemaname = 'public'"))
    assert stats == 0, "the test must run without table statistics"


async def _explain(conn, statement: str, parameters: tuple) -> Plan:
    await conn.execute(text("SET LOCAL enable_seqscan = off"))  # see the module docstring
    raw = (await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)).scalar_one()
    document = json.loads(raw) if isinstance(raw, str) else raw
    return Plan(statement, parameters, document[0]["Plan"])


async def explain(engine, sessions, read) -> list[Plan]:
    """Run ``read(session)`` and EXPLAIN every SELECT it sent, with its own parameters."""
    captured: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with sessions() as session:
            await read(session)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    assert captured, "the read sent no SELECT"
    async with engine.begin() as conn:
        return [await _explain(conn, statement, parameters) for statement, parameters in captured]


async def _with_only(engine, plan: Plan, table: str, index: str) -> Plan:
    """``plan``'s query explained again with ``index`` the only index left on ``table``."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            others = (
                await conn.execute(
                    text(
                        "SELECT i.relname AS index, c.conname AS constraint_name FROM pg_index x"
                        " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                        " LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = t.oid"
                        " WHERE t.relname = :table AND i.relname <> :index"
                    ),
                    {"table": table, "index": index},
                )
            ).all()
            for other in others:
                if other.constraint_name:  # a primary key or unique constraint owns its index
                    await conn.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{other.constraint_name}" CASCADE'))
                else:
                    await conn.execute(text(f'DROP INDEX "{other.index}"'))
            return await _explain(conn, plan.statement, plan.parameters)
        finally:
            await transaction.rollback()


async def assert_served(engine, plans: list[Plan], table: str, index: str) -> None:
    """Every captured SELECT reading ``table`` reads it through an index, and ``index`` serves it."""
    reading = [p for p in plans if p.reads(table)]
    assert reading, f"no captured query reads {table}: {[p.sql for p in plans]}"
    for plan in reading:
        assert table not in plan.seq_scanned, f"sequential scan of {table}:\n{plan.sql}\n{plan.node}"
        if index in plan.narrowing:
            continue
        alone = await _with_only(engine, plan, table, index)
        assert index in alone.narrowing, (
            f"{index} does not serve this query on {table} (alone it gives {alone.node}):\n{plan.sql}"
        )


def uow_on(sessions, session, kind=None):
    """A unit of work (of ``kind``, a service's own) whose session is ``session`` (the views
    open ``async with uow``), its repositories made on that session."""
    from kinerja_runtime.uow import UnitOfWork

    class Bound(kind or UnitOfWork):
        async def __aenter__(self):
            return self

        async def __aexit__(self, *exc):
            return None

    bound = Bound(sessions, source="/kinerja/tests")
    bound.session = session
    bound.open_repositories(session)
    return bound


# -- appraisal-service: the proposal inputs and the appraiser's team -------------------------


@pytest.fixture
async def appraisal_db(pg_database):
    from appraisal_service.adapters.orm import appraisals, citizen_ratings, feedback_answers, realizations, targets
    from kinerja_runtime.roster import known_employees, known_units

    engine, sessions = await pg_database("appraisal_service")
    people = list(staff())
    await fill(
        engine,
        {
            known_employees: [
                {
                    "agency_id": a,
                    "nip": nip,
                    "name": "Siti",
                    "position": "Analis",
                    "unit": unit,
                    "appraiser_nip": boss,
                    "unit_id": unit,
                }
                for a, nip, boss, unit in people
            ],
            known_units: [
                {
                    "agency_id": a,
                    "unit_id": f"u{u}",
                    "name": f"Unit {u}",
                    "parent_unit_id": None,
                    "head_nip": nip_of(AGENCIES.index(a), u),
                    "serves_public": True,
                }
                for a in AGENCIES
                for u in range(UNITS)
            ],
            targets: [
                {"agency_id": a, "period_id": PERIOD, "nip": nip, "skp_id": f"skp-{nip}", "version": 1, "rhk": []}
                for a, nip, _, _ in people
            ],
            realizations: [
                {
                    "realization_id": f"r-{nip}-{q}",
                    "agency_id": a,
                    "period_id": PERIOD,
                    "nip": nip,
                    "skp_id": f"skp-{nip}",
                    "iki_id": "iki-1",
                    "value": 1.0,
                    "recorded_at": AT + timedelta(days=q),
                    "checkpoint_id": f"q{q}",
                }
                for a, nip, _, _ in people
                for q in range(1, 4)
            ],
            feedback_answers: [
                {
                    "feedback_id": f"f-{nip}-{k}",
                    "agency_id": a,
                    "period_id": PERIOD,
                    "nip": nip,
                    "source": "peer",
                    "ratings": {},
                    "checkpoint_id": None,
                }
                for a, nip, _, _ in people
                for k in range(2)
            ],
            citizen_ratings: [
                {
                    "answer_id": f"c-{nip}",
                    "agency_id": a,
                    "period_id": PERIOD,
                    "officer_nip": nip,
                    "mean_score": 3.0,
                    "answered_at": AT,
                }
                for a, nip, _, _ in people
            ],
            appraisals: [
                {
                    "appraisal_id": f"apr-{nip}",
                    "agency_id": a,
                    "period_id": PERIOD,
                    "nip": nip,
                    "kind": "annual",
                    "scope": "annual",
                    "revision": 1,
                    "status": "proposed",
                    "proposed_rating_hasil_kerja": "sesuai",
                    "proposed_rating_perilaku": "sesuai",
                    "proposed_predikat": "baik",
                    "proposed_at": AT,
                    "policy_version": "default-1",
                    "summary": {},
                    "explanation": {},
                }
                for a, nip, _, _ in people
            ],
        },
    )
    return engine, sessions


async def test_the_proposal_inputs_of_one_employee_are_index_reads(appraisal_db):
    from appraisal_service.adapters.projections import ProjectionRepository
    from appraisal_service.domain import Checkpoint
    from kinerja_runtime.roster import Roster

    engine, sessions = appraisal_db
    agency, nip = AGENCIES[1], nip_of(1, 42)
    quarter = Checkpoint("q2", "Triwulan II", date(2026, 4, 1), date(2026, 6, 30))

    async def inputs(session):
        projections = ProjectionRepository(session)
        key = (agency, PERIOD, nip)
        target = (await projections.targets_of([key]))[key]
        await projections.realization_count(target.skp_id)
        for checkpoint in (None, quarter):
            await projections.realizations_of([target.skp_id], checkpoint)
            await projections.evidence_of([key], checkpoint)
        await Roster(session).units(agency)

    plans = await explain(engine, sessions, inputs)
    await assert_served(engine, plans, "targets", "targets_pkey")
    await assert_served(engine, plans, "realizations", "ix_realizations_skp")
    await assert_served(engine, plans, "feedback_answers", "ix_feedback_answers_employee")
    await assert_served(engine, plans, "citizen_ratings", "ix_citizen_ratings_officer")
    await assert_served(engine, plans, "known_units", "known_units_pkey")


async def test_a_unit_heads_members_are_read_through_the_unit_index(appraisal_db):
    from appraisal_service.adapters.projections import ProjectionRepository
    from kinerja_runtime.roster import Roster

    engine, sessions = appraisal_db

    async def member_inputs(session):
        """As a proposal reads its heads' members: the roster's, then their SKPs and realisations."""
        members = await Roster(session).in_units(AGENCIES[0], ["u3", "u4"])
        projections = ProjectionRepository(session)
        found = await projections.targets_of([(AGENCIES[0], PERIOD, m.nip) for m in members])
        await projections.realizations_of(t.skp_id for t in found.values())

    plans = await explain(engine, sessions, member_inputs)
    await assert_served(engine, plans, "known_employees", "ix_known_employees_unit")


async def test_an_appraisers_team_of_appraisals_is_read_through_the_team_index(appraisal_db):
    from appraisal_service.entrypoints.http_appraisals import read_period
    from appraisal_service.service_layer.unit_of_work import AppraisalUnitOfWork
    from kinerja_runtime.auth import Principal

    engine, sessions = appraisal_db
    appraiser = Principal(nip_of(2, 3), AGENCIES[2], frozenset({"appraiser"}))

    async def team(session):
        await read_period(
            PERIOD,
            appraiser,
            uow_on(sessions, session, AppraisalUnitOfWork),
            kind="annual",
            checkpoint_id=None,
            status=None,
            limit=100,
            offset=0,
        )

    plans = await explain(engine, sessions, team)
    await assert_served(engine, plans, "known_employees", "ix_known_employees_team")
    await assert_served(engine, plans, "appraisals", "uq_appraisal_scope_revision")


async def test_the_siasn_exports_pages_are_keyset_reads_of_the_scope_index(appraisal_db):
    """A page after the last one's (NIP, scope) starts in the index where the last one ended:
    each of a province's thousands of pages costs the same."""
    from appraisal_service.adapters.records import AppraisalRepository

    engine, sessions = appraisal_db

    async def pages(session):
        repository = AppraisalRepository(session)
        await repository.final_page(AGENCIES[1], PERIOD, kinds={"annual", "periodic"}, after=None, limit=50)
        await repository.final_page(AGENCIES[1], PERIOD, kinds={"annual"}, after=(nip_of(1, 50), "annual"), limit=50)

    plans = await explain(engine, sessions, pages)
    await assert_served(engine, plans, "appraisals", "uq_appraisal_scope_revision")
    # The page after another starts at the key in the index (an Index Cond), not by filtering
    # (asked of that index alone: without statistics the planner's choice is a tie, see above).
    alone = await _with_only(engine, plans[-1], "appraisals", "uq_appraisal_scope_revision")
    assert any("ROW" in cond for cond in index_conds(alone.node)), json.dumps(alone.node, indent=1)


def index_conds(node: dict) -> list[str]:
    return [node.get("Index Cond", "")] + [c for child in node.get("Plans", []) for c in index_conds(child)]


# -- target-service: an appraiser's team, an employee's SKPs -----------------------------------


async def test_target_service_team_lists_skps_and_the_closing_counts_are_index_reads(pg_database):
    from target_service.adapters.orm import employees, periods, realizations
    from target_service.adapters.orm import skp as skp_table
    from target_service.adapters.periods import PeriodRepository
    from target_service.adapters.roster import RosterRepository
    from target_service.adapters.skp import SkpRepository

    engine, sessions = await pg_database("target_service")
    people = list(staff())
    await fill(
        engine,
        {
            employees: [
                {
                    "agency_id": a,
                    "nip": nip,
                    "name": "Siti",
                    "position": "Analis",
                    "unit": unit,
                    "appraiser_nip": boss,
                    "unit_id": unit,
                }
                for a, nip, boss, unit in people
            ],
            periods: [
                {
                    "period_id": f"{a}-{PERIOD}",
                    "agency_id": a,
                    "year": 2026,
                    "starts_on": date(2026, 1, 1),
                    "ends_on": date(2026, 12, 31),
                    "status": "open",
                }
                for a in AGENCIES
            ],
            skp_table: [
                {
                    "skp_id": f"skp-{nip}",
                    "agency_id": a,
                    "period_id": f"{a}-{PERIOD}",
                    "nip": nip,
                    "version": None,
                    "status": "draft",
                }
                for a, nip, _, _ in people
            ],
            realizations: [
                {
                    "realization_id": f"r-{nip}-{q}",
                    "agency_id": a,
                    "skp_id": f"skp-{nip}",
                    "iki_id": "iki-1",
                    "value": 1.0,
                    "recorded_by": nip,
                    "recorded_at": AT,
                }
                for a, nip, _, _ in people
                for q in range(3)
            ],
        },
    )
    agency, appraiser = AGENCIES[0], nip_of(0, 7)

    async def team(session):
        await RosterRepository(session).team(agency, appraiser)
        await RosterRepository(session).page(agency, 50, 0, appraiser)

    await assert_served(engine, await explain(engine, sessions, team), "employees", "ix_employees_team")
    units = await explain(engine, sessions, lambda session: RosterRepository(session).in_unit(agency, "u5"))
    await assert_served(engine, units, "employees", "ix_employees_unit")
    skps = await explain(
        engine, sessions, lambda session: SkpRepository(session, _reads_only).of_employee(agency, nip_of(0, 8), None)
    )
    await assert_served(engine, skps, "skp", "ix_skp_employee")
    # Every draft reads its owner, the period and the appraiser's SKP in force in one statement;
    # every change of an SKP reads it with its owner and period.
    drafting = await explain(
        engine,
        sessions,
        lambda session: SkpRepository(session, _reads_only).drafting(agency, nip_of(0, 8), f"{agency}-{PERIOD}"),
    )
    await assert_served(engine, drafting, "skp", "uq_skp_employee_period")
    await assert_served(engine, drafting, "periods", "periods_pkey")
    changing = await explain(
        engine,
        sessions,
        lambda session: SkpRepository(session, _reads_only).get_for_change(agency, f"skp-{nip_of(0, 8)}", "share"),
    )
    await assert_served(engine, changing, "skp", "skp_pkey")
    # A decision (submit, approve) reads with it the appraiser's RHK in force, per row, by their key.
    deciding = await explain(
        engine,
        sessions,
        lambda session: SkpRepository(session, _reads_only).for_decision(agency, f"skp-{nip_of(0, 8)}", "share"),
    )
    await assert_served(engine, deciding, "skp", "uq_skp_employee_period")
    closing = await explain(
        engine, sessions, lambda session: PeriodRepository(session).closing_state(agency, f"{agency}-{PERIOD}")
    )
    await assert_served(engine, closing, "realizations", "ix_realizations_agency")
    # Counted per SKP: a join to the agency's realisations grouped, planned without statistics,
    # rescanned every group for every SKP (quadratic: 108 s for an agency of 25,000).
    (count,) = [c for p in closing for c in p.conditions.get("ix_realizations_agency", [])]
    assert "skp_id" in count, count


# -- training-service: a period's plan decisions (paged), an employee's plans and ledger --------


async def test_training_plan_lists_are_paged_index_reads(pg_database):
    from kinerja_runtime.auth import Principal
    from kinerja_runtime.roster import known_employees
    from training_service.adapters.orm import jp_ledger, plan_decisions, plan_items, plans
    from training_service.service_layer import views
    from training_service.service_layer.unit_of_work import TrainingUnitOfWork

    engine, sessions = await pg_database("training_service")
    people = list(staff())
    planned = people[::2]
    await fill(
        engine,
        {
            known_employees: [
                {
                    "agency_id": a,
                    "nip": nip,
                    "name": "Siti",
                    "position": "Analis",
                    "unit": unit,
                    "appraiser_nip": boss,
                    "unit_id": unit,
                }
                for a, nip, boss, unit in people
            ],
            plan_decisions: [
                {
                    "appraisal_id": f"apr-{nip}",
                    "agency_id": a,
                    "period_id": PERIOD,
                    "nip": nip,
                    "predikat": "butuh_perbaikan",
                    "required": True,
                    "reason": "gap",
                    "plan_id": f"plan-{nip}" if (a, nip, boss, unit) in planned else None,
                    "decided_at": AT,
                }
                for a, nip, boss, unit in people
            ],
            plans: [
                {
                    "plan_id": f"plan-{nip}",
                    "agency_id": a,
                    "period_id": PERIOD,
                    "nip": nip,
                    "appraisal_id": f"apr-{nip}",
                    "predikat": "butuh_perbaikan",
                    "total_jp": 20,
                    "status": "active",
                    "created_at": AT,
                    "year": 2026,
                }
                for a, nip, _, _ in planned
            ],
            plan_items: [
                {
                    "item_id": f"item-{nip}-{k}",
                    "plan_id": f"plan-{nip}",
                    "competency": "loyal",
                    "gap_kind": "perilaku",
                    "gap": "loyal",
                    "catalogue_code": f"C{k}",
                    "title": "Pelatihan",
                    "form": "klasikal",
                    "method": "pelatihan",
                    "jp": 4,
                }
                for _, nip, _, _ in planned
                for k in range(3)
            ],
            jp_ledger: [
                {
                    "entry_id": f"jp-{nip}",
                    "agency_id": a,
                    "nip": nip,
                    "year": 2026,
                    "jp": 4,
                    "catalogue_code": "C1",
                    "title": "Pelatihan",
                    "evidence": "SERT",
                    "completed_on": date(2026, 2, 1),
                    "recorded_by": nip,
                    "recorded_at": AT,
                }
                for a, nip, _, _ in people
            ],
        },
    )
    agency, nip = AGENCIES[1], nip_of(1, 10)
    hr = Principal(nip_of(1, 0), agency, frozenset({"hr"}))
    found = {}

    async def period_page(session):
        found.update(
            await views.period_decisions(
                uow_on(sessions, session, TrainingUnitOfWork), agency, PERIOD, 20, 40, AT.date()
            )
        )

    page = await explain(engine, sessions, period_page)
    await assert_served(engine, page, "plan_decisions", "ix_plan_decisions_period")
    await assert_served(engine, page, "plans", "plans_pkey")
    await assert_served(engine, page, "plan_items", "ix_plan_items_plan_id")
    # The page carries the plans of its own decisions only, not the period's every plan.
    assert len(found["decisions"]) == 20
    assert {p["plan_id"] for p in found["plans"]} == {d["plan_id"] for d in found["decisions"] if d["plan_id"]}
    assert len(found["plans"]) == 10 and all(len(p["items"]) == 3 for p in found["plans"])

    async def employee(session):
        await views.employee_plans(uow_on(sessions, session, TrainingUnitOfWork), hr, nip, AT.date())
        await views.jp_ledger_of(uow_on(sessions, session, TrainingUnitOfWork), hr, nip, 2026, 500, 0)

    async def export_pages(session):
        from training_service.adapters.ledger_repository import LedgerRepository

        ledger = LedgerRepository(session)
        await ledger.credited_page(agency, 2026, after=None, limit=50)
        await ledger.credited_page(agency, 2026, after=(nip_of(1, 50), date(2026, 2, 1), "jp-x"), limit=50)

    # The SIASN export's pages: by NIP from where the last page ended, the year within each NIP.
    exported = await explain(engine, sessions, export_pages)
    await assert_served(engine, exported, "jp_ledger", "ix_jp_ledger_employee")

    mine = await explain(engine, sessions, employee)
    await assert_served(engine, mine, "plan_decisions", "ix_plan_decisions_employee")
    await assert_served(engine, mine, "plans", "plans_pkey")  # the plans the decisions name
    await assert_served(engine, mine, "jp_ledger", "ix_jp_ledger_employee")

    # An appraiser reading a team member's plans: one roster row says who appraises them now.
    from training_service.service_layer import access

    appraiser = Principal(nip_of(1, 0), agency, frozenset({"appraiser"}))
    checked = await explain(
        engine, sessions, lambda session: access.may_see(uow_on(sessions, session, TrainingUnitOfWork), appraiser, nip)
    )
    await assert_served(engine, checked, "known_employees", "known_employees_pkey")


async def test_a_consumer_batch_looks_up_its_employees_not_their_agencies(pg_database):
    """A batch names employees of a few agencies (a replay's batches name every agency): each of
    its reads narrows by the employee key in the index, not by agency_id alone (which read every
    row of the agencies named, each batch, so a replay slowed as its tables grew)."""
    from kinerja_runtime.roster import Roster, known_employees
    from training_service.adapters.decision_repository import DecisionRepository
    from training_service.adapters.ledger_repository import LedgerRepository
    from training_service.adapters.orm import annual_results, jp_ledger, plan_decisions, talent_nominations
    from training_service.adapters.talent_repository import TalentRepository

    engine, sessions = await pg_database("training_service")
    people = [(a, nip) for a, nip, _, _ in staff()]
    await fill(
        engine,
        {
            known_employees: [
                {"agency_id": a, "nip": nip, "name": "Siti", "position": "Analis", "unit": "u"} for a, nip in people
            ],
            annual_results: [
                {
                    "agency_id": a,
                    "nip": nip,
                    "period_id": PERIOD,
                    "year": 2026,
                    "predikat": "baik",
                    "appraisal_id": f"apr-{nip}",
                    "recorded_at": AT,
                }
                for a, nip in people
            ],
            talent_nominations: [
                {
                    "agency_id": a,
                    "nip": nip,
                    "year": 2026,
                    "first_year": 2025,
                    "appraisal_ids": "a,b",
                    "nominated_at": AT,
                }
                for a, nip in people
            ],
            plan_decisions: [
                {
                    "appraisal_id": f"apr-{nip}",
                    "agency_id": a,
                    "period_id": PERIOD,
                    "nip": nip,
                    "predikat": "baik",
                    "required": False,
                    "reason": "no gap",
                    "decided_at": AT,
                }
                for a, nip in people
            ],
            jp_ledger: [
                {
                    "entry_id": f"jp-{nip}",
                    "agency_id": a,
                    "nip": nip,
                    "year": 2026,
                    "jp": 4,
                    "catalogue_code": "C1",
                    "title": "Pelatihan",
                    "evidence": "SERT",
                    "completed_on": date(2026, 2, 1),
                    "recorded_by": nip,
                    "recorded_at": AT,
                }
                for a, nip in people
            ],
        },
    )
    batch = people[::30]  # employees of every agency, as a batch from several partitions
    found = {}

    async def reads(session):
        found["roster"] = await Roster(session).employees_in(batch)
        found["talent"] = await TalentRepository(session).of_employees(batch)
        decisions = DecisionRepository(session)
        found["latest"] = await decisions.latest_annual({(a, nip, PERIOD) for a, nip in batch})
        found["decided"] = await decisions.decided({f"apr-{nip}" for _, nip in batch})
        found["ledger"] = await LedgerRepository(session).completed_in({(a, nip, 2026) for a, nip in batch})

    plans = await explain(engine, sessions, reads)
    # Exactly the batch's rows come back (the reads no longer filter a superset in Python).
    assert set(found["roster"]) == set(batch) and len(found["talent"][0]) == len(found["talent"][1]) == len(batch)
    assert len(found["latest"]) == len(found["decided"]) == len(found["ledger"]) == len(batch)

    def narrowed(plan: Plan, key: str) -> bool:
        return any(f"{key})::text =" in c or f"{key} =" in c for cs in plan.conditions.values() for c in cs)

    for table, index, key in (
        ("known_employees", "known_employees_pkey", "nip"),
        ("annual_results", "annual_results_pkey", "nip"),
        ("talent_nominations", "talent_nominations_pkey", "nip"),
        ("plan_decisions", "ix_plan_decisions_period", "nip"),
        ("plan_decisions", "plan_decisions_pkey", "appraisal_id"),
        ("jp_ledger", "ix_jp_ledger_employee", "nip"),
    ):
        reading = [p for p in plans if p.reads(table) and re.search(rf"\b{table}\.{key}\b", p.sql)]
        assert reading, f"no captured query reads {table} by {key}"
        for plan in reading:
            assert table not in plan.seq_scanned, f"sequential scan of {table}:\n{plan.sql}"
            if narrowed(plan, key):
                continue
            # Two indexes led by agency_id tie without statistics (see the module docstring).
            alone = await _with_only(engine, plan, table, index)
            assert narrowed(alone, key), f"{index} does not narrow {table} by {key} ({alone.conditions}):\n{plan.sql}"


def _reads_only(table, rows) -> None:
    raise AssertionError("these reads write nothing")
