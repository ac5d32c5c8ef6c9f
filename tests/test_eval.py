"""`policydesk eval`: metrics per shared/eval/README.md, focused evidence only."""
import json

import pytest
import yaml

from cli import evaluation
from cli.evaluation import load_cases, run_eval
from policydesk.errors import InputError


class FakeAssistant:
    """Stands in for assistant.service: search returns passages, ask an Answer dict."""

    def __init__(self, passages, answer):
        self.passages, self.answer = passages, answer

    def search(self, q, k=5):
        return {"passages": self.passages[:k]}

    def ask(self, q, today=None, **kw):
        return self.answer


def _write(tmp_path, cases):
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump(cases, allow_unicode=True), encoding="utf-8")
    return path


def _patch(monkeypatch, fake):
    monkeypatch.setattr(evaluation, "get_assistant", lambda: fake)


def test_evidence_hit_counts_rank_and_citation(tmp_path, monkeypatch):
    fake = FakeAssistant(
        [{"text": "无关内容"}, {"text": "发放标准为每人 1500 元"}],
        {"answer": "…", "declined": False, "citations": [{"quote": "发放标准为每人1500元"}]})
    _patch(monkeypatch, fake)
    s = run_eval(_write(tmp_path, [{"id": "a", "question": "q", "evidence": "每人1500元"}]))
    assert s["recall_at_1"] == 0 and s["recall_at_3"] == 1 and s["mrr"] == 0.5
    assert s["answer_citation_hit"] == 1 and s["false_decline_rate"] == 0


def test_unfocused_evidence_is_a_miss(tmp_path, monkeypatch):
    long_text = "每人1500元" + "长" * 400
    fake = FakeAssistant([{"text": long_text}], {"answer": "", "declined": False,
                                                  "citations": [{"quote": long_text}]})
    _patch(monkeypatch, fake)
    s = run_eval(_write(tmp_path, [{"id": "a", "question": "q", "evidence": "每人1500元"}]))
    assert s["recall_at_3"] == 0 and s["answer_citation_hit"] == 0 and len(s["failures"]) == 1


def test_decline_scoring(tmp_path, monkeypatch):
    fake = FakeAssistant([], {"answer": "未收录", "declined": True, "citations": []})
    _patch(monkeypatch, fake)
    s = run_eval(_write(tmp_path, [{"id": "n", "question": "火车票", "no_answer": True},
                                   {"id": "e", "question": "q", "evidence": "x"},
                                   {"id": "c", "question": "q", "answer_contains_any": ["24个月"]}]))
    assert s["no_answer_accuracy"] == 1 and s["false_decline_rate"] == 1 and s["answer_accuracy"] == 0
    assert set(s) >= {"cases", "recall_at_1", "recall_at_3", "mrr", "answer_citation_hit",
                      "no_answer_accuracy", "false_decline_rate", "answer_accuracy", "failures"}
    json.dumps(s, ensure_ascii=False)


def test_case_needs_exactly_one_expectation(tmp_path):
    with pytest.raises(InputError):
        load_cases(_write(tmp_path, [{"id": "x", "question": "q", "evidence": "a", "no_answer": True}]))


@pytest.mark.slow
def test_shared_dev_set_meets_retrieval_targets(indexed_home):
    from pathlib import Path

    s = run_eval(Path(__file__).resolve().parents[1] / "eval" / "dev-own.yaml")
    assert s["recall_at_3"] >= 0.95 and s["false_decline_rate"] <= 0.05
    assert s["no_answer_accuracy"] >= 0.9
