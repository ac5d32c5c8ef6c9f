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
    ]
    if min(today_a, today_b) >= query:   # an injury is asked about after it happened
        calls.append(("work-injury", {"grade": 5, "own_wage": 5000, "injury_date": query}))
    for name, inputs in calls:
        keys = [k for k in CALCULATORS[name].output_keys if k != "steps"]
        a = run_calculator(name, inputs, today=today_a)
        b = run_calculator(name, inputs, today=today_b)
        assert _values(a, keys) == _values(b, keys), name
        assert run_calculator(name, inputs, today=today_a) == a


def _values(result: dict, keys: list[str]):
    """The contract values, without the flags that say whether a date is past today."""
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if not k.endswith("_passed")}
        return v
    return {k: strip(result[k]) for k in keys}


# One case per calculator, without its as-of ``date``: that day is the day asked.
UNDATED = {
    "loan-deferral": {"maturity": "2023-05-20", "pandemic_hardship": True},
    "voucher": {"category": "tekun"},
    "unemployment": {"contribution_years": 6, "involuntary": True, "registered": True},
    "probation": {"contract_months": 24, "probation_months": 2, "suspended_days": 9},
    "benefits": {"graduation_date": "2022-06-30", "employed": False, "loan_holder": True},
    "severance": {"reason": "layoff", "service_years": 3, "monthly_wage": 6000},
    "annual-leave": {"cumulative_years": 8, "joined": "2023-07-01"},
    "overtime-pay": {"kind": "rest_day", "monthly_wage": 5000, "days": 2},
    "work-injury": {"grade": 7, "own_wage": 5000},
    "arbitration-deadline": {"known_date": "2021-03-01"},
}


def test_every_calculator_has_an_undated_case():
    assert set(UNDATED) == set(CALCULATORS)


@settings(max_examples=60, deadline=None)
@given(query=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2024, 12, 31)),
       name=st.sampled_from(sorted(UNDATED)))
def test_the_day_asked_fills_a_missing_date_exactly_like_an_explicit_one(query, name):
    implicit = outcome(name, UNDATED[name], today=query)
    dated = {"date": query.isoformat()} if "date" in {f.name for f in CALCULATORS[name].fields} else {}
    # the day asked, given as an input, wins over the caller's day
    explicit = outcome(name, {**UNDATED[name], **dated, "today": query.isoformat()}, today=dt.date(1999, 1, 1))
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


# ------------------------------------------------------------------ the labour calculators

services = st.tuples(st.integers(min_value=0, max_value=45), st.integers(min_value=0, max_value=11)) \
    .filter(lambda ym: ym != (0, 0))


@settings(max_examples=150, deadline=None)
@given(a=services, b=services, wage=st.integers(min_value=1000, max_value=90000),
       local=st.one_of(st.none(), st.integers(min_value=2000, max_value=20000)),
       reason=st.sampled_from(["layoff", "unlawful", "contract_expired"]))
def test_severance_never_falls_when_service_grows(a, b, wage, local, reason):
    lo, hi = sorted((a, b), key=lambda ym: ym[0] * 12 + ym[1])
    def run(ym):
        inputs = {"reason": reason, "service_years": ym[0], "service_months": ym[1], "monthly_wage": wage}
        if local:
            inputs["local_average_wage"] = local
        return run_calculator("severance", inputs)
    r_lo, r_hi = run(lo), run(hi)
    assert r_lo["months_of_pay"] <= r_hi["months_of_pay"]
    assert r_lo["amount_yuan"] <= r_hi["amount_yuan"]
    # each full year is one month, the rest at most one more, and never more than the service
    assert hi[0] <= r_hi["months_of_pay"] <= hi[0] + 1 or r_hi["capped"]


@settings(max_examples=150, deadline=None)
@given(start=st.dates(min_value=dt.date(2008, 1, 1), max_value=dt.date(2030, 12, 31)),
       extra_days=st.integers(min_value=0, max_value=4000), more=st.integers(min_value=1, max_value=400))
def test_severance_by_dates_is_monotone_in_the_last_day(start, extra_days, more):
    end = start + dt.timedelta(days=extra_days)
    r1 = run_calculator("severance", {"reason": "layoff", "start": start, "end": end})
    r2 = run_calculator("severance", {"reason": "layoff", "start": start, "end": end + dt.timedelta(days=more)})
    assert r1["months_of_pay"] <= r2["months_of_pay"]


