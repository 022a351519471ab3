"""Dates and times as the agency reads them: its local time (WIB by default), Indonesian months."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def parse(value: str | date | datetime | None) -> date | datetime | None:
    """The services answer ISO 8601 strings; a date stays a date, a time keeps its offset."""
    if value is None or isinstance(value, date):
        return value
    text = value.replace("Z", "+00:00")
    return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)


def format_date(value, language: str = "id") -> str:
    parsed = parse(value)
    if parsed is None:
        return ""
    day = parsed.date() if isinstance(parsed, datetime) else parsed
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def format_datetime(value, language: str = "id", timezone: str = "Asia/Jakarta") -> str:
    """A moment in the agency's local time; a naive time is taken as UTC (the services store UTC)."""
    parsed = parse(value)
    if parsed is None:
        return ""
    if not isinstance(parsed, datetime):
        return format_date(parsed, language)
    zone = ZoneInfo(timezone)
    local = (parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo("UTC"))).astimezone(zone)
    return f"{format_date(local, language)} {local:%H.%M} {ZONE_NAMES.get(timezone, local.tzname())}"


def today(timezone: str = "Asia/Jakarta") -> date:
    return datetime.now(ZoneInfo(timezone)).date()
