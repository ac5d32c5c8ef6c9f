"""工伤保险待遇 (work-injury benefits), 《工伤保险条例》.

By disability grade (1 = most severe … 10): the one-off disability grant in months of the
worker's own wage (第三十五~三十七条) and, for grades 1–6, the monthly disability allowance as a
percentage of it (1–4 from the fund; 5–6 from the employer when no suitable work can be
arranged). The paid suspension period (停工留薪期) is at most 12 months, extendable by at most
12 (第三十三条). Deadlines to apply for recognition (第十七条): the employer within 30 days of
the accident or diagnosis, the worker or family within one year when the employer did not.
Own wage (第六十四条): the average monthly contribution wage of the 12 months before the
injury, taken as at least 60 % and at most 300 % of the local average wage. Nursing
allowance (第三十四条) and, on death, the funeral grant and one-off death grant (第三十九条).

Rules are read on the day of the injury (else ``today``); deadlines are compared with ``today``.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from policydesk.dates import zh_date
from calculators.money import ROUNDING_ZH, cents, dec, fmt, num, plain, yuan
from calculators.periods import COUNTING_ZH, passed, period_end
from calculators.rules import citation, param
from calculators.say import Chat, Say
from calculators.spec import TODAY_FIELD, WAGE_MAX, WAGE_MIN, CalculatorSpec, Choice, Field
from calculators.trace import Trace
from policydesk.errors import InputError

NAME = "work-injury"
NURSING_ZH = {"full": "生活完全不能自理", "most": "生活大部分不能自理", "partial": "生活部分不能自理"}
GRADE_RULES = ("work_injury.grades_1_4", "work_injury.grades_5_6", "work_injury.grades_7_10")
PAYER_RULES = {"fund": "work_injury.allowance_from_fund", "employer": "work_injury.allowance_from_employer"}


def known_grades(on: dt.date | None = None) -> list[int]:
    """The disability grades the rules define (the range the ``grade`` input accepts)."""
    return sorted(int(row["grade"]) for name in GRADE_RULES for row in param(name, on).value or [])


def work_injury(grade: int | None = None, own_wage: Decimal | None = None,
                average_wage: Decimal | None = None, injury_date: dt.date | None = None,
                employer_applied: bool | None = None, nursing: str | None = None, death: bool = False,
                national_income: Decimal | None = None, today: dt.date | None = None) -> dict:
    """Benefits by grade, suspension limits, recognition deadlines; amounts when wages are given."""
    if injury_date is not None and today is not None and injury_date > today:
        raise InputError(f"“受伤（或确诊职业病）日期”{injury_date.isoformat()}晚于今天，请检查。",
                         "injury_date: after today", field="injury_date")
    on = injury_date or today
    trace = Trace(on)
    req = {"required": True, "field": "injury_date" if injury_date else "today",
           "field_zh": "受伤（或确诊职业病）日期" if injury_date else "提问日期"}
    suspension = int(trace.read("work_injury.suspension_max_months", **req).value)
    extension = int(trace.read("work_injury.suspension_extension_max_months", **req).value)
    trace.compute(f"停工留薪期一般不超过{suspension}个月，经设区的市级劳动能力鉴定委员会确认可延长，"
                  f"延长不超过{extension}个月：最长共{suspension + extension}个月。")
    trace.compute(ROUNDING_ZH + "。")
    lead: list[str] = []      # deadlines that have passed: said first
    parts: list[str] = []     # result sentences, most specific first
    notes: list[dict] = []
    actions: list[dict] = []

    # Own wage, bounded by 60 % … 300 % of the local average wage.
    basis = None
    if own_wage is not None:
        basis = cents(own_wage)
        if average_wage is not None:
            floor_pct = dec(trace.read("work_injury.own_wage_floor_percent").value)
            cap_pct = dec(trace.read("work_injury.own_wage_cap_percent").value)
            low, high = cents(dec(average_wage) * floor_pct / 100), cents(dec(average_wage) * cap_pct / 100)
            if basis < low:
                trace.compute(f"本人工资{fmt(basis)}元低于统筹地区职工平均工资{fmt(average_wage)}元的{num(floor_pct)}%"
                              f"（{fmt(low)}元），按{fmt(low)}元计算。", wage_basis_yuan=str(low))
                basis = low
            elif basis > high:
                trace.compute(f"本人工资{fmt(basis)}元高于统筹地区职工平均工资{fmt(average_wage)}元的{num(cap_pct)}%"
                              f"（{fmt(high)}元），按{fmt(high)}元计算。", wage_basis_yuan=str(high))
                basis = high
            else:
                trace.compute(f"本人工资{fmt(basis)}元在统筹地区职工平均工资的{num(floor_pct)}%～{num(cap_pct)}%之间，按实计算。")
        else:
            trace.compute(f"本人工资（工伤前的平均月缴费工资）：{fmt(basis)}元。")

    lump_months = allowance_pct = lump = allowance = None
    payer = None
    if grade is not None:
        row, rule = _grade_row(trace, grade)
        lump_months = int(row["lump_sum_months"])
        allowance_pct = row.get("allowance_percent")
        trace.compute(f"{grade}级伤残：一次性伤残补助金{lump_months}个月本人工资"
                      + (f"，伤残津贴为本人工资的{allowance_pct}%" if allowance_pct else "，无伤残津贴") + "。",
                      lump_sum_months=lump_months, allowance_percent=allowance_pct)
        if allowance_pct:
            payer = row.get("allowance_payer")
            trace.read(PAYER_RULES[payer])
        if basis is not None:
            lump = cents(basis * lump_months)
            trace.compute(f"一次性伤残补助金：{fmt(basis)}元×{lump_months}个月 = {fmt(lump)}元。", lump_sum_yuan=str(lump))
            if allowance_pct:
                allowance = cents(basis * dec(allowance_pct) / 100)
                trace.compute(f"伤残津贴：{fmt(basis)}元×{allowance_pct}% = {fmt(allowance)}元/月。",
                              allowance_yuan=str(allowance))
        when = "" if payer != "employer" else "（单位难以安排工作时由单位按月发给）"
        if lump is not None:
            sentence = f"{grade}级伤残的一次性伤残补助金为{fmt(lump)}元（{lump_months}个月本人工资）"
            if allowance is not None:
                sentence += f"，伤残津贴每月{fmt(allowance)}元（本人工资的{allowance_pct}%）{when}"
        else:
            sentence = f"{grade}级伤残的一次性伤残补助金为{lump_months}个月本人工资"
            if allowance_pct:
                sentence += f"，伤残津贴为本人工资的{allowance_pct}%{when}"
        parts.append(sentence + "。")
        if row.get("grants_on_leaving"):
            grants = trace.read("work_injury.provincial_grants")
            notes.append({"id": "provincial_grants", "text": "解除或终止劳动关系时的一次性工伤医疗补助金和一次性伤残就业补助金，"
                          "具体标准由省级人民政府规定，资料中没有山西的标准，请咨询当地社保经办机构或12333。",
                          "citations": [citation(grants.reference)]})

    nursing_amount = None
    if nursing:
        levels = {r["level"]: r["percent"] for r in trace.read("work_injury.nursing_percent").value}
        pct = levels[nursing]
        if average_wage is not None:
            nursing_amount = cents(dec(average_wage) * dec(pct) / 100)
            trace.compute(f"生活护理费（{NURSING_ZH[nursing]}）：{fmt(average_wage)}元×{pct}% = {fmt(nursing_amount)}元/月。",
                          nursing_yuan=str(nursing_amount))
            parts.append(f"{NURSING_ZH[nursing]}的生活护理费每月{fmt(nursing_amount)}元（统筹地区上年度职工月平均工资的{pct}%）。")
        else:
            trace.compute(f"生活护理费（{NURSING_ZH[nursing]}）：统筹地区上年度职工月平均工资的{pct}%。")
            parts.append(f"{NURSING_ZH[nursing]}的生活护理费为每月统筹地区上年度职工月平均工资的{pct}%。")

    funeral = death_grant = None
    if death:
        months = int(trace.read("work_injury.funeral_grant_months").value)
        multiple = int(trace.read("work_injury.death_grant_multiple").value)
        if average_wage is not None:
            funeral = cents(dec(average_wage) * months)
            trace.compute(f"丧葬补助金：{fmt(average_wage)}元×{months}个月 = {fmt(funeral)}元。", funeral_grant_yuan=str(funeral))
            parts.append(f"丧葬补助金为{fmt(funeral)}元（{months}个月的统筹地区上年度职工月平均工资）。")
        else:
            parts.append(f"丧葬补助金为{months}个月的统筹地区上年度职工月平均工资。")
        if national_income is not None:
            death_grant = cents(dec(national_income) * multiple)
            trace.compute(f"一次性工亡补助金：{fmt(national_income)}元×{multiple}倍 = {fmt(death_grant)}元。",
                          death_grant_yuan=str(death_grant))
            parts.append(f"一次性工亡补助金为{fmt(death_grant)}元（上一年度全国城镇居民人均可支配收入的{multiple}倍）。")
        else:
            parts.append(f"一次性工亡补助金为上一年度全国城镇居民人均可支配收入的{multiple}倍。")

    deadlines = None
    if injury_date is not None:
        days = int(trace.read("work_injury.employer_application_days").value)
        years = int(trace.read("work_injury.worker_application_years").value)
        employer_by = period_end(injury_date, days=days)
        worker_by = period_end(injury_date, years=years)
        trace.compute(f"工伤认定申请期限（{COUNTING_ZH}）：单位{days}日内，截止{employer_by.isoformat()}；"
                      f"单位未申请的，本人或近亲属、工会{years}年内，截止{worker_by.isoformat()}。")
        deadlines = {"employer": employer_by.isoformat(), "worker": worker_by.isoformat(),
                     "employer_passed": passed(employer_by, today), "worker_passed": passed(worker_by, today)}
        if grade is None and not death:
            if employer_applied:
                parts.append("单位已申请工伤认定，请等待社会保险行政部门的认定结论。")
            elif passed(worker_by, today):
                lead.append(f"自己申请工伤认定的{years}年期限已于{zh_date(worker_by)}届满（已过），"
                            "如有不可抗力等正当理由或对受伤时间有争议，请尽快咨询当地社会保险行政部门或拨打12333。")
            elif passed(employer_by, today):
                lead.append(f"单位申请工伤认定的{days}日期限已于{zh_date(employer_by)}届满（已过），"
                            f"您或近亲属、工会可以在{zh_date(worker_by)}前直接申请工伤认定。")
                actions.append({"id": "worker_application", "text": f"在{zh_date(worker_by)}前自己申请工伤认定",
                                "deadline": worker_by.isoformat()})
                late = trace.read("work_injury.employer_bears_late_costs")
                if late.value:
                    notes.append({"id": "late_costs", "text": "单位逾期未申请的，这期间发生的工伤待遇等费用由单位负担。",
                                  "citations": [citation(late.reference)]})
            else:
                parts.append(f"单位应在{zh_date(employer_by)}前申请工伤认定；单位没有申请的，"
                             f"您或近亲属、工会可以在{zh_date(worker_by)}前直接申请。")
                actions.append({"id": "employer_application", "text": f"单位在{zh_date(employer_by)}前申请工伤认定",
                                "deadline": employer_by.isoformat()})
                actions.append({"id": "worker_application", "text": f"单位未申请的，在{zh_date(worker_by)}前自己申请",
                                "deadline": worker_by.isoformat()})
    parts.append(f"停工留薪期一般不超过{suspension}个月，经确认可延长不超过{extension}个月，最长共{suspension + extension}个月。")

    summary = (lead[0] if lead else parts[0])
    details = parts if lead else parts[1:]
    notes = [{"id": "detail", "text": p, "citations": []} for p in details] + notes
    return {
        "calculator": NAME,
        "grade": grade,
        "lump_sum_months": lump_months,
        "lump_sum_yuan": yuan(lump),
        "allowance_percent": plain(allowance_pct),
        "allowance_yuan": yuan(allowance),
        "allowance_payer": payer,
        "wage_basis_yuan": yuan(basis),
        "suspension_max_months": suspension,
        "suspension_extension_max_months": extension,
        "suspension_total_max_months": suspension + extension,
        "deadlines": deadlines,
        "deadline_passed": bool(lead),
        "nursing_yuan": yuan(nursing_amount),
        "funeral_grant_yuan": yuan(funeral),
        "death_grant_yuan": yuan(death_grant),
        "summary": summary,
        "next_step": "待遇申领请咨询当地社会保险经办机构或拨打12333。",
        "actions": actions,
        "notes": notes,
        "citations": trace.citations,
        "steps": trace.steps,
    }


def _grade_row(trace: Trace, grade: int) -> tuple[dict, object]:
    for name in GRADE_RULES:
        for row in param(name, trace.on).value or []:
            if int(row["grade"]) == grade:
                value = trace.read(name)
                return row, value
    grades = known_grades(trace.on)
    raise InputError(f"“伤残等级”{grade}不存在：伤残等级为{grades[0]}级至{grades[-1]}级。",
                     f"grade: must be {grades[0]}..{grades[-1]}", field="grade")


SPEC = CalculatorSpec(
    name=NAME,
    title_zh="工伤待遇",
    description="按《工伤保险条例》计算工伤待遇：按伤残等级的一次性伤残补助金和伤残津贴、停工留薪期、工伤认定申请期限、生活护理费、因工死亡的丧葬补助金和一次性工亡补助金。",
    fields=(
        Field("grade", "int", "伤残等级", "请问劳动能力鉴定的伤残等级是几级（一级最重）？",
              min=min(known_grades()), max=max(known_grades()), unit="grade",
              help_en="disability grade (1 = most severe), as the rules define",
              say=Say(pattern=r"(\d+|[一二三四五六七八九十]+)级(?:伤残)?|伤残(?:等级)?(?:是|为|评了|鉴定为|定了)?(\d+|[一二三四五六七八九十]+)级")),
        Field("own_wage", "money", "本人工资（工伤前的平均月缴费工资，元）",
              "请问您的本人工资（受伤前一年的平均月缴费工资）是多少元？", min=WAGE_MIN, max=WAGE_MAX, unit="yuan",
              help_en="own wage: average monthly contribution wage before the injury, yuan",
              say=Say(near=r"本人工资|缴费工资|月缴费工资|工资|月薪")),
        Field("average_wage", "money", "统筹地区上年度职工月平均工资（元）",
              "请问当地（统筹地区）上年度职工月平均工资是多少元？", min=WAGE_MIN, max=1_000_000, unit="yuan",
              help_en="local average monthly wage, yuan (60%-300% bounds, nursing, funeral grant)",
              say=Say(near=r"(?:统筹地区|上年度|上一年度|职工|当地|本地|本市|我们这儿?|我们市|社会)[^，。；]{0,10}平均工资|社平工资|社会平均工资")),
        Field("injury_date", "date", "受伤（或确诊职业病）日期", "请问是哪天受的伤（或哪天被诊断为职业病）？（例如 2024-05-06）",
              help_en="day of the accident or diagnosis (recognition deadlines)",
              say=Say(near=r"受伤|受的伤|伤了|工伤|事故|出事|摔|砸|诊断|确诊|鉴定为职业病", alone=True)),
        Field("employer_applied", "bool", "单位是否已申请工伤认定", "请问单位已经替您申请工伤认定了吗？",
              help_en="the employer has applied for recognition",
              say=Say(yes=r"单位(?:已经?|已)(?:申请|申报|报了)|已经?报了工伤",
                      no=r"(?:没|没有|未|不)(?:给)?(?:申报|申请|报|上报)(?:工伤)?|不给报")),
        Field("nursing", "choice", "生活护理等级", "请问是生活完全不能自理、大部分不能自理，还是部分不能自理？",
              choices=(
                  Choice("full", "生活完全不能自理", ("完全不能自理",), say=r"完全不能自理"),
                  Choice("most", "生活大部分不能自理", ("大部分不能自理",), say=r"大部分不能自理"),
                  Choice("partial", "生活部分不能自理", ("部分不能自理",), say=r"(?<!大)部分不能自理"),
              ), help_en="nursing level: full | most | partial", say=Say()),
        Field("death", "bool", "是否因工死亡", "请问是因工死亡吗？", default=False,
              help_en="died of a work injury (funeral and death grants)",
              say=Say(yes=r"因工死亡|工亡|去世|死亡|身亡|过世")),
        Field("national_income", "money", "上一年度全国城镇居民人均可支配收入（元）",
              "请问上一年度全国城镇居民人均可支配收入是多少元？", min=WAGE_MIN, max=10_000_000, unit="yuan",
              help_en="previous year's national urban per-capita disposable income, yuan (death grant)",
              say=Say(near=r"人均可支配收入|可支配收入")),
        TODAY_FIELD,
    ),
    function=work_injury,
    output_keys=("grade", "lump_sum_months", "allowance_percent", "suspension_max_months", "deadlines",
                 "citations", "steps"),
    rules="work_injury",
    results={"grade": "伤残等级", "lump_sum_months": "一次性伤残补助金（月）", "lump_sum_yuan": "一次性伤残补助金（元）",
             "allowance_percent": "伤残津贴（本人工资的%）", "allowance_yuan": "伤残津贴（元/月）",
             "suspension_max_months": "停工留薪期一般最长（月）", "suspension_total_max_months": "停工留薪期延长后最长（月）",
             "nursing_yuan": "生活护理费（元/月）", "funeral_grant_yuan": "丧葬补助金（元）", "death_grant_yuan": "一次性工亡补助金（元）"},
    chat=Chat(triggers=r"工伤|伤残|停工留薪|工亡|因工死亡|丧葬补助|护理费|职业病",
              asks=r"多少|几个月|多久|多长|最长|最晚|哪天|来得及|能拿|能领|怎么算|期限|一共"),
    order=55,
)
