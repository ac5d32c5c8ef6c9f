"""The YAML rule cases in calculators/cases/*.yaml: each case is a sentence, inputs and the
expected outputs (only the listed keys are compared) or the field a bad input names."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from calculators.registry import run_calculator
from calculators.rules import jsonable
from policydesk.errors import InputError

CASES_DIR = Path(__file__).resolve().parents[2] / "calculators" / "cases"
KNOWN_KEYS = {"name", "calculator", "input", "output", "output_paths", "cites", "not_cites",
              "summary_contains", "error", "today"}


def load_cases():
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return cases


CASES = load_cases()


def _lookup(result, path: str):
    value = result
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def _cited(result) -> list[str]:
    out = []
    for c in result["citations"]:
        out.append(c["quote"] if "quote" in c else f"{c['statute']}{c['article']}")
    return out


def test_there_are_cases_for_every_calculator():
    from calculators.registry import CALCULATORS

    names = {p.values[0]["calculator"] for p in CASES}
    assert names == set(CALCULATORS)
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES)
def test_rule_case(case):
    assert set(case) <= KNOWN_KEYS, f"unknown keys in case: {set(case) - KNOWN_KEYS}"
    inputs = jsonable(case.get("input") or {})
    if "error" in case:
        with pytest.raises(InputError) as info:
            run_calculator(case["calculator"], inputs, today=case.get("today"))
        assert info.value.field == case["error"]
        assert info.value.message_zh and info.value.message_en
        return
    result = run_calculator(case["calculator"], inputs, today=case.get("today"))
    expected = {**jsonable(case.get("output") or {}), **jsonable(case.get("output_paths") or {})}
    for key, want in expected.items():
        got = _lookup(result, key)
        if isinstance(want, list) and all(isinstance(w, str) for w in want) and isinstance(got, list) \
                and got and isinstance(got[0], dict) and "id" in got[0]:
            got = [g["id"] for g in got]
            assert sorted(got) == sorted(want), key
        elif isinstance(want, list) and not want and isinstance(got, list):
            assert got == [], key
        else:
            assert got == want, f"{key}: expected {want!r}, got {got!r}"
    cited = _cited(result)
    for text in case.get("cites") or []:
        assert any(text in c for c in cited), f"{text} not cited in {cited}"
    for text in case.get("not_cites") or []:
        assert not any(text in c for c in cited), f"{text} should not be cited"
    if case.get("summary_contains"):
        assert case["summary_contains"] in result["summary"]
