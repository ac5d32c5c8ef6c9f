"""试用期 (probation period).

Caps: 《劳动合同法》第十九条, by contract length in months (a bracket starts at N个月以上,
inclusive); open-ended contracts (``open_ended``) take their own cap, task-based contracts
(``task_based``) none. The Supreme People's Court opinion of 2022-12-27: days in which
assessment was impossible because of the pandemic may, by agreement, not count towards the
agreed probation (``suspended_days``), but an extension that breaks the legal cap is not
supported (``extension_months`` added to the agreed probation is checked against the cap).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from calculators.money import ROUNDING_ZH, cents, dec, fmt, yuan
from calculators.say import Chat, Say
from calculators.spec import DATE_FIELD, TODAY_FIELD, WAGE_MAX, WAGE_MIN, CalculatorSpec, Field, Requirement
from calculators.trace import Trace

NAME = "probation"


def cap_for_contract(brackets: list[dict], contract_months: int) -> int:
    cap = None
    for bracket in sorted(brackets, key=lambda b: b["min_contract_months"]):
        if contract_months >= bracket["min_contract_months"]:
            cap = int(bracket["max_probation_months"])
    return cap


def probation(contract_months: int | None = None, probation_months: int | None = None,
              suspended_days: int = 0, extension_months: int = 0, open_ended: bool = False,
              task_based: bool = False, monthly_wage: Decimal | None = None,
              served_months: int | None = None, date: dt.date | None = None,
              today: dt.date | None = None) -> dict:
    """The legal probation cap for a contract and whether the agreed probation respects it."""
    trace = Trace(date)
    if task_based:
        cap = trace.read("probation.task_based_max_months", required=True).value
        kind = "以完成一定工作任务为期限的劳动合同"
    elif open_ended:
        cap = trace.read("probation.open_ended_max_months", required=True).value
        kind = "无固定期限劳动合同"
    else:
        brackets = trace.read("probation.max_months_by_contract", required=True).value
        cap = cap_for_contract(brackets, contract_months)
        kind = f"{contract_months}个月的固定期限劳动合同"
    trace.compute(f"{kind}：试用期上限{cap}个月" + ("（不得约定试用期）。" if cap == 0 else "。"),
                  max_probation_months=cap)

    within = None
    parts = []
    if cap == 0:
        parts.append(f"{kind}不得约定试用期")
    else:
        parts.append(f"{kind}的试用期最长{cap}个月")
    if probation_months is not None:
        within = probation_months <= cap
        trace.compute(f"约定试用期{probation_months}个月，{'未超过' if within else '超过'}法定上限{cap}个月。",
                      agreed_within_limit=within)
        parts.append(f"约定的{probation_months}个月试用期{'符合' if within else '超过了'}法定上限")

    excludable_days = 0
    if suspended_days:
        rule = trace.read("probation.pandemic_time_excludable")
        if rule.value:
            excludable_days = suspended_days
            trace.compute(f"因疫情无法实施考察的{suspended_days}天，可以与用人单位协商不计算在原约定试用期内"
                          "（须双方协商一致），试用期结束日相应顺延。", excludable_days=suspended_days)
            parts.append(f"因疫情无法考察的{suspended_days}天经协商可以不计入试用期")
        else:
            trace.compute("该日期尚无“因疫情无法考察期间可协商不计入试用期”的规定。")

    extension_within = None
    if extension_months:
        ban = trace.read("probation.extension_beyond_cap_unsupported")
        base = probation_months or 0
        total = base + extension_months
        extension_within = total <= cap
        trace.compute(f"约定试用期{base}个月 + 顺延{extension_months}个月 = {total}个月，"
                      f"{'未超过' if extension_within else '超过'}法定上限{cap}个月。",
                      extension_within_limit=extension_within)
        if not extension_within:
            note = "通过顺延试用期变相突破法定试用期上限的，人民法院不予支持" if ban.value else "顺延后超过法定上限"
            parts.append(f"顺延后试用期达{total}个月，超过法定上限{cap}个月：{note}")
        else:
            parts.append(f"顺延后试用期共{total}个月，仍在法定上限内")
    damages = None
    if within is False and (monthly_wage is not None or served_months is not None):
        rule = trace.read("probation.excess_damages_months_of_pay")
        served = probation_months if served_months is None else min(served_months, probation_months)
        if served_months is None:
            trace.compute(f"未说明已履行几个月，按约定的{probation_months}个月试用期已全部履行计算。")
        excess = max(served - cap, 0)
        trace.compute(f"已经履行的超过法定试用期的期间：{served}个月 − {cap}个月 = {excess}个月。", excess_months=excess)
        if monthly_wage is not None and rule.value is not None:
            damages = cents(dec(monthly_wage) * excess * dec(rule.value))
            trace.compute(f"赔偿金：试用期满月工资{fmt(monthly_wage)}元 × {excess}个月 = {fmt(damages)}元"
                          f"（{ROUNDING_ZH}）。", damages_yuan=str(damages))
            parts.insert(0, f"超过法定试用期已履行{excess}个月，单位应支付赔偿金{fmt(damages)}元")
        else:
            parts.insert(0, f"超过法定试用期已履行{excess}个月，单位应按试用期满月工资支付{excess}个月的赔偿金")
    return {
        "calculator": NAME,
        "damages_yuan": yuan(damages),
        "max_probation_months": cap,
        "agreed_within_limit": within,
        "excludable_days": excludable_days,
        "extension_within_limit": extension_within,
        "summary": "；".join(parts) + "。",
        "citations": trace.citations,
        "steps": trace.steps,
    }


SPEC = CalculatorSpec(
    name=NAME,
    title_zh="试用期",
    description="按《劳动合同法》第十九条计算试用期上限；违法约定且已履行的按第八十三条计算赔偿金；疫情期间无法考察的时间经协商可不计入试用期，但顺延不得突破法定上限。",
    fields=(
        Field("contract_months", "int", "劳动合同期限（月）", "请问您的劳动合同期限是多少个月？",
              min=1, max=600, unit="month",
              help_en="fixed contract length in months (required unless --open-ended or --task-based)",
              say=Say(near=r"合同|签")),
        Field("probation_months", "int", "约定试用期（月）", "请问合同约定的试用期是几个月？",
              min=0, max=600, unit="month", help_en="agreed probation in months", say=Say(near=r"试用")),
        Field("suspended_days", "int", "因疫情无法考察的天数", "请问因疫情无法返岗、无法考察的有多少天？",
              default=0, min=0, max=730, unit="day", help_en="days assessment was impossible because of the pandemic",
              say=Say(near=r"疫情|返岗|隔离|停工|考核|不能上班|无法")),
        Field("extension_months", "int", "用人单位要求顺延的月数", "请问用人单位要求把试用期顺延几个月？",
              default=0, min=0, max=600, unit="month", help_en="months the employer wants to extend probation by",
              say=Say(near=r"延长|顺延|延期|再延|推迟转正")),
        Field("open_ended", "bool", "是否无固定期限劳动合同", "请问您签的是无固定期限劳动合同吗？",
              default=False, help_en="open-ended contract (no fixed term)", say=Say(yes=r"无固定期限")),
        Field("task_based", "bool", "是否以完成一定工作任务为期限", "请问您的合同是以完成一定工作任务为期限的吗？",
              default=False, help_en="contract for the duration of a task",
              say=Say(yes=r"以完成一定工作任务为期限|完成一定工作任务")),
        Field("monthly_wage", "money", "试用期满月工资（元）", "请问试用期满后的月工资是多少元？",
              min=WAGE_MIN, max=WAGE_MAX, unit="yuan",
              help_en="monthly wage after probation, yuan (damages for an unlawful probation)",
              say=Say(near=r"月工资|工资|月薪")),
        Field("served_months", "int", "已经履行的试用期月数", "请问约定的试用期您实际已经干了几个月？",
              min=0, max=600, unit="month",
              help_en="months of the agreed probation already served (default: all of it, stated)",
              say=Say(near=r"已经干了|已经履行|履行了|干了")),
        DATE_FIELD,
        TODAY_FIELD,
    ),
    function=probation,
    output_keys=("max_probation_months", "agreed_within_limit", "citations", "steps"),
    rules="probation",
    results={"max_probation_months": "试用期最长（月）", "agreed_within_limit": "约定的试用期是否合法",
             "damages_yuan": "赔偿金（元）"},
    requirements=(Requirement("contract_months", unless=("open_ended", "task_based")),),
    exclusive=(("contract_months", "open_ended", "task_based"),),
    chat=Chat(triggers=r"试用期",
              asks=r"多久|多长|几个月|最长|最多|上限|合法|违法|能不能|可以吗|超过|算不算|延长|顺延|多少|赔"),
    order=40,
)
