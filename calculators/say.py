"""How a calculator is met in conversation: the words that bring it up (``Chat``) and how
each input is said in colloquial Chinese (``Say``). Pure data: the assistant reads these
to understand a question, the calculators never do.

Patterns are regular expressions over the normalized question (simplified characters,
Arabic digits: 七年 → 7年, 一千五百元 → 1500元)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    """How one input is said.

    ``near``      keywords beside the value: a date, duration, count or amount is the
                  field's when one of these words is the closest to it in its clause.
    ``yes``/``no``  for yes/no inputs: a phrase that means True / False (``no`` wins).
    ``pattern``   a regex whose first group is the value (``(\\d+)级`` → 7 for 七级伤残).
    ``alone``     with no keyword at all, the only mention of its kind in the message is
                  this field's (a lone date in a question about a loan is its maturity).
    ``month_end`` a month without a day means that month's last day (6月毕业 → 6月30日).
    """
    near: str = ""
    yes: str = ""
    no: str = ""
    pattern: str = ""
    alone: bool = False
    month_end: bool = False


@dataclass(frozen=True)
class Chat:
    """When a question is about this calculator.

    ``triggers``  words that make it a candidate (试用期, 经济补偿, 加班费 …).
    ``asks``      words of a question asking for a computed result for one's own case
                  (多少, 几天, 最晚 …); ``"."`` = any question that triggers it.
    ``needs_person`` a computed-sounding question still goes to the texts unless it is
                  about the asker (我, 我家 …) or gives facts: "消费券怎么领" is for the texts.
    ``then_ask``  optional inputs worth asking for after answering without them (the
                  amount needs the wage): the answer ends with that question …
    ``then_ask_if`` … when this result key is true (no wage is asked for when nothing is owed).
    """
    triggers: str
    asks: str = "."
    needs_person: bool = False
    then_ask: tuple[str, ...] = ()
    then_ask_if: str = ""
