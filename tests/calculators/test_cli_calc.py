"""`policydesk calc` as users meet it: the real console script in a subprocess."""
from __future__ import annotations

import json
import subprocess

import pytest

from helpers import POLICYDESK


def run(*args):
    return subprocess.run([*POLICYDESK, "calc", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args, field", [
    (["loan-deferral", "--maturity", "2023-02-30", "--pandemic-hardship"], "maturity"),
    (["loan-deferral", "--maturity", "2023-13-01", "--pandemic-hardship"], "maturity"),
    (["loan-deferral", "--maturity", "2023-05-20", "--months", "-3", "--pandemic-hardship"], "months"),
    (["voucher", "--category", "wubao", "--date", "2023-02-10"], "category"),
    (["voucher", "--category", "tekun"], "date"),
    (["unemployment", "--contribution-years", "abc", "--involuntary", "--registered"], "contribution_years"),
    (["probation", "--contract-months", "99999"], "contract_months"),
])
def test_bad_input_exits_2_with_a_json_error_naming_the_field(args, field):
    proc = run(*args, "--json")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    error = json.loads(proc.stdout)
    assert error["field"] == field
    assert error["error"] and error["error_en"]


def test_bad_input_without_json_prints_one_chinese_line():
    proc = run("voucher", "--category", "tekun", "--date", "2023-02-29")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("错误：") and "查询日期" in proc.stderr


def test_contract_keys_and_flags():
    proc = run("loan-deferral", "--maturity", "2023-08-31", "--months", "6", "--pandemic-hardship", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"eligible", "max_months", "requested_months", "within_limit", "latest_maturity",
            "new_maturity", "citations", "steps"} <= set(out)
    assert out["new_maturity"] == "2024-02-29"
    proc = run("unemployment", "--contribution-years", "3", "--voluntary", "--not-registered", "--json")
    out = json.loads(proc.stdout)
    assert out["eligible"] is False and out["max_months"] is None and out["monthly_amount_yuan"] is None


def test_human_output_is_chinese_with_steps_and_citations():
    proc = run("voucher", "--category", "tekun", "--date", "2023-02-10", "--no-smartphone")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "1500元" in text and "县级民政" in text
    assert "计算过程" in text and "依据" in text and "到2023年2月底前全部完成发放" in text


# The keys DESIGN.md promises for each calculator (`policydesk calc NAME --json`).
DESIGN_KEYS = {
    "severance": ["owed", "months_of_pay", "amount_yuan", "capped", "citations", "steps"],
    "annual-leave": ["entitled", "days", "years_counted", "prorated", "citations", "steps"],
    "overtime-pay": ["rate_percent", "daily_rate_yuan", "hourly_rate_yuan", "amount_yuan", "assumptions",
                     "citations", "steps"],
    "work-injury": ["grade", "lump_sum_months", "allowance_percent", "suspension_max_months", "deadlines",
                    "citations", "steps"],
    "arbitration-deadline": ["deadline", "limited", "reason", "citations", "steps"],
}
CONTRACT_ARGS = {
    "severance": ["--reason", "layoff", "--start", "2021-07-01", "--end", "2024-06-30", "--monthly-wage", "6000",
                  "--today", "2024-07-10"],
    "annual-leave": ["--cumulative-years", "8", "--joined", "2023-07-01", "--today", "2023-07-05"],
    "overtime-pay": ["--kind", "rest_day", "--monthly-wage", "5000", "--days", "2"],
    "work-injury": ["--grade", "7", "--own-wage", "5000", "--injury-date", "2024-01-05", "--today", "2024-03-01"],
    "arbitration-deadline": ["--known-date", "2023-05-15", "--today", "2023-09-01"],
}


@pytest.mark.parametrize("name", sorted(DESIGN_KEYS))
def test_new_calculators_keep_the_design_contract(name):
    proc = run(name, *CONTRACT_ARGS[name], "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(DESIGN_KEYS[name]) <= set(out), set(DESIGN_KEYS[name]) - set(out)
    assert out["summary"] and out["citations"] and out["steps"]


def test_new_calculator_results_in_the_terminal():
    proc = run("severance", *CONTRACT_ARGS["severance"])
    assert proc.returncode == 0, proc.stderr
    assert "经济补偿为18000.00元（3个月工资）" in proc.stdout
    assert "《劳动合同法》第四十七条" in proc.stdout and "计算过程" in proc.stdout
    proc = run("overtime-pay", *CONTRACT_ARGS["overtime-pay"])
    assert "21.75" in proc.stdout and "假设" in proc.stdout


@pytest.mark.parametrize("args, field", [
    (["severance", "--reason", "layoff", "--service-years", "-2"], "service_years"),
    (["severance", "--reason", "layoff", "--start", "2024-06-30", "--end", "2024-01-01"], "end"),
    (["severance", "--reason", "layoff", "--service-years", "3", "--monthly-wage", "0"], "monthly_wage"),
    (["severance", "--reason", "layoff", "--service-years", "3", "--monthly-wage", "1000000000000"], "monthly_wage"),
    (["severance", "--reason", "sacked", "--service-years", "3"], "reason"),
    (["work-injury", "--grade", "11"], "grade"),
    (["annual-leave", "--cumulative-years", "5", "--joined", "2023-02-29"], "joined"),
    (["overtime-pay", "--kind", "night"], "kind"),
    (["arbitration-deadline", "--known-date", "2024-13-01"], "known_date"),
])
def test_bad_input_to_the_new_calculators_exits_2_naming_the_field(args, field):
    proc = run(*args, "--json")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    error = json.loads(proc.stdout)
    assert error["field"] == field and error["error"] and field in error["error_en"]
