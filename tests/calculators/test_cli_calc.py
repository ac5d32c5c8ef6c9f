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
