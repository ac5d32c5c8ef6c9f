"""Slots from colloquial Chinese, for any calculator, read off its spec.

Each input field says how it is spoken (``calculators.say.Say``): keywords next to its
value, yes/no phrases, a pattern, or choice synonyms. One loop per kind of mention (dates,
durations, day counts, hours, amounts, patterns, choices, yes/no) finds the mentions in the
question and gives each to the field whose keyword is closest to it in the same clause —
a keyword just before the value beats one just after. No calculator is named here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.parsing import arabize, find_dates, find_day_counts, find_durations
from policydesk.dates import month_end
from policydesk.numerals import CN_NUM_CHARS, cn_to_int

_CLAUSE_BREAK = re.compile(r"[，,。；;？?！!\n]")
_NUMBER = r"(\d+(?:\.\d+)?|[" + CN_NUM_CHARS + r"]+)"
_AMOUNT = re.compile(_NUMBER + r"\s*(万|千)?\s*(?:元|块钱?|块)?(?![\d.个年月天日号小时级%％倍岁周次])")
_HOURS = re.compile(_NUMBER + r"\s*(?:个)?(?:半)?(?:小时|钟头)")
_MONTH_ONLY = re.compile(r"(?:(\d{4})年|(今年|去年|前年|明年))?(\d{1,2})月")
_YEAR_WORDS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}
_NEGATION_BEFORE = re.compile(r"(?:不|没|没有|未|非|无)$")


@dataclass(frozen=True)
class Mention:
    value: object
    start: int
    end: int
    problem: str | None = None


def extract(fields, text: str, today: date) -> tuple[dict, dict]:
    """(slots, problems) for ``fields`` (a calculator's input fields) in ``text``."""
    text = arabize(text)
    slots: dict = {}
    problems: dict = {}
    by_kind: dict[str, list] = {}
    for f in fields:
        say = getattr(f, "say", None)
        if say is None:
            continue
        if f.type == "choice":
            _choice(f, text, slots)
        elif f.type == "bool":
            _yes_no(f, say, text, slots)
        if say.pattern:
            _pattern(f, say, text, slots)
        kind = _kind(f)
        if kind and (say.near or say.alone):
            by_kind.setdefault(kind, []).append(f)
    finders = {
        "date": lambda: _dates(text, today, by_kind.get("date", [])),
        "duration": lambda: [Mention(d.months, d.start, d.end) for d in find_durations(text)],
        "days": lambda: [Mention(v, s, e) for v, s, e in find_day_counts(text)],
        "hours": lambda: [Mention(_num(m.group(1)) + (0.5 if "半" in m.group(0) else 0), m.start(), m.end())
                          for m in _HOURS.finditer(text) if _num(m.group(1)) is not None],  # as hours_in
        "money": lambda: _amounts(text),
    }
    for kind, kind_fields in by_kind.items():
        mentions = finders[kind]()
        _assign(kind, kind_fields, mentions, text, slots, problems)
    return slots, problems


def _kind(f) -> str | None:
    if f.type == "date":
        return "date"
    if f.type == "money":
        return "money"
    unit = getattr(f, "unit", "") or ""
    if f.type in ("int", "float"):
        return {"year": "duration", "month": "duration", "day": "days", "hour": "hours"}.get(unit)
    return None


def _num(raw: str | None):
    if raw is None:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw) if "." in raw else int(raw)
    return cn_to_int(raw)


# ------------------------------------------------------------------ mentions of each kind

def _dates(text: str, today: date, fields) -> list[Mention]:
    wants_month_end = any(f.say.month_end for f in fields)
    out = []
    for d in find_dates(text, today):
        if d.value is None and wants_month_end:
            m = _MONTH_ONLY.fullmatch(d.text.rstrip("份"))
            if m and 1 <= int(m.group(3)) <= 12:
                year = int(m.group(1)) if m.group(1) else today.year + _YEAR_WORDS.get(m.group(2) or "今年", 0)
                month = int(m.group(3))
                out.append(Mention(date(year, month, month_end(year, month)).isoformat(), d.start, d.end))
                continue
        out.append(Mention(d.value.isoformat() if d.value else None, d.start, d.end,
                           None if d.value else (d.problem or f"{d.text} 不是完整日期")))
    return out


