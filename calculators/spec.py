"""What a calculator is, in one place: its inputs, how each is asked and said, when an input
becomes required, the words that bring it up in chat, the names of its results and the rules
it reads. Every surface is derived from a ``CalculatorSpec`` by loops: the CLI flags
(``policydesk calc NAME``), the HTTP schema (``POST /api/calculators/NAME``), the portal form,
the chat's understanding and follow-up questions, and the numeric guard.

A calculator module defines ``SPEC = CalculatorSpec(...)`` next to its pure function and
reads the rules named ``SPEC.rules + ".*"`` from ``rules/*.yaml``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from calculators.say import Chat, Say
from policydesk.dates import DATE_MAX, DATE_MIN

# Sanity bounds on input (not policy): dates a person could mean (policydesk.dates), money a
# person could earn.
WAGE_MIN, WAGE_MAX = 1, 10_000_000

TYPES = ("date", "int", "float", "money", "bool", "choice")
# The unit of a quantity: what its number counts (for questions, the chat and the guard).
UNITS_ZH = {"": "", "year": "年", "month": "个月", "day": "天", "hour": "小时", "yuan": "元",
            "percent": "%", "grade": "级"}


@dataclass(frozen=True)
class Choice:
    value: str
    label_zh: str
    synonyms: tuple[str, ...] = ()   # words that name it (API/CLI/chat): 低保, 低保户 …
    say: str = ""                   # a regex for longer colloquial phrasings in chat


@dataclass(frozen=True)
class Field:
    name: str
    type: str            # date | int | float | money (Decimal yuan) | bool | choice
    label_zh: str
    ask_zh: str          # the follow-up question when the chat needs it
    required: bool = False
    default: Any = None
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    default_today: bool = False  # filled from run_calculator's ``today`` when missing
    false_aliases: tuple[str, ...] = ()  # input names meaning "this bool is False"
    help_en: str = ""
    unit: str = ""       # year | month | day | hour | yuan | percent | grade (see UNITS_ZH)
    say: Say | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def unit_zh(self) -> str:
        return UNITS_ZH.get(self.unit, self.unit)

    @property
    def range_zh(self) -> str:
        """The accepted range in words, for help texts and error messages."""
        if self.type == "date":
            return f"{DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()}"
        if self.type in ("int", "float", "money") and self.min is not None and self.max is not None:
            return f"{_plain(self.min)} 至 {_plain(self.max)}{self.unit_zh}"
        return ""

    def choice_label(self, value: Any) -> str:
        for c in self.choices:
            if c.value == value:
                return c.label_zh
        return str(value)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["choices"] = [asdict(c) for c in self.choices]
        out["flag"] = self.flag
        out["unit_zh"] = self.unit_zh
        out["range_zh"] = self.range_zh
        out.pop("say", None)
        return out


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


GIVEN = "*"  # in a Requirement's ``when``: the field has any value


@dataclass(frozen=True)
class Requirement:
    """``field`` is required when every ``(name, value)`` of ``when`` holds (``GIVEN``: the
    input was given at all) and no field of ``unless`` was given as anything but False."""
    field: str
    when: tuple[tuple[str, Any], ...] = ()
    unless: tuple[str, ...] = ()

    def applies(self, values: dict) -> bool:
        for name, want in self.when:
            if name not in values or (want != GIVEN and values[name] != want):
                return False
        return not any(values.get(name) not in (None, False) for name in self.unless)


@dataclass(frozen=True)
class CalculatorSpec:
    name: str                 # the CLI command and API path: kebab-case
    title_zh: str
    description: str          # the --help text and the portal's caption (no rule numbers)
    fields: tuple[Field, ...]
    function: Callable[..., dict]
    output_keys: tuple[str, ...]          # the DESIGN.md contract keys
    rules: str = ""                       # prefix of the parameters it reads: "severance"
    results: dict[str, str] = field(default_factory=dict)   # result key → Chinese label
    requirements: tuple[Requirement, ...] = ()
    # Groups of inputs that cannot all hold at once: at most one of a group may be given
    # (as True for a yes/no input).
    exclusive: tuple[tuple[str, ...], ...] = ()
    chat: Chat | None = None
    order: int = 100                      # chat: which candidate is tried first

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"name": self.name, "title_zh": self.title_zh, "description": self.description,
                "fields": [f.to_dict() for f in self.fields], "output_keys": list(self.output_keys),
                "results": dict(self.results)}


# ---------------------------------------------------------------- fields many calculators share

# The day the question is asked: every calculator compares deadlines, maturities and rounds
# with it. Filled from run_calculator's ``today``; without it nothing is said about "now".
TODAY_FIELD = Field("today", "date", "提问日期", "请问今天是哪一天？（例如 2024-03-01）", default_today=True,
                    help_en="the day the question is asked (deadlines are compared with it)")

DATE_FIELD = Field("date", "date", "查询日期", "请问要按哪一天计算？（例如 2023-02-10）",
                   default_today=True, help_en="as-of date for the rules (default: latest rules)")

# Result labels shared by several calculators (a calculator's own ``results`` win).
COMMON_RESULTS = {
    "summary": "结论",
    "deadline_passed": "是否已过期限",
}
