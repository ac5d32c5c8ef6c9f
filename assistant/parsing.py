"""Reading numbers, dates, durations and categories out of colloquial Chinese.

Deterministic and clock-free: relative dates (明年三月底, 下个月10号) are resolved against
the ``today`` argument."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from policydesk.dates import add_months, month_end
from policydesk.numerals import CN_BIG_UNITS, CN_NUM_CHARS, CN_NUMBER, CN_UNITS, cn_to_int


def arabize(text: str) -> str:
    """Replace Chinese numerals that stand for quantities by Arabic digits (一千五百元 → 1500元).

    A lone 一 inside words (一次办结, 统一) is left alone: only runs followed by a unit or
    containing a multiplier are converted."""

    def repl(m: re.Match) -> str:
        run = m.group(0)
        after = text[m.end():m.end() + 2]
        has_unit_after = bool(re.match(r"[元年个月日号天周岁人次万]|个月|周岁", after))
        if len(run) == 1 and run in "一两" and not re.match(r"[年个元]", after):
            return run
        if not has_unit_after and not any(ch in CN_UNITS or ch in CN_BIG_UNITS for ch in run):
            return run
        value = cn_to_int(run)
        return str(value) if value is not None else run

    return CN_NUMBER.sub(repl, text)


# --------------------------------------------------------------------------------------
# Dates

@dataclass(frozen=True)
class DateMention:
    value: date | None     # None when the mention is incomplete (e.g. a month without a day)
    start: int
    end: int
    text: str
    problem: str | None = None   # Chinese description when the date is impossible/incomplete


_YEAR_WORDS = {"今年": 0, "本年": 0, "明年": 1, "来年": 1, "后年": 2, "去年": -1, "前年": -2}
_MONTH_WORDS = {"这个月": 0, "本月": 0, "这月": 0, "下个月": 1, "下月": 1, "上个月": -1, "上月": -1}
_DAY_WORDS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "昨天": -1, "前天": -2}

_NUM = r"(?:\d{1,4}|[" + CN_NUM_CHARS + r"]{1,5})"
_DATE_RE = re.compile(
    r"(?P<iso>(?P<iy>\d{4})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2}))"
    r"|(?:(?:(?P<y>\d{4}|[" + CN_NUM_CHARS + r"]{4})年|(?P<yw>今年|本年|明年|来年|后年|去年|前年))?"
    r"(?:(?P<m>" + _NUM + r")月份?|(?P<mw>这个月|本月|这月|下个月|下月|上个月|上月))"
    r"(?:(?P<d>" + _NUM + r")[日号]|(?P<de>底|末|初))?)"
    r"|(?P<dw>今天|今日|明天|明日|后天|昨天|前天)"
)


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) if text.isdigit() else cn_to_int(text)


def find_dates(text: str, today: date) -> list[DateMention]:
    """Every date mention in ``text``, resolved against ``today``."""
    found: list[DateMention] = []
    for m in _DATE_RE.finditer(text):
        raw = m.group(0)
        if m.group("iso"):
            y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
            found.append(_make(y, mo, d, m, raw))
            continue
        if m.group("dw"):
            found.append(DateMention(date.fromordinal(today.toordinal() + _DAY_WORDS[m.group("dw")]),
                                     m.start(), m.end(), raw))
            continue
        if m.group("mw"):
            base = add_months(today.replace(day=1), _MONTH_WORDS[m.group("mw")])
            y, mo = base.year, base.month
        else:
            mo = _num(m.group("m"))
            if m.group("y"):
                y = _num(m.group("y"))
            elif m.group("yw"):
                y = today.year + _YEAR_WORDS[m.group("yw")]
            else:
                y = today.year
        if mo is None or y is None:
            continue
        if not m.group("y") and not m.group("yw") and not m.group("mw") and not m.group("d") \
                and not m.group("de"):
            # "3月" alone is too vague to be a date, and "6个月" is a duration, not a month.
            if text[m.end():m.end() + 1] not in "份":
                found.append(DateMention(None, m.start(), m.end(), raw, "缺少具体日期"))
                continue
        if m.group("d"):
            found.append(_make(y, mo, _num(m.group("d")), m, raw))
        elif m.group("de") in ("底", "末"):
            if 1 <= mo <= 12:
                found.append(DateMention(date(y, mo, month_end(y, mo)), m.start(), m.end(), raw))
            else:
                found.append(DateMention(None, m.start(), m.end(), raw, f"没有{mo}月"))
        elif m.group("de") == "初":
            found.append(_make(y, mo, 1, m, raw))
        else:
            found.append(DateMention(None, m.start(), m.end(), raw, "缺少具体是几号"))
    return found


def _make(y: int, mo: int, d: int | None, m: re.Match, raw: str) -> DateMention:
    try:
        return DateMention(date(y, mo, d or 1), m.start(), m.end(), raw)
    except (ValueError, TypeError):
        return DateMention(None, m.start(), m.end(), raw, f"{raw} 不是有效日期")


# --------------------------------------------------------------------------------------
# Durations

@dataclass(frozen=True)
class Duration:
    months: float
    start: int
    end: int
    text: str

    @property
    def years(self) -> float:
        return self.months / 12


_DUR_RE = re.compile(
    r"(?P<half>半年)"
    r"|(?:(?P<y>\d+(?:\.\d+)?|[" + CN_NUM_CHARS + r"]+)(?:个)?年(?P<yh>半)?"
    r"(?:(?:零)?(?P<ym>\d+|[" + CN_NUM_CHARS + r"]+)个月)?(?![0-9一二三四五六七八九十]+[月日号]))"
    r"|(?:(?P<m>\d+|[" + CN_NUM_CHARS + r"]+)个(?P<mh>半)?月)"
)


_MINUS = "-－−﹣负"


def _sign(text: str, start: int) -> int:
    """-1 when the number starting at ``start`` is written negative (缴了-5年, 负三年): a minus
    right before it that is not a range dash after another number (3-5年)."""
    if start > 0 and text[start - 1] in _MINUS:
        if start > 1 and (text[start - 2].isdigit() or text[start - 2] in CN_NUM_CHARS):
            return 1
        return -1
    return 1


def find_durations(text: str) -> list[Duration]:
    """一年半 → 18 months, 七年 → 84, 18个月 → 18, 3年零6个月 → 42; years like 2023年 are skipped.
    A negative number stays negative (缴了-5年 → -60 months), for the calculator to refuse."""
    return [Duration(d.months * _sign(text, d.start), d.start, d.end, d.text) for d in _find_durations(text)]


def _find_durations(text: str) -> list[Duration]:
    out = []
    for m in _DUR_RE.finditer(text):
        if m.group("half"):
            # skip "半年" inside "上半年/下半年"
            if m.start() > 0 and text[m.start() - 1] in "上下前后":
                continue
            out.append(Duration(6, m.start(), m.end(), m.group(0)))
            continue
        if m.group("y"):
            raw = m.group("y")
            value = float(raw) if re.fullmatch(r"\d+(?:\.\d+)?", raw) else cn_to_int(raw)
            if value is None:
                continue
            if value >= 1900 or (len(raw) == 4 and raw.isdigit()):
                continue  # a calendar year, not a duration
            months = value * 12 + (6 if m.group("yh") else 0)
            if m.group("ym"):
                months += _num(m.group("ym")) or 0
            out.append(Duration(months, m.start(), m.end(), m.group(0)))
        elif m.group("m"):
            value = _num(m.group("m"))
            if value is None:
                continue
            out.append(Duration(value + (0.5 if m.group("mh") else 0), m.start(), m.end(), m.group(0)))
    return out


_DAYS_RE = re.compile(r"(\d+|[" + CN_NUM_CHARS + r"]+)(?:天|日)(?!期)")


def find_day_counts(text: str) -> list[tuple[int, int, int]]:
    """(days, start, end) for mentions like 20天 / 二十天."""
    out = []
    for m in _DAYS_RE.finditer(text):
        value = _num(m.group(1))
        if value is not None and not re.search(r"[月号]$", text[max(0, m.start() - 1):m.start()]):
            out.append((value * _sign(text, m.start()), m.start(), m.end()))
    return out


def find_amounts(text: str) -> list[float]:
    """Amounts of money in yuan: 1500元, 一千五百元, 1.5万元."""
    out = []
    for m in re.finditer(r"(\d+(?:\.\d+)?|[" + CN_NUM_CHARS + r"]+)(万)?(?:元|块)", text):
        raw = m.group(1)
        value = float(raw) if re.fullmatch(r"\d+(?:\.\d+)?", raw) else cn_to_int(raw)
        if value is None:
            continue
        out.append(value * (10_000 if m.group(2) else 1) * _sign(text, m.start()))
    return out

