"""Checks every interface applies to what people send before anything else reads it: text
that is valid Unicode without control characters (and, through policydesk.dates.parse_day,
the day asked within 1950–2099). Each failure is an InputError naming the field, in Chinese."""
from __future__ import annotations

import re
from typing import Any

from policydesk.errors import InputError

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
