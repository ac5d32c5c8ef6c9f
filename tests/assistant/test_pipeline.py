"""The pipeline end to end through `policydesk ask`, and each status a citizen can meet."""
import json
from datetime import date
import os
import subprocess
from pathlib import Path

import pytest

from assistant.service import get_assistant
from helpers import POLICYDESK

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args, home):
    env = {**os.environ, "POLICYDESK_HOME": str(home)}
    return subprocess.run([*POLICYDESK, *args], capture_output=True, text=True, env=env, timeout=180)


def test_ask_through_the_cli_answers_with_verbatim_citations(writable_indexed_home):
    proc = run_cli("ask", "爱心消費券每人能領多少錢？", "--json", home=writable_indexed_home)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"answer", "citations", "declined", "calculator", "follow_up", "steps"} <= set(data)
    assert "1500" in data["answer"] and not data["declined"]
    docs = get_assistant().documents_by_id
    for i, c in enumerate(data["citations"], 1):
        assert c["quote"] in docs[c["doc_id"]].text
        assert docs[c["doc_id"]].text[c["start"]:c["end"]] == c["quote"]
        assert f"[{i}]" in data["answer"]
    assert [s["step"] for s in data["steps"]][:3] == ["normalize", "dialog", "understand"]


def test_calculation_through_the_cli(writable_indexed_home):
    proc = run_cli("ask", "贷款2023年5月20日到期，受疫情影响周转困难，最多能展期到哪天？", "--today", "2023-03-01",
                   home=writable_indexed_home)
    assert proc.returncode == 0, proc.stderr
    assert "2024年5月20日" in proc.stdout and "[1]" in proc.stdout


def test_bad_today_exits_2_without_traceback(writable_indexed_home):
    proc = run_cli("ask", "试用期多久", "--today", "2023-02-30", "--json", home=writable_indexed_home)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "today" in json.loads(proc.stdout)["field"]


def test_out_of_scope_is_declined_with_hotline_and_no_citations(indexed_home):
    answer = get_assistant().ask("北京的公租房怎么申请", log=False)
    assert answer.declined and answer.citations == [] and "12333" in answer.answer


@pytest.mark.parametrize("question,status", [("", "refused"), ("问" * 600, "refused"), ("你好", "chitchat")])
def test_early_stops_are_statuses_with_canned_replies(indexed_home, question, status):
    answer = get_assistant().ask(question, log=False)
    assert answer.status == status and answer.answer and answer.citations == []


def test_without_index_the_citizen_is_told_plainly(temp_home):
    answer = get_assistant().ask("爱心消费券每人多少钱", log=False)
    assert answer.status == "error" and "policydesk ingest" in answer.answer


def test_approved_answer_takes_priority_and_says_so(writable_indexed_home):
    assistant = get_assistant()
    cites = [{"doc_id": "love-vouchers-2022", "quote": "发放标准为每人1500元"}]
    assistant.store.faq_save("特困人员的爱心消费券发多少钱？", "每名特困救助供养对象1500元，由县级政府统一组织发放。[1]", cites)
    # asked while the round was on (the catalog dates it to 2023-02-28)
    answer = assistant.ask("特困人员爱心消费券发多少钱", today=date(2023, 1, 10), log=False)
    assert answer.status == "faq" and "工作人员审核" in answer.answer and answer.citations == cites
    other = assistant.ask("失业保险省级统筹从什么时候开始", log=False)
    assert other.status == "answered"


def test_retired_approved_answer_is_no_longer_used(writable_indexed_home):
    assistant = get_assistant()
    faq_id = assistant.store.faq_save("消费券发多少", "每人1500元[1]", [{"doc_id": "love-vouchers-2022", "quote": "每人1500元"}])
    assistant.store.faq_retire(faq_id)
    assert assistant.ask("消费券发多少", log=False).status != "faq"


def test_every_answer_is_logged_with_pii_masked(writable_indexed_home):
    assistant = get_assistant()
    answer = assistant.ask("我电话13812345678，身份证140105199003071234，爱心消费券每人多少钱", channel="test")
    stored = assistant.store.get_conversation(answer.id)
    text = json.dumps(stored, ensure_ascii=False)
    assert "13812345678" not in text and "140105199003071234" not in text
    assert stored["status"] == answer.status


def test_calculators_in_chat_eval_set(writable_indexed_home):
    from cli.evaluation import run_eval

    summary = run_eval(str(ROOT / "eval" / "chat-cases.yaml"), k=3)
    assert summary["cases"] >= 25
    assert summary["answer_accuracy"] >= 0.9, summary["failures"]


def test_a_general_rule_question_gets_the_statute_while_the_fact_is_asked(writable_indexed_home):
    answer = get_assistant().ask("失业保险金最长能领多长时间？", session_id="s-general", log=False)
    assert answer.status == "needs_more_info" and "多少年" in answer.follow_up
    statutes = [c for c in answer.citations if c.get("statute")]
    assert {c["article"] for c in statutes} >= {"第十七条"}
    assert "24个月" in answer.answer
    n = answer.citations.index(next(c for c in statutes if c["article"] == "第十七条")) + 1
    assert f"[{n}]" in answer.answer
