"""Calendar arithmetic shared by every layer (no clock: the day asked is always an argument).

Month arithmetic clamps to the end of the month, as python-dateutil's ``relativedelta``
does: 2023-08-31 + 6 months = 2024-02-29."""
from __future__ import annotations

import calendar
import datetime as dt

from dateutil.relativedelta import relativedelta

from policydesk.errors import InputError


def month_end(year: int, month: int) -> int:
    """The last day of a month: 28, 29, 30 or 31."""
    return calendar.monthrange(year, month)[1]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the end of the target month."""
    return day + relativedelta(months=months)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years (29 February becomes 28 February in a common year)."""
    return day + relativedelta(years=years)


def zh_date(day: dt.date) -> str:
    """2023-02-28 → 2023年2月28日."""
    return f"{day.year}年{day.month}月{day.day}日"


def parse_day(value: str | dt.date, *, field: str = "today") -> dt.date:
    """A day given at an edge (CLI flag, question set, form) as YYYY-MM-DD; InputError
    naming ``field`` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"日期格式不对：{value}，请用 YYYY-MM-DD", f"bad date for {field}: {value!r}",
                         field=field) from None
