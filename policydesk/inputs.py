"""Checks every interface applies to what people send before anything else reads it: text
that is valid Unicode without control characters, and the day asked within the years the
assistant can reason about. Each failure is an InputError naming the field, in Chinese."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from policydesk.errors import InputError

# The day a question is asked about (``today``) and any date a calculator reads: sanity
# bounds on input, not policy. Date arithmetic on them (adding months, a year of leave, a
# 60-day deadline) stays far inside what ``datetime.date`` can hold.
DATE_MIN = dt.date(1950, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)

# Tab and line breaks are text; every other C0/C1 control, DEL, a lone surrogate (what a
# broken UTF-16 encoder or an undecodable command-line byte leaves), the Unicode
# non-characters U+FFFE/U+FFFF and the bidirectional overrides (which can make a question
# read differently to staff than it is stored) are not.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                       "\u202a-\u202e\u2066-\u2069]")

FIELD_LABELS = {
    "question": "问题", "q": "查询内容", "today": "提问日期", "comment": "意见", "session_id": "会话编号",
    "answer_id": "回答编号", "channel": "渠道", "body": "请求内容", "Content": "消息内容",
}


def label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def bad_character(text: str) -> str | None:
    """A description of the first character that may not appear in text, or None."""
    m = _BAD_CHAR.search(text)
    if not m:
        return None
    ch = m.group(0)
    if "\ud800" <= ch <= "\udfff":
        return "含有无法识别的字符（编码不完整）"
    return f"含有不可见的控制字符（U+{ord(ch):04X}）"


def check_text(text: Any, field: str, label_zh: str | None = None) -> Any:
    """``text`` unchanged when it is clean; InputError (HTTP 422) naming the field otherwise.
    Lists and objects are checked all the way down, keys too."""
    problem = _first_problem(text)
    if problem:
        name = label_zh or label(field)
        raise InputError(f"“{name}”{problem}，请删除后重新输入", f"{field}: invalid character in text",
                         field=field, status=422)
    return text


def _first_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return bad_character(value)
    if isinstance(value, dict):
        for k, v in value.items():
            problem = _first_problem(k) or _first_problem(v)
            if problem:
                return problem
    elif isinstance(value, (list, tuple)):
        for v in value:
            problem = _first_problem(v)
            if problem:
                return problem
    return None


def parse_day(value: Any, field: str = "today", label_zh: str | None = None) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) between DATE_MIN and DATE_MAX, or None when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    name = label_zh or label(field)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = check_text(str(value), field, name).strip()
        text = unicodedata.normalize("NFKC", text)
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            value = dt.date.fromisoformat(text)
        except ValueError:
            shown = text[:20] + ("…" if len(text) > 20 else "")
            raise InputError(f"“{name}”格式不对：{shown}，请用“年-月-日”，例如 2023-03-01",
                             f"{field}: not a date in YYYY-MM-DD form", field=field) from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise InputError(f"“{name}”超出范围：{value.isoformat()}，只能是 {DATE_MIN.year} 年到 {DATE_MAX.year} 年之间的日期",
                         f"{field}: {value.isoformat()} outside {DATE_MIN}..{DATE_MAX}", field=field)
    return value
