"""带薪年休假 (paid annual leave), 《职工带薪年休假条例》 and 《企业职工带薪年休假实施办法》.

Entitled after one year of continuous work (条例 第二条); 5 / 10 / 15 days by cumulative years
of work (第三条, brackets from 已满N年 inclusive); none in a year with the exclusions of
第四条 (school vacations longer than the leave, 20+ days of unpaid-for-nothing personal leave,
sick leave of 2/3/4 months by bracket). A worker who joins an employer during the year gets
(remaining calendar days ÷ 365) × the full days (实施办法 第五条); one who leaves gets
(days passed ÷ 365) × the full days − the days already taken (第十二条); fractions of a day
are dropped. Unused days are paid at 300 % of the daily wage, the monthly wage ÷ 21.75
(第十条、第十一条), which includes the normal wage.

The year is the calendar year (实施办法 第十八条). Cumulative years are counted on the day the
question is about: the leaving day if given, else ``today`` in that year, else 31 December.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from policydesk.dates import MONTHS_PER_YEAR, add_years, zh_date
from calculators.money import ROUNDING_ZH, cents, dec, fmt, num, whole_days, yuan
from calculators.rules import citation
from calculators.say import Chat, Say
from calculators.spec import TODAY_FIELD, WAGE_MAX, WAGE_MIN, CalculatorSpec, Field, Requirement
from calculators.trace import Trace
from policydesk.errors import InputError

NAME = "annual-leave"


def bracket(brackets: list[dict], years: float, key: str):
    chosen = None
    for row in sorted(brackets, key=lambda b: b["min_years"]):
        if years >= row["min_years"]:
            chosen = row[key]
    return chosen


def completed_years(start: dt.date, on: dt.date) -> int:
    years = on.year - start.year
    while years > 0 and add_years(start, years) > on:
        years -= 1
    return max(years, 0)


def annual_leave(cumulative_years: float | None = None, work_start: dt.date | None = None,
                 continuous_months: int | None = None, year: int | None = None,
                 joined: dt.date | None = None, left: dt.date | None = None,
                 days_taken: int | None = None, school_vacation_days: int | None = None,
                 personal_leave_days: int | None = None, sick_leave_months: float | None = None,
                 monthly_wage: Decimal | None = None, today: dt.date | None = None) -> dict:
    """Days of paid annual leave for one calendar year, and the pay for unused days."""
    if cumulative_years is None and work_start is None:
        raise InputError("缺少“累计工作年限”：请问您累计参加工作多少年了（在不同单位的工作时间都算）？",
                         "cumulative_years: required (or work_start)", field="cumulative_years")
    anchor = left or today or joined
    if year is None and anchor is not None:
        year = anchor.year
    if year is None:
        raise InputError("缺少“年度”：请问要算哪一年的年休假？", "year: required without today", field="year")
    first = dt.date(year, 1, 1)
    last = dt.date(year + 1, 1, 1) - dt.timedelta(days=1)
    if left is not None and left.year != year:
        raise InputError(f"“离职日期”{left.isoformat()}不在{year}年度内。", "left: not in year", field="left")
    if joined is not None and joined.year > year:
        raise InputError(f"“入职本单位日期”{joined.isoformat()}晚于{year}年度。", "joined: after year", field="joined")
    if joined is not None and left is not None and left < joined:
        raise InputError(f"“离职日期”{left.isoformat()}早于“入职本单位日期”{joined.isoformat()}，请检查。",
                         "left: before joined", field="left")
    on = left or (today if today is not None and today.year == year else last)
    if work_start is not None and work_start > on:
        raise InputError(f"“参加工作日期”{work_start.isoformat()}晚于{on.isoformat()}。",
                         "work_start: after the day counted", field="work_start")

    trace = Trace(on)
    req = {"required": True, "field": "year", "field_zh": "年度"}
    min_years = dec(trace.read("annual_leave.min_continuous_years", **req).value)
    brackets = trace.read("annual_leave.days_by_years", **req).value
    assumptions: list[str] = []
    notes: list[dict] = []

    if cumulative_years is None:
        cumulative_years = completed_years(work_start, on)
        trace.compute(f"参加工作日{work_start.isoformat()}至{on.isoformat()}：累计工作已满{cumulative_years}年。",
                      years_counted=cumulative_years)
    else:
        trace.compute(f"累计工作年限：{num(dec(cumulative_years))}年（按您填写）。", years_counted=cumulative_years)
    years = dec(cumulative_years)
    required_months = min_years * MONTHS_PER_YEAR
    trace.compute(f"连续工作须满{num(required_months)}个月（{num(min_years)}年）。", continuous_months_required=required_months)
    if continuous_months is None:
        continuous = years * MONTHS_PER_YEAR
        if years >= min_years:
            assumptions.append(f"按累计工作年限，视为已连续工作满{num(required_months)}个月；"
                               "如中间有较长时间没有工作，请告诉我连续工作了几个月。")
    else:
        continuous = dec(continuous_months)
    if continuous < required_months:
        trace.compute(f"连续工作{num(continuous)}个月，不满{num(required_months)}个月：不享受年休假。")
        summary = f"连续工作不满{num(required_months)}个月，{year}年不享受带薪年休假（0天）。"
        return _result(False, 0, 0, cumulative_years, False, None, trace, summary, notes, assumptions,
                       year, None, None, None, None)

    full = int(bracket(brackets, float(years), "days"))
    trace.compute(f"累计工作{num(years)}年，按第三条分档：全年年休假{full}天。", full_year_days=full)
    holidays = trace.read("annual_leave.holidays_not_counted")
    if holidays.value:
        notes.append({"id": "holidays", "text": "国家法定休假日、休息日不计入年休假的假期。",
                      "citations": [citation(holidays.reference)]})

    # Exclusions (条例 第四条).
    excluded = None
    if school_vacation_days:
        rule = trace.read("annual_leave.school_vacation_exclusion")
        if rule.value and school_vacation_days > full:
            excluded = f"享受寒暑假{school_vacation_days}天，多于年休假{full}天"
        elif school_vacation_days:
            top_up = trace.read("annual_leave.school_vacation_top_up")
            if top_up.value:
                trace.compute(f"寒暑假{school_vacation_days}天少于年休假{full}天：单位应补足，"
                              f"还可休{full - school_vacation_days}天。")
                full -= school_vacation_days
    if excluded is None and personal_leave_days is not None:
        limit = trace.read("annual_leave.personal_leave_limit_days").value
        if personal_leave_days >= limit:
            excluded = f"请事假累计{personal_leave_days}天（单位按规定不扣工资），达到{limit}天"
            assumptions.append("事假只在单位按规定不扣工资时才影响年休假；扣了工资的事假不算。")
    if excluded is None and sick_leave_months is not None:
        limits = trace.read("annual_leave.sick_leave_limit_months").value
        limit = bracket(limits, float(years), "months")
        if limit is not None and dec(sick_leave_months) >= dec(limit):
            excluded = f"累计工作{num(years)}年，请病假累计{num(dec(sick_leave_months))}个月，达到{limit}个月"
    if excluded:
        trace.compute(f"{excluded}：按第四条不享受当年的年休假。")
        summary = f"{excluded}，按规定{year}年不享受年休假（0天）。"
        return _result(True, 0, full, cumulative_years, False, excluded, trace, summary, notes, assumptions,
                        year, None, None, None, None)

    # Pro rata for the year of joining / leaving; fractions of a day dropped.
    days = full
    prorated = False
    unused = None
    period_start = joined if (joined is not None and joined > first) else first
    drop = trace.read("annual_leave.fraction_dropped")
    if left is not None:
        divisor = trace.read("annual_leave.leave_proration_divisor_days").value
        passed_days = (left - period_start).days + 1
        exact = dec(passed_days) / dec(divisor) * full
        days = whole_days(exact) if drop.value else exact
        prorated = True
        taken = days_taken or 0
        unused = max(whole_days(exact - taken), 0)
        trace.compute(f"离职折算：当年度在本单位已过日历天数{passed_days}天（{period_start.isoformat()}至{left.isoformat()}）"
                      f"÷{divisor}天×{full}天 = {exact:.2f}天，不足1整天的部分不计：{days}天；"
                      f"减去已安排{taken}天，应休未休{unused}天。", days=days, unused_days=unused)
        if days_taken is None:
            assumptions.append("未说明今年已休几天年休假，按0天计算。")
    elif joined is not None and joined > first:
        divisor = trace.read("annual_leave.join_proration_divisor_days").value
        remaining = (last - joined).days + 1
        exact = dec(remaining) / dec(divisor) * full
        days = whole_days(exact) if drop.value else exact
        prorated = True
        trace.compute(f"新进单位折算：当年度在本单位剩余日历天数{remaining}天（{joined.isoformat()}至{last.isoformat()}）"
                      f"÷{divisor}天×{full}天 = {exact:.2f}天，不足1整天的部分不享受：{days}天。", days=days)

    daily = pay = None
    if monthly_wage is not None:
        per_month = dec(trace.read("annual_leave.paid_days_per_month").value)
        percent = dec(trace.read("annual_leave.unused_pay_percent").value)
        daily = cents(dec(monthly_wage) / per_month)
        if unused is None:
            unused = max(days - (days_taken or 0), 0)
            if days_taken is None:
                assumptions.append("未说明今年已休几天年休假，按一天都没休计算未休年休假工资。")
        pay = cents(daily * unused * percent / 100)
        trace.compute(f"日工资：{fmt(monthly_wage)}元÷{num(per_month)}天 = {fmt(daily)}元；未休年休假工资报酬："
                      f"{unused}天×{fmt(daily)}元×{num(percent)}% = {fmt(pay)}元（其中包含正常工作期间的工资；{ROUNDING_ZH}）。",
                      unused_leave_pay_yuan=str(pay))

    if left is not None:
        summary = f"{year}年离职时按已工作时间折算年休假{days}天，应休未休{unused}天。"
    elif prorated:
        summary = f"{year}年在新单位可休年休假{days}天（全年{full}天按入职后剩余天数折算）。"
    else:
        summary = f"{year}年可休带薪年休假{days}天。"
    if pay is not None:
        summary = summary.rstrip("。") + f"；未休的{unused}天应支付{fmt(pay)}元。"
    return _result(True, days, full, cumulative_years, prorated, None, trace, summary, notes, assumptions,
                   year, unused, daily, pay, monthly_wage)


def _result(entitled, days, full, years, prorated, excluded, trace: Trace, summary, notes, assumptions,
            year, unused, daily, pay, wage) -> dict:
    return {
        "calculator": NAME,
        "entitled": entitled and not excluded,
        "days": int(days),
        "full_year_days": int(full),
        "years_counted": float(years) if not float(years).is_integer() else int(years),
        "prorated": prorated,
        "excluded_because": excluded,
        "year": year,
        "unused_days": unused,
        "daily_wage_yuan": yuan(daily),
        "unused_leave_pay_yuan": yuan(pay),
        "summary": summary,
        "next_step": "年休假由单位统筹安排；单位不安排又不支付未休年休假工资的，可以向劳动保障监察机构投诉、申请劳动仲裁或拨打12333。",
        "actions": [],
        "notes": notes + [{"id": "assumption", "text": "说明：" + a, "citations": []} for a in assumptions],
        "assumptions": assumptions,
        "citations": trace.citations,
        "steps": trace.steps,
    }


SPEC = CalculatorSpec(
    name=NAME,
    title_zh="带薪年休假",
    description="按《职工带薪年休假条例》和《企业职工带薪年休假实施办法》计算某一年的带薪年休假天数：是否享受、按累计工作年限分档、第四条不享受的情形、入职或离职当年折算，以及未休年休假工资报酬。",
    fields=(
        Field("cumulative_years", "float", "累计工作年限（年）", "请问您累计参加工作多少年了（在不同单位的时间都算）？",
              min=0, max=60, unit="year", help_en="cumulative years of work at any employer, 0-60",
              say=Say(near=r"工作|累计|参加工作|工龄|干了|上班|干", alone=True)),
        Field("work_start", "date", "参加工作日期", "请问您是哪天开始参加工作的？（例如 2010-07-01）",
              help_en="first day of work ever (instead of --cumulative-years)",
              say=Say(near=r"参加工作|开始工作|工作起|毕业工作")),
        Field("continuous_months", "int", "连续工作月数", "请问您到现在已经连续工作了几个月？",
              min=0, max=720, unit="month", help_en="months of continuous work (default: from the cumulative years, stated)",
              say=Say(near=r"连续工作|连续干")),
        Field("year", "int", "年度", "请问要算哪一年的年休假？", min=2008, max=2099,
              help_en="calendar year (default: the year of --left or --today)",
              say=Say(pattern=r"((?:19|20)\d{2})年(?:的|度)?(?:在新单位)?(?:的)?(?:年假|年休假|能休|可以休|有几天)")),
        Field("joined", "date", "入职本单位日期", "请问您是哪天进入现在这家单位的？（例如 2024-03-01）",
              help_en="day joined the current employer (pro rata in that year)",
              say=Say(near=r"入职|跳槽|换了|换到|新单位|新公司|进了?|到了?新|调入")),
        Field("left", "date", "离职日期", "请问您是哪天离职的？（例如 2024-06-30）",
              help_en="day the contract ends (pro rata, unused days paid)", say=Say(near=r"离职|辞职|解除|离开|走")),
        Field("days_taken", "int", "今年已休年休假天数", "请问今年已经休了几天年休假？",
              min=0, max=366, unit="day", help_en="days of annual leave already taken this year",
              say=Say(near=r"已经休|已休|休了|休过")),
        Field("school_vacation_days", "int", "寒暑假天数", "请问您今年享受寒暑假多少天？",
              min=0, max=366, unit="day", help_en="days of school vacation (teachers)", say=Say(near=r"寒暑假|寒假|暑假")),
        Field("personal_leave_days", "int", "不扣工资的事假天数", "请问今年请了多少天单位不扣工资的事假？",
              min=0, max=366, unit="day", help_en="days of personal leave the employer paid", say=Say(near=r"事假")),
        Field("sick_leave_months", "float", "病假累计月数", "请问今年累计请了几个月病假？",
              min=0, max=12, unit="month", help_en="months of sick leave this year", say=Say(near=r"病假")),
        Field("monthly_wage", "money", "月工资（元）", "请问您的月工资是多少元（剔除加班工资）？",
              min=WAGE_MIN, max=WAGE_MAX, unit="yuan", help_en="monthly wage without overtime, yuan (unused-leave pay)",
              say=Say(near=r"月薪|月工资|工资")),
        TODAY_FIELD,
    ),
    function=annual_leave,
    output_keys=("entitled", "days", "years_counted", "prorated", "citations", "steps"),
    rules="annual_leave",
    results={"entitled": "是否享受", "days": "年休假（天）", "full_year_days": "全年应休（天）",
             "years_counted": "累计工作年限", "prorated": "是否折算", "unused_days": "应休未休（天）",
             "unused_leave_pay_yuan": "未休年休假工资报酬（元）"},
    requirements=(Requirement("cumulative_years", unless=("work_start",)),),
    exclusive=(("cumulative_years", "work_start"),),
    chat=Chat(triggers=r"年假|年休假|带薪假|带薪休假",
              asks=r"几天|多少天|有没有|还有|能休|可以休|有几天|享受|吗|多少"),
    order=45,
)
