"""The registry the chat and the HTTP API call."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from calculators import CALCULATORS, missing_fields, run_calculator
from policydesk.errors import InputError


def test_every_field_has_chinese_label_and_question_and_snake_case_name():
    for name, spec in CALCULATORS.items():
        assert spec.title_zh and spec.description
        assert set(spec.output_keys) <= set(run_example(name)), name
        for f in spec.fields:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", f.name)
            assert f.type in {"date", "int", "float", "money", "bool", "choice"}
            assert re.search(r"[\u4e00-\u9fff]", f.label_zh) and f.ask_zh.endswith(("？", "）"))
            for c in f.choices:
                assert c.value and re.search(r"[\u4e00-\u9fff]", c.label_zh)


def run_example(name):
    examples = {
        "loan-deferral": {"maturity": "2023-05-20", "pandemic_hardship": True},
        "voucher": {"category": "tekun", "date": "2023-02-10"},
        "unemployment": {"contribution_years": 3, "involuntary": True, "registered": True},
        "probation": {"contract_months": 18, "probation_months": 1},
        "benefits": {"tekun": True},
        "severance": {"reason": "layoff", "service_years": 3, "monthly_wage": 6000},
        "annual-leave": {"cumulative_years": 8, "today": "2024-03-01"},
        "overtime-pay": {"kind": "rest_day", "monthly_wage": 5000, "days": 2},
        "work-injury": {"grade": 7, "own_wage": 5000, "injury_date": "2024-01-05"},
        "arbitration-deadline": {"known_date": "2024-05-15"},
    }
    return run_calculator(name, examples[name])


def test_missing_fields_lists_what_the_chat_should_ask_in_order():
    missing = missing_fields("loan-deferral", {})
    assert [f.name for f in missing] == ["maturity", "pandemic_hardship"]
    assert missing[0].ask_zh == "请问您的贷款什么时候到期？（例如 2023-05-20）"
    assert missing_fields("voucher", {"category": "tekun"}, today=dt.date(2023, 1, 5)) == []
    assert [f.name for f in missing_fields("probation", {})] == ["contract_months"]
    assert missing_fields("probation", {"open_ended": True}) == []


def test_api_style_inputs_strings_aliases_and_kebab_case():
    r = run_calculator("unemployment", {"contribution-years": "５", "voluntary": "false",
                                        "not_registered": False})
    assert r["eligible"] and r["max_months"] == run_calculator(
        "unemployment", {"contribution_years": 5, "involuntary": True, "registered": True})["max_months"]
    r = run_calculator("voucher", {"category": "低保", "date": "2023年2月10日", "no_smartphone": "true"})
    assert r["eligible"] is False and r["inputs"]["smartphone"] is False


def test_missing_required_field_names_it_in_both_languages():
    with pytest.raises(InputError) as info:
        run_calculator("unemployment", {"contribution_years": 3, "involuntary": True})
    assert info.value.field == "registered"
    assert "失业登记" in info.value.message_zh and "registered" in info.value.message_en
    assert info.value.exit_code == 2


def test_unknown_calculator_is_an_input_error():
    with pytest.raises(InputError) as info:
        run_calculator("pension", {})
    assert info.value.field == "calculator"


@pytest.mark.parametrize("raw", [True, "maybe", float("nan"), "1e400"])
def test_absurd_numbers_are_rejected(raw):
    with pytest.raises(InputError) as info:
        run_calculator("unemployment", {"contribution_years": raw, "involuntary": True, "registered": True})
    assert info.value.field == "contribution_years"

