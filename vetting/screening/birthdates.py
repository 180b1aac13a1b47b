"""Dates of birth as the lists write them, parsed into a form that can be compared.

Every parsed date is a dict with the same keys::

    {"text": "14 Dec 1956", "year": 1956, "month": 12, "day": 14,
     "circa": False, "earliest": "1956-12-14", "latest": "1956-12-14"}

``year``/``month``/``day`` are what the list states (``None`` where it states
less, and all ``None`` for a range); ``earliest``/``latest`` are the ISO dates
of the span the statement covers ("1956" is 1956-01-01..1956-12-31, "1958 to
1960" is 1958-01-01..1960-12-31). ``circa`` marks "circa 1958": the span is
the one written, and a comparison should treat it as approximate. Text that
is not a date we understand keeps ``earliest``/``latest`` as ``None``.
"""

import calendar
import re
from datetime import date

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_CIRCA = re.compile(r"^(?:circa|ca\.|approximately|approx\.)\s+", re.IGNORECASE)
_RANGE = re.compile(r"^(?P<start>.+?)\s*(?:\bto\b|-|–)\s*(?P<end>.+)$", re.IGNORECASE)
_FORMS = [  # one written date: ISO (the CSL) or OFAC's "14 Dec 1956", "Dec 1956", "1956"
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$"),
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$"),
    re.compile(r"^(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})$"),
    re.compile(r"^(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})$"),
]


def _month(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    number = MONTHS.get(text[:3].lower())
    full = calendar.month_name[number].lower() if number else ""
    return number if number and full.startswith(text.lower()) else None


def _single(text: str) -> tuple[int, int | None, int | None, date, date] | None:
    """(year, month, day, earliest, latest) of one written date, or None."""
    for pattern in _FORMS:
        match = pattern.match(text.strip())
        if not match:
            continue
        parts = match.groupdict()
        year = int(parts["year"])
        if not 1800 <= year <= 2200:
            return None  # not a date of birth we can compare ("circa 0001")
        month = _month(parts["month"]) if parts.get("month") else None
        if parts.get("month") and month is None:
            return None
        day = int(parts["day"]) if parts.get("day") else None
        try:
            if day is not None:
                exact = date(year, month, day)
                return year, month, day, exact, exact
            if month is not None:
                last = calendar.monthrange(year, month)[1]
                return year, month, None, date(year, month, 1), date(year, month, last)
            return year, None, None, date(year, 1, 1), date(year, 12, 31)
        except ValueError:  # 31 Feb, year 0
            return None
    return None


def parse_date_of_birth(text: str) -> dict:
    """The dict described in the module docstring for one written date of birth."""
    text = " ".join(text.split()).strip(" .")
    body, circa = _CIRCA.sub("", text), bool(_CIRCA.match(text))
    parsed = {"text": text, "year": None, "month": None, "day": None, "circa": circa}
    single = _single(body)
    if single is not None:
        year, month, day, earliest, latest = single
        parsed.update(year=year, month=month, day=day)
    else:
        earliest = latest = None
        span = _RANGE.match(body)
        if span:
            start, end = _single(span["start"]), _single(span["end"])
            if start and end and start[3] <= end[4]:
                earliest, latest = start[3], end[4]
    parsed["earliest"] = earliest.isoformat() if earliest else None
    parsed["latest"] = latest.isoformat() if latest else None
    return parsed
