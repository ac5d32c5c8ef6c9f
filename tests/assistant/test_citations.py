"""Calculator citations as people see them: every corpus quote carries its document's
title, publisher and date and the exact span it occupies, at any depth of the result."""
from assistant.service import get_assistant


def corpus_citations(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "citations":
                yield from (c for c in item if "doc_id" in c)
            else:
                yield from corpus_citations(item)
    elif isinstance(value, list):
        for item in value:
            yield from corpus_citations(item)


def test_calculator_citations_carry_metadata_and_the_verbatim_span(indexed_home):
    assistant = get_assistant()
    docs = assistant.documents_by_id
    result = assistant.calculate("voucher", {"category": "tekun", "date": "2023-02-10"})
    cites = list(corpus_citations(result))
    assert len(cites) >= 3 and any(c in cites for h in result["history"] for c in h["citations"])
    for c in cites:
        doc = docs[c["doc_id"]]
        assert (c["title"], c["publisher"], c["date"]) == (doc.title, doc.publisher, doc.date)
        assert doc.text[c["start"]:c["end"]] == c["quote"]
        assert c["paragraph"] == doc.paragraph_of(c["start"])


def test_statute_citations_quote_the_ingested_article_verbatim(indexed_home):
    assistant = get_assistant()
    docs = assistant.documents_by_id
    result = assistant.calculate("unemployment", {"contribution_years": 6, "involuntary": True,
                                                  "registered": True, "date": "2023-03-01"})
    statutes = [c for c in result["citations"] if "statute" in c]
    assert statutes and {c["statute"] for c in statutes} == {"《失业保险条例》"}
    for c in statutes:
        doc = docs[c["doc_id"]]
        assert doc.text[c["start"]:c["end"]] == c["quote"] and c["article"].startswith("第")
        if c.get("phrase"):
            assert c["phrase"] in c["quote"]
