"""经济补偿 / 赔偿金 (severance pay and damages), 《劳动合同法》.

Whether it is owed: 第四十六条 lists the ways a contract ends that oblige the employer to pay
(``severance.owed_reasons``); resigning of one's own accord, dismissal for misconduct, a
mutual agreement the worker proposed … are not among them. An unlawful dismissal
(``reason="unlawful"``) owes damages of twice the standard (第八十七条) unless the worker asks
to keep the job (第四十八条); damages replace the compensation and count the years from the
first day of work (实施条例 第二十五条).

How much (第四十七条): one month's pay per full year of service; a remainder of six months or
more counts as a year, a shorter one as half a month. The month's pay is the average of the
last twelve months. A wage above three times the local average monthly wage of the previous
year is paid at three times that average and for at most twelve years.

Service before 2008-01-01 (第九十七条): compensation years count from the law's entry into
force; the earlier years follow the rules of the time, which the corpus does not hold, so
they are left out and the result says so.

Service is counted from the first to the last day inclusive (2021-07-01 … 2024-06-30 is
exactly three years). Money is ``Decimal`` rounded to the cent.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from policydesk.dates import MONTHS_PER_YEAR, add_months, zh_date
from calculators.money import ROUNDING_ZH, cents, dec, fmt, num, yuan
from calculators.periods import COUNTING_ZH, passed, period_end
from calculators.rules import citation
from calculators.say import Chat, Say
from calculators.spec import GIVEN, TODAY_FIELD, WAGE_MAX, WAGE_MIN, CalculatorSpec, Choice, Field, Requirement
from calculators.trace import Trace
from policydesk.errors import InputError

NAME = "severance"

REASON_ZH = {
    "employer_fault": "用人单位有过错（如未及时足额支付劳动报酬、未依法缴纳社会保险费），劳动者依第三十八条解除",
    "mutual_employer": "用人单位提出、双方协商一致解除",
    "mutual_worker": "劳动者提出、双方协商一致解除",
    "no_fault_dismissal": "用人单位依第四十条解除（患病医疗期满、不能胜任工作、客观情况发生重大变化）",
    "layoff": "经济性裁员（第四十一条第一款）",
    "contract_expired": "固定期限劳动合同期满，用人单位不续订（或降低条件续订，劳动者不同意）",
    "expired_worker_declined": "合同期满，用人单位维持或者提高条件续订，劳动者不同意续订",
    "employer_closed": "用人单位被依法宣告破产、被吊销营业执照、责令关闭、撤销或者决定提前解散",
    "resigned": "劳动者主动辞职",
    "misconduct": "劳动者有第三十九条情形（如严重违反规章制度）被解除",
    "retired": "劳动者开始依法享受基本养老保险待遇",
    "unlawful": "用人单位违法解除或者终止劳动合同",
}


def service_span(start: dt.date, end: dt.date) -> tuple[int, int]:
    """(whole months, remaining days) from ``start`` to ``end``, both days counted."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * MONTHS_PER_YEAR + (after.month - start.month)
    while months > 0 and add_months(start, months) > after:
        months -= 1
    return months, (after - add_months(start, months)).days


