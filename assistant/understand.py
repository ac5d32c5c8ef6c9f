"""Understanding, deterministic: which route a question needs and the slots it carries.

Intents: a calculator name, ``search`` (answer from passages), ``chitchat``. Which
calculators a question may be about, and what it says of their inputs, is read from each
calculator's spec (``spec.chat`` and each field's ``say``): this module names none of them.
Declining is decided later from retrieval evidence, not from keywords, so an unexpected
phrasing of a covered topic is still searched."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistant import slots as slot_reader
from calculators.registry import CALCULATORS

PERSONAL = r"我|俺|本人|咱|我家|我妈|我爸|家里|老人|孩子|爱人|老公|老婆|丈夫|妻子"

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
    candidates = [name for name, spec in CALCULATORS.items()
                  if spec.chat and re.search(spec.chat.triggers, stripped)]
    personal = bool(re.search(PERSONAL, stripped))
    for name in candidates:
        slots, problems = extract_slots(name, stripped, today)
        asks = bool(re.search(CALCULATORS[name].chat.asks, stripped))
        if slots or problems or personal or asks:
            if _asks_own_case(name, slots, personal, asks):
                return Understanding(name, slots, problems, candidates, personal)
    return Understanding("search", {}, {}, candidates, personal)


def _asks_own_case(name: str, slots: dict, personal: bool, asks: bool) -> bool:
    """A calculator only when the question is about a case: it gives facts of one, or it
    asks for a computed result ("消费券在云闪付上怎么用" is a question for the texts)."""
    if slots:
        return True
    return asks and (personal or not CALCULATORS[name].chat.needs_person)


def extract_slots(name: str, text: str, today: date) -> tuple[dict, dict]:
    """Slots for calculator ``name`` found in ``text`` (already normalized), and problems
    (a field whose value was said but cannot be used, e.g. 2月30日)."""
    fields = [f for f in CALCULATORS[name].fields if f.name != "today"]
    return slot_reader.extract(fields, text, today)
