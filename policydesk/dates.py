"""Calendar arithmetic shared by every layer (no clock: the day asked is always an argument).

Month arithmetic clamps to the end of the month, as python-dateutil's ``relativedelta``
does: 2023-08-31 + 6 months = 2024-02-29."""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from dateutil.relativedelta import relativedelta

from policydesk.errors import InputError
from policydesk.inputs import check_text, label

MONTHS_PER_YEAR = 12  # a calendar fact, not a policy number


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


# The days the assistant reasons about: ``today`` and any date a calculator reads. Sanity
# bounds on input, not policy; date arithmetic on them (months added, a year of leave, a
# 60-day deadline) stays far inside what ``datetime.date`` can hold.
DATE_MIN = dt.date(1950, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)


def parse_day(value: str | dt.date, *, field: str = "today", label_zh: str | None = None) -> dt.date:
    """A day given at an edge (CLI flag, API field, question set, form) as YYYY-MM-DD,
    between DATE_MIN and DATE_MAX; InputError naming ``field`` otherwise. The value is
    quoted back only in part, so a 400-character string does not come back whole."""
    name = label_zh or label(field)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = unicodedata.normalize("NFKC", check_text(str(value), field, name)).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            value = dt.date.fromisoformat(text)
        except ValueError:
            shown = text[:20] + ("…" if len(text) > 20 else "")
            raise InputError(f"日期格式不对：{shown}，请用 YYYY-MM-DD（例如 2023-03-01）",
                             f"bad date for {field} (use YYYY-MM-DD)", field=field) from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise InputError(f"“{name}”超出范围：{value.isoformat()}，只能是 {DATE_MIN.year} 年到 {DATE_MAX.year} 年之间的日期",
                         f"{field}: {value.isoformat()} outside {DATE_MIN}..{DATE_MAX}", field=field)
    return value


def optional_day(value, field: str = "today") -> dt.date | None:
    """``parse_day``, or None when no day was given (the API's optional ``today``)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_day(value, field=field)
