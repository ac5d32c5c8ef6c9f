"""劳动争议仲裁时效 (limitation period for labour arbitration), 《劳动争议调解仲裁法》第二十七条.

One year from the day the worker knew or should have known that a right was infringed
(``known_date``). Unpaid pay while the employment lasts is not limited; once it ends, the
claim must be made within one year of the end (``end_date``). Interruption (the worker
claims, seeks help, or the employer agrees to pay: the year starts again) and suspension
(force majeure or another good reason: the year is paused) depend on facts a calculator does
not see: they are explained, not computed.

Counting: the start day is not counted and the last day is still in time (2023-05-15 → 2024-05-15).
``today`` decides whether the limit has passed; nothing reads a clock.
"""
from __future__ import annotations

import datetime as dt

from policydesk.dates import zh_date
from calculators.money import num
from calculators.periods import COUNTING_ZH, passed, period_end
from calculators.rules import citation
from calculators.say import Chat, Say
from calculators.spec import TODAY_FIELD, CalculatorSpec, Choice, Field, Requirement
from calculators.trace import Trace
from policydesk.errors import InputError

NAME = "arbitration-deadline"

HELP_ZH = "请带上劳动合同、工资流水等证据，咨询当地劳动人事争议仲裁委员会或拨打12333"


def arbitration_deadline(dispute: str = "general", known_date: dt.date | None = None,
                         employed: bool | None = None, end_date: dt.date | None = None,
                         today: dt.date | None = None) -> dict:
    """The last day to apply for labour arbitration, or that no limit runs yet."""
    wages = dispute == "unpaid_wages"
    if end_date is not None:
        employed = False
    if wages and employed is None and end_date is None:
        raise InputError("缺少“劳动关系是否仍存续”：请问您现在还在这家单位工作吗？",
                         "employed: needed for unpaid wages (or end_date)", field="employed")
    if wages and employed is False and end_date is None:
        raise InputError("缺少“劳动关系终止日期”：请问您是哪天离职的？",
                         "end_date: needed once the employment has ended", field="end_date")
    if not wages and known_date is None:
        raise InputError("缺少“知道权利被侵害之日”：请问您是哪天知道（或应当知道）自己的权利被侵害的？例如被辞退的日子。",
                         "known_date: required for a general dispute", field="known_date")

    start = end_date if wages else known_date
    field = "end_date" if wages and end_date else ("known_date" if known_date else "today")
    trace = Trace(start or today)
    read = {"required": True, "field": field,
            "field_zh": {"end_date": "劳动关系终止日期", "known_date": "知道权利被侵害之日",
                         "today": "提问日期"}[field]}
    notes = []

    if wages and employed:
        rule = trace.read("arbitration_deadline.wage_arrears_not_limited_while_employed", **read)
        after = trace.read("arbitration_deadline.wage_arrears_years_after_end", **read)
        trace.compute("劳动关系存续期间因拖欠劳动报酬发生争议：申请仲裁不受一年仲裁时效期间的限制；"
                      f"劳动关系终止后，应当自终止之日起{num(after.value)}年内提出。")
        summary = ("您仍在职，被拖欠工资申请劳动仲裁不受一年仲裁时效期间的限制；"
                   f"但离职后须自劳动关系终止之日起{num(after.value)}年内提出。")
        next_step = "可以随时申请劳动仲裁追讨欠薪，也可以向当地劳动保障监察机构投诉或拨打12333。"
        return _result(None, False, "wage_arrears_employed", False, trace, summary, next_step, [],
                       notes, start, today)

    if wages:
        years = trace.read("arbitration_deadline.wage_arrears_years_after_end", **read)
        reason = "wage_arrears_ended"
        what = f"劳动关系于{zh_date(end_date)}终止，拖欠劳动报酬的争议应当自终止之日起{num(years.value)}年内申请仲裁"
    else:
        years = trace.read("arbitration_deadline.limit_years", **read)
        reason = "general"
        what = f"仲裁时效为{num(years.value)}年，从您知道或者应当知道权利被侵害之日（{zh_date(known_date)}）起计算"
    deadline = period_end(start, years=int(years.value))
    trace.compute(f"{what}；{COUNTING_ZH}：截止日为{deadline.isoformat()}。", deadline=deadline.isoformat())

    for name, nid, text in (
            ("arbitration_deadline.interruption", "interruption",
             "时效中断：期间您向单位主张过权利、向有关部门请求过救济，或单位同意支付的，从那时起重新计算一年。"),
            ("arbitration_deadline.suspension", "suspension",
             "时效中止：因不可抗力或者其他正当理由不能申请的，时效暂停，原因消除之日起继续计算。")):
        rule = trace.read(name)
        if rule.value:
            notes.append({"id": nid, "text": text, "citations": [citation(rule.reference)]})

    expired = passed(deadline, today)
    actions = []
    if expired:
        summary = (f"申请劳动仲裁的时效已于{zh_date(deadline)}届满（已过）；"
                   "只有时效曾中断或中止时才可能继续申请，" + HELP_ZH + "。")
        next_step = HELP_ZH + "，说明是否有中断或中止时效的情形。"
        trace.compute(f"提问日期{today.isoformat()}晚于截止日{deadline.isoformat()}：时效已过。")
    else:
        if today is not None and today == deadline:
            summary = f"今天（{zh_date(deadline)}）是申请劳动仲裁的最后一天，请尽快提出申请。"
        elif today is not None:
            summary = (f"申请劳动仲裁最晚在{zh_date(deadline)}前提出，距今还有{(deadline - today).days}天。")
        else:
            summary = f"申请劳动仲裁最晚在{zh_date(deadline)}前提出。"
        next_step = f"请在{zh_date(deadline)}前向劳动合同履行地或者用人单位所在地的劳动人事争议仲裁委员会提出书面申请，或拨打12333咨询。"
        actions.append({"id": "apply", "text": f"在{zh_date(deadline)}前申请劳动仲裁",
                        "deadline": deadline.isoformat()})
    return _result(deadline, True, reason, expired, trace, summary, next_step, actions, notes, start, today)


