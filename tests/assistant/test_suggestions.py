"""Suggested questions come from data (catalog, calculators, 口径库) and every one of them
is a question the assistant answers; what staff must look at is grouped by question."""
from __future__ import annotations

import pytest

from assistant.service import get_assistant
from assistant.steps.faq import similarity
from assistant.suggest import calculator_questions, catalog_questions
from policydesk.settings import get_settings


def test_every_offered_question_is_answered_from_what_it_is_offered_for(writable_indexed_home):
    assistant = get_assistant()
    by_doc = catalog_questions(str(get_settings().corpus_dir))
    assert by_doc and set(by_doc) <= set(assistant.documents_by_id)
    for doc_id, questions in by_doc.items():
        for q in questions:
            answer = assistant.ask(q, log=False)
            assert answer.status in ("answered", "calculated", "needs_more_info"), (q, answer.status)
            assert doc_id in {c.get("doc_id") for c in answer.citations}, (q, answer.citations)
    for name, questions in calculator_questions().items():
        for q in questions:
            answer = assistant.ask(q, log=False)
            assert answer.intent == name and answer.status in ("calculated", "needs_more_info"), (q, answer.status)


def test_the_opening_offer_covers_every_document_and_then_the_calculators(writable_indexed_home):
    offer = get_assistant().suggestions()
    by_doc = catalog_questions(str(get_settings().corpus_dir))
    assert [q for q in offer if any(q == qs[0] for qs in by_doc.values())] == [qs[0] for qs in by_doc.values()]
    assert any(q in qs for qs in calculator_questions().values() for q in offer)


def test_after_an_answer_two_or_three_related_questions_never_one_already_asked(writable_indexed_home):
    assistant = get_assistant()
    first = assistant.ask("爱心消费券每人多少钱", session_id="s-suggest")
    assert 2 <= len(first.suggestions) <= 3
    assert all(similarity(q, "爱心消费券每人多少钱") < 0.6 for q in first.suggestions)
    # Related to what was cited: the voucher calculator's question or the same article's.
    related = set(calculator_questions()["voucher"]) | set(catalog_questions(str(get_settings().corpus_dir))["love-vouchers-2022"])
    assert set(first.suggestions) <= related
    asked = first.suggestions[0]
    second = assistant.ask(asked, session_id="s-suggest")
    assert asked not in second.suggestions and "爱心消费券每人多少钱？" not in second.suggestions


def test_a_staff_approved_answer_is_offered_after_a_related_question(writable_indexed_home):
    assistant = get_assistant()
    assistant.store.faq_save("爱心消费券过期没花完怎么办？", "请联系所在县民政部门。",
                             [{"doc_id": "love-vouchers-2022", "quote": "发放标准为每人1500元"}])
    offered = assistant.ask("没有智能手机的特困老人怎么领爱心消费券", log=False).suggestions
    assert "爱心消费券过期没花完怎么办？" in offered


def test_declines_and_chitchat_offer_what_can_be_answered_a_follow_up_question_offers_nothing(writable_indexed_home):
    assistant = get_assistant()
    declined = assistant.ask("护照过期了怎么办", log=False)
    assert declined.declined and len(declined.suggestions) >= 2
    pending = assistant.ask("创业担保贷款展期最多到哪天？", log=False)
    assert pending.status == "needs_more_info" and pending.suggestions == []


# -- the staff worklist ----------------------------------------------------------------------
@pytest.fixture
def store(tmp_path):
    from assistant.store import Store

    s = Store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    yield s
    s.dispose()


def _log(store, aid, question, status="answered", at=0.0):
    store.log_answer({"id": aid, "question": question, "status": status, "declined": status == "declined",
                      "answer": "…", "created_at": 1000.0 + at})


def test_worklist_groups_declines_and_not_helpful_by_question_most_asked_first(store):
    _log(store, "a1", "护照怎么办理？", "declined", 1)
    _log(store, "a2", "护照怎么办理", "declined", 2)
    _log(store, "a3", "護照怎麼辦理呢", "declined", 3)
    _log(store, "b1", "爱心消费券每人多少钱", "answered", 4)
    _log(store, "b2", "爱心消费券每人多少钱？", "answered", 5)
    _log(store, "c1", "居家办公工资怎么发", "answered", 6)       # rated 有用: not on the list
    store.add_feedback("b1", -1)
    store.add_feedback("b2", -1, "没说怎么领")
    store.add_feedback("b2", -1, "电话13812345678打不通")
    store.add_feedback("c1", 1)
    groups = store.worklist_groups()
    assert [g["count"] for g in groups] == [3, 2]
    passports, vouchers = groups
    assert passports["declined"] == 3 and passports["thumbs_down"] == 0
    assert passports["question"] == "護照怎麼辦理呢" and len(passports["questions"]) == 3
    assert vouchers["thumbs_down"] == 2 and set(vouchers["answer_ids"]) == {"b1", "b2"}
    assert "没说怎么领" in vouchers["comments"]
    assert not any("13812345678" in c for c in vouchers["comments"])   # masked when stored