@settings(max_examples=150, deadline=None)
@given(a=st.floats(min_value=0, max_value=60, allow_nan=False),
       b=st.floats(min_value=0, max_value=60, allow_nan=False),
       joined=st.one_of(st.none(), st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31))))
def test_annual_leave_never_falls_when_years_grow(a, b, joined):
    lo, hi = sorted((a, b))
    common = {"today": "2024-12-31", **({"joined": joined} if joined else {})}
    r_lo = run_calculator("annual-leave", {"cumulative_years": lo, **common})
    r_hi = run_calculator("annual-leave", {"cumulative_years": hi, **common})
    assert r_lo["days"] <= r_hi["days"]
    assert r_hi["days"] <= r_hi["full_year_days"]
    assert r_hi["entitled"] or not r_lo["entitled"]


@settings(max_examples=100, deadline=None)
@given(joined_a=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2023, 12, 31)),
       joined_b=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2023, 12, 31)),
       years=st.floats(min_value=1, max_value=40, allow_nan=False))
def test_joining_later_in_the_year_never_gives_more_leave(joined_a, joined_b, years):
    early, late = sorted((joined_a, joined_b))
    r_early = run_calculator("annual-leave", {"cumulative_years": years, "joined": early, "today": "2023-12-31"})
    r_late = run_calculator("annual-leave", {"cumulative_years": years, "joined": late, "today": "2023-12-31"})
    assert r_late["days"] <= r_early["days"] <= r_early["full_year_days"]


@settings(max_examples=150, deadline=None)
@given(wage=st.decimals(min_value=1, max_value=100000, places=2),
       basis=st.sampled_from(["monthly_wage", "daily_wage", "hourly_wage"]),
       hours=st.decimals(min_value=0, max_value=200, places=1))
def test_overtime_rates_are_ordered_workday_rest_day_holiday(wage, basis, hours):
    results = [run_calculator("overtime-pay", {"kind": kind, basis: str(wage), "hours": str(hours)})
               for kind in ("workday", "rest_day", "holiday")]
    rates = [r["rate_percent"] for r in results]
    assert rates == sorted(rates) and len(set(rates)) == 3
    amounts = [r["amount_yuan"] for r in results]
    assert amounts == sorted(amounts)
    assert all(r["daily_rate_yuan"] >= r["hourly_rate_yuan"] for r in results)
    if basis == "monthly_wage":
        assert results[0]["assumptions"], "the default paid days must be stated"


@settings(max_examples=100, deadline=None)
@given(wage=st.integers(min_value=1000, max_value=50000))
def test_a_more_severe_grade_never_gets_a_smaller_lump_sum(wage):
    sums = [run_calculator("work-injury", {"grade": g, "own_wage": wage})["lump_sum_yuan"] for g in range(1, 11)]
    assert sums == sorted(sums, reverse=True)


PASSED_WORDS = ("已过", "已结束", "已过去", "届满")
event_dates = st.dates(min_value=dt.date(2011, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=200, deadline=None)
@given(event=event_dates, gap=st.integers(min_value=0, max_value=1500),
       which=st.sampled_from(["arbitration", "wages", "injury", "severance", "loan", "voucher"]))
def test_no_result_advises_an_action_whose_deadline_is_before_today(event, gap, which):
    """Whatever the day asked, every action offered is still possible that day, and a
    deadline, maturity or round already past is said in the first sentence."""
    today = event + dt.timedelta(days=gap)
    name, inputs = {
        "arbitration": ("arbitration-deadline", {"known_date": event}),
        "wages": ("arbitration-deadline", {"dispute": "unpaid_wages", "end_date": event}),
        "injury": ("work-injury", {"injury_date": event}),
        "severance": ("severance", {"reason": "layoff", "start": event - dt.timedelta(days=900), "end": event}),
        "loan": ("loan-deferral", {"maturity": event, "pandemic_hardship": True}),
        "voucher": ("voucher", {"category": "tekun"}),
    }[which]
    r = run_calculator(name, inputs, today=today)
    for action in r.get("actions", []):
        assert dt.date.fromisoformat(action["deadline"]) >= today, action
    first = r["summary"].split("。")[0]
    if r.get("deadline_passed"):
        assert any(w in first for w in PASSED_WORDS), r["summary"]
    else:
        assert not any(w in first for w in ("已过", "届满")), r["summary"]
