"""An appraisal queued with tracing off keeps no trace: SQL NULL, not the JSON value null."""

from datetime import UTC, datetime

from appraisal_service.adapters.orm import appraisals_due
from sqlalchemy import create_engine, func, insert, select


def test_an_untraced_due_row_stores_sql_null():
    engine = create_engine("sqlite://")
    appraisals_due.create(engine)
    row = {"period_id": "2025", "realization_count": 0, "due_at": datetime.now(UTC), "status": "pending"}
    with engine.begin() as connection:
        connection.execute(insert(appraisals_due), [{**row, "agency_id": "a", "nip": "1", "trace": None}])
        connection.execute(insert(appraisals_due), [{**row, "agency_id": "a", "nip": "2", "trace": {"t": "x"}}])
        untraced = select(func.count()).select_from(appraisals_due).where(appraisals_due.c.trace.is_(None))
        assert connection.scalar(untraced) == 1
