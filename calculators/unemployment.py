"""失业保险金 (unemployment insurance benefit).

Eligibility: 《失业保险条例》第十四条 — contributions for at least the minimum years, job lost
involuntarily, registered as unemployed and seeking work. Maximum duration: 第十七条, by
brackets of accumulated contribution years (a bracket starts at 满N年, inclusive).
The monthly amount is Shanxi's unified provincial standard (from the start of provincial
pooling); the corpus gives no figure, so it is null unless a rule value supplies one.
"""
from __future__ import annotations

import datetime as dt

from calculators.trace import Trace

NAME = "unemployment"


def benefit_months(brackets: list[dict], years: float) -> int | None:
    """The months of the highest bracket whose ``min_years`` the contribution years reach."""
    months = None
    for bracket in sorted(brackets, key=lambda b: b["min_years"]):
        if years >= bracket["min_years"]:
            months = int(bracket["months"])
    return months


def unemployment(contribution_years: float, involuntary: bool, registered: bool,
                 date: dt.date | None = None) -> dict:
    """Eligibility, maximum months and (if the rules give it) the monthly amount."""
    trace = Trace(date)
    min_years = trace.read("unemployment.min_contribution_years", required=True)
    needs_involuntary = trace.read("unemployment.requires_involuntary", required=True)
    needs_registration = trace.read("unemployment.requires_registration", required=True)
    brackets = trace.read("unemployment.max_benefit_months", required=True)
    pooling = trace.read("unemployment.provincial_pooling")
    amount = trace.read("unemployment.monthly_amount")

    reasons = []
    if contribution_years < min_years.value:
        reasons.append(f"累计缴费{_years(contribution_years)}年，不满{min_years.value}年")
    if needs_involuntary.value and not involuntary:
        reasons.append("属于本人意愿中断就业（如主动辞职），不符合“非因本人意愿中断就业”")
    if needs_registration.value and not registered:
        reasons.append("尚未办理失业登记（须办理失业登记并有求职要求）")
    eligible = not reasons
    trace.compute("第十四条条件：" + ("全部满足。" if eligible else "；".join(reasons) + "。"))

    band = benefit_months(brackets.value, contribution_years)
    max_months = band if eligible else None
    if eligible:
        trace.compute(f"累计缴费{_years(contribution_years)}年，按第十七条分档，领取期限最长{band}个月。",
                      max_months=band)

    monthly = amount.value
    if monthly is None:
        trace.cite(amount.reference)
        trace.compute("全省实行统一的失业保险金标准，但现有资料没有给出具体金额，因此不计算月发放额。")
    else:
        trace.compute(f"按全省统一标准，每月{monthly}元。", monthly_amount_yuan=monthly)

    if eligible:
        summary = f"您符合领取失业保险金的条件，最长可领取{band}个月。"
        if monthly is None:
            summary += "每月金额按全省统一标准发放，具体数额请咨询当地社保经办机构。"
        else:
            summary += f"每月{monthly}元（全省统一标准）。"
        if pooling.value:
            summary += pooling.statements["in_force"]
    else:
        summary = "您暂不符合领取失业保险金的条件：" + "；".join(reasons) + "。"
    return {
        "calculator": NAME,
        "eligible": eligible,
        "reasons": reasons,
        "max_months": max_months,
        "monthly_amount_yuan": monthly,
        "summary": summary,
        "citations": trace.citations,
        "steps": trace.steps,
    }


def _years(value: float) -> str:
    return f"{value:g}"
