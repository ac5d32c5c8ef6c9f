"""加班工资 (overtime pay), 《劳动法》第四十四条.

At least 150 % of the wage for overtime on a working day, 200 % for work on a rest day when
no compensatory time off is arranged, 300 % on a statutory holiday. The day rate is the
monthly wage ÷ the monthly number of paid days, the hour rate the day rate ÷ 8 (the 8-hour
day of 《国务院关于职工工作时间的规定》第三条).

The monthly number of paid days is not a rule of overtime in the corpus: 21.75 appears only
for unused annual leave (实施办法 第十一条). It is therefore an input
(``paid_days_per_month``) whose default is listed in ``assumptions`` and said in the answer,
never applied silently. Rates are minimums (不低于). Money is ``Decimal``; the day and hour
rates are rounded to the cent first and the amount is computed from the rounded rate shown.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from calculators.money import ROUNDING_ZH, cents, dec, fmt, num, plain, yuan
from calculators.rules import citation
from calculators.trace import Trace
from policydesk.errors import InputError

NAME = "overtime-pay"

KIND_ZH = {"workday": "工作日延长工作时间", "rest_day": "休息日加班（不能安排补休）",
           "holiday": "法定休假日加班"}
RATE_RULE = {"workday": "overtime_pay.rate_percent_workday",
             "rest_day": "overtime_pay.rate_percent_rest_day",
             "holiday": "overtime_pay.rate_percent_holiday"}


def overtime_pay(kind: str, monthly_wage: Decimal | None = None, daily_wage: Decimal | None = None,
                 hourly_wage: Decimal | None = None, hours: float | None = None, days: float | None = None,
                 paid_days_per_month: float | None = None, compensatory_leave: bool = False,
                 today: dt.date | None = None) -> dict:
    """Minimum overtime rate, day and hour rates and the amount for the hours or days worked."""
    given = [n for n, v in (("monthly_wage", monthly_wage), ("daily_wage", daily_wage),
                            ("hourly_wage", hourly_wage)) if v is not None]
    if len(given) > 1:
        raise InputError("月工资、日工资、小时工资只需填写一项。", f"{given[1]}: give only one wage", field=given[1])
    if hours is not None and days is not None:
        raise InputError("加班小时数和加班天数只需填写一项。", "days: give hours or days, not both", field="days")
    trace = Trace(today)
    assumptions: list[str] = []
    notes: list[dict] = []
    per_day = dec(trace.read("overtime_pay.hours_per_day", required=True, field="today", field_zh="提问日期").value)
    trace.compute(f"{ROUNDING_ZH}；日工资、小时工资先取到分，再用于计算加班工资。")

    if kind == "rest_day" and compensatory_leave:
        rule = trace.read(RATE_RULE["rest_day"])
        trace.compute("休息日加班已安排补休：按第四十四条，只有不能安排补休时才支付不低于200%的工资报酬。")
        summary = "休息日加班已经安排补休的，单位可以不再支付休息日加班工资。"
        return _result(None, None, None, None, trace, summary, assumptions, notes, kind, False, rule)

    rate = dec(trace.read(RATE_RULE[kind]).value)
    trace.compute(f"{KIND_ZH[kind]}：不低于工资的{num(rate)}%。", rate_percent=float(rate))

    daily = hourly = None
    if monthly_wage is not None:
        if paid_days_per_month is None:
            default = trace.read("overtime_pay.default_paid_days_per_month")
            if default.value is None:
                raise InputError("缺少“月计薪天数”：请填写每月计薪天数。", "paid_days_per_month: required",
                                 field="paid_days_per_month")
            paid_days_per_month = default.value
            assumptions.append(f"按月计薪天数{num(dec(paid_days_per_month))}天把月工资折算为日工资（假设：资料中这一天数见于"
                               "未休年休假工资的折算，加班工资沿用；如单位另有约定，请告诉我）。")
        paid = dec(paid_days_per_month)
        daily = cents(dec(monthly_wage) / paid)
        hourly = cents(dec(monthly_wage) / paid / per_day)
        trace.compute(f"日工资：{fmt(monthly_wage)}元÷{num(paid)}天 = {fmt(daily)}元；"
                      f"小时工资：{fmt(monthly_wage)}元÷{num(paid)}天÷{num(per_day)}小时 = {fmt(hourly)}元。",
                      daily_rate_yuan=str(daily), hourly_rate_yuan=str(hourly))
    elif daily_wage is not None:
        daily = cents(daily_wage)
        hourly = cents(dec(daily_wage) / per_day)
        trace.compute(f"小时工资：日工资{fmt(daily)}元÷{num(per_day)}小时 = {fmt(hourly)}元。",
                      hourly_rate_yuan=str(hourly))
    elif hourly_wage is not None:
        hourly = cents(hourly_wage)
        daily = cents(hourly * per_day)
        trace.compute(f"日工资：小时工资{fmt(hourly)}元×{num(per_day)}小时 = {fmt(daily)}元。",
                      daily_rate_yuan=str(daily))

    if kind == "workday" and hours is not None:
        limit = trace.read("overtime_pay.monthly_limit_hours")
        if limit.value is not None and dec(hours) > dec(limit.value):
            notes.append({"id": "hours_limit", "text": f"延长工作时间每月不得超过{num(dec(limit.value))}小时，"
                          f"您填写的{num(dec(hours))}小时如在同一个月内，已超过法定上限。",
                          "citations": [citation(limit.reference)]})

    amount = None
    if daily is not None and (hours is not None or days is not None):
        if days is not None:
            amount = cents(daily * dec(days) * rate / 100)
            trace.compute(f"加班工资：日工资{fmt(daily)}元×{num(dec(days))}天×{num(rate)}% = {fmt(amount)}元。",
                          amount_yuan=str(amount))
        else:
            amount = cents(hourly * dec(hours) * rate / 100)
            trace.compute(f"加班工资：小时工资{fmt(hourly)}元×{num(dec(hours))}小时×{num(rate)}% = {fmt(amount)}元。",
                          amount_yuan=str(amount))

    what = {"workday": "工作日延时加班", "rest_day": "休息日加班", "holiday": "法定节假日加班"}[kind]
    if amount is not None:
        summary = f"{what}工资至少{fmt(amount)}元（按工资的{num(rate)}%计算）。"
    elif daily is not None:
        summary = (f"{what}工资不低于工资的{num(rate)}%，即每小时至少{fmt(hourly * rate / 100)}元、"
                   f"每天至少{fmt(daily * rate / 100)}元。")
    else:
        summary = f"{what}工资不低于工资的{num(rate)}%；告诉我工资和加班时间即可算出金额。"
    for a in assumptions:
        summary = summary.rstrip("。") + "；" + a.split("（")[0] + "。"
    return _result(rate, daily, hourly, amount, trace, summary, assumptions, notes, kind, True, None)


def _result(rate, daily, hourly, amount, trace: Trace, summary, assumptions, notes, kind, owed,
            rule) -> dict:
    if rule is not None:
        trace.cite(rule.reference)
    return {
        "calculator": NAME,
        "kind": kind,
        "owed": owed,
        "rate_percent": plain(rate),
        "daily_rate_yuan": yuan(daily),
        "hourly_rate_yuan": yuan(hourly),
        "amount_yuan": yuan(amount),
        "assumptions": assumptions,
        "summary": summary,
        "next_step": "单位不支付加班工资的，可以向劳动保障监察机构投诉、申请劳动仲裁或拨打12333。",
        "actions": [],
        "notes": notes + [{"id": "assumption", "text": "说明：" + a, "citations": []} for a in assumptions],
        "citations": trace.citations,
        "steps": trace.steps,
    }
