"""With a law library loaded, the project corpus keeps what a corpus-only index gives it:
its clause vectors (search scores a chunk partly by its best clause, and answers quote the
sentences they pick by them), reused from the vector cache the corpus build filled."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from policydesk.settings import get_settings
from retrieval.indexing import SENTENCE_SPANS, read_search_manifest
from retrieval.library_ingest import ingest_library
from retrieval.parallel import LocalExecutor
from retrieval.search import Searcher

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "library"

pytestmark = pytest.mark.slow


def test_the_project_corpus_keeps_its_clause_vectors_next_to_the_library(built_home, monkeypatch):
    corpus_index = built_home / "index"
    corpus_chunks = read_search_manifest(corpus_index)["chunks"]
    settings = get_settings()
    report = ingest_library(settings, FIXTURE, executor=LocalExecutor(), dense_limit=corpus_chunks,
                            progress=False)
    assert report.ok and report.library_documents > 20
    # the corpus build embedded them all: nothing embedded again
    assert report.dense["clauses_embedded_now"] == 0 and report.dense["embedded_now"] == 0

    searcher = Searcher.open(settings)
    corpus_spans = {tuple(s) for s in json.loads((corpus_index / SENTENCE_SPANS).read_text(encoding="utf-8"))}
    assert set(searcher.sentence_vectors) == corpus_spans        # every corpus clause, no library one
    assert not any(searcher.documents[d].work for d, _, _ in searcher.sentence_vectors)

    monkeypatch.setenv("POLICYDESK_HOME", str(built_home))
    alone = Searcher.open(get_settings())
    try:
        # a statute question asked of the corpus alone and with the library: the same
        # passage leads, scored the same way (best clause included)
        for q in ("试用期最长可以约定多久", "工伤认定申请的时限是多少", "经济补偿按什么标准支付"):
            mine, theirs = searcher.search(q, k=3), alone.search(q, k=3)
            assert mine[0].chunk_id == theirs[0].chunk_id, (q, mine[0].text[:40], theirs[0].text[:40])
            assert mine[0].dense_score == pytest.approx(theirs[0].dense_score, abs=1e-4)
    finally:
        alone.close()
        searcher.close()
