"""创业担保贷款展期 (startup guarantee loan deferral).

Rule (重点群体创业推进行动, explained 2022-12-27): a borrower whose liquidity is temporarily
hit by the pandemic may apply to defer repayment, in principle for at most
``loan_deferral.max_months``. Qualifying borrowers are exempt from counter-guarantees and
some places handle it fully online. Month arithmetic clamps to month end.
"""
from __future__ import annotations

import datetime as dt

from policydesk.dates import add_months, zh_date
from calculators.rules import citation
from calculators.say import Chat, Say
from calculators.spec import TODAY_FIELD, CalculatorSpec, Field
from calculators.trace import Trace

NAME = "loan-deferral"


def loan_deferral(maturity: dt.date, pandemic_hardship: bool, months: int | None = None,
                  date: dt.date | None = None, today: dt.date | None = None) -> dict:
    """Deferral limits for a loan maturing on ``maturity``; rules read on ``date`` (latest if None).
    Compared with ``today``: a maturity already past is said first, and a deferral whose
    latest date is past is not advised (the borrower is sent to the bank and 12333)."""
    trace = Trace(date)
    max_months = trace.read("loan_deferral.max_months")
    needs_hardship = trace.read("loan_deferral.requires_pandemic_hardship")
    exemption = trace.read("loan_deferral.counter_guarantee_exemption")
    online = trace.read("loan_deferral.online_route")

    if max_months.value is None:
        when = zh_date(date) if date else "该日期"
        trace.compute(f"{when}尚无创业担保贷款展期的规定，无法计算。")
        return _result(False, None, months, None, None, None, trace,
                       f"资料中的创业担保贷款展期规定自{zh_date(max_months.date_key) if max_months.date_key else '后来'}起适用，{when}不在适用期内。",
                       reason="no_rule_in_force", notes=[])

    limit = int(max_months.value)
    requested = limit if months is None else months
    if months is None:
        trace.compute(f"未填写展期月数，按上限{limit}个月计算。")
    within = requested <= limit
    trace.compute(f"申请展期{requested}个月，上限{limit}个月：{'未超过' if within else '超过'}上限。")

    latest = add_months(maturity, limit)
    trace.compute(f"最晚可展期至：原到期日{maturity.isoformat()} + {limit}个月 = {latest.isoformat()}"
                  "（月末按当月最后一天计）。", latest_maturity=latest.isoformat())

    notes = []
    if exemption.value:
        notes.append({"id": "counter_guarantee_exemption",
                      "text": "对符合条件的借款人，按规定免除反担保要求。",
                      "citations": [citation(exemption.reference)]})
    if online.value:
        notes.append({"id": "online_route",
                      "text": "有条件的地方推行电子化审批，实行全程线上办理，可向经办机构咨询线上申请渠道。",
                      "citations": [citation(online.reference)]})

    if needs_hardship.value and not pandemic_hardship:
        trace.compute("展期须因疫情影响流动性遇到暂时困难；您未说明受疫情影响，不符合展期条件。")
        summary = ("创业担保贷款展期只适用于因疫情影响流动性遇到暂时困难的借款人；"
                   "您的情况不属于此类，暂不符合展期条件。")
        return _result(False, limit, requested, within, None, None, trace, summary,
                       reason="no_pandemic_hardship", notes=notes)

    trace.compute("因疫情影响流动性遇到暂时困难，符合申请展期还款的条件。")
    if today is not None and maturity < today:
        new_maturity = add_months(maturity, requested) if within else None
        if latest < today:
            trace.compute(f"提问日期{today.isoformat()}：原到期日{maturity.isoformat()}和最晚可展期日"
                          f"{latest.isoformat()}都已过去。")
            summary = (f"您的贷款已于{zh_date(maturity)}到期，按规定最晚也只能展期至{zh_date(latest)}，"
                       "这一日期也已过去，不能再按此政策申请展期；请尽快联系贷款银行（经办机构）商量还款，或拨打12333咨询。")
        else:
            trace.compute(f"提问日期{today.isoformat()}：原到期日{maturity.isoformat()}已过，"
                          f"最晚可展期日{latest.isoformat()}尚未过去。")
            summary = (f"您的贷款已于{zh_date(maturity)}到期（已过到期日），按规定展期最晚至{zh_date(latest)}；"
                       "能否补办展期请尽快联系贷款银行（经办机构），或拨打12333咨询。")
        return _result(True, limit, requested, within, latest, new_maturity, trace, summary,
                       reason="matured", notes=notes, today=today)
    if within:
        new_maturity = add_months(maturity, requested)
        trace.compute(f"展期后到期日：{maturity.isoformat()} + {requested}个月 = {new_maturity.isoformat()}。",
                      new_maturity=new_maturity.isoformat())
        summary = (f"您可申请展期还款，期限原则上不超过{limit}个月。按申请的{requested}个月计算，"
                   f"贷款到期日由{zh_date(maturity)}延至{zh_date(new_maturity)}；"
                   f"最晚可展期至{zh_date(latest)}。")
    else:
        new_maturity = None
        trace.compute(f"申请的{requested}个月超过原则上的上限{limit}个月，不计算展期后到期日。")
        summary = (f"您申请的展期{requested}个月超过了原则上不超过{limit}个月的期限；"
                   f"按规定最晚可展期至{zh_date(latest)}。")
    return _result(True, limit, requested, within, latest, new_maturity, trace, summary,
                   reason=None, notes=notes, today=today,
                   actions=[{"id": "apply", "text": f"在贷款到期日{zh_date(maturity)}前向贷款银行（经办机构）申请展期",
                             "deadline": maturity.isoformat()}])


