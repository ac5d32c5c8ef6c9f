"""Understanding, deterministic: which route a question needs and the slots it carries.

Intents: a calculator name, ``search`` (answer from passages), ``chitchat``. Declining is
decided later from retrieval evidence, not from keywords, so an unexpected phrasing of a
covered topic is still searched."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistant.parsing import arabize, find_dates, find_day_counts, find_durations
from policydesk.dates import month_end

# What each calculator is about: any of these words makes it a candidate.
TRIGGERS = {
    "loan-deferral": r"展期|延期还款|推迟还款|延后还款|缓还|延长还款|(?:贷款|借款).{0,12}(?:到期|还不上|还款|延期|推迟)",
    "voucher": r"消费券|爱心券",
    "unemployment": r"失业(?:保险)?金|失业.{0,24}(?:能领|可以领|领多久|领几个月|领多长|待遇)|(?:领|拿).{0,4}失业",
    "probation": r"试用期",
    "benefits": r"(?:能|可以|可)(?:享受|申请|领|拿).{0,8}(?:哪些|什么|啥)(?:政策|补贴|扶持|优惠|待遇|支持)"
                r"|(?:哪些|什么|啥)(?:政策|补贴|扶持|优惠|支持).{0,10}(?:适合|能|可以|享受|申请|用得上)",
}

# The question asks for something computed for a person's own case.
COMPUTED_ASK = {
    "loan-deferral": r"到哪天|哪天|多久|多长|几个月|最多|最长|能不能|可不可以|能否|可以吗|行吗|新的到期|展期到",
    "voucher": r"能不能领|能领|可以领|还能|还可以|领得到|领不到|有没有|有我|有份|截止|过期|来得及|什么时候|啥时候|几号|怎么办",
    "unemployment": r"多久|多长|几个月|能领|可以领|能不能|领多少|有没有|能拿|最长",
    "probation": r"多久|多长|几个月|最长|最多|上限|合法|违法|能不能|可以吗|超过|算不算|延长|顺延",
    "benefits": r".",
}

PERSONAL = r"我|俺|本人|咱|我家|我妈|我爸|家里|老人|孩子"

CHITCHAT = re.compile(r"^(?:你好|您好|嗨|哈喽|hello|hi|在吗|在不在|谢谢|多谢|感谢|谢了|好的|再见|拜拜|你是谁|你叫什么)"
                      r"[啊呀吧呢哈！!。.？?～~ ]*$", re.IGNORECASE)


@dataclass
class Understanding:
    intent: str                      # calculator name | "search" | "chitchat"
    slots: dict = field(default_factory=dict)
    problems: dict = field(default_factory=dict)   # slot → Chinese description of a bad value
    candidates: list[str] = field(default_factory=list)
    personal: bool = False


def understand(text: str, today: date) -> Understanding:
    """Intent and slots of a normalized question."""
    stripped = text.strip()
    if CHITCHAT.match(stripped):
        return Understanding("chitchat")
    candidates = [name for name, pattern in TRIGGERS.items() if re.search(pattern, stripped)]
    personal = bool(re.search(PERSONAL, stripped))
    for name in candidates:
        slots, problems = extract_slots(name, stripped, today)
        if slots or problems or personal or re.search(COMPUTED_ASK[name], stripped):
            if name == "benefits" or _asks_own_case(name, stripped, slots, personal):
                return Understanding(name, slots, problems, candidates, personal)
    return Understanding("search", {}, {}, candidates, personal)


def _asks_own_case(name: str, text: str, slots: dict, personal: bool) -> bool:
    """A calculator only when the question is about a case: it gives facts of one, or it
    asks for a computed result. "消费券在云闪付上怎么用" is a question for the texts."""
    if slots:
        return True
    return bool(re.search(COMPUTED_ASK[name], text)) and (personal or name != "voucher")


# --------------------------------------------------------------------------------------
# Slots

def _clauses(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for part in re.split(r"([，,。；;？?！!\n])", text):
        if part and part not in "，,。；;？?！!\n":
            out.append((pos, part))
        pos += len(part)
    return out


def _nearest_keyword(text: str, start: int, end: int, keywords: dict[str, str]) -> str | None:
    """The label of the keyword closest to a mention, in its clause, before it preferred."""
    best, best_dist = None, None
    for clause_start, clause in _clauses(text):
        if not (clause_start <= start < clause_start + len(clause)):
            continue
        for label, pattern in keywords.items():
            for m in re.finditer(pattern, clause):
                k_start, k_end = clause_start + m.start(), clause_start + m.end()
                dist = start - k_end if k_end <= start else (k_start - end) + 3  # before is closer
                dist = max(dist, 0)
                if best_dist is None or dist < best_dist:
                    best, best_dist = label, dist
    return best


def _bool(text: str, yes: str, no: str) -> bool | None:
    if re.search(no, text):
        return False
    if re.search(yes, text):
        return True
    return None


def extract_slots(name: str, text: str, today: date) -> tuple[dict, dict]:
    """Slots for calculator ``name`` found in ``text`` (already normalized), and problems."""
    text = arabize(text)
    slots: dict = {}
    problems: dict = {}
    dates = find_dates(text, today)
    durations = find_durations(text)

    def take_date(slot: str, keywords: str | None = None):
        chosen = None
        for d in dates:
            window = text[max(0, d.start - 8): d.end + 8]
            if keywords is None or re.search(keywords, window):
                chosen = d
                break
        if chosen is None and len(dates) == 1 and keywords is not None:
            chosen = dates[0]
        if chosen is None:
            return
        if chosen.value is None:
            problems[slot] = chosen.problem or f"{chosen.text} 不是完整日期"
        else:
            slots[slot] = chosen.value.isoformat()

    if name == "loan-deferral":
        take_date("maturity", r"到期|还款|贷款|借款")
        for d in durations:
            label = _nearest_keyword(text, d.start, d.end, {"months": r"展期|延期|推迟|延后|缓|延长"})
            if label:
                slots["months"] = d.months
        hardship = _bool(text, r"疫情", r"(?:不是|并非|没有|没|与|和)(?:因为|因|受)?疫情(?:无关|影响)?(?:无关)?|非疫情")
        if hardship is not None:
            slots["pandemic_hardship"] = hardship
    elif name == "voucher":
        take_date("date", r"")
        category = None
        if re.search(r"低保", text):
            category = "dibao"
        if re.search(r"特困|五保|供养对象", text):
            category = "tekun"
        if re.search(r"(?:都)?不是(?:低保|特困)|普通(?:人|居民|群众)|一般(?:人|居民)", text) and not \
                re.search(r"(?<!不)是(?:特困|低保)", text.replace("不是", "")):
            category = "none"
        if category:
            slots["category"] = category
        if re.search(r"不会(?:用|操作)?(?:智能)?手机|没有智能手机|没(?:有)?智能机|老年机|不会上网|手机操作", text):
            slots["smartphone"] = False
    elif name == "unemployment":
        for d in durations:
            label = _nearest_keyword(text, d.start, d.end,
                                     {"years": r"交|缴|参保|上了|买了|失业保险|社保|工作|干了"})
            if label or len(durations) == 1:
                slots["contribution_years"] = round(d.years, 2)
        inv = _bool(text, r"被(?:辞退|裁|开除|解雇|解除)|裁员|辞退|公司(?:倒闭|破产|关门)|单位(?:倒闭|破产|解除)|合同到期|非(?:本人|自)愿|被迫",
                    r"主动辞职|自己辞职|自愿(?:离职|辞职)|我辞职|辞职了|跳槽|自己不干")
        if inv is not None:
            slots["involuntary"] = inv
        reg = _bool(text, r"(?:已|已经)?(?:办|做|进行)?(?:了)?失业登记|登记了|办了登记|已登记",
                    r"没(?:有)?(?:办|做)?(?:失业)?登记|未登记|还没登记")
        if reg is not None:
            slots["registered"] = reg
    elif name == "probation":
        if re.search(r"无固定期限", text):
            slots["open_ended"] = True
        for d in durations:
            label = _nearest_keyword(text, d.start, d.end, {"contract_months": r"合同|签",
                                                            "probation_months": r"试用",
                                                            "extension_months": r"延长|顺延|延期|再延|推迟转正"})
            if label and label not in slots:
                slots[label] = d.months
        if re.search(r"以完成一定工作任务为期限|完成一定工作任务", text):
            slots["task_based"] = True
        for days, start, end in find_day_counts(text):
            label = _nearest_keyword(text, start, end, {"suspended_days": r"疫情|返岗|隔离|停工|考核|不能上班|无法"})
            if label:
                slots["suspended_days"] = days
    elif name == "benefits":
        slots.update(profile_flags(text, today, dates))
    return slots, problems


def profile_flags(text: str, today: date, dates) -> dict:
    """A benefit-finder profile from free text (only what the text says)."""
    flags: dict = {}
    m = re.search(r"(?:((?:19|20)\d{2})年|(今年|去年|前年))(\d{1,2})月(?:(\d{1,2})[日号])?(?:份)?毕业", text)
    if m:
        year = int(m.group(1)) if m.group(1) else today.year - {"今年": 0, "去年": 1, "前年": 2}[m.group(2)]
        month = int(m.group(3))
        if 1 <= month <= 12:
            day = int(m.group(4)) if m.group(4) else month_end(year, month)
            try:
                flags["graduation_date"] = date(year, month, day).isoformat()
            except ValueError:
                pass
    if re.search(r"没(?:有)?(?:找到)?工作|未就业|待业|没就业|找不到工作|失业", text):
        flags["employed"] = False
    elif re.search(r"已经?(?:就业|工作|上班)|在上班", text):
        flags["employed"] = True
    if re.search(r"外卖|骑手|网约车|快递员|跑腿|平台", text):
        flags["platform_worker"] = True
    if re.search(r"灵活就业|打零工|零工|自由职业|非全日制|个人经营", text):
        flags["flexible_worker"] = True
    if re.search(r"就业困难", text):
        flags["employment_difficulty"] = True
    if re.search(r"农民工|返乡|回乡|回老家", text):
        flags["migrant_worker"] = True
    if re.search(r"特困|五保", text):
        flags["tekun"] = True
    if re.search(r"创业|开(?:个|家|一家)?小?(?:店|铺子?|公司|厂|饭馆)|办企业|个体户|做生意|小买卖", text):
        flags["entrepreneur"] = True
    if re.search(r"创业担保贷款|担保贷款|贷了款|有贷款|借了贷款", text):
        flags["loan_holder"] = True
    return flags
