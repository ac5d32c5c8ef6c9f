"""Understand: intent and slots, continuing a calculator that asked a follow-up question
when the new message answers it, starting afresh when it is an unrelated question."""
import re

from assistant.calc_fields import all_field_specs, calculator_spec, calculator_title, field_specs
from assistant.llm import choose_calculator
from assistant.parsing import arabize, find_dates, find_day_counts, find_durations
from assistant.slots import amounts_in, hours_in
from assistant.understand import Understanding, extract_slots, understand

YES = re.compile(r"^(?:是|是的|对|对的|有|嗯|恩|好|可以|没错|确实|受了|受到了|是啊|对啊)[的啊呀了。！!.]*$")
NO = re.compile(r"^(?:不是|没有|没|否|不|不对|无|没受|没有受)[的啊呀了。！!.]*$")


# 重新开始 (and its kin) at the start of a message forgets the conversation; what follows is
# a new question.
RESTART = re.compile(r"^(?:重新开始|重新来|重来|从头开始|从头再来|清空|换个话题)[吧啊。，,.！!\s]*")
# A message that changes one fact of the question before (那签三年的呢？ 如果是低保户呢？
# 换成两个月呢？ 不对，是2019年入职的) or asks more of the same topic without naming it
# (什么时候之前发完？).
FOLLOW_UP = re.compile(r"^(?:那|那么|那要是|那如果|如果|要是|假如|假设|换成|换做|换了|改成|改为|不对|不是|若是|"
                       r"再加上|加上|算上|再算上)|呢[？?。.!！]*$")
ELLIPTICAL = re.compile(r"什么时候|啥时候|多少|怎么办|咋办|怎么|如何|哪里|去哪|在哪|几天|多久|几个月|能不能|可以吗|行吗")
ELLIPTICAL_CHARS = 14
FOLLOW_UP_CHARS = 40


def run(answer, ctx):
    text = (answer.normalized or "").strip()
    restart = RESTART.match(text)
    if restart:
        ctx.state, ctx.state_changed = {}, True
        text = text[restart.end():].strip()
        if not text:
            ctx.understanding = Understanding("restart")
            answer.intent = "restart"
            return {"intent": "restart"}
        ctx.query = text
    fresh = understand(text, ctx.today)
    pending = (ctx.state or {}).get("pending")
    if pending:
        name = pending["calculator"]
        slots, problems = extract_slots(name, text, ctx.today)
        slots = {**_short_answer(pending, text, ctx.today), **slots}
        if _continues(name, fresh, bool(slots or problems)):
            merged = Understanding(name, {**pending.get("slots", {}), **slots}, problems,
                                   fresh.candidates, True)
            ctx.understanding = merged
            answer.intent, answer.slots = name, merged.slots
            return {"intent": name, "slots": merged.slots, "continued": True, "problems": problems}
    if pending:
        ctx.state = {k: v for k, v in ctx.state.items() if k != "pending"}
        ctx.state_changed = True
    last = (ctx.state or {}).get("last")
    if last and _is_follow_up(text, fresh, ctx):
        continued = _continue_last(last, text, fresh, ctx)
        if continued is not None:
            ctx.understanding = continued
            answer.intent, answer.slots = continued.intent, continued.slots
            return {"intent": continued.intent, "slots": continued.slots, "continued": "last",
                    "problems": continued.problems}
    detail = {}
    if fresh.intent == "search" and ctx.services.llm is not None:
        fresh, detail = _llm_choice(answer, ctx, fresh)
    ctx.understanding = fresh
    answer.intent, answer.slots = fresh.intent, fresh.slots
    return {"intent": fresh.intent, "slots": fresh.slots, "problems": fresh.problems,
            "candidates": fresh.candidates, "dropped_pending": bool(pending), **detail}


def _is_follow_up(text: str, fresh: Understanding, ctx) -> bool:
    """A short message that leans on the one before: 那…呢, 如果是…, 换成…, 不对，是…, or a
    bare 什么时候之前发完？ that names no topic of its own (爱心消费券每人多少钱 does)."""
    if len(text) <= FOLLOW_UP_CHARS and FOLLOW_UP.search(text):
        return True
    if len(text) > ELLIPTICAL_CHARS or not ELLIPTICAL.search(text) or fresh.candidates:
        return False
    return not ctx.services.searcher.topics_named(text)


def _continue_last(last: dict, text: str, fresh: Understanding, ctx) -> Understanding | None:
    """The previous topic with the new value: the last calculator with its inputs, the
    facts this message gives replacing theirs; a question on the same topic read with the
    previous question. Another calculator named outright is a new topic (None)."""
    name = last.get("calculator")
    question = last.get("question") or ""
    if name and fresh.intent in (name, "search"):
        slots, problems = extract_slots(name, text, ctx.today)
        if not slots and not problems:
            slots = _changed_fact(name, last.get("slots") or {}, text, ctx.today)
        if slots or problems:
            return Understanding(name, _replace_facts(name, last.get("slots") or {}, slots), problems,
                                 fresh.candidates, True)
    if fresh.intent != "search" or not question:
        return None
    combined = f"{question} {text}"
    again = understand(combined, ctx.today)
    if name and again.intent == name:
        # 什么时候之前发完？ after a voucher answer: the same calculator, asked for more
        return Understanding(name, _replace_facts(name, last.get("slots") or {}, again.slots), again.problems,
                             again.candidates, True)
    ctx.context_query = combined
    return None


