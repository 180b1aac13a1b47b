"""Business-day arithmetic for the review deadline (weekends do not count)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def business_days_between(start: datetime, end: datetime) -> int:
    """Whole weekdays elapsed from ``start`` to ``end`` (0 on the same day)."""
    day, last = start.date(), end.date()
    if last <= day:
        return 0
    full_weeks, extra = divmod((last - day).days, 7)
    count = full_weeks * 5
    for offset in range(1, extra + 1):
        if (day + timedelta(days=full_weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def deadline_cutoff(now: datetime | None = None, days: int | None = None) -> datetime:
    """The moment N business days before ``now``: anything waiting since earlier
    is past the review deadline."""
    now = now or timezone.now()
    days = settings.REVIEW_DEADLINE_BUSINESS_DAYS if days is None else days
    moment = now
    while days > 0:
        moment -= timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment
