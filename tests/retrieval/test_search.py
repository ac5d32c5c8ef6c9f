"""Hybrid search, declining and sentence extraction on the real ingested corpus."""
import json
import os
import subprocess
import sys

import pytest

from policydesk.settings import get_settings
from retrieval.extract import select_sentences
from retrieval.search import Searcher


@pytest.fixture
def searcher(indexed_home):
    s = Searcher.open(get_settings())
    yield s
    s.close()


def test_missing_index_is_a_clear_error():
    from policydesk.errors import IndexMissingError

    with pytest.raises(IndexMissingError) as err:
        Searcher.open(get_settings())
    assert "policydesk ingest" in err.value.message_zh


def test_passages_cite_verbatim_bounded_chunks(searcher):
    passages = searcher.search("爱心消费券每人多少钱", k=5)
    assert len(passages) == 5
    for p in passages:
        doc = searcher.documents[p.citation.doc_id]
        assert doc.text[p.citation.start:p.citation.end] == p.text == p.citation.quote
        assert len(p.text) <= 300
        d = p.to_dict()
        assert {"text", "score", "citation"} <= set(d) and d["citation"]["title"]
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_traditional_and_colloquial_queries_find_the_passage(searcher):
    top = searcher.search("愛心消費券是發給哪些人的", k=3)
    assert any("特困救助供养对象" in p.text for p in top)
    top = searcher.search("创业贷款还不上了能延期吗", k=3)
    assert any("展期" in p.text for p in top)


def test_selected_sentences_are_verbatim_short_and_answer(searcher):
    q = "创业担保贷款展期最长多久"
    passages = searcher.search(q, k=5)
    cits = select_sentences(q, passages)
    assert 1 <= len(cits) <= 3
    for c in cits:
        assert searcher.documents[c.doc_id].text[c.start:c.end] == c.quote
        assert len(c.quote) <= 200
    assert any("不超过" in c.quote and "1年" in c.quote.replace(" ", "") for c in cits)


@pytest.mark.parametrize("question", [
    "北京的消费券怎么领", "医保报销比例是多少", "养老金今年涨多少", "公租房怎么申请",
    "个税怎么退", "今天天气怎么样", "你好，讲个笑话",
    "最低工资标准是多少",  # 工资 is in the corpus, 最低工资 is not
])
def test_out_of_scope_is_declined(searcher, question):
    cov = searcher.assess(question, searcher.search(question, k=5))
    assert not cov.covered, cov


@pytest.mark.parametrize("question", [
    "爱心消费券一个人能拿多少钱", "失业保险省级统筹什么时候开始", "在家办公工资怎么算",
    "社保补贴给哪些毕业生", "居家办公的工资标准怎么定",
])
def test_in_scope_is_covered(searcher, question):
    cov = searcher.assess(question, searcher.search(question, k=5))
    assert cov.covered and 0 < cov.confidence <= 1


def test_index_survives_a_process_restart(indexed_home):
    code = ("import json; from policydesk.settings import get_settings; from retrieval.search import Searcher; "
            "s = Searcher.open(get_settings()); print(json.dumps([p.chunk_id for p in s.search('云闪付 消费券', k=3)]))")
    out = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True,
                              timeout=180)
        assert proc.returncode == 0, proc.stderr[-2000:]
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert out[0] == out[1] and len(out[0]) == 3


def test_reingest_reuses_vectors(writable_indexed_home):
    from retrieval.documents import load_documents
    from retrieval.indexing import build_search_index

    settings = get_settings()
    out = writable_indexed_home / "index-next"
    manifest = build_search_index(load_documents(settings.index_dir), out, settings, settings.index_dir)
    assert manifest["embedded_now"] == 0 and manifest["reused_vectors"] > 0


@pytest.mark.parametrize("question, reason", [
    # a topic no document mentions is what is asked, though a covered one is named too
    ("住公租房的人能领失业保险金吗", "topic_not_in_corpus"),
    # 展期…不超过1年 bounds a span of time: it states no sum of money
    ("创业担保贷款一般能借多少钱", "figure_not_stated"),
])
def test_near_misses_are_declined_for_what_they_ask(searcher, question, reason):
    cov = searcher.assess(question, searcher.search(question, k=5))
    assert not cov.covered and cov.reason == reason, cov
