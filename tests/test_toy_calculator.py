"""One spec per calculator: a calculator written in a temporary folder (its module and its
rules file, nothing else) appears in the CLI, the HTTP API, the portal form and the chat."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

TOY_MODULE = '''
"""每周工时 (weekly hours): the daily hours times the working days against the weekly limit."""
import datetime as dt

from calculators.say import Chat, Say
from calculators.spec import TODAY_FIELD, CalculatorSpec, Field
from calculators.trace import Trace


def weekly_hours(hours_per_day: float, days_per_week: int, today: dt.date | None = None) -> dict:
    trace = Trace(today)
    limit = trace.read("weekly_hours.limit").value
    total = hours_per_day * days_per_week
    over = total > limit
    trace.compute(f"每天{hours_per_day:g}小时×每周{days_per_week}天＝{total:g}小时。", total_hours=total)
    summary = f"每周工作{total:g}小时，" + ("超过了" if over else "没有超过") + f"每周{limit}小时的上限。"
    return {"calculator": "weekly-hours", "total_hours": total, "over_limit": over, "summary": summary,
            "citations": trace.citations, "steps": trace.steps}


SPEC = CalculatorSpec(
    name="weekly-hours",
    title_zh="每周工时",
    description="按《劳动法》第三十六条核对每周工作时间。",
    fields=(
        Field("hours_per_day", "float", "每天工作小时数", "请问您每天工作几个小时？", required=True,
              min=0.5, max=24, unit="hour", help_en="hours worked per day",
              say=Say(near=r"每天|[1一]天|每日")),
        Field("days_per_week", "int", "每周工作天数", "请问您每周上几天班？", required=True,
              min=1, max=7, unit="day", help_en="days worked per week", say=Say(near=r"每周|[1一]周|每星期")),  # patterns see Arabic digits: 一周 → 1周
        TODAY_FIELD,
    ),
    function=weekly_hours,
    output_keys=("total_hours", "over_limit", "citations", "steps"),
    rules="weekly_hours",
    results={"total_hours": "每周工时（小时）", "over_limit": "是否超过上限"},
    chat=Chat(triggers=r"每周工时|一周.{0,6}工作.{0,6}小时|工时", asks=r"超|合法|多少|算不算"),
)
'''

TOY_RULES = '''
weekly_hours.limit:
  label: 平均每周工作时间上限
  unit: hour
  reference:
    statute: 《劳动法》
    article: 第三十六条
    phrase: 平均每周工作时间不超过四十四小时
  values:
    1995-01-01: 44
'''


@pytest.fixture
def toy_folder(tmp_path, monkeypatch):
    folder = tmp_path / "more-calculators"
    (folder / "rules").mkdir(parents=True)
    (folder / "weekly_hours.py").write_text(TOY_MODULE, encoding="utf-8")
    (folder / "rules" / "weekly_hours.yaml").write_text(TOY_RULES, encoding="utf-8")
    from calculators.registry import reload_calculators

    monkeypatch.setenv("POLICYDESK_CALCULATORS_PATH", str(folder))
    reload_calculators()
    yield folder
    monkeypatch.delenv("POLICYDESK_CALCULATORS_PATH")
    reload_calculators()


def test_the_toy_is_a_calculator_like_the_others(toy_folder):
    from calculators.registry import CALCULATORS, run_calculator
    from calculators.rules import all_references

    assert "weekly-hours" in CALCULATORS
    result = run_calculator("weekly-hours", {"hours_per_day": 9, "days_per_week": 6})
    assert result["total_hours"] == 54 and result["over_limit"] is True
    (cited,) = result["citations"]
    assert (cited["statute"], cited["article"], cited["phrase"]) == ("《劳动法》", "第三十六条",
                                                                   "平均每周工作时间不超过四十四小时")
    assert any(where == "weekly_hours.limit" for where, _ in all_references())


def test_the_toy_has_cli_flags_help_and_exit_codes(toy_folder):
    env = {**os.environ, "POLICYDESK_CALCULATORS_PATH": str(toy_folder), "PYTHONPATH": str(ROOT)}
    exe = [sys.executable, "-m", "cli.main"]
    run = lambda *args: subprocess.run([*exe, "calc", *args], capture_output=True, text=True, env=env,
                                       timeout=120, cwd=ROOT)
    helped = run("weekly-hours", "--help")
    assert helped.returncode == 0 and "--hours-per-day" in helped.stdout and "每天工作小时数" in helped.stdout
    out = run("weekly-hours", "--hours-per-day", "8", "--days-per-week", "5", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["over_limit"] is False
    bad = run("weekly-hours", "--hours-per-day", "30", "--days-per-week", "5", "--json")
    assert bad.returncode == 2 and json.loads(bad.stdout)["field"] == "hours_per_day"


@pytest.fixture
def http(toy_folder, writable_indexed_home):
    """The real API over the session's index, created after the toy was added."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from assistant.service import get_assistant
    from policydesk.settings import get_settings

    with TestClient(create_app(get_settings(), get_assistant=get_assistant, warm_up=False)) as c:
        yield c


def test_the_toy_is_served_and_documented_over_http(http):
    r = http.post("/api/calculators/weekly-hours", json={"hours_per_day": 9, "days_per_week": 6})
    assert r.status_code == 200, r.text
    assert r.json()["over_limit"] is True and r.json()["total_hours"] == 54
    bad = http.post("/api/calculators/weekly-hours", json={"hours_per_day": 9, "days_per_week": 8})
    assert bad.status_code == 422 and bad.json()["field"] == "days_per_week"
    listed = {c["name"] for c in http.get("/api/calculators").json()["calculators"]}
    assert "weekly-hours" in listed
    body = http.get("/openapi.json").json()["paths"]["/api/calculators/{name}"]["post"]["requestBody"]
    titles = [s["title"] for s in body["content"]["application/json"]["schema"]["oneOf"]]
    assert "weekly-hours（每周工时）" in titles


def test_the_toy_has_a_portal_form(toy_folder, writable_indexed_home):
    from streamlit.testing.v1 import AppTest

    sys.path.insert(0, str(ROOT))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=180)
    at.run()
    at.switch_page("portal/pages/calculators.py").run()
    at.selectbox(key="calc_pick").set_value("weekly-hours").run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [w.label for w in at.text_input]
    assert any(label.startswith("每天工作小时数") for label in labels), labels
    at.text_input(key="calc_weekly-hours_hours_per_day").set_value("9")
    at.text_input(key="calc_weekly-hours_days_per_week").set_value("6")
    next(b for b in at.button if b.label == "计算").click().run()
    assert not at.exception and not at.error
    assert "54" in at.success[0].value
    assert any("每周工时" in str(t.value) for t in at.table)


def test_the_toy_is_understood_in_chat_with_a_follow_up(toy_folder, writable_indexed_home):
    from assistant.service import get_assistant

    assistant = get_assistant()
    first = assistant.ask("我一周工作6天，这样的工时算不算超时？", session_id="toy-1")
    assert first.status == "needs_more_info" and "每天工作几个小时" in first.answer
    second = assistant.ask("每天9个小时", session_id="toy-1")
    assert second.calculator["name"] == "weekly-hours"
    assert "54" in second.answer and "超过了" in second.answer
