"""The calculators by name, their input fields, and ``run_calculator`` (validate → compute).

Field names are the CLI flags in snake_case (``--contribution-years`` → ``contribution_years``;
a ``--x/--no-x`` pair is the bool field ``x``). The HTTP API and the chat call
``run_calculator(name, inputs, today=None)`` with those names; strings are accepted for
dates ("2023-05-20", "2023/5/20", "2023年5月20日"), numbers and booleans. ``today`` is only
used to fill date fields marked ``default_today`` that were not given; nothing reads a clock.

Bad input raises ``policydesk.errors.InputError(message_zh, message_en, field=...)``.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from policydesk.errors import InputError

from calculators import plugins
from calculators.money import dec, yuan
from calculators.spec import DATE_MAX, DATE_MIN, GIVEN, CalculatorSpec, Choice, Field, Requirement

__all__ = ["CALCULATORS", "CalculatorSpec", "Choice", "Field", "Requirement", "GIVEN", "get_spec",
           "missing_fields", "validate", "run_calculator", "parse_value", "reload_calculators"]

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


def parse_value(f: Field, raw: Any) -> Any:
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
        m = _DATE_RE.match(text)
        if not m:
            raise _bad(f, f"不是有效日期：{raw}。请按“年-月-日”填写，例如 2023-05-20。",
                       f"not a date: {raw!r} (use YYYY-MM-DD)")
        try:
            value = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            raise _bad(f, f"不是真实存在的日期：{raw}（请检查月份和日期，例如4月没有31日）。",
                       f"impossible date: {raw!r}") from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise _bad(f, f"日期超出合理范围：{value.isoformat()}。", f"date out of range: {value.isoformat()}")
    return value


def _parse_number(f: Field, raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise _bad(f, f"应为数字：{raw}", f"not a number: {raw!r}")
    if isinstance(raw, (int, float)):
        value = raw
    else:
        text = str(raw).translate(_FULLWIDTH_DIGITS).strip()
        try:
            value = float(text) if f.type == "float" or "." in text else int(text)
        except ValueError:
            raise _bad(f, f"应为数字：{raw}", f"not a number: {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _bad(f, f"应为数字：{raw}", f"not a finite number: {raw!r}")
    if f.type == "int":
        if float(value) != int(value):
            raise _bad(f, f"应为整数：{raw}", f"not a whole number: {raw!r}")
        value = int(value)
    if f.min is not None and value < f.min:
        raise _bad(f, f"不能小于{f.min:g}：{raw}", f"must be >= {f.min:g}, got {raw!r}")
    if f.max is not None and value > f.max:
        raise _bad(f, f"数值不合理（不能大于{f.max:g}）：{raw}", f"must be <= {f.max:g}, got {raw!r}")
    return value


def _parse_money(f: Field, raw: Any):
    """An amount in yuan as an exact Decimal ("5000", "5000.5", "５０００元"), range-checked."""
    if isinstance(raw, str):
        raw = raw.strip().removesuffix("元").strip()
    value = _parse_number(f, raw)
    return dec(str(raw).translate(_FULLWIDTH_DIGITS).strip()) if isinstance(raw, str) else dec(value)


def _parse_bool(f: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _bad(f, f"应为“是”或“否”：{raw}", f"expected true/false, got {raw!r}")


def _parse_choice(f: Field, raw: Any) -> str:
    text = str(raw).strip()
    for c in f.choices:
        if text.lower() == c.value or text == c.label_zh or text in c.synonyms:
            return c.value
    allowed = "、".join(f"{c.value}（{c.label_zh}）" for c in f.choices)
    raise _bad(f, f"不认识的选项：{raw}。可选：{allowed}。",
               f"unknown choice {raw!r}; expected one of {', '.join(c.value for c in f.choices)}")


# ---------------------------------------------------------------- running

def get_spec(name: str) -> CalculatorSpec:
    try:
        return CALCULATORS[name]
    except KeyError:
        known = "、".join(CALCULATORS)
        raise InputError(f"没有名为“{name}”的计算器，可用：{known}。", f"unknown calculator {name!r}",
                         field="calculator") from None


def _canonical_inputs(spec: CalculatorSpec, inputs: dict) -> dict:
    """Map input keys to field names (dashes → underscores; ``no_x``/``not_x`` → ``x`` False)."""
    out: dict[str, Any] = {}
    names = {f.name: f for f in spec.fields}
    for key, raw in (inputs or {}).items():
        key = str(key).strip().lstrip("-").replace("-", "_")
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            continue
        if key in names:
            out[key] = raw
            continue
        target = None
        for f in spec.fields:
            if f.type == "bool" and key in (f"no_{f.name}", f"not_{f.name}", *f.false_aliases):
                target = f
        if target is None:
            known = "、".join(names)
            raise InputError(f"不认识的输入项“{key}”（{spec.title_zh}可用：{known}）。",
                             f"unknown input {key!r} for {spec.name}", field=key)
        out[target.name] = not _parse_bool(target, raw)
    return out


def _check_exclusive(spec: CalculatorSpec, values: dict) -> None:
    for group in spec.exclusive:
        chosen = [n for n in group if n in values
                  and (values[n] is True if spec.field(n).type == "bool" else values[n] is not None)]
        if len(chosen) > 1:
            labels = "”与“".join(spec.field(n).label_zh for n in chosen)
            raise InputError(f"“{labels}”只需填写一项，请只保留一个。",
                             f"{chosen[-1]}: give only one of {', '.join(chosen)}", field=chosen[-1])


def _apply_defaults(spec: CalculatorSpec, values: dict, today: Any) -> None:
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


def missing_fields(name: str, inputs: dict, today: Any = None) -> list[Field]:
    """Required fields still missing (in ask order): the chat asks ``ask_zh`` for the first."""
    spec = get_spec(name)
    values = _canonical_inputs(spec, inputs)
    _apply_defaults(spec, values, values.get("today", today))
    missing = [f for f in spec.fields if f.required and f.name not in values]
    return missing + [f for f in _conditional_requirements(spec, values) if f not in missing]


def validate(name: str, inputs: dict, today: Any = None) -> dict:
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


def run_calculator(name: str, inputs: dict, today: Any = None) -> dict:
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
