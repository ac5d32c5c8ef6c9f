"""Benefit finder: from a profile, the measures in the corpus that may apply.

The measures and their conditions are data (``rules/benefit_programs.yaml``); this module
turns the profile into facts and evaluates the conditions with three values (True, False,
None = not stated). A program whose condition holds is listed in ``programs``; one that
would hold depending on an unstated fact is listed in ``possible`` with the missing fields.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from policydesk.dates import add_years
from calculators.rules import benefit_programs
from calculators.trace import Trace

NAME = "benefits"

# Which input field a fact depends on, so the chat can ask for it.
FACT_FIELDS = {
    "graduate": "graduation_date",
    "recent_graduate": "graduation_date",
    "not_employed": "employed",
    "platform_worker": "platform_worker",
    "flexible_worker": "flexible_worker",
    "employment_difficulty": "employment_difficulty",
    "migrant_worker": "migrant_worker",
    "tekun": "tekun",
    "entrepreneur": "entrepreneur",
    "loan_holder": "loan_holder",
}


def _and(values):
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values):
    values = list(values)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def evaluate(condition: Any, facts: dict, derived: dict) -> bool | None:
    if isinstance(condition, str):
        if condition in derived:
            return evaluate(derived[condition]["when"], facts, derived)
        return facts[condition]
    if "all" in condition:
        return _and(evaluate(c, facts, derived) for c in condition["all"])
    if "any" in condition:
        return _or(evaluate(c, facts, derived) for c in condition["any"])
    if "not" in condition:
        value = evaluate(condition["not"], facts, derived)
        return None if value is None else not value
    raise ValueError(f"unknown condition {condition!r}")


def _unknown_fields(condition: Any, facts: dict, derived: dict) -> set[str]:
    if isinstance(condition, str):
        if condition in derived:
            return _unknown_fields(derived[condition]["when"], facts, derived)
        return {FACT_FIELDS.get(condition, condition)} if facts[condition] is None else set()
    out: set[str] = set()
    for key in ("all", "any"):
        for c in condition.get(key, []):
            out |= _unknown_fields(c, facts, derived)
    if "not" in condition:
        out |= _unknown_fields(condition["not"], facts, derived)
    return out


def benefits(date: dt.date | None = None, graduation_date: dt.date | None = None,
             employed: bool | None = None, platform_worker: bool = False,
             flexible_worker: bool = False, employment_difficulty: bool = False,
             migrant_worker: bool = False, tekun: bool = False, entrepreneur: bool = False,
             loan_holder: bool = False) -> dict:
    """Programs that may apply to the profile, each with why (the condition) and citations."""
    trace = Trace(date)
    recent = False
    if graduation_date is not None:
        window = trace.read("benefits.graduate_window_years", required=True)
        until = add_years(graduation_date, int(window.value))
        recent = graduation_date <= date <= until
        trace.compute(f"毕业日期{graduation_date.isoformat()}，{window.value}年内即截至{until.isoformat()}；"
                      f"查询日期{date.isoformat()}：{'属于' if recent else '不属于'}毕业{window.value}年内。",
                      recent_graduate=recent)
    facts = {
        "graduate": graduation_date is not None,
        "recent_graduate": recent,
        "not_employed": None if employed is None else not employed,
        "platform_worker": platform_worker,
        "flexible_worker": flexible_worker,
        "employment_difficulty": employment_difficulty,
        "migrant_worker": migrant_worker,
        "tekun": tekun,
        "entrepreneur": entrepreneur,
        "loan_holder": loan_holder,
    }
    data = benefit_programs()
    for fact, implied in (data.get("implies") or {}).items():
        if facts[fact]:
            facts.update({name: True for name in implied})
    derived = data.get("facts", {})
    programs, possible = [], []
    for program in data.get("programs", []):
        reasons, missing = [], set()
        for branch in program["branches"]:
            holds = evaluate(branch["when"], facts, derived)
            if holds:
                reasons.append(branch["why"])
            elif holds is None:
                missing |= _unknown_fields(branch["when"], facts, derived)
                reasons_maybe = branch["why"]
        item = {"id": program["id"], "name": program["name"], "citations": list(program["citations"])}
        if program.get("calculator"):
            item["calculator"] = program["calculator"]
        for fact_name, spec in derived.items():
            if any(_mentions(b["when"], fact_name) for b in program["branches"]):
                for c in spec["citations"]:
                    if c not in item["citations"]:
                        item["citations"].append(c)
        if reasons:
            item["why"] = reasons[0]
            programs.append(item)
            trace.compute(f"{program['name']}：适用。{item['why']}")
        elif missing:
            item["why"] = "（待确认）" + reasons_maybe
            item["missing"] = sorted(missing)
            possible.append(item)
            trace.compute(f"{program['name']}：可能适用，还需确认：{'、'.join(sorted(missing))}。")
    citations = trace.citations
    for item in programs:
        for c in item["citations"]:
            if c not in citations:
                citations.append(c)
    if programs:
        summary = "根据您的情况，可能适用的政策有：" + "、".join(p["name"] for p in programs) + "。"
    else:
        summary = "根据您提供的情况，资料中暂未找到明确适用的政策措施。"
    if possible:
        summary += "另有" + "、".join(p["name"] for p in possible) + "需进一步确认您的情况。"
    return {
        "calculator": NAME,
        "programs": programs,
        "possible": possible,
        "summary": summary,
        "citations": citations,
        "steps": trace.steps,
    }


def _mentions(condition: Any, name: str) -> bool:
    if isinstance(condition, str):
        return condition == name
    return any(_mentions(c, name) for key in ("all", "any") for c in condition.get(key, [])) or \
        ("not" in condition and _mentions(condition["not"], name))
