"""Understand: intent and slots, continuing a calculator that asked a follow-up question
when the new message answers it, starting afresh when it is an unrelated question."""
import re

from assistant.calc_fields import field_specs
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
        if _continues(name, fresh, bool(slots or problems), text):
            merged = Understanding(name, {**pending.get("slots", {}), **slots}, problems,
                                   fresh.candidates, True)
            ctx.understanding = merged
            answer.intent, answer.slots = name, merged.slots
            return {"intent": name, "slots": merged.slots, "continued": True, "problems": problems}
    if pending:
        ctx.state = {k: v for k, v in ctx.state.items() if k != "pending"}
        ctx.state_changed = True
    ctx.understanding = fresh
    answer.intent, answer.slots = fresh.intent, fresh.slots
    return {"intent": fresh.intent, "slots": fresh.slots, "problems": fresh.problems,
            "candidates": fresh.candidates, "dropped_pending": bool(pending)}


def _continues(name: str, fresh: Understanding, gave_slots: bool, text: str) -> bool:
    """The new message continues the pending calculator unless it is a question of its own:
    another calculator's topic, a greeting, or a longer question that fills nothing."""
    if fresh.intent == name:
        return True
    if fresh.intent != "search" or any(c != name for c in fresh.candidates):
        return False
    return gave_slots or len(text) <= 12


def _short_answer(pending: dict, text: str, today) -> dict:
    """A bare 是/不是, a lone date or a lone duration answering the question we asked."""
    asked = pending.get("asked")
    if not asked:
        return {}
    spec = field_specs(pending["calculator"]).get(asked)
    if spec is None:
        return {}
    stripped = text.strip()
    if spec["type"] == "bool":
        if YES.match(stripped):
            return {asked: True}
        if NO.match(stripped):
            return {asked: False}
    if spec["type"] in ("int", "float"):
        from assistant.parsing import arabize, find_day_counts, find_durations

        durations = find_durations(arabize(stripped))
        if len(durations) == 1:
            d = durations[0]
            unit = spec.get("unit", "")
            if "year" in unit or asked.endswith("_years"):
                return {asked: round(d.years, 2)}
            if "day" in unit or asked.endswith("_days"):
                return {asked: int(round(d.months * 30))}
            return {asked: d.months}
        days = find_day_counts(arabize(stripped))
        if len(days) == 1 and (asked.endswith("_days") or "day" in spec.get("unit", "")):
            return {asked: days[0][0]}
        m = re.fullmatch(r"(\d+(?:\.\d+)?)", stripped)
        if m:
            return {asked: float(m.group(1))}
    if spec["type"] == "date":
        from assistant.parsing import find_dates

        dates = [d for d in find_dates(stripped, today) if d.value]
        if len(dates) == 1:
            return {asked: dates[0].value.isoformat()}
    return {}