def _amounts(text: str) -> list[Mention]:
    out = []
    for m in _AMOUNT.finditer(text):
        value = _num(m.group(1))
        if value is None:
            continue
        if m.group(2) == "万":
            value = value * 10_000
        elif m.group(2) == "千":
            value = value * 1000
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        out.append(Mention(value, m.start(), m.end()))
    return out


# ------------------------------------------------------------------ giving mentions to fields

def _clause(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in _CLAUSE_BREAK.finditer(text):
        if m.start() < pos:
            start = m.end()
        else:
            return start, m.start()
    return start, len(text)


def _distance(f, text: str, mention: Mention) -> tuple[int, int] | None:
    """How close the field's nearest keyword is to the mention in its clause: (distance,
    -keyword length); a keyword just before the value is closer than one after it."""
    if not f.say.near:
        return None
    lo, hi = _clause(text, mention.start)
    best = None
    for m in re.finditer(f.say.near, text[lo:hi]):
        k_start, k_end = lo + m.start(), lo + m.end()
        if k_start < mention.end and k_end > mention.start:   # the keyword contains the value
            continue
        dist = mention.start - k_end if k_end <= mention.start else (k_start - mention.end) + 3
        key = (max(dist, 0), -(k_end - k_start))
        if best is None or key < best:
            best = key
    return best


def _assign(kind: str, fields, mentions: list[Mention], text: str, slots: dict, problems: dict) -> None:
    taken: set[int] = set()
    for i, mention in enumerate(mentions):
        scored = [(d, n, f) for n, f in enumerate(fields)
                  if f.name not in slots and f.name not in problems
                  and (d := _distance(f, text, mention)) is not None]
        if not scored:
            continue
        _d, _n, f = min(scored, key=lambda t: (t[0], t[1]))
        _give(kind, f, mention, slots, problems)
        taken.add(i)
    left = [m for i, m in enumerate(mentions) if i not in taken]
    alone = [f for f in fields if f.say.alone and f.name not in slots and f.name not in problems]
    # A lone mention with no keyword may be the field's; a lone *unusable* one (7月份 with no
    # day) is more likely about something else, so it is not held against the field.
    if len(mentions) == 1 and len(left) == 1 and alone and not left[0].problem:
        _give(kind, alone[0], left[0], slots, problems)


def _give(kind: str, f, mention: Mention, slots: dict, problems: dict) -> None:
    if mention.problem:
        problems[f.name] = mention.problem
        return
    value = mention.value
    if kind == "duration":
        months = float(value)
        value = months / 12 if f.unit == "year" else months
        value = round(value, 2)
    if f.type == "int":
        if float(value) != int(float(value)):
            return
        value = int(float(value))
    elif f.type == "float" and isinstance(value, (int, float)):
        value = float(value)
    slots[f.name] = value


def _pattern(f, say, text: str, slots: dict) -> None:
    if f.name in slots:
        return
    m = re.search(say.pattern, text)
    if not m:
        return
    raw = next((g for g in m.groups() if g is not None), None)
    if raw is None:
        return
    value = _num(raw) if f.type in ("int", "float", "money") else raw
    if value is not None:
        slots[f.name] = value


def _choice(f, text: str, slots: dict) -> None:
    """The choice whose words match the longest stretch of the question (不是低保 beats 低保)."""
    best = None
    for c in f.choices:
        patterns = [re.escape(s) for s in c.synonyms if s] + ([c.say] if getattr(c, "say", "") else [])
        for pattern in patterns:
            for m in re.finditer(pattern, text):
                if _NEGATION_BEFORE.search(text[max(0, m.start() - 2):m.start()]) and not getattr(c, "say", ""):
                    continue
                length = m.end() - m.start()
                if best is None or length > best[0]:
                    best = (length, c.value)
    if best:
        slots[f.name] = best[1]


def _yes_no(f, say, text: str, slots: dict) -> None:
    if say.no and re.search(say.no, text):
        slots[f.name] = False
    elif say.yes and re.search(say.yes, text):
        slots[f.name] = True


def amounts_in(text: str) -> list:
    """Amounts of money in ``text`` (arabized): 6000, 6000元, 1.8万 → 18000."""
    return [m.value for m in _amounts(text)]


def hours_in(text: str) -> list:
    """Counts of hours in ``text`` (arabized): 3小时, 2个小时, 4个半小时."""
    return [_num(m.group(1)) + (0.5 if "半" in m.group(0) else 0) for m in _HOURS.finditer(text)
            if _num(m.group(1)) is not None]
