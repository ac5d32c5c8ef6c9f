"""爱心消费券 for 特困救助供养对象 (山西日报, 2022-12-30).

Rule: the province issues 爱心消费券 to 特困救助供养对象 (not to 低保 recipients as such), via
the 云闪付 app; county civil-affairs staff buy and deliver goods for those who cannot use a
phone. The round reported on its start day must be completed by its deadline (inclusive).
Earlier rounds (vouchers and a living subsidy) are the dated values of the amount rules.
"""
from __future__ import annotations

import datetime as dt

from policydesk.dates import zh_date
from calculators.rules import ParamValue, citation, parameter
from calculators.trace import Trace

NAME = "voucher"

CATEGORY_ZH = {"tekun": "特困救助供养对象", "dibao": "低保对象", "none": "非特困救助供养对象"}
KIND_ZH = {"voucher": "爱心消费券", "subsidy": "生活补贴"}


def voucher(category: str, date: dt.date, smartphone: bool = True) -> dict:
    """Eligibility, amount, issuing status on ``date``, channel and history of the rounds."""
    # The round that concerns ``date``: the latest one started by then, else the first one.
    starts = parameter("voucher.round_start")
    current = starts.at(date)
    round_key = current.date_key if current.date_key else starts.history()[0].date_key
    trace = Trace(round_key)
    start = trace.read("voucher.round_start")
    deadline = trace.read("voucher.round_deadline")
    categories = trace.read("voucher.eligible_categories")
    round_amount = trace.read("voucher.amount_per_person")
    organizer = trace.read("voucher.organizer", cite=False)
    app = trace.read("voucher.channel_app", cite=False)
    assisted = trace.read("voucher.channel_assisted", cite=False)

    history = _history(date)
    start_day, deadline_day = start.value, deadline.value
    if date < start_day:
        status = "not_started"
    elif date <= deadline_day:
        status = "issuing"
    else:
        status = "ended"
    trace.compute(f"查询日期{date.isoformat()}，本轮启动日{start_day.isoformat()}，"
                  f"完成期限{deadline_day.isoformat()}（含当日）：状态为“{_STATUS_ZH[status]}”。",
                  status=status)

    eligible = category in (categories.value or [])
    who = CATEGORY_ZH.get(category, category)
    if not eligible:
        why = categories.statements.get(category) or categories.statements["none"]
        trace.compute(f"身份：{who}；发放对象：特困救助供养对象。{why}")
        return _result(False, None, status, deadline_day, None, None, history, trace,
                       summary=why, advice=categories.statements["ineligible_advice"])

    trace.compute(f"身份：{who}，属于发放对象；本轮发放标准每人{round_amount.value}元。",
                  amount_yuan=round_amount.value)
    if smartphone:
        channel = f"通过手机“{app.value}”App注册登录后，在签约商超、便利店、电商等自主选购，完成线上消费。"
        channel_id = "app"
        trace.cite(app.reference)
    else:
        channel = (f"不会或不便使用手机的，由{assisted.value}帮助采购所需物品并发放到您手中，"
                   "无需自己用手机操作。")
        channel_id = "assisted"
        trace.cite(assisted.reference)
    trace.compute(f"领取方式：{channel}")

    if status != "ended":
        trace.cite(organizer.reference)
    if status == "not_started":
        advice = (f"本轮发放自{zh_date(start_day)}启动，由{organizer.value}统一组织发放，"
                  "请留意当地民政部门通知。")
        summary = f"您是特困救助供养对象，可领取每人{round_amount.value}元的爱心消费券；本轮尚未开始发放。"
    elif status == "issuing":
        advice = (f"本轮正在发放，须在{zh_date(deadline_day)}前完成发放；{channel}"
                  "如尚未收到，请联系所在县（市、区）民政部门。")
        summary = (f"您是特困救助供养对象，可领取每人{round_amount.value}元的爱心消费券；"
                   f"目前正在发放，{zh_date(deadline_day)}前全部完成。")
    else:
        advice = (f"本轮已于{zh_date(deadline_day)}前完成发放；如您符合条件却未领到，"
                  "请向所在县（市、区）民政部门反映。")
        summary = (f"您是特困救助供养对象，本轮每人{round_amount.value}元的爱心消费券"
                   f"应已于{zh_date(deadline_day)}前发放完毕。")
    return _result(True, round_amount.value, status, deadline_day, channel, channel_id, history,
                   trace, summary=summary, advice=advice)


_STATUS_ZH = {"not_started": "尚未开始", "issuing": "正在发放", "ended": "已结束"}


def _history(date: dt.date) -> list[dict]:
    rows = []
    for name in ("voucher.amount_per_person", "voucher.living_subsidy_per_person"):
        p = parameter(name)
        for value in p.history():
            rows.append(_round(p.kind or "voucher", value, date))
    rows.sort(key=lambda r: r["date"])
    return rows


def _round(kind: str, value: ParamValue, date: dt.date) -> dict:
    return {
        "date": value.date_key.isoformat(),
        "month": value.period or value.date_key.strftime("%Y-%m"),
        "kind": kind,
        "amount_yuan": value.value,
        "label": value.value_label or value.label,
        "kind_zh": KIND_ZH.get(kind, kind),
        "started_by_date": value.date_key <= date,
        "citations": [citation(value.reference)],
    }


def _result(eligible, amount, status, deadline, channel, channel_id, history, trace, *, summary,
            advice) -> dict:
    return {
        "calculator": NAME,
        "eligible": eligible,
        "amount_yuan": amount,
        "status": status,
        "status_zh": _STATUS_ZH[status],
        "deadline": deadline.isoformat(),
        "channel": channel,
        "channel_id": channel_id,
        "history": history,
        "summary": summary,
        "next_step": advice,
        "citations": trace.citations,
        "steps": trace.steps,
    }
