"""A PDF typeset from the seed text (two columns, new wraps) ingests to the same articles."""
from __future__ import annotations

import pytest

from retrieval.articles import split_articles
from retrieval.documents import load_documents
from retrieval.ingest import ingest_corpus
from retrieval.loaders import load_source

from .conftest import SEED_IDS, seed_catalog
from .pdfmaker import FONT, make_pdf, seed_blocks

pytestmark = pytest.mark.skipif(not FONT.exists(), reason="fonts-wqy-microhei is not installed")


@pytest.fixture
def seed_pdf(tmp_path, seed_text):
    return make_pdf(seed_blocks(seed_text), tmp_path / "seed.pdf")


def test_pdf_has_different_wraps_than_the_txt(seed_pdf, seed_text):
    raw = load_source(seed_pdf).text
    txt_lines = {line.strip() for line in seed_text.splitlines() if line.strip()}
    pdf_lines = [line.strip() for line in raw.splitlines() if line.strip()]
    assert len(pdf_lines) > 150
    assert sum(line in txt_lines for line in pdf_lines) < len(pdf_lines) / 4


def test_pdf_splits_into_the_same_four_cleaned_articles(seed_pdf, seed_text):
    from_pdf = split_articles(load_source(seed_pdf).text)
    from_txt = split_articles(seed_text)
    assert len(from_pdf) == 4
    for a, b in zip(from_pdf, from_txt):
        assert a.paragraphs == b.paragraphs
        assert (a.byline, a.source_publisher) == (b.byline, b.source_publisher)


def test_pdf_and_txt_corpora_ingest_to_identical_documents(seed_pdf, make_corpus, settings, monkeypatch, tmp_path):
    txt_corpus = make_corpus()
    pdf_corpus = make_corpus(files={"sources/seed.pdf": seed_pdf.read_bytes()}, with_seed=False,
                             catalog=seed_catalog("sources/seed.pdf"))
    assert ingest_corpus(settings, txt_corpus, progress=False).ok
    txt_docs = load_documents(settings.index_dir)
    monkeypatch.setenv("POLICYDESK_HOME", str(tmp_path / "home-pdf"))
    from policydesk.settings import Settings

    pdf_settings = Settings.from_env()
    assert ingest_corpus(pdf_settings, pdf_corpus, progress=False).ok
    pdf_docs = load_documents(pdf_settings.index_dir)
    assert [d.doc_id for d in pdf_docs] == SEED_IDS
    for p, t in zip(pdf_docs, txt_docs):
        assert p.source == "sources/seed.pdf"
        assert {**p.to_dict(), "source": ""} == {**t.to_dict(), "source": ""}
