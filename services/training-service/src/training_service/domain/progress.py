"""Where a plan stands: overdue items and when a plan counts as completed.

Overdue is computed when read, against the caller's today, never stored: a stored flag
would go stale the day after it was written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["ItemProgress", "is_overdue", "plan_completed"]


@dataclass(frozen=True, slots=True)
class ItemProgress:
    mandatory: bool
    completed: bool
    due_on: date | None = None


def is_overdue(item: ItemProgress, today: date) -> bool:
    return not item.completed and item.due_on is not None and item.due_on < today


def plan_completed(items: Iterable[ItemProgress]) -> bool:
    """All mandatory items done; a plan with none (recommended, or emptied by a revision)
    is completed when every item is."""
    items = list(items)
    mandatory = [i for i in items if i.mandatory]
    return all(i.completed for i in (mandatory or items))
