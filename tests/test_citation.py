"""The citation type of the ground package and the one label function."""
from policydesk.citation import Citation, citation_label


class _Doc:
    doc_id, title, publisher, date, source = "d", "标题", "山西晚报", "2022-12-29", "sources/x.txt"
    text = "第一段。\n第二段有引文。"


def test_plain_citation_keeps_the_contract_keys_only():
    c = Citation.for_span(_Doc(), 5, 12)
    assert c.quote == "第二段有引文。" and c.paragraph == 1
    assert set(c.to_dict()) == {"doc_id", "title", "publisher", "date", "quote", "start", "end", "paragraph", "source"}
    assert citation_label(c) == "《标题》（山西晚报，2022-12-29）"
    assert Citation.from_dict(c.to_dict()) == c


def test_statute_label_names_article_version_date_and_event():
    c = {"statute": "《劳动合同法》", "article": "第四十七条", "version_date": "2012-12-28", "version_event": "修正"}
    assert citation_label(c) == "《劳动合同法》第四十七条（2012-12-28 修正）"
    assert citation_label({**c, "version_event": None}) == "《劳动合同法》第四十七条（2012-12-28）"