def _changed_fact(name: str, old: dict, text: str, today) -> dict:
    """换成两个月呢？ / 换成七级呢？: a bare value in the unit of exactly one fact given
    before replaces that fact."""
    bare = FOLLOW_UP.sub("", text).strip().removesuffix("的").strip("，,。.？?！! ")
    if not bare:
        return {}
    found = {}
    for field in old:
        value = _short_answer({"calculator": name, "asked": field}, bare, today)
        if field in value:
            found.update(value)
    return found if len(found) == 1 else {}


def _replace_facts(name: str, old: dict, new: dict) -> dict:
    """``old`` facts with ``new`` ones in their place; a new fact also displaces the ones
    that stand in for it (a tenure in years replaces the start date: one exclusive group)."""
    spec = calculator_spec(name)
    groups = [set(g) for g in (spec.exclusive if spec else ())]
    displaced = {f for k in new for g in groups if k in g for f in g}
    return {**{k: v for k, v in old.items() if k not in displaced}, **new}


def remember(answer, ctx) -> None:
    """What a follow-up may lean on: the question answered (or asked about) and, for a
    calculator, its name and the facts the citizen gave. A declined question leaves the
    topic as it was."""
    if answer.status not in ("answered", "calculated", "needs_more_info", "faq"):
        return
    u = ctx.understanding
    last = {"question": ctx.query or answer.normalized}
    if u is not None and u.intent in all_field_specs():
        last["calculator"] = u.intent
        last["slots"] = dict(answer.slots or {})
    ctx.state = {**(ctx.state or {}), "last": last}
    ctx.state_changed = True


def _llm_choice(answer, ctx, fresh: Understanding) -> tuple[Understanding, dict]:
    """Let the optional model pick a calculator the keywords missed. It only chooses: each
    slot value it proposes must be found in the question itself, or it is dropped."""
    specs = all_field_specs()
    try:
        choice = choose_calculator(ctx.services.llm, answer.normalized, ctx.today, specs,
                                   {n: calculator_title(n) for n in specs}, ctx.services.settings.llm_timeout_s)
    except Exception as exc:
        return fresh, {"llm_choice": None, "llm_error": type(exc).__name__}
    if choice is None:
        return fresh, {"llm_choice": None}
    name, args = choice
    kept = {k: v for k, v in args.items() if _said_in(answer.normalized, v, ctx.today)}
    dropped = sorted(set(args) - set(kept))
    return (Understanding(name, kept, {}, fresh.candidates, True),
            {"llm_choice": name, "llm_dropped_slots": dropped})


def _said_in(question: str, value, today) -> bool:
    """A proposed slot value is supported when the question states it."""
    if isinstance(value, bool) or value is None:
        return isinstance(value, bool)
    text = arabize(question)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return any(d.value and d.value.isoformat() == value for d in find_dates(text, today))
    if isinstance(value, (int, float)):
        numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
        numbers |= {d.months for d in find_durations(text)} | {d.years for d in find_durations(text)}
        return float(value) in numbers
    return str(value) in question or len(str(value)) <= 12  # choice values such as tekun


def _continues(name: str, fresh: Understanding, gave_slots: bool) -> bool:
    """The new message continues the pending calculator when it answers what we asked (it
    fills a slot); another topic, a greeting or a question that fills nothing starts afresh."""
    if fresh.intent == name:
        return True
    if fresh.intent != "search" or any(c != name for c in fresh.candidates):
        return False
    return gave_slots


def _short_answer(pending: dict, text: str, today) -> dict:
    """A bare 是/不是, a lone date, a lone quantity in the unit of the field we asked for
    (3年, 8个月, 20天, 4小时, 6000元, 1.8万), a bare number, or a choice's name."""
    asked = pending.get("asked")
    if not asked:
        return {}
    spec = field_specs(pending["calculator"]).get(asked)
    if spec is None:
        return {}
    stripped = text.strip().rstrip("。！!.")
    plain = arabize(stripped)
    kind, unit = spec["type"], spec.get("unit", "")
    if kind == "bool":
        if YES.match(stripped):
            return {asked: True}
        if NO.match(stripped):
            return {asked: False}
        return {}
    if kind == "choice":
        for value, label in spec["choices"]:
            if stripped in (value, label) or (len(stripped) >= 2 and stripped in label):
                return {asked: value}
        return {}
    if kind == "date":
        dates = [d for d in find_dates(stripped, today) if d.value]
        return {asked: dates[0].value.isoformat()} if len(dates) == 1 else {}
    if kind == "money":
        amounts = amounts_in(plain)
        if len(amounts) == 1:
            return {asked: amounts[0]}
    elif unit in ("year", "month"):
        durations = find_durations(plain)
        if len(durations) == 1:
            d = durations[0]
            return {asked: round(d.years, 2) if unit == "year" else d.months}
    elif unit == "day":
        days = find_day_counts(plain)
        if len(days) == 1:
            return {asked: days[0][0]}
    elif unit == "hour":
        hours = hours_in(plain)
        if len(hours) == 1:
            return {asked: hours[0]}
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:" + re.escape(_UNIT_WORDS.get(unit, "")) + r")?", plain) if unit else \
        re.fullmatch(r"(\d+(?:\.\d+)?)", plain)
    if m:
        return {asked: float(m.group(1))}
    return {}


_UNIT_WORDS = {"year": "年", "month": "个月", "day": "天", "hour": "小时", "yuan": "元", "grade": "级"}
