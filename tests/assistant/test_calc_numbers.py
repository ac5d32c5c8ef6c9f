"""Every number a calculator says (its result sentence, notes and next step) is traced: it
is an input, a value of a rule it read, or a value it computed and recorded — never a number
that exists only in a sentence. The checker is the numeric guard's, given only those values."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from assistant import guard
from calculators.registry import CALCULATORS, run_calculator

TODAY = dt.date(2024, 7, 1)
CASES = [
    ("severance", {"reason": "unlawful", "start": "2019-03-01", "end": "2023-02-15", "monthly_wage": "30000",
                   "local_average_wage": "6000"}),
    ("severance", {"reason": "no_fault_dismissal", "service_months": 4, "monthly_wage": "8000"}),
    ("severance", {"reason": "layoff", "start": "2005-03-01", "end": "2024-06-20", "monthly_wage": "4000"}),
    ("annual-leave", {"cumulative_years": 12, "joined": "2024-05-01", "monthly_wage": "8000"}),
    ("annual-leave", {"cumulative_years": 25, "left": "2024-06-30", "days_taken": 3}),
    ("annual-leave", {"cumulative_years": 5, "sick_leave_months": 3}),
    ("overtime-pay", {"kind": "workday", "monthly_wage": "6000", "hours": 40}),
    ("overtime-pay", {"kind": "holiday"}),
    ("work-injury", {"grade": 5, "own_wage": "2000", "average_wage": "6000", "nursing": "most"}),
    ("work-injury", {"injury_date": "2024-05-06"}),
    ("work-injury", {"injury_date": "2023-01-06"}),
    ("work-injury", {"death": True, "average_wage": "7000", "national_income": "50000"}),
    ("arbitration-deadline", {"known_date": "2023-09-01"}),
    ("arbitration-deadline", {"dispute": "unpaid_wages", "employed": True}),
    ("unemployment", {"contribution_years": 3, "involuntary": True, "registered": True,
                      "previous_entitled_months": 12, "previous_claimed_months": 8}),
    ("probation", {"contract_months": 12, "probation_months": 6, "monthly_wage": "5000"}),
    ("loan-deferral", {"maturity": "2023-06-30", "pandemic_hardship": True}),
    ("voucher", {"category": "tekun", "total": True, "with_subsidy": True}),
]


def _recorded(result: dict) -> dict:
    """Everything but the sentences: inputs, outputs, rule values, computed values."""
    sentences = {"summary", "next_step", "notes", "steps", "actions", "assumptions", "citations", "channel"}
    values = {k: v for k, v in result.items() if k not in sentences}
    for step in result["steps"]:
        values.setdefault("_steps", []).append({k: v for k, v in step.items() if k not in ("text", "label", "reference")})
    return values


@pytest.mark.parametrize("name, inputs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_every_number_said_is_an_input_a_rule_value_or_a_recorded_result(name, inputs):
    result = run_calculator(name, inputs, today=TODAY)
    json.dumps(result)   # exact Decimals never leak into the JSON the CLI and the API print
    said = [result["summary"], result.get("next_step") or ""] + [n["text"] for n in result.get("notes") or []]
    bad = guard.check("\n".join(said), [], _recorded(result))
    assert bad == [], f"{name}: numbers said without a recorded value: {bad}\n{said}"


def test_the_check_catches_a_number_written_only_into_a_sentence():
    result = run_calculator("overtime-pay", {"kind": "holiday", "daily_wage": 300, "days": 1})
    assert guard.check(result["summary"], [], _recorded(result)) == []
    assert guard.check(result["summary"] + "另加补贴50元。", [], _recorded(result)) == ["50"]


def test_every_calculator_is_covered():
    assert {n for n, _ in CASES} >= set(CALCULATORS) - {"benefits"}
