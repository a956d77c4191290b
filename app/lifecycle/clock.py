"""The municipality's day: dates of consents, deadlines and decisions are Oslo dates.

A consent valid "until 31 December" ends at midnight in Norway, not at 01:00
or 02:00 when the UTC date turns; every date the life cycle decides on is
taken here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def oslo_date(moment: datetime | None = None) -> date:
    """The date in Norway at ``moment`` (now when not given)."""
    return (moment or datetime.now(UTC)).astimezone(OSLO).date()
