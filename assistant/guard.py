"""The numeric guard: every number, date or amount in an answer (Arabic or Chinese numerals)
must come from the calculator result or appear in a cited passage.

Dates are checked whole (2024年5月20日 must be an allowed date, not just three allowed
numbers); other numbers one by one. Citation markers like [1] are not numbers."""
from __future__ import annotations

import re
from datetime import date

from assistant.messages import SERVICE_NUMBERS
from assistant.parsing import arabize

_MARKER = re.compile(r"\[(\d{1,2})\]")
_DATE = re.compile(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*[日号]?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _canon(num: str) -> str:
    if "." in num:
        num = num.rstrip("0").rstrip(".")
    return num.lstrip("0") or "0"


def _prepare(text: str) -> str:
    text = _MARKER.sub(" ", text or "")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    return arabize(text)


def facts_in(text: str) -> tuple[set[tuple[int, int, int]], set[str]]:
    """(dates, other numbers) mentioned in text."""
    text = _prepare(text)
    dates = set()
    for m in _DATE.finditer(text):
        dates.add((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    rest = _DATE.sub(" ", text)
    return dates, {_canon(n) for n in _NUMBER.findall(rest)}


def _collect(value, texts: list[str]) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _collect(v, texts)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect(v, texts)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, float) and value.is_integer():
        texts.append(str(int(value)))
    elif isinstance(value, (date,)):
        texts.append(value.isoformat())
    else:
        texts.append(str(value))


def allowed_facts(citations: list[dict], calculator: dict | None, extra_texts: list[str] = ()) \
        -> tuple[set[tuple[int, int, int]], set[str]]:
    texts: list[str] = list(extra_texts)
    _collect(citations, texts)
    if calculator:
        _collect(calculator, texts)
    dates: set = set()
    numbers: set = set(SERVICE_NUMBERS)
    for t in texts:
        d, n = facts_in(t)
        dates |= d
        numbers |= n
        for y, m, day in d:  # a date's parts may be said alone ("2024年", "5月")
            numbers |= {str(y), str(m), str(day)}
    return dates, numbers


def check(text: str, citations: list[dict], calculator: dict | None, extra_texts: list[str] = ()) \
        -> list[str]:
    """The numbers and dates in ``text`` that nothing allowed supports (empty list = passes)."""
    allowed_dates, allowed_numbers = allowed_facts(citations, calculator, extra_texts)
    dates, numbers = facts_in(text)
    bad = [f"{y}-{m:02d}-{d:02d}" for (y, m, d) in sorted(dates - allowed_dates)]
    bad += sorted(n for n in numbers if n not in allowed_numbers)
    return bad


def marker_problems(text: str, reference: str, n_citations: int) -> list[str]:
    """Citation markers must survive a rewrite, and none may point past the citations."""
    found = {int(m) for m in _MARKER.findall(text or "")}
    expected = {int(m) for m in _MARKER.findall(reference or "")}
    problems = [f"[{m}] 丢失" for m in sorted(expected - found)]
    problems += [f"[{m}] 无对应引文" for m in sorted(found) if m < 1 or m > n_citations]
    return problems
