"""Hypothesis properties of the calculators."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.registry import CALCULATORS, run_calculator
from policydesk.dates import add_months
from policydesk.errors import InputError

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@settings(max_examples=200, deadline=None)
@given(maturity=dates, months=st.integers(min_value=1, max_value=600))
def test_new_maturity_is_never_after_the_latest_allowed(maturity, months):
    r = run_calculator("loan-deferral", {"maturity": maturity, "months": months,
                                         "pandemic_hardship": True})
    assert r["eligible"] and r["latest_maturity"]
    latest = dt.date.fromisoformat(r["latest_maturity"])
    assert latest > maturity
    if r["new_maturity"] is not None:
        new = dt.date.fromisoformat(r["new_maturity"])
        assert maturity < new <= latest
        assert r["within_limit"]
    else:
        assert not r["within_limit"] and months > r["max_months"]


@settings(max_examples=200, deadline=None)
@given(day=dates, months=st.integers(min_value=0, max_value=400))
def test_month_arithmetic_clamps_to_month_end_and_keeps_the_month(day, months):
    out = add_months(day, months)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == months
    assert out.day == day.day or (out.day < day.day and (out + dt.timedelta(days=1)).day == 1)


@settings(max_examples=200, deadline=None)
@given(a=st.floats(min_value=0, max_value=80, allow_nan=False),
       b=st.floats(min_value=0, max_value=80, allow_nan=False))
def test_benefit_duration_is_monotone_in_contribution_years(a, b):
    lo, hi = sorted((a, b))
    common = {"involuntary": True, "registered": True}
    r_lo = run_calculator("unemployment", {"contribution_years": lo, **common})
    r_hi = run_calculator("unemployment", {"contribution_years": hi, **common})
    assert (r_lo["max_months"] or 0) <= (r_hi["max_months"] or 0)
    assert r_hi["eligible"] or not r_lo["eligible"]


# One case per calculator, without its as-of ``date``: that day is the day asked.
UNDATED = {
    "loan-deferral": {"maturity": "2023-05-20", "pandemic_hardship": True},
    "voucher": {"category": "tekun"},
    "unemployment": {"contribution_years": 6, "involuntary": True, "registered": True},
    "probation": {"contract_months": 24, "probation_months": 2, "suspended_days": 9},
    "benefits": {"graduation_date": "2022-06-30", "employed": False, "loan_holder": True},
}


def test_every_calculator_has_an_undated_case():
    assert set(UNDATED) == set(CALCULATORS)


@settings(max_examples=60, deadline=None)
@given(query=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2024, 12, 31)),
       name=st.sampled_from(sorted(UNDATED)))
def test_the_day_asked_fills_a_missing_date_exactly_like_an_explicit_one(query, name):
    implicit = outcome(name, UNDATED[name], today=query)
    explicit = outcome(name, {**UNDATED[name], "date": query.isoformat()}, today=dt.date(1999, 1, 1))
    assert implicit == explicit


def outcome(name, inputs, today):
    """The result, or the input error (a day before a rule existed is one)."""
    try:
        return run_calculator(name, inputs, today=today)
    except InputError as exc:
        return {"error": exc.message_zh, "field": exc.field}


def test_the_day_asked_decides_which_rules_apply():
    """The same facts asked before and after a rule took effect get different answers, so
    the day asked really reaches the rules (and no clock does)."""
    loan = UNDATED["loan-deferral"]
    assert not run_calculator("loan-deferral", loan, today=dt.date(2022, 12, 1))["eligible"]
    assert run_calculator("loan-deferral", loan, today=dt.date(2023, 3, 1))["eligible"]
    statuses = [run_calculator("voucher", UNDATED["voucher"], today=dt.date(*d))["status"]
                for d in ((2022, 12, 1), (2023, 1, 15), (2023, 3, 1))]
    assert statuses == ["not_started", "issuing", "ended"]
    graduate = UNDATED["benefits"]
    recent = run_calculator("benefits", graduate, today=dt.date(2023, 3, 1))
    later = run_calculator("benefits", graduate, today=dt.date(2025, 3, 1))
    assert "social_insurance_subsidy" in {p["id"] for p in recent["programs"]}
    assert "social_insurance_subsidy" not in {p["id"] for p in later["programs"]}


@settings(max_examples=100, deadline=None)
@given(query=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2024, 12, 31)))
def test_voucher_status_moves_forward_in_time(query):
    order = ["not_started", "issuing", "ended"]
    today = run_calculator("voucher", {"category": "tekun", "date": query})["status"]
    later = run_calculator("voucher", {"category": "tekun",
                                       "date": query + dt.timedelta(days=30)})["status"]
    assert order.index(today) <= order.index(later)
