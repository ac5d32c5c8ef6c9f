"""Hypothesis properties of the calculators."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from calculators.dates import add_months
from calculators.registry import run_calculator

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


@settings(max_examples=100, deadline=None)
@given(today_a=dates, today_b=dates, maturity=dates, category=st.sampled_from(["tekun", "dibao", "none"]),
       query=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2024, 12, 31)))
def test_the_computed_values_depend_on_the_inputs_not_on_the_day_asked(today_a, today_b, maturity,
                                                                       category, query):
    """With every date given explicitly, ``today`` changes what is advised, never the values
    the contract names (it only decides whether a deadline is past); the same inputs and the
    same ``today`` give the same result (nothing reads a clock)."""
    from calculators.registry import CALCULATORS

    calls = [
        ("loan-deferral", {"maturity": maturity, "pandemic_hardship": True, "date": query}),
        ("voucher", {"category": category, "date": query}),
        ("unemployment", {"contribution_years": 6, "involuntary": True, "registered": True,
                          "date": query}),
        ("probation", {"contract_months": 24, "probation_months": 2, "suspended_days": 9,
                       "date": query}),
        ("arbitration-deadline", {"known_date": query}),
        ("work-injury", {"grade": 5, "own_wage": 5000, "average_wage": 4000}),
    ]
    for name, inputs in calls:
        keys = [k for k in CALCULATORS[name].output_keys if k != "steps"]
        a = run_calculator(name, inputs, today=today_a)
        b = run_calculator(name, inputs, today=today_b)
        assert {k: a[k] for k in keys} == {k: b[k] for k in keys}, name
        assert run_calculator(name, inputs, today=today_a) == a


@settings(max_examples=100, deadline=None)
@given(query=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2024, 12, 31)))
def test_today_fills_the_voucher_date_exactly_like_an_explicit_date(query):
    implicit = run_calculator("voucher", {"category": "tekun"}, today=query)
    explicit = run_calculator("voucher", {"category": "tekun", "date": query.isoformat(),
                                          "today": query.isoformat()})
    assert implicit == explicit


@settings(max_examples=100, deadline=None)
@given(query=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2024, 12, 31)))
def test_voucher_status_moves_forward_in_time(query):
    order = ["not_started", "issuing", "ended"]
    today = run_calculator("voucher", {"category": "tekun", "date": query})["status"]
    later = run_calculator("voucher", {"category": "tekun",
                                       "date": query + dt.timedelta(days=30)})["status"]
    assert order.index(today) <= order.index(later)