def _result(eligible, max_months, requested, within, latest, new_maturity, trace: Trace,
            summary: str, reason: str | None, notes: list, today: dt.date | None = None,
            actions: list | None = None) -> dict:
    return {
        "calculator": NAME,
        "eligible": eligible,
        "reason": reason,
        "max_months": max_months,
        "requested_months": requested,
        "within_limit": within,
        "latest_maturity": latest.isoformat() if latest else None,
        "new_maturity": new_maturity.isoformat() if new_maturity else None,
        "summary": summary,
        "notes": notes,
        "actions": actions or [],
        "deadline_passed": reason == "matured",
        "citations": trace.citations,
        "steps": trace.steps,
    }


SPEC = CalculatorSpec(
    name=NAME,
    title_zh="创业担保贷款展期",
    description="创业担保贷款借款人因疫情影响流动性遇到暂时困难的，可申请展期还款：计算最晚可展期日、展期后到期日，并提示免除反担保和线上办理。",
    fields=(
        Field("maturity", "date", "贷款到期日", "请问您的贷款什么时候到期？（例如 2023-05-20）",
              required=True, help_en="loan maturity date",
              say=Say(near=r"到期|还款|贷款|借款", alone=True)),
        Field("months", "int", "申请展期月数", "请问您想申请展期几个月？", min=1, max=600, unit="month",
              help_en="months of deferral requested (default: the maximum)",
              say=Say(near=r"展期|延期|推迟|延后|缓|延长")),
        Field("pandemic_hardship", "bool", "是否因疫情影响流动性遇到暂时困难",
              "请问您是否因疫情影响导致资金周转暂时困难？", required=True,
              help_en="liquidity temporarily hit by the pandemic",
              say=Say(yes=r"疫情", no=r"(?:不是|并非|没有|没|与|和)(?:因为|因|受)?疫情(?:无关|影响)?(?:无关)?|非疫情")),
        Field("date", "date", "申请日期", "请问您打算哪天申请？（例如 2023-02-10）", default_today=True,
              help_en="application date for the rules (default: latest rules)"),
        TODAY_FIELD,
    ),
    function=loan_deferral,
    output_keys=("eligible", "max_months", "requested_months", "within_limit", "latest_maturity",
                 "new_maturity", "citations", "steps"),
    rules="loan_deferral",
    results={"eligible": "是否符合条件", "max_months": "展期最长（月）", "requested_months": "申请展期（月）",
             "within_limit": "是否在期限内", "latest_maturity": "最晚可展期至", "new_maturity": "展期后到期日"},
    chat=Chat(triggers=r"展期|延期还款|推迟还款|延后还款|缓还|延长还款|(?:贷款|借款).{0,12}(?:到期|还不上|还款|延期|推迟)",
              asks=r"到哪天|哪天|多久|多长|几个月|最多|最长|能不能|可不可以|能否|可以吗|行吗|新的到期|展期到"),
    order=10,
)
