"""Understand: intent and slots, continuing a calculator that asked a follow-up question
when the new message answers it, starting afresh when it is an unrelated question."""
import re

from assistant.calc_fields import all_field_specs, calculator_title, field_specs
from assistant.llm import choose_calculator
from assistant.parsing import arabize, find_dates, find_day_counts, find_durations
from assistant.slots import amounts_in, hours_in
from assistant.understand import Understanding, extract_slots, understand

YES = re.compile(r"^(?:是|是的|对|对的|有|嗯|恩|好|可以|没错|确实|受了|受到了|是啊|对啊)[的啊呀了。！!.]*$")
NO = re.compile(r"^(?:不是|没有|没|否|不|不对|无|没受|没有受)[的啊呀了。！!.]*$")


def run(answer, ctx):
    text = answer.normalized
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
    detail = {}
    if fresh.intent == "search" and ctx.services.llm is not None:
        fresh, detail = _llm_choice(answer, ctx, fresh)
    ctx.understanding = fresh
    answer.intent, answer.slots = fresh.intent, fresh.slots
    return {"intent": fresh.intent, "slots": fresh.slots, "problems": fresh.problems,
            "candidates": fresh.candidates, "dropped_pending": bool(pending), **detail}


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
