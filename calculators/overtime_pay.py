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
from calculators.say import Chat, Say
from calculators.spec import TODAY_FIELD, WAGE_MAX, WAGE_MIN, CalculatorSpec, Choice, Field
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


SPEC = CalculatorSpec(
    name=NAME,
    title_zh="加班工资",
    description="按《劳动法》第四十四条计算加班工资：工作日延长工作时间、休息日加班又不能补休、法定休假日加班的最低比例，按月计薪天数（默认值作为假设说明）和标准工作日折算日工资、小时工资。",
    fields=(
        Field("kind", "choice", "加班类型", "请问是工作日下班后延长工作时间、休息日（周末）加班，还是法定节假日加班？",
              required=True, choices=(
                  Choice("workday", "工作日延长工作时间", ("工作日", "平时", "下班后", "延时", "晚上加班", "延长工作时间"),
                         say=r"工作日|平时|下班后|延时|晚上|延长工作时间|周[一二三四五]|星期[一二三四五]|夜里"),
                  Choice("rest_day", "休息日加班", ("休息日", "周末", "周六", "周日", "星期六", "星期天", "星期日", "双休日"),
                         say=r"休息日|周末|周六|周日|星期[六天日]|礼拜[六天日]|双休日?"),
                  Choice("holiday", "法定节假日加班",
                         ("法定节假日", "法定假日", "节假日", "法定休假日", "春节", "国庆", "元旦", "清明", "劳动节",
                          "五一", "端午", "中秋", "除夕"),
                         say=r"法定(?:节)?假日|法定休假日|节假日|春节|大年|初一|除夕|国庆|元旦|清明|劳动节|五一|端午|中秋"),
              ), help_en="workday (150%) | rest_day (200%) | holiday (300%)", say=Say()),
        Field("monthly_wage", "money", "月工资（元）", "请问您的月工资（或日工资、小时工资）是多少元？",
              min=WAGE_MIN, max=WAGE_MAX, unit="yuan", help_en="monthly wage, yuan (or --daily-wage / --hourly-wage)",
              say=Say(near=r"月薪|月工资|工资|每月")),
        Field("daily_wage", "money", "日工资（元）", "请问您的日工资是多少元？", min=0.01, max=500_000, unit="yuan",
              help_en="daily wage, yuan", say=Say(near=r"日工资|日薪|一天工资|每天工资|天工资|每天")),
        Field("hourly_wage", "money", "小时工资（元）", "请问您的小时工资是多少元？", min=0.01, max=100_000, unit="yuan",
              help_en="hourly wage, yuan", say=Say(near=r"时薪|小时工资|每小时|一小时")),
        Field("hours", "float", "加班小时数", "请问加班了几个小时？", min=0, max=744, unit="hour",
              help_en="hours of overtime (or --days)", say=Say(near=r"加班|加了|干了|上班|延长", alone=True)),
        Field("days", "float", "加班天数", "请问加班了几天？", min=0, max=31, unit="day", help_en="days of overtime",
              say=Say(near=r"加班|加了|上班|干了|上了", alone=True,
                      pattern=r"(\d+)个(?:周六|周日|周末|星期[六天日]|礼拜[六天日]|休息日|节假日)")),
        Field("paid_days_per_month", "float", "月计薪天数", "请问单位按每月多少天计薪？",
              min=1, max=31, unit="day", help_en="paid days per month (default from the rules, stated as an assumption)",
              say=Say(near=r"计薪天数|计薪")),
        Field("compensatory_leave", "bool", "休息日加班是否已安排补休", "请问单位有没有给您安排补休？",
              default=False, help_en="rest-day work compensated by time off (then no 200%)",
              say=Say(yes=r"(?:安排|给)了?补休|补休了|调休了|已经补休", no=r"不(?:安排|给|能)补休|没(?:有)?(?:安排)?补休|无补休|不补休|没调休")),
        TODAY_FIELD,
    ),
    function=overtime_pay,
    output_keys=("rate_percent", "daily_rate_yuan", "hourly_rate_yuan", "amount_yuan", "assumptions", "citations", "steps"),
    rules="overtime_pay",
    results={"rate_percent": "不低于工资的（%）", "daily_rate_yuan": "日工资（元）", "hourly_rate_yuan": "小时工资（元）",
             "amount_yuan": "加班工资（元）"},
    exclusive=(("monthly_wage", "daily_wage", "hourly_wage"), ("hours", "days")),
    chat=Chat(triggers=r"加班|延时工资|加点",
              asks=r"多少|几倍|怎么算|算下|怎么给|给多少|能拿|至少|按.{0,6}算", then_ask=("monthly_wage",), then_ask_if="owed"),
    order=50,
)
