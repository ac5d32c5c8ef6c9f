"""Calendar arithmetic (no clock). Month arithmetic clamps to the end of the month:
2023-08-31 + 6 months = 2024-02-29."""
from __future__ import annotations

import calendar
import datetime as dt

MONTHS_PER_YEAR = 12  # a calendar fact, not a policy number


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * MONTHS_PER_YEAR + (day.month - 1) + months
    year, month0 = divmod(index, MONTHS_PER_YEAR)
    month = month0 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, years * MONTHS_PER_YEAR)


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
