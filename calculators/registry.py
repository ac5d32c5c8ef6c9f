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
from dataclasses import asdict, dataclass
from typing import Any, Callable

from policydesk.errors import InputError
from policydesk.dates import DATE_MAX, DATE_MIN
from policydesk.inputs import check_text

from calculators.benefits import benefits
from calculators.loan_deferral import loan_deferral
from calculators.probation import probation
from calculators.unemployment import unemployment
from calculators.voucher import voucher

# Sanity bounds on input (not policy): dates a person could mean (DATE_MIN..DATE_MAX, from
# policydesk.dates) and, per numeric field, ``min``/``max`` a person could have. Every
# number is checked against them before any arithmetic reads it.
MAX_NUMBER_CHARS = 32   # "12.5" fits; a 400-digit number is refused before it is parsed


@dataclass(frozen=True)
class Choice:
    value: str
    label_zh: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # date | int | float | bool | choice
    label_zh: str
    ask_zh: str
    required: bool = False
    default: Any = None
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    default_today: bool = False  # filled from run_calculator's ``today`` when missing
    false_aliases: tuple[str, ...] = ()  # input names meaning "this bool is False"
    help_en: str = ""

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def range_zh(self) -> str:
        """The accepted range in words, for help texts and error messages."""
        if self.type == "date":
            return f"{DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()}"
        if self.type in ("int", "float") and self.min is not None and self.max is not None:
            return f"{self.min:g} 至 {self.max:g}"
        return ""

    def to_dict(self) -> dict:
        out = asdict(self)
        out["choices"] = [asdict(c) for c in self.choices]
        out["flag"] = self.flag
        return out


@dataclass(frozen=True)
class CalculatorSpec:
    name: str
    title_zh: str
    description: str
    fields: tuple[Field, ...]
    function: Callable[..., dict]
    output_keys: tuple[str, ...]
    # Groups of inputs that cannot all be true at once: at most one field of a group may be
    # given as true (a bool) or given at all (any other type).
    exclusive: tuple[tuple[str, ...], ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"name": self.name, "title_zh": self.title_zh, "description": self.description,
                "fields": [f.to_dict() for f in self.fields], "output_keys": list(self.output_keys)}


_DATE_FIELD = Field("date", "date", "查询日期", "请问要按哪一天计算？（例如 2023-02-10）",
                    default_today=True, help_en="as-of date for the rules (default: latest rules)")

