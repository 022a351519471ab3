"""The navigation of each role: every page module lists its own entries in ``NAV``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    role: str  # employee, appraiser or hr
    label: str  # Indonesian; translated when shown
    path: str
    order: int = 50  # smaller first


def menu(items: list[NavItem], role: str) -> list[NavItem]:
    return sorted((i for i in items if i.role == role), key=lambda i: (i.order, i.label))