def severance(reason: str, start: dt.date | None = None, end: dt.date | None = None,
              service_years: int | None = None, service_months: int | None = None,
              monthly_wage: Decimal | None = None, local_average_wage: Decimal | None = None,
              today: dt.date | None = None) -> dict:
    """Months of pay and amount owed when a labour contract ends for ``reason``."""
    if (start is None) != (end is None):
        missing = "end" if end is None else "start"
        zh = "离职日期（劳动合同解除或终止之日）" if missing == "end" else "入职日期"
        raise InputError(f"缺少“{zh}”：按日期计算工作年限需要入职和离职两个日期。",
                         f"missing {missing}: both start and end are needed", field=missing)
    if start is not None and end < start:
        raise InputError(f"“离职日期”{end.isoformat()}早于“入职日期”{start.isoformat()}，请检查。",
                         "end: before start", field="end")
    if start is None and not (service_years or service_months):
        raise InputError("“工作年限”不能为0：请填写在本单位工作了几年几个月，或入职和离职日期。",
                         "service_months: service must be longer than zero", field="service_months")

    on = end or today
    trace = Trace(on)
    required = {"required": True, "field": "end" if end else "today",
                "field_zh": "离职日期" if end else "提问日期"}
    owed_list = trace.read("severance.owed_reasons", **required)
    per_year = dec(trace.read("severance.months_per_full_year", **required).value)
    round_up = int(trace.read("severance.round_up_from_months", **required).value)
    short_part = dec(trace.read("severance.short_part_months_of_pay", **required).value)
    trace.compute(f"工作年限按入职当日至离职当日（两端都算）计算；{ROUNDING_ZH}。")

    owed_items = {row["reason"]: row["item"] for row in owed_list.value}
    unlawful = reason == "unlawful"
    notes: list[dict] = []
    assumptions: list[str] = []

    # Service: the period the compensation years count from.
    counted_start = start
    pre_law = False
    if start is not None and not unlawful:
        since = trace.read("severance.years_counted_from")
        if since.value and start < since.value:
            counted_start = since.value
            pre_law = True
            trace.compute(f"入职日{start.isoformat()}早于{since.value.isoformat()}：按第九十七条，"
                          f"经济补偿年限自{since.value.isoformat()}起计算；此前的年限按当时有关规定执行，"
                          "资料中没有当时的规定，本计算不含这部分。")
            notes.append(_note("pre_law", f"{zh_date(since.value)}以前的工作年限按当时有关规定支付经济补偿，"
                               "资料中没有当时的规定，本计算不含这部分，请咨询12333。", since))
    if unlawful and start is not None:
        rule = trace.read("severance.damages_replace_compensation")
        if rule.value:
            trace.compute("违法解除的赔偿金，计算年限自用工之日起计算（实施条例第二十五条）。")
    if counted_start is not None:
        months, days = service_span(counted_start, end) if counted_start <= end else (0, 0)
        how = f"{counted_start.isoformat()}至{end.isoformat()}"
    else:
        months, days = (service_years or 0) * MONTHS_PER_YEAR + (service_months or 0), 0
        how = "按您填写的年限"
    years, rest = divmod(months, MONTHS_PER_YEAR)
    trace.compute(f"工作年限（{how}）：{years}年{rest}个月" + (f"{days}天" if days else "") + "。",
                  service={"years": years, "months": rest, "days": days})

    if not unlawful and reason not in owed_items:
        trace.compute(f"解除或终止的情形：{REASON_ZH.get(reason, reason)}，不属于第四十六条规定应当支付经济补偿的情形。")
        summary = f"按您说的情形（{_short(reason)}），用人单位依法无须支付经济补偿。"
        next_step = ("如您认为单位的做法违法（例如没有法定理由辞退您），或单位有拖欠工资、未缴社保等过错，"
                     "可以咨询12333或当地劳动人事争议仲裁委员会。")
        return _result(False, Decimal(0), None, None, None, reason, trace, summary, next_step, notes,
                       assumptions, end, today, monthly_wage is not None, years, rest, days)

    if not unlawful:
        trace.compute(f"解除或终止的情形：{REASON_ZH[reason]}，属于第四十六条第{owed_items[reason]}项，应当支付经济补偿。")
    else:
        trace.compute("违法解除或者终止劳动合同：劳动者不要求继续履行的，按第四十七条经济补偿标准的二倍支付赔偿金。")

    # Months of pay (第四十七条).
    whole = dec(years) * per_year
    if rest >= round_up:
        part, part_zh = per_year, f"剩余{rest}个月" + (f"{days}天" if days else "") + f"，满{round_up}个月按一年计算"
    elif rest or days:
        part, part_zh = short_part, f"剩余{rest}个月" + (f"{days}天" if days else "") + f"，不满{round_up}个月支付半个月工资"
    else:
        part, part_zh = Decimal(0), "没有不满一年的部分"
    months_of_pay = whole + part
    trace.compute(f"满{years}年×{num(per_year)}个月 + {part_zh}（{num(part)}个月）= {num(months_of_pay)}个月工资。",
                  months_of_pay=float(months_of_pay))

    # The wage and the caps.
    capped = None
    base = None
    trace.read("severance.wage_basis_months")
    if monthly_wage is not None:
        base = cents(monthly_wage)
        trace.compute(f"月工资（解除或终止前十二个月的平均工资）：{fmt(base)}元。")
        floor = trace.read("severance.minimum_wage_floor", cite=False)
        if floor.value:
            trace.compute("前十二个月平均工资低于当地最低工资标准的，应按当地最低工资标准计算（资料中没有山西的标准，按您填写的月工资计算）。")
    if local_average_wage is not None:
        multiple = dec(trace.read("severance.high_wage_multiple").value)
        max_years = dec(trace.read("severance.high_wage_max_years").value)
        ceiling = cents(dec(local_average_wage) * multiple)
        if base is not None:
            capped = base > ceiling
            if capped:
                trace.compute(f"月工资{fmt(base)}元高于本地区上年度职工月平均工资{fmt(local_average_wage)}元的"
                              f"{num(multiple)}倍（{fmt(ceiling)}元）：按{fmt(ceiling)}元计算，年限最高{num(max_years)}年。",
                              capped=True)
                base = ceiling
                limit = max_years * per_year
                if months_of_pay > limit:
                    trace.compute(f"{num(months_of_pay)}个月超过{num(max_years)}年的上限，按{num(limit)}个月计算。")
                    months_of_pay = limit
            else:
                trace.compute(f"月工资{fmt(base)}元不高于本地区上年度职工月平均工资的{num(multiple)}倍"
                              f"（{fmt(ceiling)}元），不封顶，年限也不受{num(max_years)}年限制。", capped=False)
    elif base is not None:
        assumptions.append("未提供当地上年度职工月平均工资，没有检查封顶：月工资高于它的三倍时，按三倍计算且最多按十二年计算。")

    multiplier = Decimal(1)
    if unlawful:
        multiplier = dec(trace.read("severance.unlawful_multiple").value)
        reinstate = trace.read("severance.reinstatement_option")
        if reinstate.value:
            notes.append(_note("reinstatement", "如您希望回原单位继续工作，也可以要求继续履行劳动合同；"
                               "继续履行的，不再支付赔偿金。", reinstate))
    if reason == "no_fault_dismissal":
        notice = trace.read("severance.notice_pay_months")
        notice_days = trace.read("severance.notice_days")
        notes.append(_note("notice_pay", f"单位以这类理由解除、又没有提前{num(notice_days.value)}日书面通知您的，"
                           f"还应额外支付{num(notice.value)}个月工资（另计，未含在上面的金额中）。", notice))

    amount = None
    if base is not None:
        amount = cents(base * months_of_pay * multiplier)
        factor = f" × {num(multiplier)}倍" if unlawful else ""
        trace.compute(f"{'赔偿金' if unlawful else '经济补偿'}：{fmt(base)}元 × {num(months_of_pay)}个月{factor}"
                      f" = {fmt(amount)}元（{ROUNDING_ZH}）。", amount_yuan=str(amount))
    what = "赔偿金" if unlawful else "经济补偿"
    if amount is not None:
        summary = f"{what}为{fmt(amount)}元（{num(months_of_pay)}个月工资" + \
            (f"的{num(multiplier)}倍" if unlawful else "") + "）。"
    else:
        summary = f"{what}为{num(months_of_pay * multiplier)}个月工资" + \
            (f"（经济补偿标准{num(months_of_pay)}个月的{num(multiplier)}倍）" if unlawful else "") + \
            "；告诉我月工资即可算出金额。"
    next_step = "可与单位协商支付；单位不支付的，可以申请劳动仲裁或拨打12333咨询。"
    return _result(True, months_of_pay, amount, capped, multiplier, reason, trace, summary, next_step,
                   notes, assumptions, end, today, base is not None, years, rest, days,
                   pre_law=pre_law)


