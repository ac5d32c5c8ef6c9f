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
from calculators.say import Chat, Say
from calculators.spec import TODAY_FIELD, CalculatorSpec, Choice, Field
from calculators.trace import Trace

NAME = "voucher"

CATEGORY_ZH = {"tekun": "特困救助供养对象", "dibao": "低保对象", "none": "非特困救助供养对象"}
KIND_ZH = {"voucher": "爱心消费券", "subsidy": "生活补贴"}


def voucher(category: str, date: dt.date, smartphone: bool = True, total: bool = False,
            sum_year: int | None = None, with_subsidy: bool = False, today: dt.date | None = None) -> dict:
    """Eligibility, amount, issuing status on ``date``, channel and history of the rounds.
    A round that has ended by ``date`` or by ``today`` is said so in the first sentence.
    ``total``: the sum of the rounds started by ``date`` (vouchers only unless
    ``with_subsidy``; with ``sum_year``, the rounds issued in that year — a round running to
    a deadline counts in the deadline's year), added up from the dated rule values."""
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
    ended_now = status == "ended" or bool(today and today > deadline_day)
    if ended_now and status != "ended":
        trace.compute(f"提问日期{today.isoformat()}晚于完成期限{deadline_day.isoformat()}：本轮发放现已结束。")
    ended_lead = f"本轮爱心消费券已于{zh_date(deadline_day)}发放结束（已结束）。"

    eligible = category in (categories.value or [])
    who = CATEGORY_ZH.get(category, category)
    if not eligible:
        why = categories.statements.get(category) or categories.statements["none"]
        trace.compute(f"身份：{who}；发放对象：特困救助供养对象。{why}")
        return _result(False, None, status, deadline_day, None, None, history, trace,
                       summary=(ended_lead + why) if ended_now else why,
                       advice=categories.statements["ineligible_advice"], ended_now=ended_now)

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
    if ended_now:
        advice = "本轮发放已经结束；如您符合条件却未领到，请向所在县（市、区）民政部门反映。"
        summary = (ended_lead + f"您是特困救助供养对象，本轮标准为每人{round_amount.value}元，"
                   "如未领到请联系所在县（市、区）民政部门。")
    elif status == "not_started":
        advice = (f"本轮发放自{zh_date(start_day)}启动，由{organizer.value}统一组织发放，"
                  "请留意当地民政部门通知。")
        summary = f"您是特困救助供养对象，可领取每人{round_amount.value}元的爱心消费券；本轮尚未开始发放。"
    elif status == "issuing":
        advice = (f"本轮正在发放，须在{zh_date(deadline_day)}前完成发放；{channel}"
                  "如尚未收到，请联系所在县（市、区）民政部门。")
        summary = (f"您是特困救助供养对象，可领取每人{round_amount.value}元的爱心消费券；"
                   f"目前正在发放，{zh_date(deadline_day)}前全部完成。")
    total_yuan = None
    if total:
        rows = [r for r in history if r["started_by_date"] and (with_subsidy or r["kind"] == "voucher")
                and (sum_year is None or r["issued_year"] == sum_year)]
        total_yuan = sum(r["amount_yuan"] for r in rows)
        what = "爱心消费券和生活补贴" if with_subsidy else "爱心消费券"
        when = f"{sum_year}年" if sum_year else f"截至{zh_date(date)}"
        parts = "＋".join(f"{r['amount_yuan']}元（{r['label']}）" for r in rows)
        trace.compute(f"{when}已发放的{what}逐次相加：{parts or '无'} = {total_yuan}元。", total_yuan=total_yuan,
                      rounds_counted=len(rows))
        summary = f"{when}特困救助供养对象每人共领到{what}{total_yuan}元（{len(rows)}次）。"
    return _result(True, round_amount.value, status, deadline_day, channel, channel_id, history,
                   trace, summary=summary, advice=advice, ended_now=ended_now, total_yuan=total_yuan)


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
    # A round with a completion deadline (the one reported on its start day) is issued
    # through that deadline: it belongs to the year it is completed in.
    deadline = parameter("voucher.round_deadline").at(value.date_key)
    completes = deadline.value if deadline.date_key == value.date_key else None
    return {
        "date": value.date_key.isoformat(),
        "issued_year": (completes or value.date_key).year if not value.period else int(value.period.split("-")[0]),
        "month": value.period or value.date_key.strftime("%Y-%m"),
        "kind": kind,
        "amount_yuan": value.value,
        "label": value.value_label or value.label,
        "kind_zh": KIND_ZH.get(kind, kind),
        "started_by_date": value.date_key <= date,
        "citations": [citation(value.reference)],
    }