def _result(deadline, limited, reason, expired, trace: Trace, summary, next_step, actions, notes,
            start, today) -> dict:
    return {
        "calculator": NAME,
        "deadline": deadline.isoformat() if deadline else None,
        "limited": limited,
        "reason": reason,
        "starts": start.isoformat() if start else None,
        "deadline_passed": expired,
        "days_left": (deadline - today).days if (deadline and today and not expired) else None,
        "summary": summary,
        "next_step": next_step,
        "actions": actions,
        "notes": notes,
        "citations": trace.citations,
        "steps": trace.steps,
    }


SPEC = CalculatorSpec(
    name=NAME,
    title_zh="劳动仲裁时效",
    description="按《劳动争议调解仲裁法》第二十七条计算申请劳动仲裁的截止日：一般争议从知道或者应当知道权利被侵害之日起算；在职期间被拖欠劳动报酬的不受时效期间限制，劳动关系终止后另行起算。时效中断、中止只作说明。",
    fields=(
        Field("dispute", "choice", "争议类型", "请问是被拖欠工资，还是其他劳动争议（如被辞退、经济补偿、加班费）？",
              default="general", choices=(
                  Choice("general", "一般劳动争议（辞退、经济补偿、加班费等）", ("辞退", "开除", "解除", "经济补偿", "赔偿"),
                         say=r"辞退|开除|解除|解雇|裁员|被裁|经济补偿|赔偿|加班费"),
                  Choice("unpaid_wages", "拖欠劳动报酬", ("欠薪", "拖欠工资", "欠工资", "拖欠劳动报酬", "工资没发", "不发工资"),
                         say=r"欠薪|(?:拖欠|欠|拖)(?:了)?(?:我)?.{0,6}(?:工资|劳动报酬|薪水)|工资.{0,6}(?:没发|没给|不发|没结|未发|还没给)|不发工资"),
              ), help_en="general | unpaid_wages", say=Say()),
        Field("known_date", "date", "知道权利被侵害之日", "请问您是哪天知道（或应当知道）自己的权利被侵害的？例如被辞退的日子。（例如 2024-05-15）",
              help_en="day the worker knew or should have known of the infringement",
              say=Say(near=r"辞退|开除|解除|解雇|裁|知道|发现|被", alone=True)),
        Field("employed", "bool", "劳动关系是否仍存续（仍在职）", "请问您现在还在这家单位工作吗？",
              help_en="still employed (unpaid wages: no limit while employed)",
              say=Say(yes=r"(?:还|仍|仍然|目前)在职|还在(?:这家|那家)?(?:公司|单位|厂)(?:上班|工作|干)?|没离职|未离职",
                      no=r"离职|辞职了|已经走了|不在(?:那|这)?(?:家)?(?:公司|单位)(?:干|上班)?了|劳动关系(?:已经)?(?:终止|结束|解除)")),
        Field("end_date", "date", "劳动关系终止日期", "请问您是哪天离职的？（例如 2023-06-30）",
              help_en="day the employment ended (unpaid wages)", say=Say(near=r"离职|辞职|终止|离开|走的|不干")),
        TODAY_FIELD,
    ),
    function=arbitration_deadline,
    output_keys=("deadline", "limited", "reason", "citations", "steps"),
    rules="arbitration_deadline",
    results={"deadline": "申请仲裁截止日", "limited": "是否受时效限制", "days_left": "剩余天数"},
    requirements=(
        Requirement("known_date", when=(("dispute", "general"),)),
        Requirement("employed", when=(("dispute", "unpaid_wages"),), unless=("end_date",)),
        Requirement("end_date", when=(("dispute", "unpaid_wages"), ("employed", False))),
    ),
    chat=Chat(triggers=r"仲裁|时效",
              asks=r"最晚|什么时候|哪天|还能|来得及|时效|期限|多久|限制|过期"),
    order=60,
)