CALCULATORS: dict[str, CalculatorSpec] = {
    "loan-deferral": CalculatorSpec(
        name="loan-deferral",
        title_zh="创业担保贷款展期",
        description="创业担保贷款借款人因疫情影响流动性遇到暂时困难的，可申请展期还款：计算最晚可展期日、展期后到期日，并提示免除反担保和线上办理。",
        fields=(
            Field("maturity", "date", "贷款到期日", "请问您的贷款什么时候到期？（例如 2023-05-20）",
                  required=True, help_en="loan maturity date"),
            Field("months", "int", "申请展期月数", "请问您想申请展期几个月？", min=1, max=600,
                  help_en="months of deferral requested (default: the maximum)"),
            Field("pandemic_hardship", "bool", "是否因疫情影响流动性遇到暂时困难",
                  "请问您是否因疫情影响导致资金周转暂时困难？", required=True,
                  help_en="liquidity temporarily hit by the pandemic"),
            Field("date", "date", "申请日期", "请问您打算哪天申请？（例如 2023-02-10）", default_today=True,
                  help_en="application date for the rules (default: latest rules)"),
        ),
        function=loan_deferral,
        output_keys=("eligible", "max_months", "requested_months", "within_limit", "latest_maturity",
                     "new_maturity", "citations", "steps"),
    ),
    "voucher": CalculatorSpec(
        name="voucher",
        title_zh="爱心消费券",
        description="特困救助供养对象爱心消费券：是否可领、金额、按日期的发放状态、领取方式和历次发放记录。",
        fields=(
            Field("category", "choice", "救助身份", "请问您属于特困救助供养对象、低保对象，还是都不是？",
                  required=True, choices=(
                      Choice("tekun", "特困救助供养对象", ("特困", "特困人员", "特困供养", "特困救助供养")),
                      Choice("dibao", "低保对象", ("低保", "低保户", "最低生活保障")),
                      Choice("none", "都不是", ("无", "都不是", "其他", "否")),
                  ), help_en="tekun (特困) | dibao (低保) | none"),
            Field("date", "date", "查询日期", "请问要查询哪一天的发放情况？（例如 2023-02-10）",
                  required=True, default_today=True, help_en="date to check the issuing status on"),
            Field("smartphone", "bool", "能否使用智能手机", "请问您能自己用手机操作“云闪付”App吗？",
                  default=True, help_en="able to use a smartphone (--no-smartphone: staff deliver goods)"),
        ),
        function=voucher,
        output_keys=("eligible", "amount_yuan", "status", "deadline", "channel", "history", "citations",
                     "steps"),
    ),
    "unemployment": CalculatorSpec(
        name="unemployment",
        title_zh="失业保险金",
        description="按《失业保险条例》第十四条、第十七条判断能否领取失业保险金及最长领取期限；月发放额为全省统一标准。",
        fields=(
            Field("contribution_years", "float", "累计缴费年限（年）", "请问您（和单位）累计缴纳失业保险费多少年了？",
                  required=True, min=0, max=80, help_en="accumulated contribution years"),
            Field("involuntary", "bool", "是否非因本人意愿中断就业",
                  "请问您是非本人意愿失业（如被裁员、合同到期不续），还是主动辞职？", required=True,
                  false_aliases=("voluntary",), help_en="--involuntary (laid off) / --voluntary (quit)"),
            Field("registered", "bool", "是否已办理失业登记", "请问您是否已经办理失业登记，并有求职要求？",
                  required=True, false_aliases=("not_registered",),
                  help_en="registered as unemployed and seeking work"),
            _DATE_FIELD,
        ),
        function=unemployment,
        output_keys=("eligible", "max_months", "monthly_amount_yuan", "citations", "steps"),
    ),
    "probation": CalculatorSpec(
        name="probation",
        title_zh="试用期",
        description="按《劳动合同法》第十九条计算试用期上限；疫情期间无法考察的时间经协商可不计入试用期，但顺延不得突破法定上限。",
        fields=(
            Field("contract_months", "int", "劳动合同期限（月）", "请问您的劳动合同期限是多少个月？",
                  min=1, max=600, help_en="fixed contract length in months (required unless --open-ended or --task-based)"),
            Field("probation_months", "int", "约定试用期（月）", "请问合同约定的试用期是几个月？",
                  min=0, max=600, help_en="agreed probation in months"),
            Field("suspended_days", "int", "因疫情无法考察的天数", "请问因疫情无法返岗、无法考察的有多少天？",
                  default=0, min=0, max=730, help_en="days assessment was impossible because of the pandemic"),
            Field("extension_months", "int", "用人单位要求顺延的月数", "请问用人单位要求把试用期顺延几个月？",
                  default=0, min=0, max=600, help_en="months the employer wants to extend probation by"),
            Field("open_ended", "bool", "是否无固定期限劳动合同", "请问您签的是无固定期限劳动合同吗？",
                  default=False, help_en="open-ended contract (no fixed term)"),
            Field("task_based", "bool", "是否以完成一定工作任务为期限", "请问您的合同是以完成一定工作任务为期限的吗？",
                  default=False, help_en="contract for the duration of a task"),
            _DATE_FIELD,
        ),
        function=probation,
        output_keys=("max_probation_months", "agreed_within_limit", "citations", "steps"),
        exclusive=(("contract_months", "open_ended", "task_based"),),
    ),
    "benefits": CalculatorSpec(
        name="benefits",
        title_zh="政策匹配",
        description="根据个人情况（毕业时间与就业状态、平台/灵活就业、就业困难人员、返乡农民工、特困、创业、创业担保贷款）列出资料中可能适用的政策措施。",
        fields=(
            _DATE_FIELD,
            Field("graduation_date", "date", "高校毕业日期", "请问您是哪天从高校毕业的？（例如 2022-06-30）",
                  help_en="graduation date (college graduates)"),
            Field("employed", "bool", "目前是否已就业", "请问您目前是否已经就业？",
                  help_en="currently employed (unset: unknown)"),
            Field("platform_worker", "bool", "是否依托平台灵活就业", "请问您是否依托外卖、网约车等平台灵活就业？",
                  default=False, help_en="flexible work through a platform"),
            Field("flexible_worker", "bool", "是否灵活就业", "请问您是否以个人经营、非全日制等灵活方式就业？",
                  default=False, help_en="self-employed, part-time or other flexible work"),
            Field("employment_difficulty", "bool", "是否就业困难人员", "请问您是否被认定为就业困难人员？",
                  default=False, help_en="recognised 就业困难人员"),
            Field("migrant_worker", "bool", "是否返乡农民工", "请问您是返乡的农民工吗？",
                  default=False, help_en="migrant worker returning home"),
            Field("tekun", "bool", "是否特困救助供养对象", "请问您是特困救助供养对象吗？",
                  default=False, help_en="特困救助供养对象"),
            Field("entrepreneur", "bool", "是否正在创业或准备创业", "请问您正在创业或准备创业吗？",
                  default=False, help_en="running or starting a business"),
            Field("loan_holder", "bool", "是否持有创业担保贷款", "请问您是否有创业担保贷款？",
                  default=False, help_en="holds a startup guarantee loan"),
        ),
        function=benefits,
        output_keys=("programs", "citations", "steps"),
    ),
}


