"""Validity of the seed articles (set in corpus/catalog.yaml where the text gives a date)
reaches citizens' answers; retiring a document flags the 口径库 entries that cite it."""
from __future__ import annotations


def _ask(api, question: str, today: str) -> dict:
    r = api.post("/api/ask", json={"question": question, "today": today})
    assert r.status_code == 200, r.text
    return r.json()


def test_the_2022_voucher_round_is_said_to_have_ended_in_the_first_line(api):
    question = "特困人员的爱心消费券每人多少钱？"
    late = _ask(api, question, "2026-12-01")
    assert "love-vouchers-2022" in {c["doc_id"] for c in late["citations"]}, late["answer"]
    first = late["answer"].split("\n", 1)[0]
    assert "已结束" in first and "2023年2月" in first, late["answer"]
    # during the round the same question is answered as current
    during = _ask(api, question, "2023-01-10")
    assert "love-vouchers-2022" in {c["doc_id"] for c in during["citations"]}
    assert "已结束" not in during["answer"].split("\n", 1)[0], during["answer"]


def test_seed_articles_carry_validity_only_where_the_text_gives_it(api):
    rows = {d["doc_id"]: d for d in api.get("/api/staff/docs", params={"today": "2026-12-01"}).json()["documents"]}
    assert rows["love-vouchers-2022"]["valid_until"] == "2023-02-28" and rows["love-vouchers-2022"]["status_zh"] == "已失效"
    assert rows["unemployment-pooling-2023"]["valid_from"] == "2023-01-01"
    assert rows["unemployment-pooling-2023"]["status_zh"] == "已发布"
    for open_ended in ("entrepreneurship-action-2022", "court-stable-employment-2022"):
        assert rows[open_ended]["valid_from"] == rows[open_ended]["valid_until"] == ""


def test_retiring_a_document_flags_the_approved_answers_citing_it(api):
    from assistant.service import get_assistant

    store = get_assistant().store
    citation = {"doc_id": "love-vouchers-2022", "title": "爱心消费券", "quote": "每人1500元"}
    kept = store.faq_save("创业担保贷款能展期吗？", "可以展期。", [{"doc_id": "entrepreneurship-action-2022"}],
                          author="wang.clerk")
    flagged = store.faq_save("爱心消费券发多少？", "每人1500元。", [citation], author="wang.clerk")
    r = api.post("/api/staff/docs/love-vouchers-2022/retire", json={"reason": "本轮发放已结束"})
    assert r.status_code == 200 and r.json()["status"] == "retired", r.text
    review = {e["id"]: e["review"] for e in store.faq_list()}
    flagged_id = flagged if isinstance(flagged, str) else flagged["id"]
    kept_id = kept if isinstance(kept, str) else kept["id"]
    assert [x["doc_id"] for x in review[flagged_id]] == ["love-vouchers-2022"]
    assert "撤下" in review[flagged_id][0]["reason"] and review[flagged_id][0]["flagged_by"] == "wang.clerk"
    assert review[kept_id] == []
    # a citizen asking now is not given the retired article, nor the approved answer built on it
    body = _ask(api, "爱心消费券每人多少钱？", "2023-01-10")
    assert "love-vouchers-2022" not in {c["doc_id"] for c in body["citations"]}
    assert "1500" not in body["answer"], body["answer"]
    actions = [a["action"] for a in store.audit_list(actor="wang.clerk")]
    assert "doc_retire" in actions and "faq_flag_review" in actions
