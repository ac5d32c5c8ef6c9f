"""Chunks: whole sentences, bounded size, one-sentence overlap, exact spans, per article."""
from hypothesis import given, settings, strategies as st

from retrieval.chunking import MAX_CHARS, chunk_document, split_sentences
from retrieval.documents import Document


def _doc(text, doc_id="d"):
    return Document(doc_id=doc_id, title="t", publisher="p", date="2023-01-01", source="s", text=text)


SAMPLE = ("实施“创业政策扶持”计划。加快落实创业担保贷款政策，支持有条件的地方加快推行电子化审批，实行全程线上办理。"
          "提升创业担保贷款担保基金效能，简化担保手续；对符合条件的按规定免除反担保要求！\n"
          "创业担保贷款借款人因疫情影响流动性遇到暂时困难的，可申请展期还款，期限原则上不超过1年。" * 3)


def test_spans_are_exact_and_bounded():
    doc = _doc(SAMPLE)
    chunks = chunk_document(doc)
    assert len(chunks) > 1
    for c in chunks:
        assert doc.text[c.start:c.end] == c.text
        assert len(c.text) <= MAX_CHARS
        for a, b in c.sentences:
            assert c.start <= a < b <= c.end


def test_consecutive_chunks_share_one_sentence():
    chunks = chunk_document(_doc(SAMPLE))
    for prev, nxt in zip(chunks, chunks[1:]):
        assert prev.sentences[-1] == nxt.sentences[0]


def test_sentences_end_at_chinese_marks_and_line_ends():
    text = "第一句。第二句；第三句！\n第四句"
    assert [text[a:b] for a, b in split_sentences(text)] == ["第一句。", "第二句；", "第三句！", "第四句"]


def test_closing_quote_stays_with_its_sentence():
    text = "他说：“发得下、花得出。”下一句。"
    assert [text[a:b] for a, b in split_sentences(text)][0] == "他说：“发得下、花得出。”"


def test_never_across_statute_articles():
    text = "第一条 " + "本条内容很长。" * 10 + "\n第二条 " + "另一条内容。" * 10
    for c in chunk_document(_doc(text)):
        assert not ("第一条" in c.text and "第二条" in c.text)


def test_never_across_documents(indexed_home):
    from retrieval.documents import load_documents
    from retrieval.indexing import read_chunks

    index = indexed_home / "index"
    docs = {d.doc_id: d for d in load_documents(index)}
    for c in read_chunks(index):
        assert docs[c.doc_id].text[c.start:c.end] == c.text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="失业保险金发放，。；！？\n 1", min_size=0, max_size=400), min_size=1, max_size=3))
def test_any_text_chunks_into_exact_bounded_spans(parts):
    doc = _doc("".join(parts))
    for c in chunk_document(doc):
        assert doc.text[c.start:c.end] == c.text and 0 < len(c.text) <= MAX_CHARS
