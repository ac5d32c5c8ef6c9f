"""The calculators by name, their input fields, and ``run_calculator`` (validate → compute).

Field names are the CLI flags in snake_case (``--contribution-years`` → ``contribution_years``;
a ``--x/--no-x`` pair is the bool field ``x``). The HTTP API and the chat call
``run_calculator(name, inputs, today=None)`` with those names; strings are accepted for
dates ("2023-05-20", "2023/5/20", "2023年5月20日"), numbers and booleans. ``today`` is only
used to fill date fields marked ``default_today`` that were not given; nothing reads a clock.

Bad input raises ``policydesk.errors.InputError(message_zh, message_en, field=...)``.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from dataclasses import asdict, dataclass
from typing import Any, Callable

from policydesk.errors import InputError

from calculators.annual_leave import annual_leave
from calculators.arbitration_deadline import arbitration_deadline
from calculators.benefits import benefits
from calculators.loan_deferral import loan_deferral
from calculators.money import dec, yuan
from calculators.overtime_pay import overtime_pay
from calculators.probation import probation
from calculators.severance import severance
from calculators.unemployment import unemployment
from calculators.voucher import voucher
from calculators.work_injury import known_grades, work_injury

# Sanity bounds on input (not policy): dates a person could mean, numbers a person could have.
DATE_MIN = dt.date(1950, 1, 1)
DATE_MAX = dt.date(2100, 1, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Choice:
    value: str
    label_zh: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # date | int | float | money (Decimal yuan) | bool | choice
    label_zh: str
    ask_zh: str
    required: bool = False
    default: Any = None
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    default_today: bool = False  # filled from run_calculator's ``today`` when missing
    false_aliases: tuple[str, ...] = ()  # input names meaning "this bool is False"
    help_en: str = ""

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def to_dict(self) -> dict:
        out = asdict(self)
        out["choices"] = [asdict(c) for c in self.choices]
        out["flag"] = self.flag
        return out


GIVEN = "*"  # in a Requirement's ``when``: the field has any value


@dataclass(frozen=True)
class Requirement:
    """``field`` is required when every ``(name, value)`` of ``when`` holds (``GIVEN``: the
    input was given at all) and no field of ``unless`` was given as anything but False."""
    field: str
    when: tuple[tuple[str, Any], ...] = ()
    unless: tuple[str, ...] = ()

    def applies(self, values: dict) -> bool:
        for name, want in self.when:
            if name not in values or (want != GIVEN and values[name] != want):
                return False
        return not any(values.get(name) not in (None, False) for name in self.unless)


@dataclass(frozen=True)
class CalculatorSpec:
    name: str
    title_zh: str
    description: str
    fields: tuple[Field, ...]
    function: Callable[..., dict]
    output_keys: tuple[str, ...]
    requirements: tuple[Requirement, ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def to_dict(self) -> dict:
        return {"name": self.name, "title_zh": self.title_zh, "description": self.description,
                "fields": [f.to_dict() for f in self.fields], "output_keys": list(self.output_keys)}


_DATE_FIELD = Field("date", "date", "查询日期", "请问要按哪一天计算？（例如 2023-02-10）",
                    default_today=True, help_en="as-of date for the rules (default: latest rules)")
# The day the question is asked: every calculator compares deadlines, maturities and rounds
# with it. Filled from run_calculator's ``today``; without it nothing is said about "now".
TODAY_FIELD = Field("today", "date", "提问日期", "请问今天是哪一天？（例如 2024-03-01）", default_today=True,
                    help_en="the day the question is asked (deadlines are compared with it)")
WAGE_MIN, WAGE_MAX = 1, 10_000_000   # yuan per month a person could earn (sanity, not policy)

CALCULATORS: dict[str, CalculatorSpec] = {
    "loan-deferral": CalculatorSpec(
        name="loan-deferral",
        title_zh="创业担保贷款展期",
        description="创业担保贷款借款人因疫情影响流动性遇到暂时困难的，可申请展期还款：计算最晚可展期日、展期后到期日，并提示免除反担保和线上办理。",
        fields=(
            Field("maturity", "date", "贷款到期日", "请问您的贷款什么时候到期？（例如 2023-05-20）",
                  required=True, help_en="loan maturity date"),
            Field("months", "int", "申请展期月数", "请问您想申请展期几个月？", min=1, max=600,
                  help_en="months of deferral requested (default: the maximum)"),
            Field("pandemic_hardship", "bool", "是否因疫情影响流动性遇到暂时困难",
                  "请问您是否因疫情影响导致资金周转暂时困难？", required=True,
                  help_en="liquidity temporarily hit by the pandemic"),
            Field("date", "date", "申请日期", "请问您打算哪天申请？（例如 2023-02-10）", default_today=True,
                  help_en="application date for the rules (default: latest rules)"),
            TODAY_FIELD,
        ),
        function=loan_deferral,
        output_keys=("eligible", "max_months", "requested_months", "within_limit", "latest_maturity",
                     "new_maturity", "citations", "steps"),
    ),
    "voucher": CalculatorSpec(
        name="voucher",
        title_zh="爱心消费券",
        description="特困救助供养对象爱心消费券：是否可领、金额、按日期的发放状态、领取方式和历次发放记录。",
        fields=(
            Field("category", "choice", "救助身份", "请问您属于特困救助供养对象、低保对象，还是都不是？",
                  required=True, choices=(
                      Choice("tekun", "特困救助供养对象", ("特困", "特困人员", "特困供养", "特困救助供养")),
                      Choice("dibao", "低保对象", ("低保", "低保户", "最低生活保障")),
                      Choice("none", "都不是", ("无", "都不是", "其他", "否")),
                  ), help_en="tekun (特困) | dibao (低保) | none"),
            Field("date", "date", "查询日期", "请问要查询哪一天的发放情况？（例如 2023-02-10）",
                  required=True, default_today=True, help_en="date to check the issuing status on"),
            Field("smartphone", "bool", "能否使用智能手机", "请问您能自己用手机操作“云闪付”App吗？",
                  default=True, help_en="able to use a smartphone (--no-smartphone: staff deliver goods)"),
            TODAY_FIELD,
        ),
        function=voucher,
        output_keys=("eligible", "amount_yuan", "status", "deadline", "channel", "history", "citations",
                     "steps"),
    ),
    "unemployment": CalculatorSpec(
        name="unemployment",
        title_zh="失业保险金",
        description="按《失业保险条例》第十四条、第十七条判断能否领取失业保险金及最长领取期限；月发放额为全省统一标准。",
        fields=(
            Field("contribution_years", "float", "累计缴费年限（年）", "请问您（和单位）累计缴纳失业保险费多少年了？",
                  required=True, min=0, max=80, help_en="accumulated contribution years"),
            Field("involuntary", "bool", "是否非因本人意愿中断就业",
                  "请问您是非本人意愿失业（如被裁员、合同到期不续），还是主动辞职？", required=True,
                  false_aliases=("voluntary",), help_en="--involuntary (laid off) / --voluntary (quit)"),
            Field("registered", "bool", "是否已办理失业登记", "请问您是否已经办理失业登记，并有求职要求？",
                  required=True, false_aliases=("not_registered",),
                  help_en="registered as unemployed and seeking work"),
            Field("previous_unclaimed_months", "int", "前次失业应领而未领的月数",
                  "请问上次失业时应领而没有领完的失业保险金还有几个月？", default=0, min=0, max=120,
                  help_en="months left unclaimed from a previous spell (merged, capped)"),
            _DATE_FIELD,
            TODAY_FIELD,
        ),
        function=unemployment,
        output_keys=("eligible", "max_months", "monthly_amount_yuan", "citations", "steps"),
    ),
    "probation": CalculatorSpec(
        name="probation",
        title_zh="试用期",
        description="按《劳动合同法》第十九条计算试用期上限；疫情期间无法考察的时间经协商可不计入试用期，但顺延不得突破法定上限。",
        fields=(
            Field("contract_months", "int", "劳动合同期限（月）", "请问您的劳动合同期限是多少个月？",
                  min=1, max=600, help_en="fixed contract length in months (required unless --open-ended or --task-based)"),
            Field("probation_months", "int", "约定试用期（月）", "请问合同约定的试用期是几个月？",
                  min=0, max=600, help_en="agreed probation in months"),
            Field("suspended_days", "int", "因疫情无法考察的天数", "请问因疫情无法返岗、无法考察的有多少天？",
                  default=0, min=0, max=730, help_en="days assessment was impossible because of the pandemic"),
            Field("extension_months", "int", "用人单位要求顺延的月数", "请问用人单位要求把试用期顺延几个月？",
                  default=0, min=0, max=600, help_en="months the employer wants to extend probation by"),
            Field("open_ended", "bool", "是否无固定期限劳动合同", "请问您签的是无固定期限劳动合同吗？",
                  default=False, help_en="open-ended contract (no fixed term)"),
            Field("task_based", "bool", "是否以完成一定工作任务为期限", "请问您的合同是以完成一定工作任务为期限的吗？",
                  default=False, help_en="contract for the duration of a task"),
            Field("monthly_wage", "money", "试用期满月工资（元）", "请问试用期满后的月工资是多少元？",
                  min=WAGE_MIN, max=WAGE_MAX, help_en="monthly wage after probation, yuan (damages for an unlawful probation)"),
            Field("served_months", "int", "已经履行的试用期月数", "请问约定的试用期您实际已经干了几个月？",
                  min=0, max=600, help_en="months of the agreed probation already served (default: all of it, stated)"),
            _DATE_FIELD,
            TODAY_FIELD,
        ),
        function=probation,
        output_keys=("max_probation_months", "agreed_within_limit", "citations", "steps"),
        requirements=(Requirement("contract_months", unless=("open_ended", "task_based")),),
    ),
    "benefits": CalculatorSpec(
        name="benefits",
        title_zh="政策匹配",
        description="根据个人情况（毕业时间与就业状态、平台/灵活就业、就业困难人员、返乡农民工、特困、创业、创业担保贷款）列出资料中可能适用的政策措施。",
        fields=(
            _DATE_FIELD,
            Field("graduation_date", "date", "高校毕业日期", "请问您是哪天从高校毕业的？（例如 2022-06-30）",
                  help_en="graduation date (college graduates)"),
            Field("employed", "bool", "目前是否已就业", "请问您目前是否已经就业？",
                  help_en="currently employed (unset: unknown)"),
            Field("platform_worker", "bool", "是否依托平台灵活就业", "请问您是否依托外卖、网约车等平台灵活就业？",
                  default=False, help_en="flexible work through a platform"),
            Field("flexible_worker", "bool", "是否灵活就业", "请问您是否以个人经营、非全日制等灵活方式就业？",
                  default=False, help_en="self-employed, part-time or other flexible work"),
            Field("employment_difficulty", "bool", "是否就业困难人员", "请问您是否被认定为就业困难人员？",
                  default=False, help_en="recognised 就业困难人员"),
            Field("migrant_worker", "bool", "是否返乡农民工", "请问您是返乡的农民工吗？",
                  default=False, help_en="migrant worker returning home"),
            Field("tekun", "bool", "是否特困救助供养对象", "请问您是特困救助供养对象吗？",
                  default=False, help_en="特困救助供养对象"),
            Field("entrepreneur", "bool", "是否正在创业或准备创业", "请问您正在创业或准备创业吗？",
                  default=False, help_en="running or starting a business"),
            Field("loan_holder", "bool", "是否持有创业担保贷款", "请问您是否有创业担保贷款？",
                  default=False, help_en="holds a startup guarantee loan"),
            TODAY_FIELD,
        ),
        function=benefits,
        output_keys=("programs", "citations", "steps"),
        requirements=(Requirement("date", when=(("graduation_date", GIVEN),)),),
    ),
    "severance": CalculatorSpec(
        name="severance",
        title_zh="经济补偿",
        description="按《劳动合同法》第四十六、四十七条计算解除或终止劳动合同时的经济补偿（按工作年限折算月工资，高工资封顶）；违法解除按第八十七条计算赔偿金，也可按第四十八条要求继续履行。",
        fields=(
            Field("reason", "choice", "劳动合同解除或终止的原因",
                  "请问劳动合同是怎么解除或终止的？（例如：公司裁员、协商解除、合同到期不续签、公司违法辞退、自己辞职）",
                  required=True, choices=(
                      Choice("layoff", "经济性裁员", ("裁员", "被裁", "裁掉", "经济性裁员", "减员")),
                      Choice("mutual_employer", "单位提出协商解除", ("协商解除", "单位提出协商", "公司提出协商", "协商一致")),
                      Choice("mutual_worker", "本人提出协商解除", ("我提出协商", "本人提出协商")),
                      Choice("no_fault_dismissal", "单位依第四十条解除（医疗期满、不胜任、客观情况重大变化）",
                             ("不胜任", "不能胜任", "医疗期满", "客观情况发生重大变化", "客观情况重大变化", "第四十条")),
                      Choice("contract_expired", "合同到期单位不续签", ("合同到期", "到期不续签", "不续签", "合同期满")),
                      Choice("expired_worker_declined", "合同到期本人不续签（单位维持或提高条件）", ("本人不续签", "我不想续签")),
                      Choice("employer_fault", "单位过错本人解除（欠薪、不交社保等）", ("拖欠工资", "欠薪", "不交社保", "被迫辞职", "被迫解除", "第三十八条")),
                      Choice("employer_closed", "单位破产、关闭、撤销或提前解散", ("破产", "倒闭", "关闭", "吊销营业执照", "解散", "撤销")),
                      Choice("unlawful", "单位违法解除或终止", ("违法解除", "违法辞退", "违法开除", "非法辞退", "无故辞退", "违法终止")),
                      Choice("resigned", "本人主动辞职", ("辞职", "主动辞职", "自己辞职", "离职")),
                      Choice("misconduct", "本人过失被解除（第三十九条）", ("严重违纪", "严重违反规章制度", "过失性辞退", "第三十九条")),
                      Choice("retired", "退休（开始领取养老金）", ("退休", "领养老金")),
                  ), help_en="why the contract ended: layoff|mutual_employer|mutual_worker|no_fault_dismissal|"
                             "contract_expired|expired_worker_declined|employer_fault|employer_closed|unlawful|"
                             "resigned|misconduct|retired"),
            Field("start", "date", "入职日期", "请问您是哪天入职这家单位的？（例如 2020-03-01）",
                  help_en="first day of work for this employer (with --end)"),
            Field("end", "date", "离职日期（劳动合同解除或终止之日）", "请问劳动合同是哪天解除或终止的？（例如 2024-06-30）",
                  help_en="last day of the contract (with --start)"),
            Field("service_years", "int", "在本单位工作年数", "请问您在这家单位工作了几年几个月？",
                  min=0, max=60, help_en="whole years of service (instead of --start/--end), 0-60"),
            Field("service_months", "int", "另加工作月数", "请问除了整年以外，还多干了几个月？",
                  min=0, max=720, help_en="further months of service, 0-720"),
            Field("monthly_wage", "money", "月工资（解除前十二个月平均，元）",
                  "请问您离职前十二个月的平均月工资是多少元？", min=WAGE_MIN, max=WAGE_MAX,
                  help_en="average monthly wage of the last 12 months, yuan (1-10000000)"),
            Field("local_average_wage", "money", "本地区上年度职工月平均工资（元）",
                  "请问当地（设区的市）公布的上年度职工月平均工资是多少元？", min=WAGE_MIN, max=1_000_000,
                  help_en="local average monthly wage of the previous year, yuan (for the 3x cap)"),
            TODAY_FIELD,
        ),
        function=severance,
        output_keys=("owed", "months_of_pay", "amount_yuan", "capped", "citations", "steps"),
        requirements=(
            Requirement("end", when=(("start", GIVEN),)),
            Requirement("start", when=(("end", GIVEN),)),
            Requirement("service_years", unless=("start", "end", "service_months")),
        ),
    ),
    "annual-leave": CalculatorSpec(
        name="annual-leave",
        title_zh="带薪年休假",
        description="按《职工带薪年休假条例》和《企业职工带薪年休假实施办法》计算某一年的带薪年休假天数：是否享受、按累计工作年限分档、第四条不享受的情形、入职或离职当年折算，以及未休年休假工资报酬。",
        fields=(
            Field("cumulative_years", "float", "累计工作年限（年）", "请问您累计参加工作多少年了（在不同单位的时间都算）？",
                  min=0, max=60, help_en="cumulative years of work at any employer, 0-60"),
            Field("work_start", "date", "参加工作日期", "请问您是哪天开始参加工作的？（例如 2010-07-01）",
                  help_en="first day of work ever (instead of --cumulative-years)"),
            Field("continuous_months", "int", "连续工作月数", "请问您到现在已经连续工作了几个月？",
                  min=0, max=720, help_en="months of continuous work (default: from the cumulative years, stated)"),
            Field("year", "int", "年度", "请问要算哪一年的年休假？", min=2008, max=2099,
                  help_en="calendar year (default: the year of --left or --today)"),
            Field("joined", "date", "入职本单位日期", "请问您是哪天进入现在这家单位的？（例如 2024-03-01）",
                  help_en="day joined the current employer (pro rata in that year)"),
            Field("left", "date", "离职日期", "请问您是哪天离职的？（例如 2024-06-30）",
                  help_en="day the contract ends (pro rata, unused days paid)"),
            Field("days_taken", "int", "今年已休年休假天数", "请问今年已经休了几天年休假？",
                  min=0, max=366, help_en="days of annual leave already taken this year"),
            Field("school_vacation_days", "int", "寒暑假天数", "请问您今年享受寒暑假多少天？",
                  min=0, max=366, help_en="days of school vacation (teachers)"),
            Field("personal_leave_days", "int", "不扣工资的事假天数", "请问今年请了多少天单位不扣工资的事假？",
                  min=0, max=366, help_en="days of personal leave the employer paid"),
            Field("sick_leave_months", "float", "病假累计月数", "请问今年累计请了几个月病假？",
                  min=0, max=12, help_en="months of sick leave this year"),
            Field("monthly_wage", "money", "月工资（元）", "请问您的月工资是多少元（剔除加班工资）？",
                  min=WAGE_MIN, max=WAGE_MAX, help_en="monthly wage without overtime, yuan (unused-leave pay)"),
            TODAY_FIELD,
        ),
        function=annual_leave,
        output_keys=("entitled", "days", "years_counted", "prorated", "citations", "steps"),
        requirements=(Requirement("cumulative_years", unless=("work_start",)),),
    ),
    "overtime-pay": CalculatorSpec(
        name="overtime-pay",
        title_zh="加班工资",
        description="按《劳动法》第四十四条计算加班工资：工作日延长工作时间、休息日加班又不能补休、法定休假日加班的最低比例，按月计薪天数（默认值作为假设说明）和标准工作日折算日工资、小时工资。",
        fields=(
            Field("kind", "choice", "加班类型", "请问是工作日下班后延长工作时间、休息日（周末）加班，还是法定节假日加班？",
                  required=True, choices=(
                      Choice("workday", "工作日延长工作时间", ("工作日", "平时", "下班后", "延时", "晚上加班", "延长工作时间")),
                      Choice("rest_day", "休息日加班", ("休息日", "周末", "周六", "周日", "星期六", "星期天", "星期日", "双休日")),
                      Choice("holiday", "法定节假日加班", ("法定节假日", "法定假日", "节假日", "法定休假日", "春节", "国庆",
                                                     "元旦", "清明", "劳动节", "五一", "端午", "中秋", "除夕")),
                  ), help_en="workday (150%) | rest_day (200%) | holiday (300%)"),
            Field("monthly_wage", "money", "月工资（元）", "请问您的月工资（或日工资、小时工资）是多少元？",
                  min=WAGE_MIN, max=WAGE_MAX, help_en="monthly wage, yuan (or --daily-wage / --hourly-wage)"),
            Field("daily_wage", "money", "日工资（元）", "请问您的日工资是多少元？", min=0.01, max=500_000,
                  help_en="daily wage, yuan"),
            Field("hourly_wage", "money", "小时工资（元）", "请问您的小时工资是多少元？", min=0.01, max=100_000,
                  help_en="hourly wage, yuan"),
            Field("hours", "float", "加班小时数", "请问加班了几个小时？", min=0, max=744,
                  help_en="hours of overtime (or --days)"),
            Field("days", "float", "加班天数", "请问加班了几天？", min=0, max=31, help_en="days of overtime"),
            Field("paid_days_per_month", "float", "月计薪天数", "请问单位按每月多少天计薪？",
                  min=1, max=31, help_en="paid days per month (default from the rules, stated as an assumption)"),
            Field("compensatory_leave", "bool", "休息日加班是否已安排补休", "请问单位有没有给您安排补休？",
                  default=False, help_en="rest-day work compensated by time off (then no 200%)"),
            TODAY_FIELD,
        ),
        function=overtime_pay,
        output_keys=("rate_percent", "daily_rate_yuan", "hourly_rate_yuan", "amount_yuan", "assumptions",
                     "citations", "steps"),
    ),
    "work-injury": CalculatorSpec(
        name="work-injury",
        title_zh="工伤待遇",
        description="按《工伤保险条例》计算工伤待遇：按伤残等级的一次性伤残补助金和伤残津贴、停工留薪期、工伤认定申请期限、生活护理费、因工死亡的丧葬补助金和一次性工亡补助金。",
        fields=(
            Field("grade", "int", "伤残等级", "请问劳动能力鉴定的伤残等级是几级（一级最重）？",
                  min=min(known_grades()), max=max(known_grades()),
                  help_en="disability grade (1 = most severe), as the rules define"),
            Field("own_wage", "money", "本人工资（工伤前的平均月缴费工资，元）",
                  "请问您的本人工资（受伤前一年的平均月缴费工资）是多少元？", min=WAGE_MIN, max=WAGE_MAX,
                  help_en="own wage: average monthly contribution wage before the injury, yuan"),
            Field("average_wage", "money", "统筹地区上年度职工月平均工资（元）",
                  "请问当地（统筹地区）上年度职工月平均工资是多少元？", min=WAGE_MIN, max=1_000_000,
                  help_en="local average monthly wage, yuan (60%-300% bounds, nursing, funeral grant)"),
            Field("injury_date", "date", "受伤（或确诊职业病）日期", "请问是哪天受的伤（或哪天被诊断为职业病）？（例如 2024-05-06）",
                  help_en="day of the accident or diagnosis (recognition deadlines)"),
            Field("employer_applied", "bool", "单位是否已申请工伤认定", "请问单位已经替您申请工伤认定了吗？",
                  help_en="the employer has applied for recognition"),
            Field("nursing", "choice", "生活护理等级", "请问是生活完全不能自理、大部分不能自理，还是部分不能自理？",
                  choices=(
                      Choice("full", "生活完全不能自理", ("完全不能自理",)),
                      Choice("most", "生活大部分不能自理", ("大部分不能自理",)),
                      Choice("partial", "生活部分不能自理", ("部分不能自理",)),
                  ), help_en="nursing level: full | most | partial"),
            Field("death", "bool", "是否因工死亡", "请问是因工死亡吗？", default=False,
                  help_en="died of a work injury (funeral and death grants)"),
            Field("national_income", "money", "上一年度全国城镇居民人均可支配收入（元）",
                  "请问上一年度全国城镇居民人均可支配收入是多少元？", min=WAGE_MIN, max=10_000_000,
                  help_en="previous year's national urban per-capita disposable income, yuan (death grant)"),
            TODAY_FIELD,
        ),
        function=work_injury,
        output_keys=("grade", "lump_sum_months", "allowance_percent", "suspension_max_months", "deadlines",
                     "citations", "steps"),
    ),
    "arbitration-deadline": CalculatorSpec(
        name="arbitration-deadline",
        title_zh="劳动仲裁时效",
        description="按《劳动争议调解仲裁法》第二十七条计算申请劳动仲裁的截止日：一般争议从知道或者应当知道权利被侵害之日起算；在职期间被拖欠劳动报酬的不受时效期间限制，劳动关系终止后另行起算。时效中断、中止只作说明。",
        fields=(
            Field("dispute", "choice", "争议类型", "请问是被拖欠工资，还是其他劳动争议（如被辞退、经济补偿、加班费）？",
                  default="general", choices=(
                      Choice("general", "一般劳动争议（辞退、经济补偿、加班费等）", ("辞退", "开除", "解除", "经济补偿", "赔偿")),
                      Choice("unpaid_wages", "拖欠劳动报酬", ("欠薪", "拖欠工资", "欠工资", "拖欠劳动报酬", "工资没发", "不发工资")),
                  ), help_en="general | unpaid_wages"),
            Field("known_date", "date", "知道权利被侵害之日", "请问您是哪天知道（或应当知道）自己的权利被侵害的？例如被辞退的日子。（例如 2024-05-15）",
                  help_en="day the worker knew or should have known of the infringement"),
            Field("employed", "bool", "劳动关系是否仍存续（仍在职）", "请问您现在还在这家单位工作吗？",
                  help_en="still employed (unpaid wages: no limit while employed)"),
            Field("end_date", "date", "劳动关系终止日期", "请问您是哪天离职的？（例如 2023-06-30）",
                  help_en="day the employment ended (unpaid wages)"),
            TODAY_FIELD,
        ),
        function=arbitration_deadline,
        output_keys=("deadline", "limited", "reason", "citations", "steps"),
        requirements=(
            Requirement("known_date", when=(("dispute", "general"),)),
            Requirement("employed", when=(("dispute", "unpaid_wages"),), unless=("end_date",)),
            Requirement("end_date", when=(("dispute", "unpaid_wages"), ("employed", False))),
        ),
    ),
}


# ---------------------------------------------------------------- parsing

_FULLWIDTH_DIGITS = {ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")}
_DATE_RE = re.compile(r"^\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?\s*$")
_TRUE = {"true", "1", "yes", "y", "on", "是", "对", "有", "能", "会"}
_FALSE = {"false", "0", "no", "n", "off", "否", "不是", "没有", "无", "不能", "不会"}


def _bad(f: Field, zh: str, en: str) -> InputError:
    return InputError(f"“{f.label_zh}”{zh}", f"{f.name}: {en}", field=f.name)


def parse_value(f: Field, raw: Any) -> Any:
    if f.type == "date":
        return _parse_date(f, raw)
    if f.type in ("int", "float"):
        return _parse_number(f, raw)
    if f.type == "money":
        return _parse_money(f, raw)
    if f.type == "bool":
        return _parse_bool(f, raw)
    if f.type == "choice":
        return _parse_choice(f, raw)
    raise ValueError(f"unknown field type {f.type}")


def _parse_date(f: Field, raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        text = str(raw).translate(_FULLWIDTH_DIGITS)
        m = _DATE_RE.match(text)
        if not m:
            raise _bad(f, f"不是有效日期：{raw}。请按“年-月-日”填写，例如 2023-05-20。",
                       f"not a date: {raw!r} (use YYYY-MM-DD)")
        try:
            value = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            raise _bad(f, f"不是真实存在的日期：{raw}（请检查月份和日期，例如4月没有31日）。",
                       f"impossible date: {raw!r}") from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise _bad(f, f"日期超出合理范围：{value.isoformat()}。", f"date out of range: {value.isoformat()}")
    return value


def _parse_number(f: Field, raw: Any) -> int | float:
    if isinstance(raw, bool):
        raise _bad(f, f"应为数字：{raw}", f"not a number: {raw!r}")
    if isinstance(raw, (int, float)):
        value = raw
    else:
        text = str(raw).translate(_FULLWIDTH_DIGITS).strip()
        try:
            value = float(text) if f.type == "float" or "." in text else int(text)
        except ValueError:
            raise _bad(f, f"应为数字：{raw}", f"not a number: {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _bad(f, f"应为数字：{raw}", f"not a finite number: {raw!r}")
    if f.type == "int":
        if float(value) != int(value):
            raise _bad(f, f"应为整数：{raw}", f"not a whole number: {raw!r}")
        value = int(value)
    if f.min is not None and value < f.min:
        raise _bad(f, f"不能小于{f.min:g}：{raw}", f"must be >= {f.min:g}, got {raw!r}")
    if f.max is not None and value > f.max:
        raise _bad(f, f"数值不合理（不能大于{f.max:g}）：{raw}", f"must be <= {f.max:g}, got {raw!r}")
    return value


def _parse_money(f: Field, raw: Any):
    """An amount in yuan as an exact Decimal ("5000", "5000.5", "５０００元"), range-checked."""
    if isinstance(raw, str):
        raw = raw.strip().removesuffix("元").strip()
    value = _parse_number(f, raw)
    return dec(str(raw).translate(_FULLWIDTH_DIGITS).strip()) if isinstance(raw, str) else dec(value)


def _parse_bool(f: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _bad(f, f"应为“是”或“否”：{raw}", f"expected true/false, got {raw!r}")


def _parse_choice(f: Field, raw: Any) -> str:
    text = str(raw).strip()
    for c in f.choices:
        if text.lower() == c.value or text == c.label_zh or text in c.synonyms:
            return c.value
    allowed = "、".join(f"{c.value}（{c.label_zh}）" for c in f.choices)
    raise _bad(f, f"不认识的选项：{raw}。可选：{allowed}。",
               f"unknown choice {raw!r}; expected one of {', '.join(c.value for c in f.choices)}")


# ---------------------------------------------------------------- running

def get_spec(name: str) -> CalculatorSpec:
    try:
        return CALCULATORS[name]
    except KeyError:
        known = "、".join(CALCULATORS)
        raise InputError(f"没有名为“{name}”的计算器，可用：{known}。", f"unknown calculator {name!r}",
                         field="calculator") from None


def _canonical_inputs(spec: CalculatorSpec, inputs: dict) -> dict:
    """Map input keys to field names (dashes → underscores; ``no_x``/``not_x`` → ``x`` False)."""
    out: dict[str, Any] = {}
    names = {f.name: f for f in spec.fields}
    for key, raw in (inputs or {}).items():
        key = str(key).strip().lstrip("-").replace("-", "_")
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            continue
        if key in names:
            out[key] = raw
            continue
        target = None
        for f in spec.fields:
            if f.type == "bool" and key in (f"no_{f.name}", f"not_{f.name}", *f.false_aliases):
                target = f
        if target is None:
            known = "、".join(names)
            raise InputError(f"不认识的输入项“{key}”（{spec.title_zh}可用：{known}）。",
                             f"unknown input {key!r} for {spec.name}", field=key)
        out[target.name] = not _parse_bool(target, raw)
    return out


def _apply_defaults(spec: CalculatorSpec, values: dict, today: Any) -> None:
    for f in spec.fields:
        if f.name in values:
            continue
        if f.default_today and today is not None:
            values[f.name] = _parse_date(f, today)
        elif f.default is not None:
            values[f.name] = f.default


def _conditional_requirements(spec: CalculatorSpec, values: dict) -> list[Field]:
    return [spec.field(r.field) for r in spec.requirements
            if r.field not in values and r.applies(values)]


def missing_fields(name: str, inputs: dict, today: Any = None) -> list[Field]:
    """Required fields still missing (in ask order): the chat asks ``ask_zh`` for the first."""
    spec = get_spec(name)
    values = _canonical_inputs(spec, inputs)
    _apply_defaults(spec, values, values.get("today", today))
    missing = [f for f in spec.fields if f.required and f.name not in values]
    return missing + [f for f in _conditional_requirements(spec, values) if f not in missing]


def validate(name: str, inputs: dict, today: Any = None) -> dict:
    """Typed, complete inputs for calculator ``name`` or InputError naming the field.
    A ``today`` given among the inputs (``--today``) wins over the caller's ``today``."""
    spec = get_spec(name)
    raw = _canonical_inputs(spec, inputs)
    values = {k: parse_value(spec.field(k), v) for k, v in raw.items()}
    _apply_defaults(spec, values, values.get("today", today))
    missing = [f for f in spec.fields if f.required and f.name not in values]
    missing += _conditional_requirements(spec, values)
    if missing:
        f = missing[0]
        raise InputError(f"缺少“{f.label_zh}”：{f.ask_zh}", f"missing required input {f.name} ({f.flag})",
                         field=f.name)
    return values


def run_calculator(name: str, inputs: dict, today: Any = None) -> dict:
    """Validate ``inputs`` (snake_case field names) and run calculator ``name``.

    Returns the contract JSON (see DESIGN.md) plus ``calculator``, ``title_zh``, ``summary``
    (one Chinese sentence), ``inputs`` (the validated values) and calculator-specific extras."""
    spec = get_spec(name)
    values = validate(name, inputs, today)
    result = spec.function(**values)
    result = {"calculator": spec.name, "title_zh": spec.title_zh, **result}
    result["inputs"] = {k: (v.isoformat() if isinstance(v, dt.date) else yuan(v) if isinstance(v, Decimal) else v)
                        for k, v in values.items()}
    return result
