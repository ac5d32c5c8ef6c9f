"""Statute wording shown to people is cut from the ingested corpus: every rule reference
resolves to a verbatim span of the statute in force on the day asked."""
from __future__ import annotations

from datetime import date

from assistant.citations import resolve_statute, statutes_by_name
from calculators.rules import all_references
from policydesk.citation import citation_label
from retrieval.documents import load_documents


def _statutes(home):
    docs = {d.doc_id: d for d in load_documents(home / "index")}
    return docs, statutes_by_name(docs)


def test_every_rule_reference_resolves_to_a_verbatim_quote_of_the_ingested_statute(built_home):
    docs, statutes = _statutes(built_home)
    refs = [(where, r) for where, r in all_references() if "statute" in r]
    assert refs
    for where, ref in refs:
        c = resolve_statute(ref, statutes, date(2024, 6, 1))
        assert c.get("quote"), f"{where}: {ref} not found in the ingested statutes"
        doc = docs[c["doc_id"]]
        assert doc.text[c["start"]:c["end"]] == c["quote"]
        assert (c["statute"], c["article"]) == (ref["statute"], ref["article"])
        if ref.get("phrase"):
            assert c["quote"] == ref["phrase"]
        assert c["kind"] and c["version_date"]
        assert bool(c.get("chapter")) == ("第一章" in doc.text), f"{where}: chapter {c.get('chapter')}"


def test_a_whole_article_is_quoted_without_its_number_and_labelled_with_its_version(built_home):
    _docs, statutes = _statutes(built_home)
    c = resolve_statute({"statute": "《劳动合同法》", "article": "第四十七条"}, statutes, date(2024, 6, 1))
    assert c["quote"].startswith("经济补偿按劳动者在本单位工作的年限")
    assert c["chapter"] == "第四章 劳动合同的解除和终止" and c["kind"] == "法律"
    assert citation_label(c) == "《劳动合同法》第四十七条（2012-12-28 修正）"


def test_an_unknown_article_or_phrase_stays_a_bare_reference(built_home):
    _docs, statutes = _statutes(built_home)
    missing = {"statute": "《劳动合同法》", "article": "第九百条"}
    assert resolve_statute(missing, statutes) == missing
    retyped = {"statute": "《失业保险条例》", "article": "第十七条", "phrase": "累计缴费满1年不足5年的"}
    assert "quote" not in resolve_statute(retyped, statutes)


def test_the_calculator_through_the_assistant_quotes_the_corpus(indexed_home):
    from assistant.service import get_assistant

    result = get_assistant().calculate("unemployment", {"contribution_years": 6, "involuntary": True,
                                                        "registered": True}, date(2024, 6, 1))
    statutes = [c for c in result["citations"] if c.get("statute")]
    assert {c["article"] for c in statutes} >= {"第十四条", "第十七条"}
    assert all(c.get("quote") and c.get("doc_id") for c in statutes)
    assert any("累计缴费时间满5年不足10年的，领取失业保险金的期限最长为18个月" in c["quote"] for c in statutes)