def _short(reason: str) -> str:
    return {"resigned": "主动辞职", "mutual_worker": "您提出协商解除", "misconduct": "因过失被解除",
            "expired_worker_declined": "单位维持或提高条件续订而您不同意", "retired": "开始领取养老金"
            }.get(reason, REASON_ZH.get(reason, reason))


def _note(note_id: str, text: str, value) -> dict:
    return {"id": note_id, "text": text, "citations": [citation(value.reference)]}


def _result(owed, months_of_pay, amount, capped, multiplier, reason, trace: Trace, summary: str,
            next_step: str, notes: list, assumptions: list, end, today, has_wage: bool,
            years: int, months: int, days: int, pre_law: bool = False) -> dict:
    actions = []
    deadline = None
    if end is not None:
        limit = trace.read("arbitration_deadline.limit_years", on=end)
        if limit.value:
            deadline = period_end(end, years=int(limit.value))
            trace.compute(f"申请劳动仲裁的时效一般为{num(limit.value)}年，自劳动合同解除或终止之日起算"
                          f"（{COUNTING_ZH}）：{deadline.isoformat()}。", arbitration_deadline=deadline.isoformat())
    expired = passed(deadline, today)
    if owed and deadline is not None:
        if expired:
            summary = (f"申请劳动仲裁的一年时效已于{zh_date(deadline)}届满（已过），只有时效曾中断或中止时才可能主张；"
                       + summary)
            next_step = ("如这期间您向单位主张过权利、向有关部门求助过，或单位同意过支付，时效从那时起重新计算；"
                         "请带上证据咨询当地劳动人事争议仲裁委员会或拨打12333。")
        else:
            actions.append({"id": "arbitration", "text": f"单位不支付的，最晚在{zh_date(deadline)}前申请劳动仲裁",
                            "deadline": deadline.isoformat()})
            next_step = (f"可与单位协商支付；单位不支付的，可以在{zh_date(deadline)}前向劳动人事争议仲裁委员会"
                         "申请仲裁，或拨打12333咨询。")
    return {
        "calculator": NAME,
        "owed": owed,
        "kind": None if not owed else ("damages" if reason == "unlawful" else "compensation"),
        "reason": reason,
        "months_of_pay": float(months_of_pay),
        "multiplier": float(multiplier) if multiplier is not None else None,
        "amount_yuan": yuan(amount) if owed else (0 if has_wage else None),
        "capped": capped,
        "service": {"years": years, "months": months, "days": days},
        "pre_2008_excluded": pre_law,
        "arbitration_deadline": deadline.isoformat() if deadline else None,
        "deadline_passed": expired,
        "summary": summary,
        "next_step": next_step,
        "actions": actions,
        "notes": notes + [{"id": "assumption", "text": "说明：" + a, "citations": []} for a in assumptions],
        "assumptions": assumptions,
        "citations": trace.citations,
        "steps": trace.steps,
    }


