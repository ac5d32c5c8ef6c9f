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
from calculators.say import Chat, Say
from calculators.spec import DATE_FIELD, GIVEN, TODAY_FIELD, CalculatorSpec, Field, Requirement
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
             loan_holder: bool = False, today: dt.date | None = None) -> dict:
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


SPEC = CalculatorSpec(
    name=NAME,
    title_zh="政策匹配",
    description="根据个人情况（毕业时间与就业状态、平台/灵活就业、就业困难人员、返乡农民工、特困、创业、创业担保贷款）列出资料中可能适用的政策措施。",
    fields=(
        DATE_FIELD,
        Field("graduation_date", "date", "高校毕业日期", "请问您是哪天从高校毕业的？（例如 2022-06-30）",
              help_en="graduation date (college graduates)", say=Say(near=r"毕业", month_end=True)),
        Field("employed", "bool", "目前是否已就业", "请问您目前是否已经就业？",
              help_en="currently employed (unset: unknown)",
              say=Say(yes=r"已经?(?:就业|工作|上班)|在上班",
                      no=r"没(?:有)?(?:找到)?工作|未就业|待业|没就业|找不到工作|失业")),
        Field("platform_worker", "bool", "是否依托平台灵活就业", "请问您是否依托外卖、网约车等平台灵活就业？",
              default=False, help_en="flexible work through a platform", say=Say(yes=r"外卖|骑手|网约车|快递员|跑腿|平台")),
        Field("flexible_worker", "bool", "是否灵活就业", "请问您是否以个人经营、非全日制等灵活方式就业？",
              default=False, help_en="self-employed, part-time or other flexible work",
              say=Say(yes=r"灵活就业|打零工|零工|自由职业|非全日制|个人经营")),
        Field("employment_difficulty", "bool", "是否就业困难人员", "请问您是否被认定为就业困难人员？",
              default=False, help_en="recognised 就业困难人员", say=Say(yes=r"就业困难")),
        Field("migrant_worker", "bool", "是否返乡农民工", "请问您是返乡的农民工吗？",
              default=False, help_en="migrant worker returning home", say=Say(yes=r"农民工|返乡|回乡|回老家")),
        Field("tekun", "bool", "是否特困救助供养对象", "请问您是特困救助供养对象吗？",
              default=False, help_en="特困救助供养对象", say=Say(yes=r"特困|五保")),
        Field("entrepreneur", "bool", "是否正在创业或准备创业", "请问您正在创业或准备创业吗？",
              default=False, help_en="running or starting a business",
              say=Say(yes=r"创业|开(?:个|家|一家)?小?(?:店|铺子?|公司|厂|饭馆)|办企业|个体户|做生意|小买卖")),
        Field("loan_holder", "bool", "是否持有创业担保贷款", "请问您是否有创业担保贷款？",
              default=False, help_en="holds a startup guarantee loan",
              say=Say(yes=r"创业担保贷款|担保贷款|贷了款|有贷款|借了贷款")),
        TODAY_FIELD,
    ),
    function=benefits,
    output_keys=("programs", "citations", "steps"),
    rules="benefits",
    results={},
    requirements=(Requirement("date", when=(("graduation_date", GIVEN),)),),
    chat=Chat(triggers=r"(?:能|可以|可)(?:享受|申请|领|拿).{0,8}(?:哪些|什么|啥)(?:政策|补贴|扶持|优惠|待遇|支持)"
                       r"|(?:哪些|什么|啥)(?:政策|补贴|扶持|优惠|支持).{0,10}(?:适合|能|可以|享受|申请|用得上)",
              asks="."),
    order=90,
)
