"""Idempotent, incremental ingestion with an atomic swap of the index folder."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

import retrieval.ingest as ingest
from policydesk.errors import PolicydeskError
from retrieval.documents import MANIFEST_FILE, load_documents
from retrieval.ingest import ingest_corpus

from .conftest import SEED_IDS, seed_catalog

GUIDE = "sources/guide.md"
GUIDE_TEXT = "就业补贴申领指南\n\n高校毕业生可申领一次性求职创业补贴。\n"


def _statuses(report):
    return {s["source"]: s["status"] for s in report.sources}


def test_second_run_with_nothing_changed_does_nothing(make_corpus, settings, search_index_calls):
    corpus = make_corpus()
    first = ingest_corpus(settings, corpus, progress=False)
    manifest = (settings.index_dir / MANIFEST_FILE).read_text(encoding="utf-8")
    second = ingest_corpus(settings, corpus, progress=False)
    assert not first.up_to_date and second.up_to_date and second.ok
    assert "无需更新" in second.to_dict()["summary"]
    assert len(search_index_calls) == 1
    assert (settings.index_dir / MANIFEST_FILE).read_text(encoding="utf-8") == manifest


def test_manifest_records_hashes_ids_catalog_format_and_embedder(make_corpus, settings):
    ingest_corpus(settings, make_corpus(), progress=False)
    manifest = json.loads((settings.index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["format_version"] == ingest.INDEX_FORMAT_VERSION
    assert manifest["embedder"] == settings.embedder
    assert len(manifest["catalog_sha256"]) == 64
    assert manifest["sources"]["sources/seed.txt"]["doc_ids"] == SEED_IDS
    assert len(manifest["sources"]["sources/seed.txt"]["sha256"]) == 64


def test_changing_one_file_redoes_only_that_file(make_corpus, settings, search_index_calls, monkeypatch):
    corpus = make_corpus(files={GUIDE: GUIDE_TEXT})
    ingest_corpus(settings, corpus, progress=False)
    (corpus / GUIDE).write_text(GUIDE_TEXT.replace("求职创业补贴", "求职创业补贴，每人 1000 元"), encoding="utf-8")
    seen = []
    real = ingest.ingest_source
    monkeypatch.setattr(ingest, "ingest_source", lambda path, rel, *rest: seen.append(rel) or real(path, rel, *rest))
    report = ingest_corpus(settings, corpus, progress=False)
    assert seen == [GUIDE]
    assert _statuses(report) == {"sources/seed.txt": "unchanged", GUIDE: "ingested"}
    docs = load_documents(settings.index_dir)
    assert [d.doc_id for d in docs][1:] == SEED_IDS
    assert docs[0].text.endswith("每人1000元。")
    assert search_index_calls[-1]["previous_dir"] == settings.index_dir


def test_catalog_change_redoes_that_source(make_corpus, settings):
    corpus = make_corpus()
    ingest_corpus(settings, corpus, progress=False)
    catalog = seed_catalog()
    catalog["articles"][2]["title"] = "爱心消费券发放通知"
    make_catalog = corpus / "catalog.yaml"
    import yaml

    make_catalog.write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    report = ingest_corpus(settings, corpus, progress=False)
    assert _statuses(report) == {"sources/seed.txt": "ingested"}
    assert load_documents(settings.index_dir)[2].title == "爱心消费券发放通知"


def test_new_embedder_rebuilds_search_index_but_reuses_documents(make_corpus, settings, search_index_calls):
    corpus = make_corpus()
    ingest_corpus(settings, corpus, progress=False)
    report = ingest_corpus(replace(settings, embedder="st:some-model"), corpus, progress=False)
    assert not report.up_to_date
    assert len(search_index_calls) == 2
    manifest = json.loads((settings.index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["embedder"] == "st:some-model"


def test_removed_file_drops_its_documents(make_corpus, settings):
    corpus = make_corpus(files={GUIDE: GUIDE_TEXT})
    ingest_corpus(settings, corpus, progress=False)
    (corpus / GUIDE).unlink()
    ingest_corpus(settings, corpus, progress=False)
    assert [d.doc_id for d in load_documents(settings.index_dir)] == SEED_IDS


def test_failing_build_keeps_the_previous_index(make_corpus, settings, monkeypatch):
    corpus = make_corpus(files={GUIDE: GUIDE_TEXT})
    ingest_corpus(settings, corpus, progress=False)
    before = {p.name: p.read_bytes() for p in settings.index_dir.iterdir()}
    (corpus / GUIDE).write_text(GUIDE_TEXT + "\n新增一段。\n", encoding="utf-8")

    def broken_build(documents, out_dir, settings, previous_dir, progress, corpus_dir=None):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest, "build_search_index", broken_build)
    with pytest.raises(PolicydeskError) as info:
        ingest_corpus(settings, corpus, progress=False)
    assert "原有索引保持不变" in info.value.message_zh and "disk full" in info.value.message_en
    assert {p.name: p.read_bytes() for p in settings.index_dir.iterdir()} == before
    assert sorted(p.name for p in settings.index_dir.parent.iterdir()) == ["index"]


def test_run_where_nothing_can_be_ingested_keeps_the_previous_index(make_corpus, settings):
    corpus = make_corpus()
    ingest_corpus(settings, corpus, progress=False)
    (corpus / "sources" / "seed.txt").write_bytes(bytes(range(128, 256)) * 8)
    report = ingest_corpus(settings, corpus, progress=False)
    assert not report.ok
    assert [d.doc_id for d in load_documents(settings.index_dir)] == SEED_IDS


def test_interrupted_swap_is_recovered(make_corpus, settings):
    corpus = make_corpus()
    ingest_corpus(settings, corpus, progress=False)
    # Simulate a crash between "rename old away" and "rename new in".
    settings.index_dir.rename(settings.index_dir.parent / ".index.old-123-abc")
    report = ingest_corpus(settings, corpus, progress=False)
    assert report.up_to_date
    assert [d.doc_id for d in load_documents(settings.index_dir)] == SEED_IDS
