"""The calculators by name, their input fields, and ``run_calculator`` (validate → compute).

Field names are the CLI flags in snake_case (``--contribution-years`` → ``contribution_years``;
a ``--x/--no-x`` pair is the bool field ``x``). The HTTP API and the chat call
``run_calculator(name, inputs, today=None)`` with those names; strings are accepted for
dates ("2023-05-20", "2023/5/20", "2023年5月20日"), numbers and booleans. ``today`` (a
``datetime.date``, the day asked) is only used to fill date fields marked ``default_today``
that were not given; nothing reads a clock.

Bad input raises ``policydesk.errors.InputError(message_zh, message_en, field=...)``.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from policydesk.errors import InputError
from policydesk.inputs import check_text

from calculators import plugins
from calculators.money import dec, yuan
from calculators.spec import DATE_MAX, DATE_MIN, GIVEN, CalculatorSpec, Choice, Field, Requirement

__all__ = ["CALCULATORS", "CalculatorSpec", "Choice", "Field", "Requirement", "GIVEN", "get_spec",
           "missing_fields", "validate", "run_calculator", "parse_value", "reload_calculators"]

# Sanity bounds on input (not policy): dates a person could mean (DATE_MIN..DATE_MAX, from
# policydesk.dates) and, per numeric field, ``min``/``max`` a person could have. Every
# number is checked against them before any arithmetic reads it.
MAX_NUMBER_CHARS = 32   # "12.5" fits; a 400-digit number is refused before it is parsed

# Every calculator: the ``SPEC`` of each module of this package and of the folders named in
# POLICYDESK_CALCULATORS_PATH, in chat order. Adding one is adding a module and its rules file.
CALCULATORS: dict[str, CalculatorSpec] = plugins.discover()


def reload_calculators() -> dict[str, CalculatorSpec]:
    """Discover the calculators again (after POLICYDESK_CALCULATORS_PATH changed)."""
    CALCULATORS.clear()
    CALCULATORS.update(plugins.discover())
    return CALCULATORS


# ---------------------------------------------------------------- parsing

_FULLWIDTH_DIGITS = {ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")}
_DATE_RE = re.compile(r"^\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?\s*$")
_TRUE = {"true", "1", "yes", "y", "on", "是", "对", "有", "能", "会"}
_FALSE = {"false", "0", "no", "n", "off", "否", "不是", "没有", "无", "不能", "不会"}


def _bad(f: Field, zh: str, en: str) -> InputError:
    return InputError(f"“{f.label_zh}”{zh}", f"{f.name}: {en}", field=f.name)


SHOWN_CHARS = 22        # how much of a bad value a message quotes back
LONGEST_DATE_CHARS = 44  # "2023 年 05 月 20 日" with room for spaces; longer is not a date


def _show(raw: Any, limit: int = SHOWN_CHARS) -> str:
    """The value as typed, short enough to quote back in a message."""
    text = str(raw)
    return text if len(text) <= limit else text[:limit] + "…"


def parse_value(f: Field, raw: Any) -> Any:
    if isinstance(raw, (dict, list, tuple)):
        raise _bad(f, "应是一个值，而不是一组值", "expected a single value")
    if isinstance(raw, str):
        check_text(raw, f.name, f.label_zh)
    if f.type == "date":
        return _parse_date(f, raw)
    if f.type in ("int", "float"):
        return _parse_number(f, raw)
    if f.type == "money":
        return _parse_money(f, raw)
    if f.type == "bool":
        return _parse_bool(f, raw)
    if f.type == "choice":
        return _parse_choice(f, raw)
    raise ValueError(f"unknown field type {f.type}")


def _parse_date(f: Field, raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        text = str(raw).translate(_FULLWIDTH_DIGITS)
        m = _DATE_RE.match(text) if len(text) <= LONGEST_DATE_CHARS else None
        if not m:
            raise _bad(f, f"不是有效日期：{_show(raw)}。请按“年-月-日”填写，例如 2023-05-20。",
                       "not a date (use YYYY-MM-DD)")
        try:
            value = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            raise _bad(f, f"不是真实存在的日期：{_show(raw)}（请检查月份和日期，例如4月没有31日）。",
                       "impossible date") from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise _bad(f, f"日期超出合理范围：{value.isoformat()}（应在 {f.range_zh}）。",
                   f"date out of range: {value.isoformat()}")
    return value


_NUMBER_RE = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _parse_number(f: Field, raw: Any) -> int | float:
    """A finite number within the field's range. Bounds are compared before any conversion
    that could overflow (a 400-digit integer never becomes a float)."""
    not_number = _bad(f, f"应为数字：{_show(raw)}", "not a number")
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise not_number
    if isinstance(raw, str):
        text = raw.translate(_FULLWIDTH_DIGITS).strip().replace("－", "-").replace("＋", "+")
        if len(text) > MAX_NUMBER_CHARS or not _NUMBER_RE.fullmatch(text):
            if len(text) > MAX_NUMBER_CHARS and _NUMBER_RE.fullmatch(text):
                raise _out_of_range(f, raw)
            raise not_number
        value: int | float = int(text) if "." not in text else float(text)
    else:
        value = raw
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise not_number
    if (f.min is not None and value < f.min) or (f.max is not None and value > f.max):
        raise _out_of_range(f, raw)
    if f.type == "int":
        if isinstance(value, float) and not value.is_integer():
            raise _bad(f, f"应为整数：{_show(raw)}", "not a whole number")
        value = int(value)
    elif isinstance(value, int):
        value = float(value)
    return value


def _parse_money(f: Field, raw: Any):
    """An amount in yuan as an exact Decimal ("5000", "5000.5", "５０００元"), range-checked."""
    if isinstance(raw, str):
        raw = raw.strip().removesuffix("元").strip()
    value = _parse_number(f, raw)
    return dec(str(raw).translate(_FULLWIDTH_DIGITS).strip()) if isinstance(raw, str) else dec(value)


def _out_of_range(f: Field, raw: Any) -> InputError:
    shown = _show(raw)
    if f.min is not None and f.min >= 0 and isinstance(raw, (int, float, str)) and str(raw).strip().startswith(("-", "－")):
        return _bad(f, f"不能为负数：{shown}（应在 {f.range_zh}）", f"negative: must be in {f.min:g}..{f.max:g}")
    return _bad(f, f"数值不合理：{shown}（应在 {f.range_zh}）", f"out of range: must be in {f.min:g}..{f.max:g}")


def _parse_bool(f: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _bad(f, f"应为“是”或“否”：{_show(raw)}", "expected true/false")


def _parse_choice(f: Field, raw: Any) -> str:
    text = str(raw).strip()
    for c in f.choices:
        if text.lower() == c.value or text == c.label_zh or text in c.synonyms:
            return c.value
    allowed = "、".join(f"{c.value}（{c.label_zh}）" for c in f.choices)
    raise _bad(f, f"不认识的选项：{_show(raw)}。可选：{allowed}。",
               f"unknown choice; expected one of {', '.join(c.value for c in f.choices)}")


# ---------------------------------------------------------------- running

def get_spec(name: str) -> CalculatorSpec:
    try:
        return CALCULATORS[name]
    except KeyError:
        known = "、".join(CALCULATORS)
        raise InputError(f"没有名为“{name}”的计算器，可用：{known}。", f"unknown calculator {name!r}",
                         field="calculator") from None


def _canonical_inputs(spec: CalculatorSpec, inputs: dict) -> dict:
    """Map input keys to field names (dashes → underscores; ``no_x``/``not_x`` → ``x`` False).

    The same field given twice with different values (``pandemic_hardship`` true and
    ``no_pandemic_hardship`` true) is a contradiction and refused."""
    if not isinstance(inputs, dict):
        raise InputError("计算器的输入应是一组“名称: 值”", "calculator inputs must be an object", field="inputs")
    out: dict[str, Any] = {}
    given_as: dict[str, str] = {}
    names = {f.name: f for f in spec.fields}
    for key, raw in (inputs or {}).items():
        check_text(str(key), "inputs", "输入项名称")
        key = str(key).strip().lstrip("-").replace("-", "_")
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            continue
        target = names.get(key)
        negated = False
        if target is None:
            for f in spec.fields:
                if f.type == "bool" and key in (f"no_{f.name}", f"not_{f.name}", *f.false_aliases):
                    target, negated = f, True
        if target is None:
            known = "、".join(names)
            raise InputError(f"不认识的输入项“{_show(key)}”（{spec.title_zh}可用：{known}）。",
                             f"unknown input for {spec.name}", field=_show(key, LONGEST_DATE_CHARS))
        check_text(raw, target.name, target.label_zh)
        value = (not parse_value(target, raw)) if negated else raw
        if target.name in out:
            if parse_value(target, out[target.name]) != parse_value(target, value):
                raise InputError(f"“{target.label_zh}”前后矛盾：{given_as[target.name]} 与 {key} 不一致，请只保留一个。",
                                 f"contradictory inputs {given_as[target.name]} and {key}", field=target.name)
        out[target.name] = value
        given_as[target.name] = key
    return out


def _check_exclusive(spec: CalculatorSpec, values: dict) -> None:
    for group in spec.exclusive:
        chosen = [n for n in group if n in values
                  and (values[n] is True if spec.field(n).type == "bool" else values[n] is not None)]
        if len(chosen) > 1:
            labels = "”与“".join(spec.field(n).label_zh for n in chosen)
            raise InputError(f"“{labels}”不能同时成立，请只选择一项。",
                             f"contradictory inputs: {', '.join(chosen)}", field=chosen[-1])


def _apply_defaults(spec: CalculatorSpec, values: dict, today: dt.date | str | None) -> None:
    for f in spec.fields:
        if f.name in values:
            continue
        if f.default_today and today is not None:
            values[f.name] = _parse_date(f, today)
        elif f.default is not None:
            values[f.name] = f.default


def _conditional_requirements(spec: CalculatorSpec, values: dict) -> list[Field]:
    return [spec.field(r.field) for r in spec.requirements
            if r.field not in values and r.applies(values)]


def missing_fields(name: str, inputs: dict, today: dt.date | None = None) -> list[Field]:
    """Required fields still missing (in ask order): the chat asks ``ask_zh`` for the first."""
    spec = get_spec(name)
    values = _canonical_inputs(spec, inputs)
    _apply_defaults(spec, values, values.get("today", today))
    missing = [f for f in spec.fields if f.required and f.name not in values]
    return missing + [f for f in _conditional_requirements(spec, values) if f not in missing]


def validate(name: str, inputs: dict, today: dt.date | None = None) -> dict:
    """Typed, complete inputs for calculator ``name`` or InputError naming the field.
    A ``today`` given among the inputs (``--today``) wins over the caller's ``today``."""
    spec = get_spec(name)
    raw = _canonical_inputs(spec, inputs)
    values = {k: parse_value(spec.field(k), v) for k, v in raw.items()}
    _check_exclusive(spec, values)
    _apply_defaults(spec, values, values.get("today", today))
    missing = [f for f in spec.fields if f.required and f.name not in values]
    missing += _conditional_requirements(spec, values)
    if missing:
        f = missing[0]
        raise InputError(f"缺少“{f.label_zh}”：{f.ask_zh}", f"missing required input {f.name} ({f.flag})",
                         field=f.name)
    return values


def run_calculator(name: str, inputs: dict, today: dt.date | None = None) -> dict:
    """Validate ``inputs`` (snake_case field names) and run calculator ``name``.

    Returns the contract JSON (see DESIGN.md) plus ``calculator``, ``title_zh``, ``summary``
    (one Chinese sentence), ``inputs`` (the validated values) and calculator-specific extras."""
    spec = get_spec(name)
    values = validate(name, inputs, today)
    result = spec.function(**values)
    result = {"calculator": spec.name, "title_zh": spec.title_zh, **result}
    result["inputs"] = {k: (v.isoformat() if isinstance(v, dt.date) else yuan(v) if isinstance(v, Decimal) else v)
                        for k, v in values.items()}
    return result
