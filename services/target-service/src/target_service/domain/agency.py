"""The province's agencies (the agency registry): who they are and the time zone their days
are counted in. A province admin registers them; every service learns them (AgencyRegistered)."""

from dataclasses import dataclass

from kinerja_contracts.vocabulary import AgencyKind, AgencyTimezone


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    kind: AgencyKind
    timezone: AgencyTimezone
