"""失业保险金 (unemployment insurance benefit).

Eligibility: 《失业保险条例》第十四条 — contributions for at least the minimum years, job lost
involuntarily, registered as unemployed and seeking work. Maximum duration: 第十七条, by
brackets of accumulated contribution years (a bracket starts at 满N年, inclusive).
The monthly amount is Shanxi's unified provincial standard (from the start of provincial
pooling); the corpus gives no figure, so it is null unless a rule value supplies one.
"""
from __future__ import annotations

import datetime as dt

from calculators.rules import citation
from calculators.say import Chat, Say
from calculators.spec import DATE_FIELD, GIVEN, TODAY_FIELD, CalculatorSpec, Field, Requirement
from calculators.trace import Trace
from policydesk.errors import InputError

NAME = "unemployment"


def benefit_months(brackets: list[dict], years: float) -> int | None:
    """The months of the highest bracket whose ``min_years`` the contribution years reach."""
    months = None
    for bracket in sorted(brackets, key=lambda b: b["min_years"]):
        if years >= bracket["min_years"]:
            months = int(bracket["months"])
    return months


def unemployment(contribution_years: float, involuntary: bool, registered: bool,
                 previous_unclaimed_months: int = 0, previous_entitled_months: int | None = None,
                 previous_claimed_months: int | None = None, date: dt.date | None = None,
                 today: dt.date | None = None) -> dict:
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
    combined = None
    if previous_entitled_months is not None and previous_claimed_months is not None and not previous_unclaimed_months:
        if previous_claimed_months > previous_entitled_months:
            raise InputError(f"“前次已领取的月数”{previous_claimed_months}个月多于“前次应领的月数”"
                             f"{previous_entitled_months}个月，请检查。", "previous_claimed_months: more than entitled",
                             field="previous_claimed_months")
        previous_unclaimed_months = previous_entitled_months - previous_claimed_months
        trace.compute(f"前次失业应领{previous_entitled_months}个月、已领{previous_claimed_months}个月："
                      f"应领而尚未领取{previous_unclaimed_months}个月。")
    if eligible and previous_unclaimed_months:
        cap = trace.read("unemployment.combined_max_months", required=True).value
        combined = min(band + previous_unclaimed_months, cap)
        trace.compute(f"重新就业后再次失业：本次{band}个月 + 前次应领而未领的{previous_unclaimed_months}个月"
                      f" = {band + previous_unclaimed_months}个月，合并计算最长不超过{cap}个月：{combined}个月。",
                      max_months=combined)
        max_months = combined

    monthly = amount.value
    if monthly is None:
        trace.cite(amount.reference)
        trace.compute("全省实行统一的失业保险金标准，但现有资料没有给出具体金额，因此不计算月发放额。")
    else:
        trace.compute(f"按全省统一标准，每月{monthly}元。", monthly_amount_yuan=monthly)

    notes = []
    if eligible:
        summary = f"您符合领取失业保险金的条件，最长可领取{max_months}个月。"
        if combined is not None:
            summary = (f"您符合领取失业保险金的条件，与前次未领完的期限合并后最长可领取{max_months}个月。")
        if monthly is None:
            notes.append({"id": "monthly_amount", "text": "每月金额按全省统一标准发放，具体数额请咨询当地社保经办机构。",
                          "citations": []})
        else:
            summary = summary.rstrip("。") + f"，每月{monthly}元（全省统一标准）。"
        if pooling.value:
            notes.append({"id": "pooling", "text": pooling.statements["in_force"],
                          "citations": [citation(pooling.reference)]})
    else:
        summary = "您暂不符合领取失业保险金的条件：" + "；".join(reasons) + "。"
    return {
        "calculator": NAME,
        "eligible": eligible,
        "reasons": reasons,
        "max_months": max_months,
        "monthly_amount_yuan": monthly,
        "summary": summary,
        "notes": notes,
        "citations": trace.citations,
        "steps": trace.steps,
    }


def _years(value: float) -> str:
    return f"{value:g}"


SPEC = CalculatorSpec(
    name=NAME,
    title_zh="失业保险金",
    description="按《失业保险条例》第十四条、第十七条判断能否领取失业保险金及最长领取期限（重新就业后再次失业的合并计算）；月发放额为全省统一标准。",
    fields=(
        Field("contribution_years", "float", "累计缴费年限（年）", "请问您（和单位）累计缴纳失业保险费多少年了？",
              required=True, min=0, max=80, unit="year", help_en="accumulated contribution years",
              say=Say(near=r"交|缴|参保|上了|买了|失业保险|社保|工作|干了", alone=True)),
        Field("involuntary", "bool", "是否非因本人意愿中断就业",
              "请问您是非本人意愿失业（如被裁员、合同到期不续），还是主动辞职？", required=True,
              false_aliases=("voluntary",), help_en="--involuntary (laid off) / --voluntary (quit)",
              say=Say(yes=r"被(?:辞退|裁|开除|解雇|解除)|裁员|辞退|公司(?:倒闭|破产|关门)|单位(?:倒闭|破产|解除)|合同到期|非(?:本人|自)(?:意)?愿|被迫",
                      no=r"主动辞职|自己辞职|自愿(?:离职|辞职)|我辞职|辞职了|跳槽|自己不干")),
        Field("registered", "bool", "是否已办理失业登记", "请问您是否已经办理失业登记，并有求职要求？",
              required=True, false_aliases=("not_registered",),
              help_en="registered as unemployed and seeking work",
              say=Say(yes=r"(?:已|已经)?(?:办|做|进行)?(?:了)?失业登记|登记了|办了登记|已登记",
                      no=r"没(?:有)?(?:办|做)?(?:失业)?登记|未登记|还没登记")),
        Field("previous_unclaimed_months", "int", "前次失业应领而未领的月数",
              "请问上次失业时应领而没有领完的失业保险金还有几个月？", default=0, min=0, max=120, unit="month",
              help_en="months left unclaimed from a previous spell (merged, capped)",
              say=Say(near=r"没领完|未领完|还剩|剩下|尚未领取")),
        Field("previous_entitled_months", "int", "前次失业应领的月数", "请问上次失业时应领多少个月？",
              min=0, max=120, unit="month", help_en="months a previous spell entitled to (with --previous-claimed-months)",
              say=Say(near=r"上次.{0,6}(?:能领|应领|可领|可以领)|前次.{0,6}(?:能领|应领|可领)|应领|能领")),
        Field("previous_claimed_months", "int", "前次已领取的月数", "请问上次已经领了几个月？",
              min=0, max=120, unit="month", help_en="months already claimed in that spell",
              say=Say(near=r"领了|已领|已经领")),
        DATE_FIELD,
        TODAY_FIELD,
    ),
    function=unemployment,
    output_keys=("eligible", "max_months", "monthly_amount_yuan", "citations", "steps"),
    rules="unemployment",
    results={"eligible": "是否符合条件", "max_months": "最长领取（月）", "monthly_amount_yuan": "每月金额（元）"},
    requirements=(Requirement("previous_claimed_months", when=(("previous_entitled_months", GIVEN),)),),
    chat=Chat(triggers=r"失业(?:保险)?金|失业.{0,24}(?:能领|可以领|领多久|领几个月|领多长|待遇)|(?:领|拿).{0,4}失业"
                       r"|(?:再次|又|重新)失业|(?:再|重新)就业.{0,30}(?:领|失业)",
              asks=r"多久|多长|几个月|能领|可以领|能不能|领多少|有没有|能拿|最长"),
    order=30,
)