def _result(eligible, amount, status, deadline, channel, channel_id, history, trace, *, summary,
            advice, ended_now=False, total_yuan=None) -> dict:
    return {
        "deadline_passed": ended_now,
        "total_yuan": total_yuan,
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


SPEC = CalculatorSpec(
    name=NAME,
    title_zh="爱心消费券",
    description="特困救助供养对象爱心消费券：是否可领、金额、按日期的发放状态、领取方式、历次发放记录及累计金额。",
    fields=(
        Field("category", "choice", "救助身份", "请问您属于特困救助供养对象、低保对象，还是都不是？",
              required=True, choices=(
                  Choice("tekun", "特困救助供养对象", ("特困", "特困人员", "特困供养", "特困救助供养"),
                         say=r"特困|五保|供养对象|供养人员"),
                  Choice("dibao", "低保对象", ("低保", "低保户", "最低生活保障"), say=r"低保|最低生活保障"),
                  Choice("none", "都不是", ("无", "都不是", "其他", "否"),
                         say=r"(?:都)?不是(?:低保|特困)(?:户|人员|对象)?|普通(?:人|居民|群众)|一般(?:人|居民)"),
              ), help_en="tekun (特困) | dibao (低保) | none", say=Say()),
        Field("date", "date", "查询日期", "请问要查询哪一天的发放情况？（例如 2023-02-10）",
              required=True, default_today=True, help_en="date to check the issuing status on",
              say=Say(alone=True)),
        Field("smartphone", "bool", "能否使用智能手机", "请问您能自己用手机操作“云闪付”App吗？",
              default=True, help_en="able to use a smartphone (--no-smartphone: staff deliver goods)",
              say=Say(no=r"不会(?:用|操作)?(?:智能)?手机|没有智能手机|没(?:有)?智能机|老年机|不会上网|手机操作")),
        Field("total", "bool", "是否合计历次领取金额", "请问您是想知道一共领了多少吗？", default=False,
              help_en="add up the rounds started by --date", say=Say(yes=r"一共|加起来|合计|总共|共领|总计|累计")),
        Field("sum_year", "int", "累计的年份", "请问要算哪一年发放的？", min=2000, max=2099,
              help_en="only the rounds of this year (with --total)",
              say=Say(pattern=r"((?:19|20)\d{2})年(?!\d{1,2}月)")),
        Field("with_subsidy", "bool", "是否计入生活补贴", "请问要把生活补贴也算进去吗？", default=False,
              help_en="count the living subsidy too (with --total)",
              say=Say(yes=r"补贴", no=r"(?:不算|不含|不包括|除了|除去).{0,4}补贴")),
        TODAY_FIELD,
    ),
    function=voucher,
    output_keys=("eligible", "amount_yuan", "status", "deadline", "channel", "history", "citations", "steps"),
    rules="voucher",
    results={"eligible": "是否可领", "amount_yuan": "每人金额（元）", "status_zh": "发放状态", "deadline": "完成期限",
             "channel": "领取方式", "total_yuan": "累计金额（元）"},
    chat=Chat(triggers=r"消费券|爱心券",
              asks=r"能不能领|能领|可以领|还能|还可以|领得到|领不到|有没有|有我|有份|截止|过期|来得及|什么时候|啥时候|几号|怎么办|多少|一共|加起来",
              needs_person=True),
    order=20,
)