# ---------------------------------------------------------------- parsing

_FULLWIDTH_DIGITS = {ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")}
_DATE_RE = re.compile(r"^\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?\s*$")
_TRUE = {"true", "1", "yes", "y", "on", "是", "对", "有", "能", "会"}
_FALSE = {"false", "0", "no", "n", "off", "否", "不是", "没有", "无", "不能", "不会"}


def _bad(f: Field, zh: str, en: str) -> InputError:
    return InputError(f"“{f.label_zh}”{zh}", f"{f.name}: {en}", field=f.name)


def _show(raw: Any, limit: int = 20) -> str:
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
        m = _DATE_RE.match(text) if len(text) <= 40 else None
        if not m:
            raise _bad(f, f"不是有效日期：{_show(raw)}。请按“年-月-日”填写，例如 2023-05-20。",
                       "not a date (use YYYY-MM-DD)")
        try:
            value = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            raise _bad(f, f"不是真实存在的日期：{_show(raw)}（请检查月份和日期，例如2月没有30日）。",
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


def _out_of_range(f: Field, raw: Any) -> InputError:
    shown = _show(raw)
    if f.min is not None and f.min >= 0 and isinstance(raw, (int, float, str)) and str(raw).strip().startswith(("-", "－")):
        return _bad(f, f"不能是负数：{shown}（应在 {f.range_zh}）", f"negative: must be in {f.min:g}..{f.max:g}")
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
                             f"unknown input for {spec.name}", field=_show(key, 40))
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


def _apply_defaults(spec: CalculatorSpec, values: dict, today: dt.date | None) -> None:
    for f in spec.fields:
        if f.name in values:
            continue
        if f.default_today and today is not None:
            values[f.name] = _parse_date(f, today)
        elif f.default is not None:
            values[f.name] = f.default


def _conditional_requirements(spec: CalculatorSpec, values: dict) -> list[Field]:
    missing = []
    if spec.name == "probation" and not (values.get("open_ended") or values.get("task_based")) \
            and "contract_months" not in values:
        missing.append(spec.field("contract_months"))
    if spec.name == "benefits" and values.get("graduation_date") is not None and "date" not in values:
        missing.append(spec.field("date"))
    return missing


def missing_fields(name: str, inputs: dict, today: dt.date | None = None) -> list[Field]:
    """Required fields still missing (in ask order): the chat asks ``ask_zh`` for the first."""
    spec = get_spec(name)
    values = _canonical_inputs(spec, inputs)
    _apply_defaults(spec, values, today)
    missing = [f for f in spec.fields if f.required and f.name not in values]
    return missing + [f for f in _conditional_requirements(spec, values) if f not in missing]


def validate(name: str, inputs: dict, today: dt.date | None = None) -> dict:
    """Typed, complete inputs for calculator ``name`` or InputError naming the field."""
    spec = get_spec(name)
    raw = _canonical_inputs(spec, inputs)
    values = {k: parse_value(spec.field(k), v) for k, v in raw.items()}
    _check_exclusive(spec, values)
    _apply_defaults(spec, values, today)
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
    result["inputs"] = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}
    return result