_DISMISSED = r"(?:开除|辞退|解除|解雇|终止|裁)"
SPEC = CalculatorSpec(
    name=NAME,
    title_zh="经济补偿",
    description="按《劳动合同法》第四十六、四十七条计算解除或终止劳动合同时的经济补偿（按工作年限折算月工资，高工资封顶）；违法解除按第八十七条计算赔偿金，也可按第四十八条要求继续履行。",
    fields=(
        Field("reason", "choice", "劳动合同解除或终止的原因",
              "请问劳动合同是怎么解除或终止的？（例如：公司裁员、协商解除、合同到期不续签、公司违法辞退、自己辞职）",
              required=True, choices=(
                  Choice("layoff", "经济性裁员", ("裁员", "被裁", "裁掉", "经济性裁员", "减员"),
                         say=r"裁员|被裁|裁掉|把我裁|裁了|减员"),
                  Choice("mutual_employer", "单位提出协商解除", ("协商解除", "单位提出协商", "公司提出协商", "协商一致"),
                         say=r"(?:公司|单位|老板|领导).{0,6}协商|协商(?:一致)?解除|协商一致"),
                  Choice("mutual_worker", "本人提出协商解除", ("我提出协商", "本人提出协商"),
                         say=r"(?:我|本人)(?:主动)?(?:提出|提的|要求).{0,4}协商"),
                  Choice("no_fault_dismissal", "单位依第四十条解除（医疗期满、不胜任、客观情况重大变化）",
                         ("不胜任", "不能胜任", "医疗期满", "客观情况发生重大变化", "客观情况重大变化", "第四十条"),
                         say=r"不(?:能)?胜任|医疗期满|客观情况.{0,4}(?:重大)?变化|第四十条"),
                  Choice("contract_expired", "合同到期单位不续签", ("合同到期", "到期不续签", "不续签", "合同期满"),
                         say=r"(?:合同)?(?:到期|期满).{0,8}(?:不续|不再续|没续)|(?:公司|单位)不(?:再)?续签?|合同到期|合同期满"),
                  Choice("expired_worker_declined", "合同到期本人不续签（单位维持或提高条件）", ("本人不续签", "我不想续签"),
                         say=r"(?:我|本人)(?:自己)?不(?:想|愿意?)?续签"),
                  Choice("employer_fault", "单位过错本人解除（欠薪、不交社保等）",
                         ("拖欠工资", "欠薪", "不交社保", "被迫辞职", "被迫解除", "第三十八条"),
                         say=r"被迫(?:辞职|离职|解除)|(?:因为?|由于).{0,8}(?:拖欠|欠|不交|没交|未交|不缴|没缴).{0,6}(?:工资|社保|社会保险).{0,8}(?:辞职|离职|解除)|第三十八条"),
                  Choice("employer_closed", "单位破产、关闭、撤销或提前解散", ("破产", "倒闭", "关闭", "吊销营业执照", "解散", "撤销"),
                         say=r"破产|倒闭|关门|吊销营业执照|责令关闭|解散|撤销"),
                  Choice("unlawful", "单位违法解除或终止", ("违法解除", "违法辞退", "违法开除", "非法辞退", "无故辞退", "违法终止"),
                         say=r"(?:违法|非法|无故|无理由|没有理由|无正当理由).{0,6}" + _DISMISSED),
                  Choice("resigned", "本人主动辞职", ("辞职", "主动辞职", "自己辞职", "离职"),
                         say=r"(?:我|本人)?(?:主动|自己)(?:提出)?(?:辞职|离职|不干)|我辞职"),
                  Choice("misconduct", "本人过失被解除（第三十九条）", ("严重违纪", "严重违反规章制度", "过失性辞退", "第三十九条"),
                         say=r"严重违(?:纪|反.{0,4}规章制度)|严重失职|营私舞弊|被追究刑事责任|第三十九条"),
                  Choice("retired", "退休（开始领取养老金）", ("退休", "领养老金"), say=r"退休|领(?:取)?养老金"),
              ), help_en="why the contract ended (one of the values above)", say=Say()),
        Field("start", "date", "入职日期", "请问您是哪天入职这家单位的？（例如 2020-03-01）",
              help_en="first day of work for this employer (with --end)", say=Say(near=r"入职|进(?:公司|单位|厂)|上班|开始工作")),
        Field("end", "date", "离职日期（劳动合同解除或终止之日）", "请问劳动合同是哪天解除或终止的？（例如 2024-06-30）",
              help_en="last day of the contract (with --start)",
              say=Say(near=r"离职|辞退|开除|解除|终止|裁|到期|走人")),
        Field("service_years", "int", "在本单位工作年数", "请问您在这家单位工作了几年？",
              min=0, max=60, unit="year", help_en="whole years of service (instead of --start/--end), 0-60"),
        Field("service_months", "int", "在本单位工作月数（整年以外的月数，或全部按月数）",
              "请问您在这家单位工作了多长时间（几年几个月）？",
              min=0, max=720, unit="month", help_en="months of service, alone or on top of --service-years, 0-720",
              say=Say(near=r"干了|工作了|上了|做了|入职|在(?:公司|单位|厂|这家)|工龄|工作", alone=True)),
        Field("monthly_wage", "money", "月工资（解除前十二个月平均，元）",
              "请问您离职前十二个月的平均月工资是多少元？", min=WAGE_MIN, max=WAGE_MAX, unit="yuan",
              help_en="average monthly wage of the last 12 months, yuan (1-10000000)",
              say=Say(near=r"月薪|月工资|工资|月平均工资|平均工资|月均工资|月均|收入|每月")),
        Field("local_average_wage", "money", "本地区上年度职工月平均工资（元）",
              "请问当地（设区的市）公布的上年度职工月平均工资是多少元？", min=WAGE_MIN, max=1_000_000, unit="yuan",
              help_en="local average monthly wage of the previous year, yuan (for the 3x cap)",
              say=Say(near=r"(?:上年度|上一年度|去年|职工|社会|当地|本地|本市|全市|市里|我们市|我们这儿?|我们那儿?|地区)[^，。；]{0,10}平均工资|社平工资|社会平均工资")),
        TODAY_FIELD,
    ),
    function=severance,
    output_keys=("owed", "months_of_pay", "amount_yuan", "capped", "citations", "steps"),
    rules="severance",
    results={"owed": "是否应当支付", "months_of_pay": "月工资数", "multiplier": "倍数", "amount_yuan": "金额（元）",
             "capped": "是否三倍封顶", "arbitration_deadline": "申请仲裁截止日"},
    requirements=(
        Requirement("end", when=(("start", GIVEN),)),
        Requirement("start", when=(("end", GIVEN),)),
        Requirement("service_months", unless=("start", "end", "service_years")),
    ),
    exclusive=(("start", "service_years"), ("start", "service_months")),
    chat=Chat(triggers=r"经济补偿|补偿金|赔偿金|遣散费|[Nn]\+1|(?:多少|几个月|能拿|能要|给|有|没有|要)(?:的)?(?:补偿|赔偿)|(?:补偿|赔偿)(?:多少|几个月|怎么算)",
              asks=r"多少|几个月|能拿|能要|能领|给多少|该给|应该给|怎么算|算下|算算|有没有|能不能|有吗|给吗|要给|赔",
              then_ask=("monthly_wage",), then_ask_if="owed"),
    order=35,
)
