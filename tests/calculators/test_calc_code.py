"""Guards on the code itself: no policy number in calculators/*.py, no clock, no upward or
UI imports."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from calculators.rules import parameters

PACKAGE = Path(__file__).resolve().parents[2] / "calculators"
SOURCES = sorted(PACKAGE.glob("*.py"))
CALENDAR_FACTS = {("dates.py", 12)}  # months in a year: a calendar fact, not policy
UNITS = ("元", "个月", "年", "天", "日")  # a rule number written into a Chinese sentence


def _rule_numbers() -> set:
    numbers = set()

    def walk(v):
        if isinstance(v, bool):
            return
        if isinstance(v, (int, float)):
            numbers.add(v)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
    for p in parameters().values():
        for _key, entry in p.values:
            walk(entry["value"])
    return numbers - {0, 1}


def _rule_dates() -> set[str]:
    out = set()
    for p in parameters().values():
        for key, entry in p.values:
            out.add(key.isoformat())
            if isinstance(entry["value"], dt.date):
                out.add(entry["value"].isoformat())
    return out


def test_rule_numbers_are_found_by_the_scan():
    assert {12, 18, 24, 6, 1500, 1000, 300, 2} <= _rule_numbers()


def test_no_policy_number_or_date_literal_in_calculator_code():
    numbers, dates = _rule_numbers(), _rule_dates()
    offenders = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        # A field's documented input range (``min=``/``max=``) is a sanity bound on what a
        # person could type, and a spec's ``order=`` its place among chat candidates: not
        # policy, though they may coincide with a rule number (max=80 years).
        bounds = {id(k.value) for n in ast.walk(tree) if isinstance(n, ast.Call)
                  for k in n.keywords if k.arg in ("min", "max", "order") and isinstance(k.value, ast.Constant)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or id(node) in docstrings or id(node) in bounds:
                continue
            v = node.value
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v in numbers \
                    and (path.name, v) not in CALENDAR_FACTS:
                offenders.append(f"{path.name}:{node.lineno}: {v}")
            if isinstance(v, str):
                offenders += [f"{path.name}:{node.lineno}: {d}" for d in dates if d in v]
                offenders += [f"{path.name}:{node.lineno}: {n}{u}" for n in numbers for u in UNITS
                              if f"{n}{u}" in v]
    assert not offenders, offenders


def test_calculators_read_no_clock_and_import_no_ui_or_retrieval():
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("today", "now", "utcnow", "time"), f"{path.name}:{node.lineno}"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                for name in names:
                    top = name.split(".")[0]
                    assert top not in {"click", "streamlit", "fastapi", "retrieval", "assistant", "api",
                                       "time", "requests", "httpx"}, f"{path.name}: imports {name}"
