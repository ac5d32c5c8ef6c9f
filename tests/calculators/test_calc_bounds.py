"""Every numeric calculator input has a documented range, checked before any arithmetic;
absurd and contradictory inputs are refused with a message naming the field."""
from __future__ import annotations

import pytest

from calculators import CALCULATORS, run_calculator
from policydesk.errors import InputError

NUMERIC = [(name, f) for name, spec in CALCULATORS.items() for f in spec.fields if f.type in ("int", "float")]


def test_every_numeric_field_documents_its_range():
    assert NUMERIC
    for name, f in NUMERIC:
        assert f.min is not None and f.max is not None and f.min < f.max, (name, f.name)
        assert f.range_zh and f"{f.max:g}" in f.range_zh


@pytest.mark.parametrize("name, field", [(n, f) for n, f in NUMERIC], ids=[f"{n}.{f.name}" for n, f in NUMERIC])
@pytest.mark.parametrize("raw", [10 ** 400, -(10 ** 400), "9" * 309, "1e400", 1e308, float("inf"), "-5", -1])
def test_absurd_numbers_are_refused_before_arithmetic(name, field, raw):
    if raw in (-1, "-5") and field.min is not None and field.min < -1:
        pytest.skip("negative values are in range for this field")
    with pytest.raises(InputError) as info:
        run_calculator(name, {field.name: raw})
    assert info.value.field == field.name
    assert len(info.value.message_zh) < 120           # the value is quoted short, if at all


def test_negative_years_say_they_cannot_be_negative():
    with pytest.raises(InputError) as info:
        run_calculator("unemployment", {"contribution_years": "-5", "involuntary": True, "registered": True})
    assert "负数" in info.value.message_zh and "0 至 80" in info.value.message_zh


@pytest.mark.parametrize("inputs, field", [
    ({"maturity": "2023-05-20", "pandemic_hardship": True, "no_pandemic_hardship": True}, "pandemic_hardship"),
    ({"maturity": "2023-05-20", "pandemic-hardship": "false", "pandemic_hardship": "true"}, "pandemic_hardship"),
])
def test_a_flag_and_its_negation_both_true_are_refused(inputs, field):
    with pytest.raises(InputError) as info:
        run_calculator("loan-deferral", inputs)
    assert info.value.field == field and "矛盾" in info.value.message_zh


def test_the_same_value_given_twice_is_not_a_contradiction():
    r = run_calculator("unemployment", {"contribution_years": 3, "involuntary": True, "voluntary": False,
                                        "registered": "是"})
    assert r["eligible"]


def test_involuntary_and_voluntary_together_are_refused():
    with pytest.raises(InputError) as info:
        run_calculator("unemployment", {"contribution_years": 3, "involuntary": True, "voluntary": True,
                                        "registered": True})
    assert info.value.field == "involuntary"


@pytest.mark.parametrize("inputs", [
    {"contract_months": 24, "open_ended": True},
    {"open_ended": True, "task_based": True},
])
def test_contract_kinds_that_exclude_each_other_are_refused(inputs):
    with pytest.raises(InputError) as info:
        run_calculator("probation", inputs)
    assert "不能同时成立" in info.value.message_zh


@pytest.mark.parametrize("raw", ["\ud800", "tekun\x00", ["tekun"], {"a": 1}])
def test_broken_text_and_non_values_in_a_choice_are_refused(raw):
    with pytest.raises(InputError) as info:
        run_calculator("voucher", {"category": raw, "date": "2023-02-10"})
    assert info.value.field == "category"


@pytest.mark.parametrize("raw", ["9999-06-30", "0001-01-15", "2100-01-01", "x" * 500])
def test_dates_outside_1950_2099_are_refused(raw):
    with pytest.raises(InputError) as info:
        run_calculator("voucher", {"category": "tekun", "date": raw})
    assert info.value.field == "date" and len(info.value.message_zh) < 120
