"""Time limits counted the way Chinese law counts them: the day the period starts from is
not counted, and the period ends on its last day, which is still within the limit. A period
in days ends that many days later (an accident on 5月6日 + 30日 → 6月5日); one in months or
years ends on the corresponding day, or on the month's last day when there is none
(2024-02-29 + 1年 → 2025-02-28).

``today`` is always an argument: a limit has *passed* only when today is after its last day.
"""
from __future__ import annotations

import datetime as dt

from policydesk.dates import add_months, add_years, zh_date

COUNTING_ZH = "期限自事件发生次日起算，期间最后一日为截止日（当天仍在期限内）"


def period_end(start: dt.date, *, days: int = 0, months: int = 0, years: int = 0) -> dt.date:
    end = start
    if years:
        end = add_years(end, int(years))
    if months:
        end = add_months(end, int(months))
    if days:
        end = end + dt.timedelta(days=int(days))
    return end


def passed(deadline: dt.date | None, today: dt.date | None) -> bool:
    """True when ``today`` is known and after the deadline's last day."""
    return bool(deadline and today and today > deadline)


def days_left(deadline: dt.date, today: dt.date) -> int:
    """Days from today to the last day, counting neither today nor... just the difference."""
    return (deadline - today).days


def status_zh(deadline: dt.date, today: dt.date | None) -> str:
    """How a deadline stands on ``today`` in a few words."""
    if today is None:
        return f"截止日为{zh_date(deadline)}"
    if today > deadline:
        return f"已于{zh_date(deadline)}届满（已过）"
    if today == deadline:
        return f"今天（{zh_date(deadline)}）是最后一天"
    return f"截止日为{zh_date(deadline)}，距今还有{(deadline - today).days}天"
